package eqaug.apps.experiments;

import eqaug.data.Dataset;
import eqaug.data.ImageClassification;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Experiment 2 (App. C.2): translation-invariant classification of 14 x 14 images. Z_14 x Z_14 acts by
 * cyclic shifts on 1 -> 32 -> 32 channels (leaky ReLU), a pooling layer maps to R^32 (trivial action),
 * then tanh, batch norm, dense 32 -> 10 and softmax cross-entropy on the logits.
 */
public final class TranslationExperiment {
  public static final int SIDE = 14;

  private TranslationExperiment() {}

  public static Architecture architecture(int n) {
    return PaperNetworks.translation(n);
  }

  public static Experiment create(MnistSource.Files2 files, String dataset, int samples) {
    Dataset data = ImageClassification.load(dataset, files.images(), files.labels(), 2 * SIDE, 10, samples);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("source", files.description());
    stats.put("images_file", files.images().toString());
    stats.put("labels_file", files.labels().toString());
    stats.put("images", data.size());
    stats.put("size", SIDE + "x" + SIDE + " (28x28 by 2x2 area means)");
    double[] perClass = new double[10];
    for (int i = 0; i < data.size(); i++) {
      for (int c = 0; c < 10; c++) {
        perClass[c] += data.targets()[i * 10 + c];
      }
    }
    List<Double> fractions = new java.util.ArrayList<>();
    for (double c : perClass) {
      fractions.add(c / data.size());
    }
    stats.put("class_fractions", fractions);
    return new Experiment("trans", "Experiment 2: translation-invariant classification (Z_14 x Z_14, " + dataset + ")",
        architecture(SIDE), data, stats);
  }
}
