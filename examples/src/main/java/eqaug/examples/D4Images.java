package eqaug.examples;

import eqaug.data.Dataset;
import eqaug.group.GeneratedAction;
import eqaug.group.GroupChecks;
import eqaug.group.PermutationAction;
import eqaug.group.PermutationGroup;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.space.FieldSpace;
import eqaug.study.Study;
import eqaug.study.StudyResults;
import eqaug.train.EpochRecord;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * eqaug as a library (README, "Use eqaug as a library"): a group the paper does not use, D4 on 8x8 images,
 * built from its two generators; a small network on it; an invariant task; the paper's three strategies
 * (§5) trained from one A^0; and where each ends, ||A - A^0|| and ||A_E-perp|| (Theorem 4.1 says
 * EQUIVARIANT stays in E).
 */
public final class D4Images {
  private D4Images() {}

  /** D4, the square's symmetries on its corners, acting on 8x8 images by a quarter turn and a transpose. */
  public static PermutationAction d4OnImages() {
    PermutationGroup d4 = PermutationGroup.of("D4", 4, new int[] {1, 2, 3, 0}, new int[] {0, 3, 2, 1});
    int[] quarter = new int[64];
    int[] transpose = new int[64];
    for (int p = 0; p < 64; p++) { // pixel (i, j) = p moves to quarter[p] and transpose[p]
      quarter[p] = (p % 8) * 8 + 7 - p / 8;
      transpose[p] = (p % 8) * 8 + p / 8;
    }
    PermutationAction image = new GeneratedAction(d4, 64, List.of(quarter, transpose), "on 8x8 images");
    GroupChecks.checkHomomorphism(image, new SplittableRandom(1), 100); // throws, saying why, if not one
    return image;
  }

  /** 1 -> 8 channels of R^64 (leaky ReLU), pooled to 16 invariant features (tanh), then one logit. */
  public static Architecture network(PermutationAction image) {
    FieldSpace in = new FieldSpace(image, 1);
    FieldSpace hidden = new FieldSpace(image, 8);
    FieldSpace pooled = new FieldSpace(image.group().trivialAction(1), 16);
    FieldSpace out = new FieldSpace(image.group().trivialAction(1), 1);
    return new Architecture("d4-images", in, -0.5f, List.of(
        new Linear("conv", in, hidden, Init.gaussian(1 / 8.0)), Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(1 / Math.sqrt(8 * 64))), Activation.tanh(),
        new Linear("dense", pooled, out, Init.gaussian(1 / 4.0))), new Loss.SigmoidBce(1, 1));
  }

  /** Random 0/1 images, labelled 1 when over half of the central 4x4 block is lit: a D4-invariant label. */
  public static Dataset centreTask(RandomGenerator rng, int size) {
    float[] x = new float[size * 64];
    float[] y = new float[size];
    for (int s = 0; s < size; s++) {
      int centre = 0;
      for (int p = 0; p < 64; p++) {
        x[s * 64 + p] = rng.nextBoolean() ? 1 : 0;
        centre += p / 8 >= 2 && p / 8 < 6 && p % 8 >= 2 && p % 8 < 6 ? (int) x[s * 64 + p] : 0;
      }
      y[s] = centre > 8 ? 1 : 0;
    }
    return new Dataset("centre-of-8x8", x, y, size, 64, 1);
  }

  /** The three strategies of §5 from one A^0 (a study of one run): each one's record of its last epoch. */
  public static Map<Strategy, EpochRecord> train(Architecture arch, Dataset data, TrainConfig cfg, long seed) {
    StudyResults results = new Study(arch, data, cfg, 1, seed).run();
    Map<Strategy, EpochRecord> last = new EnumMap<>(Strategy.class);
    Study.ALL_STRATEGIES.forEach(s -> last.put(s, results.record(0, s, cfg.epochs())));
    return last;
  }

  /** The whole example with one seed: the group, the task, and one line per strategy. */
  public static void run(long seed, PrintStream out) {
    PermutationAction image = d4OnImages();
    Dataset data = centreTask(new RandomStreams(seed).data(), 256);
    out.printf(Locale.ROOT, "group %s of order %d; action %s; %d images, %.0f%% labelled 1%n", image.group().name(),
        image.group().order(), image.describe(), data.size(), 100 * data.meanTarget());
    train(network(image), data, new TrainConfig(40, 0.5, 32, 4), seed).forEach((s, r) -> out.printf(Locale.ROOT,
        "%-11s ||A-A0|| = %.4e  ||A_E-perp|| = %.4e  loss = %.4f  accuracy = %.3f%n",
        s, r.totalDistInit(), r.totalDistE(), r.loss(), r.accuracy()));
  }

  /** {@code D4Images [seed]}: seed 1 unless given. */
  public static void main(String[] args) {
    if (args.length > 1 || (args.length == 1 && !args[0].matches("-?[0-9]{1,18}"))) {
      System.err.println("usage: D4Images [seed] (one whole number; got " + String.join(" ", args) + ")");
      System.exit(2);
    }
    run(args.length == 0 ? 1 : Long.parseLong(args[0]), System.out);
  }
}
