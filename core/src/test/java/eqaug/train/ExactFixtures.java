package eqaug.train;

import static org.junit.jupiter.api.Assertions.assertFalse;

import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.group.PermutationAction;
import eqaug.group.RotationGroup;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;
import eqaug.random.SplitMix64;
import eqaug.space.FieldSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Small problems for the tests of exact augmentation, the penalty and perturbations (issue 12): a C4 network
 * built as Experiment 3's (PaperNetworks.rotation) with 1 -> 4 -> 4 -> 2 channels on a small grid, and
 * Experiment 1's S_4 network on block Erdős–Rényi graphs; helpers that train one part and keep every epoch.
 */
final class ExactFixtures {
  private ExactFixtures() {}

  /** Unit roundoff of float32 (half an ulp of 1): |fl(x) - x| <= U32 |x|. */
  static final double U32 = 0x1p-24;

  /** A network, its data and mini-batch size. */
  record Problem(String name, Architecture arch, Dataset data, int batch) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Experiment 3's network shape (App. C.3) with 1 -> 4 -> 4 -> 2 channels on an n x n grid. */
  static Architecture tinyRotation(int n) {
    RotationGroup g = new RotationGroup();
    PermutationAction grid = g.onGrid(n);
    int[] channels = {1, 4, 4, 2};
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i + 1 < channels.length; i++) {
      FieldSpace in = new FieldSpace(grid, channels[i]);
      FieldSpace out = new FieldSpace(grid, channels[i + 1]);
      stages.add(new Linear("rho" + (i + 1), in, out, Init.gaussian(1 / (n * Math.sqrt(channels[i])))));
      if (i + 2 < channels.length) {
        stages.add(Activation.leakyRelu());
      }
    }
    stages.add(new BatchNorm("bn", 2, n * n));
    return new Architecture("rot-tiny", new FieldSpace(grid, 1), -0.5f, stages, new Loss.SigmoidBce(2, n * n));
  }

  /** C4 on 5 x 5 images: 16 random images with random masks, mini-batches of 6 (the last one shorter). */
  static Problem rotation() {
    Architecture arch = tinyRotation(5);
    return new Problem("C4", arch, randomData(arch, 16, 31), 6);
  }

  /** S_4 on 4 x 4 adjacency matrices (Experiment 1's network): 24 block Erdős–Rényi graphs, mini-batches of 10. */
  static Problem permutation() {
    Architecture arch = PaperNetworks.permutation(4);
    return new Problem("S4", arch, BlockErdosRenyi.generate(24, 4, 0.7, 0.2, new SplitMix64(32)), 10);
  }

  /** size samples with inputs uniform on [0, 1) and random 0/1 targets (or one-hot labels for softmax). */
  static Dataset randomData(Architecture arch, int size, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int in = arch.input().dim();
    int out = arch.output().dim();
    float[] x = new float[size * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
    }
    float[] y = new float[size * out];
    if (arch.loss() instanceof Loss.SoftmaxCrossEntropy) {
      for (int s = 0; s < size; s++) {
        y[s * out + rng.nextInt(out)] = 1;
      }
    } else {
      for (int i = 0; i < y.length; i++) {
        y[i] = rng.nextBoolean() ? 1 : 0;
      }
    }
    return new Dataset(arch.name(), x, y, size, in, out);
  }

  /** The §5 A^0 (Initializer: Gaussian, projected onto E, so every orbit's entries are equal floats). */
  static float[] startInE(Architecture arch, long seed) {
    return Initializer.initialParameters(ParameterLayout.of(arch), new SplitMix64(seed));
  }

  /** One part's records and A at every epoch. */
  record Trajectory(List<EpochRecord> records, List<double[]> params) {
    EpochRecord last() {
      return records.get(records.size() - 1);
    }
  }

  static Trajectory train(Problem p, TrainConfig cfg, Strategy s, Precision precision, float[] a0,
      RandomGenerator draws) {
    try (TrainingEngine e = new CpuBackend().open(p.arch(), p.data(), cfg, 1, precision)) {
      return train(e, s, a0, draws);
    }
  }

  static Trajectory train(TrainingEngine e, Strategy s, float[] a0, RandomGenerator draws) {
    List<EpochRecord> records = new ArrayList<>();
    List<double[]> params = new ArrayList<>();
    RunOutcome o = e.train(0, s, a0, draws, listener(records, params));
    assertFalse(o.diverged(), s + " diverged: " + o.divergence());
    return new Trajectory(records, params);
  }

  static TrainingListener listener(List<EpochRecord> records, List<double[]> params) {
    return new TrainingListener() {
      @Override
      public void onEpoch(EpochRecord r) {
        records.add(r);
      }

      @Override
      public boolean wantsParameters(int epoch) {
        return true;
      }

      @Override
      public void onParameters(int epoch, double[] a) {
        params.add(a);
      }
    };
  }

  /** ||v|| over the linear layers (batch-norm parameters excluded, as the distances are). */
  static double linearNorm(ParameterLayout layout, double[] v) {
    double s = 0;
    for (int i = 0; i < layout.linearSize(); i++) {
      s += v[i] * v[i];
    }
    return Math.sqrt(s);
  }

  static double linearDistance(ParameterLayout layout, double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < layout.linearSize(); i++) {
      s += (u[i] - v[i]) * (u[i] - v[i]);
    }
    return Math.sqrt(s);
  }

  static double[] widen(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
