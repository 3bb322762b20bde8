package eqaug.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.hessian.EquivariantProjection;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.random.SplitMix64;
import eqaug.study.Study;
import org.junit.jupiter.api.Test;

/**
 * A given perturbation direction (issue 12 item 6: along the least stable eigenvector): Pi_E-perp of it,
 * normalised, with the share removed; a vector of E refused; every run of a study starting at A^0 + ε u with the
 * same u; records with equal directions equal.
 */
class PerturbationDirectionTest {
  private static final ParameterLayout LAYOUT = ParameterLayout.of(PaperNetworks.permutation(4));
  private static final EquivariantProjection PI = new EquivariantProjection(LAYOUT);

  private static double[] gaussian(long seed) {
    SplitMix64 rng = new SplitMix64(seed);
    double[] v = new double[LAYOUT.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @Test
  void theEPerpPartIsNormalisedAndTheRemovedShareReported() {
    double[] v = gaussian(3);
    double[] copy = v.clone();
    Perturbation.OffE off = Perturbation.unitOffE(LAYOUT, v);
    assertArrayEquals(copy, v, 0, "the argument is not changed");
    double[] perp = v.clone();
    PI.ontoComplement(perp);
    double[] onE = v.clone();
    PI.ontoE(onE);
    assertEquals(norm(perp), off.perpNorm(), 1e-12 * norm(v));
    assertEquals(norm(v), off.norm(), 1e-12 * norm(v));
    for (int i = 0; i < v.length; i++) {
      assertEquals(perp[i] / norm(perp), off.unit()[i], 1e-15);
    }
    assertEquals(1, norm(off.unit()), 1e-14);
    for (int i = LAYOUT.linearSize(); i < LAYOUT.size(); i++) {
      assertEquals(0, off.unit()[i], 0, "batch-norm entries lie in E");
    }
    double[] uOnE = off.unit().clone();
    PI.ontoE(uOnE);
    assertTrue(norm(uOnE) < 1e-14, "in E-perp");
    // onE counts the batch-norm entries (they lie in E) as ontoE leaves them.
    assertEquals(norm(onE) / norm(v), off.removedShare(), 1e-12);
    assertTrue(off.removedShare() > 0.1, "a Gaussian vector has a sizeable E part here: " + off.removedShare());
    // A vector already in E-perp loses nothing.
    assertEquals(0, Perturbation.unitOffE(LAYOUT, off.unit()).removedShare(), 1e-14);
  }

  @Test
  void aDirectionInEOrZeroOrOfTheWrongSizeIsRefused() {
    double[] inE = gaussian(4);
    PI.ontoE(inE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Perturbation.unitOffE(LAYOUT, inE));
    assertTrue(e.getMessage().contains("lies in E"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Perturbation.unitOffE(LAYOUT, new double[LAYOUT.size()]));
    assertThrows(IllegalArgumentException.class, () -> Perturbation.unitOffE(LAYOUT, new double[3]));
    double[] bad = gaussian(5);
    bad[7] = Double.NaN;
    assertThrows(IllegalArgumentException.class, () -> new Perturbation(1e-3, false, bad));
  }

  @Test
  void everyRunOfAStudyStartsAlongTheGivenDirection() {
    Dataset data = BlockErdosRenyi.generate(12, 4, 0.7, 0.2, new RandomStreams(11).data());
    Study plain = new Study(PaperNetworks.permutation(4), data, new TrainConfig(1, 1e-3, 6, 1), 3, 11);
    double eps = 1e-2;
    double[] u = Perturbation.unitOffE(LAYOUT, gaussian(6)).unit();
    Study along = plain.withPerturbation(new Perturbation(eps, false).along(u));
    Study random = plain.withPerturbation(new Perturbation(eps, false));
    for (int run = 0; run < 3; run++) {
      float[] a0 = along.unperturbedParameters(run);
      float[] start = along.initialParameters(run);
      for (int i = 0; i < a0.length; i++) {
        assertEquals((float) (a0[i] + eps * u[i]), start[i], 0, "run " + run + ": A^0 + ε u rounded to float");
      }
      // The random mode still draws its own u per run.
      float[] r = random.initialParameters(run);
      double[] drawn = Perturbation.direction(LAYOUT, random.streams().perturb(run));
      for (int i = 0; i < a0.length; i++) {
        assertEquals((float) (a0[i] + eps * drawn[i]), r[i], 0);
      }
    }
    assertEquals(new Perturbation(eps, false).along(u.clone()), new Perturbation(eps, false).along(u));
    assertEquals(new Perturbation(eps, false).along(u.clone()).hashCode(), new Perturbation(eps, false).along(u).hashCode());
    assertNotEquals(new Perturbation(eps, false), new Perturbation(eps, false).along(u));
    Study wrong = plain.withPerturbation(new Perturbation(eps, false, new double[5]));
    assertThrows(IllegalArgumentException.class, () -> wrong.initialParameters(0));
  }

  /**
   * A perturbation below float32's ulp of the weights reaches an fp64 engine exactly (A^0 + ε u in double): its
   * epoch-0 distance to E is ε; an fp32 engine can only start from the rounded point, whose distance is not.
   */
  @Test
  void anFp64EngineStartsFromThePerturbationUnrounded() {
    Dataset data = BlockErdosRenyi.generate(12, 4, 0.6, 0.2, new RandomStreams(2).data());
    double eps = 1e-10;
    Study study = new Study(PaperNetworks.permutation(4), data, new TrainConfig(1, 1e-3, 6, 1), 1, 5,
        java.util.List.of(Strategy.AUGMENTED)).withPerturbation(new Perturbation(eps, false));
    double[] exact = study.initialParametersExact(0);
    float[] rounded = study.initialParameters(0);
    for (int i = 0; i < rounded.length; i++) {
      assertEquals((float) exact[i], rounded[i], 0, "initialParameters is the exact start rounded");
    }
    java.util.Map<Precision, Double> distE0 = new java.util.EnumMap<>(Precision.class);
    for (Precision p : Precision.values()) {
      eqaug.study.StudyResults r = study.run(new Study.Execution(new eqaug.backend.CpuBackend(), 1, 1, p),
          eqaug.study.StudyListener.NONE);
      distE0.put(p, r.record(0, Strategy.AUGMENTED, 0).totalDistE());
    }
    assertEquals(eps, distE0.get(Precision.FP64), 1e-6 * eps);
    assertTrue(Math.abs(distE0.get(Precision.FP32) - eps) > 0.01 * eps, "fp32 rounds ε u: " + distE0.get(Precision.FP32));
  }
}
