package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.Backend;
import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;
import eqaug.space.FieldSpace;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
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
    SymmetricGroup g = new SymmetricGroup(n);
    FieldSpace adjacency = new FieldSpace(g.onTensors(2), 1);
    FieldSpace hidden = new FieldSpace(g.onTensors(2), 32);
    FieldSpace pooled = new FieldSpace(g.trivialAction(1), 64);
    FieldSpace dense = new FieldSpace(g.trivialAction(1), 32);
    FieldSpace out = new FieldSpace(g.trivialAction(1), 1);
    List<Stage> stages = List.of(
        new Linear("rho1", adjacency, hidden, Init.gaussian(1 / (n * Math.sqrt(32)))),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(1 / Math.sqrt(64))),
        Activation.leakyRelu(),
        new BatchNorm("bn", 64, 1),
        new Linear("dense1", pooled, dense, Init.gaussian(n / 64.0)),
        Activation.leakyRelu(),
        new Linear("dense2", dense, out, Init.gaussian(n / 32.0)));
    Architecture arch = new Architecture("perm", adjacency, -0.5f, stages, new Loss.SigmoidBce(1, 1));
    Dataset data = BlockErdosRenyi.generate(45, n, 0.5, 0.05, new RandomStreams(3).data());
    compare(arch, data);
  }

  @Test
  void translationExperiment() {
    int n = 6;
    TranslationGroup g = new TranslationGroup(n);
    FieldSpace image = new FieldSpace(g.onGrid(), 1);
    FieldSpace hidden = new FieldSpace(g.onGrid(), 32);
    FieldSpace pooled = new FieldSpace(g.trivialAction(1), 32);
    FieldSpace classes = new FieldSpace(g.trivialAction(1), 10);
    List<Stage> stages = List.of(
        new Linear("rho1", image, hidden, Init.gaussian(1.0 / n)),
        Activation.leakyRelu(),
        new Linear("rho2", hidden, hidden, Init.gaussian(1.0 / (n * Math.sqrt(32)))),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(1 / Math.sqrt(32))),
        Activation.tanh(),
        new BatchNorm("bn", 32, 1),
        new Linear("dense", pooled, classes, Init.gaussian(n / 32.0)));
    Architecture arch = new Architecture("trans", image, -0.5f, stages, new Loss.SoftmaxCrossEntropy(10));
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
    RotationGroup g = new RotationGroup(n);
    int[] channels = {1, 32, 32, 16, 2};
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i + 1 < channels.length; i++) {
      FieldSpace in = new FieldSpace(g.onGrid(), channels[i]);
      FieldSpace out = new FieldSpace(g.onGrid(), channels[i + 1]);
      stages.add(new Linear("rho" + (i + 1), in, out, Init.gaussian(1 / (n * Math.sqrt(channels[i])))));
      if (i + 2 < channels.length) {
        stages.add(Activation.leakyRelu());
      }
    }
    stages.add(new BatchNorm("bn", 2, n * n));
    Architecture arch = new Architecture("rot", new FieldSpace(g.onGrid(), 1), -0.5f, stages, new Loss.SigmoidBce(2, n * n));
    compare(arch, Shapes.generate(35, n, new RandomStreams(7).data()));
  }

  private static void compare(Architecture arch, Dataset data) {
    TestDevice.get();
    Backend gpu = Backend.find("opencl");
    assertTrue(gpu instanceof OpenClBackend, "the SPI finds the OpenCL backend");
    float[] a0 = Initializer.initialParameters(new ParameterLayout(arch), new SplittableRandom(11));
    try (TrainingEngine cpu = new CpuBackend().open(arch, data, CFG, 1);
         TrainingEngine dev = gpu.open(arch, data, CFG, 1)) {
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
          }
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
