package eqaug.apps.experiments;

import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.train.RandomStreams;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Experiment 3 (App. C.3): rotation-equivariant segmentation. C4 acts by 90° rotations on every space:
 * 1 -> 32 -> 32 -> 16 -> 2 channels of R^{14 x 14} with leaky ReLU between, batch norm before the sigmoid,
 * and the pixelwise BCE of each mask (pentagon, triangle), summed.
 */
public final class RotationExperiment {
  public static final int SIDE = 14;
  public static final int IMAGES = 3000;

  private RotationExperiment() {}

  public static Architecture architecture(int n) {
    return PaperNetworks.rotation(n);
  }

  public static Experiment create(int images, long seed) {
    Dataset data = Shapes.generate(images, SIDE, new RandomStreams(seed).data());
    int px = SIDE * SIDE;
    int pentagons = 0;
    double maskPixels = 0;
    for (int i = 0; i < data.size(); i++) {
      double pent = 0;
      for (int p = 0; p < 2 * px; p++) {
        maskPixels += data.targets()[i * 2 * px + p];
        if (p < px) {
          pent += data.targets()[i * 2 * px + p];
        }
      }
      if (pent > 0) {
        pentagons++;
      }
    }
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("source", "synthetic shapes generated from the seed (regular pentagon or equilateral triangle, "
        + "radius U[0.7, 0.8] on the canvas [-1, 1]^2, " + Shapes.SUPERSAMPLING + "^2 samples per pixel)");
    stats.put("images", data.size());
    stats.put("size", SIDE + "x" + SIDE);
    stats.put("fraction_pentagons", (double) pentagons / data.size());
    stats.put("mean_mask_pixels_per_image", maskPixels / data.size());
    return new Experiment("rot", "Experiment 3: rotation-equivariant segmentation (C4)", architecture(SIDE), data, stats);
  }
}
