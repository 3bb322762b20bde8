package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.HessianFixtures.Problem;
import eqaug.random.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Stochastic Lanczos quadrature and Hutchinson's trace on the dense-checkable Hessian (dim 274) and its
 * E-perp block: the Gauss rule's exactness per probe against repeated products, the traces of M and M^2 against
 * the dense matrix, the broadened density's integral and moments, and determinism.
 */
class SpectralDensityTest {
  /** The mixed network's Hessian at generic parameters, and its E-projection. */
  private record Setup(SymmetricOperator h, EquivariantProjection pi) {}

  private static Setup setup() {
    Problem p = HessianFixtures.problem(HessianFixtures.mixed(), 81);
    AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), new SplittableRandom(82));
    return new Setup(HessianOperators.hessian(risk, a), new EquivariantProjection(risk.network().layout()));
  }

  /** The unit probes the estimator documents: drawn in order from one SplitMix64, projected, normalised. */
  private static List<double[]> probes(int n, int count, SymmetricOperator.Projector pi, Probe kind, long seed) {
    SplitMix64 rng = new SplitMix64(seed);
    List<double[]> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      double[] u = new double[n];
      kind.fill(rng, u);
      pi.project(u);
      double nu = HessianFixtures.norm(u);
      for (int i = 0; i < n; i++) {
        u[i] /= nu;
      }
      out.add(u);
    }
    return out;
  }

  /**
   * Per probe, u^T M^k u for k = 0..2m from m repeated products (v_a . v_b with a + b = k) against the
   * quadrature; returns, per probe, the relative error at degree 2m, beyond the rule's exactness.
   */
  private static double[] checkGaussRule(SymmetricOperator m, SymmetricOperator.Projector pi, int steps,
      long seed) {
    int n = m.dim();
    int count = 3;
    SpectralDensity sd = SpectralDensity.estimate(m, pi, n, count, steps, seed, null);
    List<double[]> us = probes(n, count, pi == null ? SymmetricOperator.WHOLE_SPACE : pi, Probe.RADEMACHER, seed);
    double[] beyond = new double[count];
    for (int p = 0; p < count; p++) {
      SpectralDensity.Quadrature q = sd.quadratures().get(p);
      assertEquals(steps, q.nodes().length, "nodes of probe " + p);
      assertFalse(q.invariant());
      double[][] v = new double[steps + 1][];
      v[0] = us.get(p);
      for (int j = 1; j <= steps; j++) {
        v[j] = new double[n];
        m.apply(v[j - 1], v[j]);
      }
      double worst = 0;
      for (int k = 0; k <= 2 * steps; k++) {
        double direct = HessianFixtures.dot(v[k / 2], v[k - k / 2]);
        // For odd k the moment may cancel; the natural scale is sum_j tau_j |theta_j|^k (= it for even k).
        double scale = 0;
        for (int j = 0; j < steps; j++) {
          scale += q.weights()[j] * Math.pow(Math.abs(q.nodes()[j]), k);
        }
        double err = Math.abs(sd.probeMoment(p, k) - direct) / scale;
        if (k < 2 * steps) {
          worst = Math.max(worst, err);
          assertTrue(err <= 1e-9, "probe " + p + ", k = " + k + ": quadrature " + sd.probeMoment(p, k)
              + ", direct " + direct + ", relative error " + err);
        } else {
          beyond[p] = err;
        }
      }
      System.out.printf("SLQ Gauss rule, m = %d, probe %d: worst relative error for k <= %d: %.2e; at k = %d:"
          + " %.2e%n", steps, p, 2 * steps - 1, worst, 2 * steps, beyond[p]);
    }
    return beyond;
  }

  @Test
  void theGaussRuleIsExactToDegree2mMinus1AndNoFurther() {
    // Eigenvalues spread evenly over [-1, 1]: the m-point rule's error at degree 2m, (beta_1 ... beta_m)^2,
    // is then a sizeable part of the moment, so this control shows the check can fail.
    double[] d = new double[101];
    for (int i = 0; i < d.length; i++) {
      d[i] = -1 + 2.0 * i / (d.length - 1);
    }
    for (double err : checkGaussRule(diagonal(d), null, 4, 97)) {
      assertTrue(err > 1e-3, "the 4-point rule looks exact at degree 8: " + err);
    }
  }

  @Test
  void theGaussRuleReproducesEachProbesMomentsUpToDegree2mMinus1() {
    Setup s = setup();
    checkGaussRule(s.h(), null, 8, 83);
    checkGaussRule(s.h(), null, 14, 84);
  }

  @Test
  void theGaussRuleOnTheComplementBlockReproducesItsMoments() {
    Setup s = setup();
    checkGaussRule(HessianOperators.onComplement(s.h(), s.pi()), s.pi()::ontoComplement, 10, 85);
  }

  private static double trace(double[][] m) {
    double t = 0;
    for (int i = 0; i < m.length; i++) {
      t += m[i][i];
    }
    return t;
  }

  /** tr M^2 = sum of M_ij^2 for symmetric M. */
  private static double traceOfSquare(double[][] m) {
    double t = 0;
    for (double[] r : m) {
      for (double x : r) {
        t += x * x;
      }
    }
    return t;
  }

  private static void checkTraces(String what, SymmetricOperator m, SymmetricOperator.Projector pi, long dim,
      long seed) {
    double[][] dense = LanczosTest.dense(m);
    double t1 = trace(dense);
    double t2 = traceOfSquare(dense);
    int probes = 40;
    int steps = 10;
    SpectralDensity sd = SpectralDensity.estimate(m, pi, dim, probes, steps, seed, null);
    HutchinsonTrace.Result h = HutchinsonTrace.estimate(m, pi, probes, seed + 1, null);
    double z1 = (sd.moment(1) - t1) / sd.momentStandardError(1);
    double z2 = (sd.moment(2) - t2) / sd.momentStandardError(2);
    double zh = (h.trace() - t1) / h.standardError();
    System.out.printf("%s (dim %d, %d probes, %d steps): tr M dense %.6g, SLQ %.6g +- %.2g (z = %.2f),"
        + " Hutchinson %.6g +- %.2g (z = %.2f); tr M^2 dense %.6g, SLQ %.6g +- %.2g (z = %.2f)%n", what, dim, probes,
        steps, t1, sd.moment(1), sd.momentStandardError(1), z1, h.trace(), h.standardError(), zh, t2, sd.moment(2),
        sd.momentStandardError(2), z2);
    // The standard errors are real (not collapsed to 0) and the estimates lie within 3 of them.
    assertTrue(sd.momentStandardError(1) > 1e-6 * Math.abs(t1) && h.standardError() > 1e-6 * Math.abs(t1));
    assertTrue(Math.abs(z1) <= 3 && Math.abs(z2) <= 3 && Math.abs(zh) <= 3, what + ": z = " + z1 + ", " + z2
        + ", " + zh);
    // Each probe's zeroth moment is |u|^2 = 1, so the estimate of tr M^0 is the dimension exactly.
    assertEquals(dim, sd.moment(0), 1e-9 * dim);
    assertEquals(probes * steps, sd.products());
  }

  @Test
  void tracesOfTheHessianAgreeWithTheDenseMatrix() {
    Setup s = setup();
    checkTraces("H", s.h(), null, s.h().dim(), 86);
  }

  @Test
  void tracesOfTheComplementBlockAgreeWithTheDenseMatrix() {
    Setup s = setup();
    EquivariantProjection pi = s.pi();
    // dim E-perp from the orbit count agrees with the rank of the dense projector (its trace).
    int n = s.h().dim();
    double rank = 0;
    double[] e = new double[n];
    for (int j = 0; j < n; j++) {
      java.util.Arrays.fill(e, 0);
      e[j] = 1;
      pi.ontoComplement(e);
      rank += e[j];
    }
    assertEquals(rank, pi.dimComplement(), 1e-9);
    assertEquals(n, pi.dimE() + pi.dimComplement());
    assertTrue(pi.dimComplement() > 10 && pi.dimE() > 10);
    checkTraces("Pi_E-perp H Pi_E-perp", HessianOperators.onComplement(s.h(), pi), pi::ontoComplement,
        pi.dimComplement(), 87);
    checkTraces("Pi_E H Pi_E", HessianOperators.onE(s.h(), pi), pi::ontoE, pi.dimE(), 88);
  }

  @Test
  void theDimensionCanBeEstimatedFromTheProbes() {
    Setup s = setup();
    EquivariantProjection pi = s.pi();
    SpectralDensity sd = SpectralDensity.estimate(HessianOperators.onComplement(s.h(), pi), pi::ontoComplement, 0,
        Probe.RADEMACHER, 40, 2, 89, null);
    assertTrue(sd.dimEstimated());
    assertEquals(pi.dimComplement(), sd.dim(), 0.05 * pi.dimComplement(), "estimated dim E-perp");
    assertTrue(sd.dim() != pi.dimComplement());
  }

  @Test
  void theBroadenedDensityIntegratesToTheDimensionWithTheEstimatedMoments() {
    Setup s = setup();
    SpectralDensity sd = SpectralDensity.estimate(s.h(), null, s.h().dim(), Probe.GAUSSIAN, 6, 12, 90, null);
    double[] range = sd.nodeRange();
    double sigma = 0.02 * (range[1] - range[0]);
    double lo = range[0] - 12 * sigma;
    double hi = range[1] + 12 * sigma;
    int points = 20001;
    double dx = (hi - lo) / (points - 1);
    double[] grid = new double[points];
    for (int i = 0; i < points; i++) {
      grid[i] = lo + i * dx;
    }
    double[] rho = sd.density(grid, sigma);
    double m0 = 0;
    double m1 = 0;
    double m2 = 0;
    for (int i = 0; i < points; i++) {
      double w = (i == 0 || i == points - 1 ? 0.5 : 1) * dx * rho[i];
      assertTrue(rho[i] >= 0);
      m0 += w;
      m1 += w * grid[i];
      m2 += w * grid[i] * grid[i];
    }
    double dim = s.h().dim();
    double scale = Math.max(Math.abs(range[0]), Math.abs(range[1]));
    System.out.printf("SLQ density on [%.4g, %.4g], sigma %.3g: integral %.10g (dim %d)%n", lo, hi, sigma, m0,
        (int) dim);
    assertEquals(dim, m0, 1e-9 * dim);
    assertEquals(sd.moment(1), m1, 1e-9 * dim * scale);
    assertEquals(sd.moment(2) + dim * sigma * sigma, m2, 1e-9 * dim * scale * scale);
  }

  @Test
  void theSameSeedGivesTheSameOutputAndProgressCountsEveryProduct() {
    Setup s = setup();
    EquivariantProjection pi = s.pi();
    SymmetricOperator block = HessianOperators.onComplement(s.h(), pi);
    List<Integer> ticks = new ArrayList<>();
    SpectralDensity a = SpectralDensity.estimate(block, pi::ontoComplement, pi.dimComplement(), 3, 5, 91,
        ticks::add);
    SpectralDensity b = SpectralDensity.estimate(block, pi::ontoComplement, pi.dimComplement(), 3, 5, 91, null);
    SpectralDensity c = SpectralDensity.estimate(block, pi::ontoComplement, pi.dimComplement(), 3, 5, 92, null);
    for (int p = 0; p < 3; p++) {
      assertArrayEquals(a.quadratures().get(p).nodes(), b.quadratures().get(p).nodes());
      assertArrayEquals(a.quadratures().get(p).weights(), b.quadratures().get(p).weights());
      assertFalse(java.util.Arrays.equals(a.quadratures().get(p).weights(), c.quadratures().get(p).weights()));
    }
    assertEquals(15, ticks.size());
    for (int i = 0; i < ticks.size(); i++) {
      assertEquals(i + 1, ticks.get(i));
    }
    List<Integer> hticks = new ArrayList<>();
    HutchinsonTrace.Result h1 = HutchinsonTrace.estimate(block, pi::ontoComplement, 4, 93, hticks::add);
    HutchinsonTrace.Result h2 = HutchinsonTrace.estimate(block, pi::ontoComplement, 4, 93, null);
    HutchinsonTrace.Result h3 = HutchinsonTrace.estimate(block, pi::ontoComplement, 4, 94, null);
    assertArrayEquals(h1.samples(), h2.samples());
    assertFalse(java.util.Arrays.equals(h1.samples(), h3.samples()));
    assertEquals(List.of(1, 2, 3, 4), hticks);
  }

  /** diag(d) as an operator. */
  private static SymmetricOperator diagonal(double[] d) {
    return new SymmetricOperator() {
      @Override
      public int dim() {
        return d.length;
      }

      @Override
      public void apply(double[] v, double[] out) {
        for (int i = 0; i < d.length; i++) {
          out[i] = d[i] * v[i];
        }
      }
    };
  }

  @Test
  void hutchinsonWithRademacherProbesIsExactForADiagonalMatrix() {
    SplittableRandom rng = new SplittableRandom(95);
    double[] d = new double[60];
    double tr = 0;
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextGaussian() * (1 + i);
      tr += d[i];
    }
    double scale = 0;
    for (double x : d) {
      scale += Math.abs(x);
    }
    HutchinsonTrace.Result r = HutchinsonTrace.estimate(diagonal(d), null, 7, 96, null);
    assertEquals(tr, r.trace(), 1e-13 * scale);
    for (double x : r.samples()) {
      assertEquals(tr, x, 1e-13 * scale);
    }
    assertTrue(r.standardError() <= 1e-13 * scale);
    // Control: Gaussian probes are unbiased but not exact, and their standard error says so.
    HutchinsonTrace.Result g = HutchinsonTrace.estimate(diagonal(d), null, Probe.GAUSSIAN, 7, 96, null);
    assertTrue(Math.abs(g.trace() - tr) > 1e-3 * scale && g.standardError() > 1e-3 * scale);
  }

  @Test
  void anInvariantKrylovSpaceGivesTheExactDensity() {
    // diag with the values -2, 0.5, 3 repeated 7, 11 and 5 times: a Rademacher probe, normalised, puts weight
    // multiplicity / 23 on each value, and Lanczos stops after 3 steps with those values as its nodes.
    double[] values = {-2, 0.5, 3};
    int[] mult = {7, 11, 5};
    double[] d = new double[23];
    for (int v = 0, i = 0; v < 3; v++) {
      for (int r = 0; r < mult[v]; r++) {
        d[i++] = values[v];
      }
    }
    List<Integer> ticks = new ArrayList<>();
    SpectralDensity sd = SpectralDensity.estimate(diagonal(d), null, 0, 4, 10, 98, ticks::add);
    assertEquals(23, sd.dim());
    assertFalse(sd.dimEstimated());
    assertEquals(12, sd.products());
    assertEquals(12, ticks.size());
    for (SpectralDensity.Quadrature q : sd.quadratures()) {
      assertTrue(q.invariant());
      assertEquals(3, q.nodes().length);
      for (int v = 0; v < 3; v++) {
        assertEquals(values[v], q.nodes()[v], 1e-12);
        assertEquals(mult[v] / 23.0, q.weights()[v], 1e-12);
      }
    }
    for (int k = 0; k <= 12; k++) {
      double exact = 0;
      for (double x : d) {
        exact += Math.pow(x, k);
      }
      assertEquals(exact, sd.moment(k), 1e-11 * Math.pow(3, k) * 23, "tr M^" + k);
    }
  }

  @Test
  void badArgumentsAreRefused() {
    Setup s = setup();
    assertThrows(IllegalArgumentException.class, () -> SpectralDensity.estimate(s.h(), null, 274, 0, 5, 1, null));
    assertThrows(IllegalArgumentException.class, () -> SpectralDensity.estimate(s.h(), null, 274, 2, 0, 1, null));
    assertThrows(IllegalArgumentException.class, () -> SpectralDensity.estimate(s.h(), null, 275, 2, 2, 1, null));
    assertThrows(IllegalArgumentException.class, () -> HutchinsonTrace.estimate(s.h(), null, 0, 1, null));
    SpectralDensity sd = SpectralDensity.estimate(s.h(), null, 274, 1, 2, 1, null);
    assertTrue(Double.isNaN(sd.momentStandardError(1)));
    assertThrows(IllegalArgumentException.class, () -> sd.density(new double[] {0}, 0));
    assertThrows(IllegalArgumentException.class, () -> SpectralDensity.estimate(s.h(), v -> java.util.Arrays.fill(v,
        0), 1, 2, 2, 1, null));
  }
}
