package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.Backend;
import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.tornado.cl.ClContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each experiment's architecture (as eqaug.apps builds it, at a smaller grid) trained on the device and on the
 * CPU from the same A^0 with the same group draws: every epoch's record agrees within 1e-3 relative, for all
 * three strategies. The device comes through the core SPI, as the command line finds it.
 */
class ExperimentParityTest {
  private static final TrainConfig CFG = new TrainConfig(2, 0.05, 10, 2);
  private static final double TOL = 1e-3;

  @Test
  void permutationExperiment() {
    int n = 6;
    Architecture arch = PaperNetworks.permutation(n);
    Dataset data = BlockErdosRenyi.generate(45, n, 0.5, 0.05, new RandomStreams(3).data());
    compare(arch, data);
  }

  @Test
  void translationExperiment() {
    int n = 6;
    Architecture arch = PaperNetworks.translation(n);
    SplittableRandom rng = new SplittableRandom(5);
    int size = 40;
    float[] x = new float[size * n * n];
    float[] y = new float[size * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextFloat();
    }
    for (int s = 0; s < size; s++) {
      y[s * 10 + rng.nextInt(10)] = 1;
    }
    compare(arch, new Dataset("random images", x, y, size, n * n, 10));
  }

  @Test
  void rotationExperiment() {
    int n = 6;
    Architecture arch = PaperNetworks.rotation(n);
    compare(arch, Shapes.generate(35, n, new RandomStreams(7).data()));
  }

  /**
   * The paths a device without cl_khr_fp64 takes (reductions and statistics in float), with the group draws
   * uploaded one pass at a time (N_aug 3 here), on the experiment whose targets move with g too.
   */
  @Test
  void rotationExperimentWithFloatReductionsAndOneUploadPerPass() {
    int n = 6;
    Architecture arch = PaperNetworks.rotation(n);
    Dataset data = Shapes.generate(35, n, new RandomStreams(7).data());
    TrainConfig cfg = new TrainConfig(2, 0.05, 10, 3);
    ClContext ctx = new ClContext(TestDevice.get());
    try {
      DeviceKernels k = new DeviceKernels(ctx, GemmChoice.Policy.FP32, false);
      assertEquals(4, k.accBytes());
      // One pass of draws is 4 mini-batches x (36 + 72) ints.
      DeviceEngine engine = new DeviceEngine(k, arch, data, cfg, 4L * 4 * (36 + 72));
      compare(arch, data, cfg, OpenClBackend.engine(ctx, k, engine, cfg));
    } catch (RuntimeException | Error e) {
      ctx.close();
      throw e;
    }
  }

  /**
   * Issue 12's per-epoch work on the device: the penalty's gradient γ Pi_E-perp A (on the host from read-back
   * buffers) and the gradient's E-perp part, with exact augmentation over C4 (one upload per element).
   */
  @Test
  void rotationExperimentWithExactAugmentationAndAPenalty() {
    int n = 6;
    Architecture arch = PaperNetworks.rotation(n);
    Dataset data = Shapes.generate(35, n, new RandomStreams(7).data());
    TrainConfig cfg = new TrainConfig(3, 0.05, 10, 2, 10, eqaug.train.Augmentation.HAAR.exactly(true));
    TestDevice.get();
    compare(arch, data, cfg, Backend.find("opencl").open(arch, data, cfg, 1));
  }

  private static void compare(Architecture arch, Dataset data) {
    TestDevice.get();
    Backend gpu = Backend.find("opencl");
    assertTrue(gpu instanceof OpenClBackend, "the SPI finds the OpenCL backend");
    compare(arch, data, CFG, gpu.open(arch, data, CFG, 1));
  }

  private static void compare(Architecture arch, Dataset data, TrainConfig cfg, TrainingEngine device) {
    float[] a0 = Initializer.initialParameters(ParameterLayout.of(arch), new SplittableRandom(11));
    try (TrainingEngine cpu = new CpuBackend().open(arch, data, cfg, 1); TrainingEngine dev = device) {
      for (Strategy s : Strategy.values()) {
        List<EpochRecord> expected = new ArrayList<>();
        List<EpochRecord> actual = new ArrayList<>();
        cpu.train(0, s, a0, new SplittableRandom(13), expected::add);
        dev.train(0, s, a0, new SplittableRandom(13), actual::add);
        assertEquals(expected.size(), actual.size(), arch.name() + " " + s + ": epochs recorded");
        for (int e = 0; e < expected.size(); e++) {
          EpochRecord c = expected.get(e);
          EpochRecord d = actual.get(e);
          String where = arch.name() + " " + s + " epoch " + e + " ";
          close(c.loss(), d.loss(), where + "loss");
          close(c.accuracy(), d.accuracy(), where + "accuracy");
          for (int l = 0; l < c.distInit().length; l++) {
            close(c.distInit()[l], d.distInit()[l], where + c.layers().get(l) + " ||A-A0||");
            close(c.distE()[l], d.distE()[l], where + c.layers().get(l) + " ||A-Pi_E A||");
            assertEquals(Double.isNaN(c.gradDistE()[l]), Double.isNaN(d.gradDistE()[l]), where + "grad_E_perp recorded");
            if (!Double.isNaN(c.gradDistE()[l])) {
              close(c.gradDistE()[l], d.gradDistE()[l], where + c.layers().get(l) + " ||Pi_E-perp grad||");
            }
          }
          close(c.penalty(), d.penalty(), where + "penalty");
        }
      }
    }
  }

  private static void close(double expected, double actual, String what) {
    double scale = Math.max(Math.abs(expected), Math.abs(actual));
    assertTrue(Math.abs(expected - actual) <= TOL * scale + 1e-6,
        what + ": cpu " + expected + ", device " + actual);
  }
}
