package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.data.Dataset;
import eqaug.group.RotationGroup;
import eqaug.kernel.Kernels;
import eqaug.kernel.ScalarKernels;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run is a function of its seed (DESIGN, Determinism): whole Trainer runs of all three strategies give
 * bit-identical epoch records and final parameters on 1, 2 and 3 threads; EQUIVARIANT stays exactly in E;
 * all strategies start from the same A^0; the scalar kernels compute the same function to float precision.
 */
class TrainerDeterminismTest {
  private static final int N = 8;
  private static final int SIZE = 32;
  private static final int BATCH = 16;
  private static final TrainConfig CFG = new TrainConfig(3, 0.02, BATCH, 2);

  /** C4 on 8 x 8: 1 -> 4 -> 4 channels (rho), BN(4 x 64), pool to 4 trivial channels, tanh, BN(4), dense 4 -> 2. */
  private static Architecture arch() {
    RotationGroup c4 = new RotationGroup();
    FieldSpace in = new FieldSpace(c4.onGrid(N), 1);
    FieldSpace h = new FieldSpace(c4.onGrid(N), 4);
    FieldSpace pooled = new FieldSpace(c4.trivialAction(1), 4);
    FieldSpace out = new FieldSpace(c4.trivialAction(1), 2);
    return new Architecture("c4-8x8", in, -0.5f, List.of(
        new Linear("conv1", in, h, Init.gaussian(1.0 / N)),
        Activation.leakyRelu(),
        new BatchNorm("bn1", 4, N * N),
        new Linear("conv2", h, h, Init.gaussian(1.0 / (2 * N))),
        Activation.leakyRelu(),
        new Linear("pool", h, pooled, Init.gaussian(0.25)),
        Activation.tanh(),
        new BatchNorm("bn2", 4, 1),
        new Linear("dense", pooled, out, Init.gaussian(0.5))),
        new Loss.SoftmaxCrossEntropy(2));
  }

  private static Dataset data;

  @BeforeAll
  static void makeData() {
    SplittableRandom rng = new SplittableRandom(600);
    data = new Dataset("random", Fixtures.uniform(rng, SIZE * N * N), Fixtures.oneHot(rng, SIZE, 2), SIZE, N * N, 2);
  }

  /** The records and final parameters of the three strategies from one A^0 with the given kernels. */
  private record Runs(Map<Strategy, List<EpochRecord>> records, Map<Strategy, float[]> finals) {}

  private static Runs train(Kernels kernels) {
    Architecture arch = arch();
    Network net = new Network(arch, kernels, BATCH);
    Trainer trainer = new Trainer(net, data, CFG);
    float[] a0 = Initializer.initialParameters(net.layout(), new SplittableRandom(601));
    Map<Strategy, List<EpochRecord>> records = new EnumMap<>(Strategy.class);
    Map<Strategy, float[]> finals = new EnumMap<>(Strategy.class);
    for (Strategy s : Strategy.values()) {
      List<EpochRecord> list = new ArrayList<>();
      RunOutcome out = trainer.run(0, s, a0, new SplittableRandom(602), list::add);
      assertTrue(!out.diverged(), s + " diverged: " + out.divergence());
      assertEquals(CFG.epochs() + 1, list.size(), s + ": one record per epoch and one for A^0");
      records.put(s, list);
      finals.put(s, out.finalParameters());
    }
    return new Runs(records, finals);
  }

  private static Runs trainVector(int threads) {
    try (VectorKernels k = new VectorKernels(threads)) {
      return train(k);
    }
  }

  private static void assertSameRecord(EpochRecord e, EpochRecord a, String what) {
    assertEquals(e.run(), a.run(), what);
    assertEquals(e.epoch(), a.epoch(), what);
    assertEquals(e.strategy(), a.strategy(), what);
    assertEquals(e.layers(), a.layers(), what);
    // assertEquals(double, double, 0.0) compares bits: exact agreement.
    assertEquals(e.loss(), a.loss(), 0.0, what + " loss");
    assertEquals(e.accuracy(), a.accuracy(), 0.0, what + " accuracy");
    // ||A - Pi_E A|| comes from OrbitTable's scalar loops: exact agreement.
    assertArrayEquals(e.distE(), a.distE(), 0.0, what + " distE");
    assertEquals(e.totalDistE(), a.totalDistE(), 0.0, what + " totalDistE");
    // ||A - A^0|| comes from Kernels.sumSquaredDifference, summed in a fixed order whatever the JIT state.
    assertArrayEquals(e.distInit(), a.distInit(), 0.0, what + " distInit");
    assertEquals(e.totalDistInit(), a.totalDistInit(), 0.0, what + " totalDistInit");
  }

  @Test
  void runsAreBitIdenticalAcrossThreadCounts() {
    // The largest products (16 x 256 x 256 forward, 256 x 256 x 16 backward) exceed 2^18 multiply-adds, the size
    // above which VectorKernels splits a product between threads: the thread count really changes the split.
    assertTrue((long) BATCH * (4 * N * N) * (4 * N * N) >= 1L << 18);
    Runs one = trainVector(1);
    for (int threads : new int[] {2, 3}) {
      Runs other = trainVector(threads);
      for (Strategy s : Strategy.values()) {
        List<EpochRecord> e = one.records().get(s);
        List<EpochRecord> a = other.records().get(s);
        for (int i = 0; i < e.size(); i++) {
          assertSameRecord(e.get(i), a.get(i), s + ", " + threads + " threads, epoch " + i);
        }
        assertArrayEquals(one.finals().get(s), other.finals().get(s), s + ": final parameters, " + threads + " threads");
      }
    }
  }

  @Test
  void equivariantStaysExactlyInEAndAllStartFromTheSameA0() {
    Runs runs = trainVector(2);
    Architecture arch = arch();
    ParameterLayout layout = ParameterLayout.of(arch);
    for (EpochRecord r : runs.records().get(Strategy.EQUIVARIANT)) {
      // Pi_E of the gradient makes every orbit's entries bitwise equal, and the same step keeps them equal.
      assertEquals(0.0, r.totalDistE(), 0.0, "EQUIVARIANT, epoch " + r.epoch());
    }
    float[] eqv = runs.finals().get(Strategy.EQUIVARIANT);
    assertArrayEquals(Fixtures.projected(layout, eqv), eqv, "EQUIVARIANT final parameters are in E");

    EpochRecord nominal0 = runs.records().get(Strategy.NOMINAL).get(0);
    assertEquals(0.0, nominal0.totalDistE(), 0.0, "A^0 is in E");
    assertEquals(0.0, nominal0.totalDistInit(), 0.0, "distance of A^0 to itself");
    for (Strategy s : Strategy.values()) {
      EpochRecord r = runs.records().get(s).get(0);
      assertEquals(nominal0.loss(), r.loss(), 0.0, s + ": loss at A^0");
      assertEquals(nominal0.accuracy(), r.accuracy(), 0.0, s + ": accuracy at A^0");
      assertEquals(0.0, r.totalDistInit(), 0.0, s + " starts at A^0");
      EpochRecord last = runs.records().get(s).get(CFG.epochs());
      assertTrue(last.totalDistInit() > 1e-3, s + " did not move: " + last.totalDistInit());
    }
    // Nominal descent and sampled (not exact) augmentation both leave E: EQUIVARIANT's zero is not automatic.
    assertTrue(runs.records().get(Strategy.NOMINAL).get(CFG.epochs()).totalDistE() > 1e-3);
    assertTrue(runs.records().get(Strategy.AUGMENTED).get(CFG.epochs()).totalDistE() > 1e-4);
  }

  /**
   * The kernels' double reductions (||A - A^0||^2 of the epoch records, inner products) must sum in one
   * fixed order, so that equal inputs give equal bits on every call (DESIGN: a run is a function of its
   * seed). Inputs are chosen so that the order of the final sum over lanes matters: for the dot product the
   * accumulator lanes hold (2^55, 4, 4, -2^55, 0, ...), which sum to 0 in lane order (2^55 absorbs each 4) and to
   * 4 or 8 when the small lanes are added to each other first; for the sums of squares (2^54, 2.25, 2.25, 2.25,
   * 0, ...) gives 2^54 + 12 in lane order and 2^54 + 8 in a tree. A fixed order gives one value on every call.
   * Each reduction is called often enough for the JIT to compile it (C2 after ~10^4 calls).
   */
  @Test
  void kernelReductionsReturnTheSameBitsOnEveryCall() {
    int len = 64;
    float big = (float) Math.pow(2, 53);
    float[] a = new float[len];
    float[] ones = new float[len];
    float[] d = new float[len];
    float[] zeros = new float[len];
    java.util.Arrays.fill(ones, 1f);
    for (int base = 0; base < len; base += 16) {
      a[base] = big;
      a[base + 1] = 1;
      a[base + 2] = 1;
      a[base + 3] = -big;
    }
    d[0] = (float) Math.pow(2, 27);
    d[1] = 1.5f;
    d[2] = 1.5f;
    d[3] = 1.5f;
    try (VectorKernels k = new VectorKernels(1)) {
      double dot0 = k.dot(a, 0, ones, 0, len);
      double ssd0 = k.sumSquaredDifference(d, 0, zeros, 0, len);
      double sq0 = k.sumSquares(d, 0, len);
      for (int call = 1; call <= 200_000; call++) {
        double dot = k.dot(a, 0, ones, 0, len);
        double ssd = k.sumSquaredDifference(d, 0, zeros, 0, len);
        double sq = k.sumSquares(d, 0, len);
        if (dot != dot0 || ssd != ssd0 || sq != sq0) {
          throw new AssertionError(String.format("VectorKernels reductions changed at call %d: dot %s -> %s,"
              + " sumSquaredDifference 2^54 + %s -> 2^54 + %s, sumSquares 2^54 + %s -> 2^54 + %s"
              + " (a lane reduction whose order depends on whether the JIT has compiled it)", call,
              dot0, dot, ssd0 - Math.pow(2, 54), ssd - Math.pow(2, 54), sq0 - Math.pow(2, 54), sq - Math.pow(2, 54)));
        }
      }
    }
  }

  @Test
  void scalarAndVectorKernelsComputeTheSameRuns() {
    Runs vector = trainVector(2);
    Runs scalar = train(new ScalarKernels());
    for (Strategy s : Strategy.values()) {
      List<EpochRecord> v = vector.records().get(s);
      List<EpochRecord> c = scalar.records().get(s);
      assertEquals(v.size(), c.size(), s + ": epochs recorded");
      for (int i = 0; i < v.size(); i++) {
        // The Kernels contract fixes every sum's order, so the plain loops give the Vector API's bits.
        assertEquals(v.get(i).loss(), c.get(i).loss(), 0.0, s + ", epoch " + i + " loss");
        assertEquals(v.get(i).totalDistInit(), c.get(i).totalDistInit(), 0.0, s + ", epoch " + i + " ||A - A0||");
      }
      assertArrayEquals(vector.finals().get(s), scalar.finals().get(s), s + ": final parameters");
    }
  }
}
