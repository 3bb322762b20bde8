package eqaug.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.CpuBackend;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.hessian.EquivariantProjection;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.Augmentation;
import eqaug.train.EpochRecord;
import eqaug.train.Perturbation;
import eqaug.train.Precision;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Perturbed starts and paired runs (issue 12) through a study: every strategy of a run starts from the same
 * A^0 + ε u, u a unit vector of E-perp from the run's perturbation stream; a paired part trains the unperturbed
 * A^0 in lockstep with the same draws and records ||Pi_E-perp (A - A')||, which is 0 for ε = 0, ε at epoch 0, and
 * with exact augmentation the perturbed run's own ||A_E-perp|| (the twin stays in E); pairing changes nothing
 * else in the records. Experiment 1's network on S_4 at τ = 1e-3, where it is stable across E.
 */
class PairedRunTest {
  private static final long SEED = 29;
  private static final int N = 4;
  private static final double EPS = 1e-3;
  private static final int EPOCHS = 3;
  private static final Dataset DATA = BlockErdosRenyi.generate(24, N, 0.7, 0.2, new RandomStreams(SEED).data());

  private static Study study(Augmentation aug, int runs, Perturbation perturbation) {
    TrainConfig cfg = new TrainConfig(EPOCHS, 1e-3, 10, 2, 0, aug);
    return new Study(PaperNetworks.permutation(N), DATA, cfg, runs, SEED).withPerturbation(perturbation);
  }

  private static StudyResults run(Study s, Precision p, Map<String, double[]> params) {
    return s.run(new Study.Execution(new CpuBackend(), 1, 1, p), new StudyListener() {
      @Override
      public boolean wantsParameters(int run, Strategy strategy, int epoch) {
        return params != null;
      }

      @Override
      public synchronized void parameters(int run, Strategy strategy, int epoch, double[] a) {
        params.put(run + " " + strategy + " " + epoch, a);
      }
    });
  }

  private static void assertSameExceptPair(EpochRecord a, EpochRecord b, String where) {
    assertEquals(a.run(), b.run(), where);
    assertEquals(a.strategy(), b.strategy(), where);
    assertEquals(a.epoch(), b.epoch(), where);
    assertEquals(Double.doubleToRawLongBits(a.loss()), Double.doubleToRawLongBits(b.loss()), where);
    assertEquals(Double.doubleToRawLongBits(a.accuracy()), Double.doubleToRawLongBits(b.accuracy()), where);
    assertArrayEquals(a.distInit(), b.distInit(), 0, where);
    assertArrayEquals(a.distE(), b.distE(), 0, where);
    assertArrayEquals(a.gradDistE(), b.gradDistE(), 0, where);
    assertEquals(a.penaltyWeight(), b.penaltyWeight(), 0, where);
  }

  /** ε = 0: the twin is the run itself, step for step, so the pair distance is exactly 0 throughout. */
  @Test
  void zeroPerturbationPairsAtDistanceZero() {
    for (Precision p : Precision.values()) {
      StudyResults r = run(study(Augmentation.HAAR, 1, new Perturbation(0, true)), p, null);
      assertEquals(3 * (EPOCHS + 1), r.records().size());
      for (EpochRecord rec : r.records()) {
        assertEquals(0, rec.totalPairDistE(), 0, p + " " + rec.strategy() + " epoch " + rec.epoch());
        for (double d : rec.pairDistE()) {
          assertEquals(0, d, 0);
        }
      }
      // And the start is A^0 itself: no perturbation at all.
      assertEquals(0, r.record(0, Strategy.NOMINAL, 0).totalDistE(), 0);
    }
  }

  /** A paired part's records are the unpaired perturbed part's, bit for bit, but for the pair distance. */
  @Test
  void pairingChangesNothingElse() {
    for (Precision p : Precision.values()) {
      StudyResults paired = run(study(Augmentation.HAAR, 1, new Perturbation(EPS, true)), p, null);
      StudyResults alone = run(study(Augmentation.HAAR, 1, new Perturbation(EPS, false)), p, null);
      assertEquals(alone.records().size(), paired.records().size());
      for (int i = 0; i < alone.records().size(); i++) {
        EpochRecord a = alone.records().get(i);
        EpochRecord b = paired.records().get(i);
        assertSameExceptPair(a, b, p + " record " + i);
        assertTrue(Double.isNaN(a.totalPairDistE()), "unpaired");
        assertTrue(b.totalPairDistE() > 0, "paired");
      }
    }
  }

  /**
   * Every strategy of a run starts from the same A^0 + ε u, u = Perturbation.direction of the run's perturbation
   * stream, a unit vector of E-perp (other runs get other u); the pair distance at epoch 0 is ε to the start's
   * rounding to float, at most u32 ||A^0 + ε u|| (half an ulp per entry). With sampled draws the pair distance
   * then follows the dynamics alone: the sampling noise, which both share, cancels, so it stays below the
   * perturbed run's own ||A_E-perp||, which carries that noise.
   */
  @Test
  void theSameUnitDirectionForEveryStrategyAndPairDistanceEpsilonAtTheStart() {
    Study s = study(Augmentation.HAAR, 2, new Perturbation(EPS, true));
    Map<String, double[]> params = new HashMap<>();
    StudyResults r = run(s, Precision.FP64, params);
    ParameterLayout layout = ParameterLayout.of(s.architecture());
    EquivariantProjection pi = new EquivariantProjection(layout);
    double[][] directions = new double[2][];
    for (int run = 0; run < 2; run++) {
      double[] u = Perturbation.direction(layout, s.streams().perturb(run));
      directions[run] = u;
      double[] onE = u.clone();
      pi.ontoE(onE);
      assertEquals(1, Math.sqrt(dot(u, u)), 1e-12, "u is a unit vector");
      assertEquals(0, Math.sqrt(dot(onE, onE)), 1e-12, "u lies in E-perp");
      float[] a0 = s.unperturbedParameters(run);
      float[] start = s.initialParameters(run);
      double rounding = 0;
      for (int i = 0; i < a0.length; i++) {
        assertEquals((float) (a0[i] + EPS * u[i]), start[i], 0, "A^0 + ε u rounded to float");
        rounding += (double) start[i] * start[i];
      }
      rounding = 0x1p-24 * Math.sqrt(rounding);
      double[] first = params.get(run + " " + Strategy.NOMINAL + " 0");
      for (Strategy st : Study.ALL_STRATEGIES) {
        assertArrayEquals(first, params.get(run + " " + st + " 0"), 0, run + " " + st + " starts where NOMINAL does");
        EpochRecord r0 = r.record(run, st, 0);
        assertEquals(EPS, r0.totalPairDistE(), rounding, "pair distance at epoch 0");
        assertArrayEquals(r.record(run, Strategy.NOMINAL, 0).pairDistE(), r0.pairDistE(), 0);
      }
      for (int e = 1; e <= EPOCHS; e++) {
        EpochRecord rec = r.record(run, Strategy.AUGMENTED, e);
        assertTrue(rec.totalPairDistE() < rec.totalDistE() / 1.5, "run " + run + " epoch " + e + ": pair "
            + rec.totalPairDistE() + ", own " + rec.totalDistE());
      }
    }
    assertTrue(Math.abs(dot(directions[0], directions[1])) < 0.5, "runs draw their own u");
  }

  /**
   * With exact augmentation the twin from A^0 stays in E (ExactAugmentationTest), so the pair distance is the
   * perturbed run's ||A_E-perp|| to within the twin's off-E part: at fp64 below 1e-10 of ||A - A^0||; at fp32
   * below its rounding floor, at most 2 u32 ||A|| per step (ExactAugmentationTest's worst case, the update's
   * rounding being the larger part).
   */
  @Test
  void withExactAugmentationThePairDistanceIsTheOffEPart() {
    for (Precision p : Precision.values()) {
      Study s = study(Augmentation.HAAR.exactly(true), 2, new Perturbation(EPS, true));
      StudyResults r = run(s, p, null);
      for (int run = 0; run < 2; run++) {
        double normA = Study.linearNorm(ParameterLayout.of(s.architecture()), s.initialParameters(run));
        for (int e = 0; e <= EPOCHS; e++) {
          EpochRecord rec = r.record(run, Strategy.AUGMENTED, e);
          // Plus 1e-12 of ε: the two norms are computed differently (orbit deviations, the projection) in double.
          double tol = 1e-12 * EPS + (p == Precision.FP64 ? 1e-10 * rec.totalDistInit() : e * 2 * 0x1p-24 * 1.01 * normA);
          assertEquals(rec.totalDistE(), rec.totalPairDistE(), tol, p + " run " + run + " epoch " + e);
        }
        assertTrue(r.record(run, Strategy.AUGMENTED, EPOCHS).totalDistInit() > 2 * EPS, "A moved more than the perturbation");
      }
    }
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }
}
