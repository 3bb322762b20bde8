package eqaug.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.Backend;
import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.Dataset;
import eqaug.hessian.AugmentedRisk;
import eqaug.nn.Architecture;
import eqaug.nn.Loss;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.random.SplitMix64;
import eqaug.study.Study;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training at fp64 (the §5 loop on {@link Float64Trainer}) on the paper's three networks at small size: it
 * follows the fp32 trajectory from the same A^0 and draws to float32 accuracy, it is really double (not the
 * float engine widened), EQUIVARIANT stays in E to double rounding while NOMINAL leaves it, and it is
 * deterministic and independent of the thread count.
 */
class Float64TrainerTest {
  /** A network, its data (inputs in [0, 1), random labels or masks), and a protocol that moves A visibly. */
  record Case(String name, Architecture arch, Dataset data, TrainConfig cfg) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        make(PaperNetworks.permutation(4), 21, new TrainConfig(10, 0.1, 6, 3)),
        make(PaperNetworks.translation(3), 22, new TrainConfig(10, 0.1, 6, 3)),
        make(PaperNetworks.rotation(4), 23, new TrainConfig(10, 0.1, 6, 3)));
  }

  static Case make(Architecture arch, long seed, TrainConfig cfg) {
    SplittableRandom rng = new SplittableRandom(seed);
    int size = 16;
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
    return new Case(arch.name(), arch, new Dataset(arch.name(), x, y, size, in, out), cfg);
  }

  /** One run's records and A at every epoch, at the engine's precision. */
  record Trajectory(List<EpochRecord> records, List<double[]> params) {}

  static Trajectory train(Case c, Strategy s, Precision p, int threads) {
    float[] a0 = Initializer.initialParameters(ParameterLayout.of(c.arch()), new SplitMix64(5));
    List<EpochRecord> records = new ArrayList<>();
    List<double[]> params = new ArrayList<>();
    try (TrainingEngine e = new CpuBackend().open(c.arch(), c.data(), c.cfg(), threads, p)) {
      RunOutcome o = e.train(0, s, a0, new SplitMix64(9), new TrainingListener() {
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
      });
      assertFalse(o.diverged(), c + " " + s + " " + p + " diverged: " + o.divergence());
    }
    return new Trajectory(records, params);
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  static double distance(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += (u[i] - v[i]) * (u[i] - v[i]);
    }
    return Math.sqrt(s);
  }

  /**
   * Both precisions from the same A^0 and draws. A float32 gradient carries rounding of about 1e-6 of its size
   * here (epoch 1 measures 1e-6 to 7e-6 of ||A - A^0||), so one step must agree to 2e-5; later steps amplify
   * that difference where a leaky-ReLU input changes sign (measured at most 8e-5 over 10 epochs), so every
   * epoch must agree to 1e-3 of ||A - A^0|| and the loss to 1e-4 relative. Moving a mini-batch by another
   * element, or not moving its targets, changes the step by far more (order 1e-2 to 1). The difference at
   * epoch 1 must also exceed 1e-9, or the two engines would not compute in different precisions.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fp64FollowsTheFp32TrajectoryToFloat32Accuracy(Case c) {
    for (Strategy s : Strategy.values()) {
      Trajectory t32 = train(c, s, Precision.FP32, 1);
      Trajectory t64 = train(c, s, Precision.FP64, 1);
      assertEquals(c.cfg().epochs() + 1, t64.records().size());
      assertEquals(t32.records().size(), t64.records().size());
      double[] a0 = t64.params().get(0);
      assertArrayEquals(t32.params().get(0), a0, 0, "both start from the same A^0");
      for (int e = 1; e < t64.params().size(); e++) {
        double[] a32 = t32.params().get(e);
        double[] a64 = t64.params().get(e);
        double rel = distance(a32, a64) / distance(a64, a0);
        String where = c + " " + s + " epoch " + e;
        assertTrue(rel <= (e == 1 ? 2e-5 : 1e-3), where + ": |A32 - A64| / |A64 - A0| = " + rel);
        if (e == 1) {
          assertTrue(rel > 1e-9, where + ": fp32 and fp64 agree to " + rel + ", so one is not what it says");
        }
        double l64 = t64.records().get(e).loss();
        double l32 = t32.records().get(e).loss();
        assertTrue(Math.abs(l32 - l64) <= 1e-4 * l64, where + ": loss " + l32 + " at fp32, " + l64 + " at fp64");
        assertEquals(t64.records().get(e).accuracy(), t32.records().get(e).accuracy(), 1.0 / 16 + 1e-12, where);
      }
    }
  }

  /** The first step of NOMINAL and EQUIVARIANT is A^0 - lr grad R(A^0) (projected), grad from AugmentedRisk in double. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void firstStepIsTheExactDoubleGradientStep(Case c) {
    AugmentedRisk risk = AugmentedRisk.nominal(c.arch(), c.data(), c.cfg().batch());
    eqaug.hessian.EquivariantProjection pi = new eqaug.hessian.EquivariantProjection(risk.network().layout());
    for (Strategy s : List.of(Strategy.NOMINAL, Strategy.EQUIVARIANT)) {
      Trajectory t = train(c, s, Precision.FP64, 1);
      double[] a0 = t.params().get(0);
      double[] grad = new double[a0.length];
      double r0 = risk.gradient(a0, grad);
      if (s == Strategy.EQUIVARIANT) {
        pi.ontoE(grad);
      }
      double[] want = a0.clone();
      for (int i = 0; i < want.length; i++) {
        want[i] -= c.cfg().lr() * grad[i];
      }
      double rel = distance(want, t.params().get(1)) / distance(want, a0);
      assertTrue(rel <= 1e-12, c + " " + s + ": first step off the double gradient step by " + rel);
      assertEquals(r0, t.records().get(0).loss(), 1e-14 * r0, c + " " + s + ": risk at A^0");
    }
  }

  /** EQUIVARIANT at fp64 keeps A in E to double rounding (Lemma 3); NOMINAL leaves E (the control). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void equivariantStaysInEAndNominalLeavesIt(Case c) {
    Trajectory eqv = train(c, Strategy.EQUIVARIANT, Precision.FP64, 1);
    Trajectory nom = train(c, Strategy.NOMINAL, Precision.FP64, 1);
    assertTrue(eqv.records().size() >= 11, "at least 10 steps");
    for (int e = 1; e < eqv.records().size(); e++) {
      EpochRecord r = eqv.records().get(e);
      assertTrue(r.totalDistInit() > 0, c + ": EQUIVARIANT did not move at epoch " + e);
      assertTrue(r.totalDistE() <= 1e-12 * r.totalDistInit(), c + " EQUIVARIANT epoch " + e + ": ||A_E-perp|| = "
          + r.totalDistE() + " against ||A - A0|| = " + r.totalDistInit());
      EpochRecord n = nom.records().get(e);
      assertTrue(n.totalDistE() > 1e-3 * n.totalDistInit(), c + " NOMINAL epoch " + e + " stays in E: "
          + n.totalDistE() + " against " + n.totalDistInit());
    }
  }

  /** The recorded per-layer ||A_k - Pi_E A_k|| is that of Pi_E-perp A (EquivariantProjection) along NOMINAL and AUGMENTED. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void distanceToEIsThatOfTheComplementProjection(Case c) {
    ParameterLayout layout = ParameterLayout.of(c.arch());
    eqaug.hessian.EquivariantProjection pi = new eqaug.hessian.EquivariantProjection(layout);
    for (Strategy s : List.of(Strategy.NOMINAL, Strategy.AUGMENTED)) {
      Trajectory t = train(c, s, Precision.FP64, 1);
      for (int e = 1; e < t.records().size(); e++) {
        double[] perp = t.params().get(e).clone();
        pi.ontoComplement(perp);
        for (int l = 0; l < layout.layers().size(); l++) {
          ParameterLayout.LayerView v = layout.layers().get(l);
          double sq = 0;
          for (int i = v.offset(); i < v.offset() + v.size(); i++) {
            sq += perp[i] * perp[i];
          }
          double want = Math.sqrt(sq);
          assertEquals(want, t.records().get(e).distE()[l], 1e-10 * want, c + " " + s + " epoch " + e + " " + v.name());
        }
      }
    }
  }

  /** Two fp64 runs give the same bits, whatever the thread count; and the values are doubles, not widened floats. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fp64IsDeterministicAndReallyDouble(Case c) {
    for (Strategy s : Strategy.values()) {
      Trajectory first = train(c, s, Precision.FP64, 1);
      Trajectory again = train(c, s, Precision.FP64, 1);
      Trajectory threaded = train(c, s, Precision.FP64, 2);
      for (Trajectory other : List.of(again, threaded)) {
        for (int e = 0; e < first.records().size(); e++) {
          EpochRecord r = first.records().get(e);
          EpochRecord o = other.records().get(e);
          assertEquals(Double.doubleToRawLongBits(r.loss()), Double.doubleToRawLongBits(o.loss()));
          assertEquals(Double.doubleToRawLongBits(r.accuracy()), Double.doubleToRawLongBits(o.accuracy()));
          assertArrayEquals(r.distInit(), o.distInit(), 0);
          assertArrayEquals(r.distE(), o.distE(), 0);
          assertArrayEquals(first.params().get(e), other.params().get(e), 0);
        }
      }
      double[] last = first.params().get(first.params().size() - 1);
      int notFloat = 0;
      for (double v : last) {
        notFloat += (double) (float) v != v ? 1 : 0;
      }
      assertTrue(notFloat > last.length / 2, c + " " + s + ": only " + notFloat + " of " + last.length
          + " parameters are not float values");
    }
  }

  /** A study at fp64 gives the same bits with runs trained one at a time or two at once (each on its own engine). */
  @Test
  void fp64StudyDoesNotDependOnParallelRuns() {
    Case c = make(PaperNetworks.rotation(4), 24, new TrainConfig(3, 0.1, 6, 2));
    Study study = new Study(c.arch(), c.data(), c.cfg(), 2, 3);
    eqaug.study.StudyResults one = study.run(new Study.Execution(new CpuBackend(), 1, 1, Precision.FP64),
        eqaug.study.StudyListener.NONE);
    eqaug.study.StudyResults two = study.run(new Study.Execution(new CpuBackend(), 2, 2, Precision.FP64),
        eqaug.study.StudyListener.NONE);
    assertTrue(one.engine().contains("float64"), one.engine());
    assertEquals(one.records().size(), two.records().size());
    for (int i = 0; i < one.records().size(); i++) {
      EpochRecord a = one.records().get(i);
      EpochRecord b = two.records().get(i);
      assertEquals(Double.doubleToRawLongBits(a.loss()), Double.doubleToRawLongBits(b.loss()));
      assertArrayEquals(a.distInit(), b.distInit(), 0);
      assertArrayEquals(a.distE(), b.distE(), 0);
    }
  }

  /** A backend with fp32 alone (as the OpenCL one) refuses fp64 in one line, when opened and in an Execution. */
  @Test
  void aBackendWithoutFp64RefusesIt() {
    Backend fp32Only = new Backend() {
      @Override
      public String name() {
        return "gpu";
      }

      @Override
      public String description() {
        return "an fp32-only test backend";
      }

      @Override
      public Optional<String> unavailableReason() {
        return Optional.empty();
      }

      @Override
      public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads) {
        throw new AssertionError("fp64 must be refused before any engine is opened");
      }
    };
    Case c = cases().findFirst().orElseThrow();
    String why = fp32Only.refuses(Precision.FP64).orElseThrow();
    assertFalse(why.contains("\n"));
    assertTrue(why.contains("--device gpu") && why.contains("fp32") && why.contains("fp64"), why);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fp32Only.open(c.arch(), c.data(), c.cfg(), 1, Precision.FP64));
    assertEquals(why, e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Study.Execution(fp32Only, 1, 1, Precision.FP64));
    assertEquals(why, e.getMessage());
    assertTrue(fp32Only.refuses(Precision.FP32).isEmpty());
    assertEquals(java.util.Set.of(Precision.FP32, Precision.FP64), new CpuBackend().precisions());
    assertTrue(new CpuBackend().refuses(Precision.FP64).isEmpty());
  }

  @Test
  void precisionLabelsParse() {
    assertEquals(Precision.FP64, Precision.parse("fp64"));
    assertEquals(Precision.FP32, Precision.parse("FP32"));
    for (String bad : new String[] {"fp16", "", "double", "64"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse(bad));
      assertEquals("precision must be fp32 or fp64, got '" + bad + "'", e.getMessage());
    }
  }
}
