package eqaug.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eqaug.group.RotationGroup;
import eqaug.kernel.VectorKernels;
import eqaug.space.FieldSpace;
import eqaug.train.Initializer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Several mini-batches in one network step (the trainer's way to get large matrix products) must give the
 * mini-batch losses and the summed mini-batch gradients of separate steps: batch norm statistics and loss
 * means are per mini-batch, so a step over 3.5 mini-batches is not one step over their union.
 */
class SegmentedStepTest {
  private static Architecture arch() {
    RotationGroup g = new RotationGroup();
    FieldSpace in = new FieldSpace(g.onGrid(4), 1);
    FieldSpace mid = new FieldSpace(g.onGrid(4), 3);
    FieldSpace out = new FieldSpace(g.onGrid(4), 2);
    return new Architecture("seg", in, -0.5f, List.of(
        new Linear("l1", in, mid, Init.gaussian(0.5)),
        Activation.leakyRelu(),
        new BatchNorm("bn1", 3, 16),
        new Linear("l2", mid, out, Init.gaussian(0.5)),
        new BatchNorm("bn2", 2, 16)), new Loss.SigmoidBce(2, 16));
  }

  @Test
  void segmentedStepEqualsSeparateMiniBatchSteps() {
    Architecture arch = arch();
    int batch = 4;
    int rows = 14; // 3 full mini-batches and one of 2
    SplittableRandom rng = new SplittableRandom(5);
    float[] x = new float[rows * 16];
    float[] y = new float[rows * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = rng.nextBoolean() ? 1 : 0;
    }
    try (VectorKernels k = new VectorKernels(2)) {
      Network whole = new Network(arch, k, rows);
      Network single = new Network(arch, k, batch);
      float[] a = Initializer.initialParameters(whole.layout(), new SplittableRandom(9));
      for (int i = 0; i < whole.layout().linearSize(); i++) {
        a[i] += (float) (0.1 * rng.nextGaussian()); // leave E so that nothing is symmetric by accident
      }
      float[] gWhole = new float[a.length];
      float[] gSingle = new float[a.length];
      LossTally tWhole = new LossTally();
      LossTally tSingle = new LossTally();
      whole.step(a, x, 0, y, 0, rows, batch, gWhole, 0.25f, tWhole);
      for (int from = 0; from < rows; from += batch) {
        int len = Math.min(batch, rows - from);
        single.step(a, x, from * 16, y, from * 32, len, gSingle, 0.25f, tSingle);
      }
      assertEquals(tSingle.loss(), tWhole.loss(), 1e-6 * Math.abs(tSingle.loss()));
      assertEquals(tSingle.accuracy(), tWhole.accuracy(), 0.0);
      double scale = 0;
      for (float v : gSingle) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < a.length; i++) {
        assertEquals(gSingle[i], gWhole[i], 1e-5 * scale, "gradient entry " + i);
      }
    }
  }
}
