package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.HessianFixtures.Problem;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lanczos against a dense eigen-decomposition of the Hessian of a network with dim L <= 300, assembled from
 * exact Hessian-vector products; the dense solver is checked first by its defining properties
 * (A y = lambda y, orthonormal vectors, trace), not by another solver.
 */
class LanczosTest {
  static double[][] dense(SymmetricOperator op) {
    int n = op.dim();
    double[][] m = new double[n][n];
    double[] e = new double[n];
    double[] col = new double[n];
    for (int j = 0; j < n; j++) {
      e[j] = 1;
      op.apply(e, col);
      e[j] = 0;
      for (int i = 0; i < n; i++) {
        m[i][j] = col[i];
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double s = (m[i][j] + m[j][i]) / 2;
        m[i][j] = s;
        m[j][i] = s;
      }
    }
    return m;
  }

  private static double maxAbs(double[][] m) {
    double s = 0;
    for (double[] r : m) {
      for (double x : r) {
        s = Math.max(s, Math.abs(x));
      }
    }
    return s;
  }

  private static void checkDecomposition(double[][] m, SymmetricEigen.Decomposition d) {
    int n = m.length;
    double scale = maxAbs(m) * n;
    double trace = 0;
    double sum = 0;
    for (int k = 0; k < n; k++) {
      trace += m[k][k];
      sum += d.values()[k];
      if (k > 0) {
        assertTrue(d.values()[k] >= d.values()[k - 1], "eigenvalues not ascending");
      }
      double[] y = d.vectors()[k];
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += m[i][j] * y[j];
        }
        assertEquals(d.values()[k] * y[i], s, 1e-12 * scale, "A y != lambda y for eigenpair " + k);
      }
      for (int l = 0; l <= k; l++) {
        assertEquals(l == k ? 1 : 0, HessianFixtures.dot(y, d.vectors()[l]), 1e-12, "vectors not orthonormal");
      }
    }
    assertEquals(trace, sum, 1e-12 * scale);
  }

  private static SymmetricOperator hessian(Problem p) {
    AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), new SplittableRandom(71));
    return HessianOperators.hessian(risk, a);
  }

  @Test
  void jacobiDecomposesARandomSymmetricMatrix() {
    SplittableRandom rng = new SplittableRandom(72);
    int n = 40;
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        m[i][j] = rng.nextGaussian();
        m[j][i] = m[i][j];
      }
    }
    checkDecomposition(m, SymmetricEigen.of(m));
  }

  @Test
  void lanczosFindsTheExtremeEigenvaluesOfTheHessian() {
    Problem p = HessianFixtures.problem(HessianFixtures.mixed(), 73);
    SymmetricOperator h = hessian(p);
    double[][] m = dense(h);
    SymmetricEigen.Decomposition d = SymmetricEigen.of(m);
    checkDecomposition(m, d);
    int n = m.length;
    double scale = Math.max(Math.abs(d.values()[0]), Math.abs(d.values()[n - 1]));
    // Run to the full dimension: the Krylov space is then all of R^n and every Ritz value is an eigenvalue.
    Lanczos.Result full = Lanczos.extremes(h, SymmetricOperator.WHOLE_SPACE, 4, n, 74);
    for (int i = 0; i < 4; i++) {
      Lanczos.RitzPair lo = full.smallest().get(i);
      Lanczos.RitzPair hi = full.largest().get(i);
      assertEquals(d.values()[i], lo.value(), 1e-9 * scale, "smallest " + i);
      assertEquals(d.values()[n - 1 - i], hi.value(), 1e-9 * scale, "largest " + i);
      assertTrue(lo.residual() <= 1e-8 * scale && hi.residual() <= 1e-8 * scale, "residuals " + lo.residual()
          + ", " + hi.residual());
    }
    // Fewer steps: every Ritz value lies within its residual of an eigenvalue (Kahan's bound), and the two
    // extreme ones have converged.
    Lanczos.Result part = Lanczos.extremes(h, SymmetricOperator.WHOLE_SPACE, 3, 80, 75);
    assertEquals(80, part.steps());
    for (Lanczos.RitzPair r : concat(part)) {
      double nearest = Double.POSITIVE_INFINITY;
      for (double lambda : d.values()) {
        nearest = Math.min(nearest, Math.abs(lambda - r.value()));
      }
      assertTrue(nearest <= r.residual() + 1e-12 * scale, "Ritz value " + r.value() + " is " + nearest
          + " from the spectrum, residual " + r.residual());
    }
    assertEquals(d.values()[0], part.smallest().get(0).value(), 1e-6 * scale);
    assertEquals(d.values()[n - 1], part.largest().get(0).value(), 1e-6 * scale);
  }

  @Test
  void lanczosOnASubspaceFindsTheSpectrumOfTheBlock() {
    Problem p = HessianFixtures.problem(HessianFixtures.mixed(), 76);
    SymmetricOperator h = hessian(p);
    EquivariantProjection pi = new EquivariantProjection(eqaug.nn.ParameterLayout.of(p.arch()));
    SymmetricOperator block = HessianOperators.onComplement(h, pi);
    double[][] m = dense(block);
    int n = m.length;
    // Pi H Pi + c (I - Pi): on E-perp the block's eigenvalues, on E the value c, put far above them.
    double c = 1e3 * (1 + maxAbs(m)) * n;
    double[] e = new double[n];
    for (int j = 0; j < n; j++) {
      e[j] = 1;
      pi.ontoComplement(e);
      for (int i = 0; i < n; i++) {
        m[i][j] += c * ((i == j ? 1 : 0) - e[i]);
      }
      java.util.Arrays.fill(e, 0);
    }
    SymmetricEigen.Decomposition d = SymmetricEigen.of(m);
    int perpDim = 0;
    while (perpDim < n && d.values()[perpDim] < c / 2) {
      perpDim++;
    }
    assertTrue(perpDim > 10 && perpDim < n, "dim E-perp " + perpDim + " of " + n);
    double scale = Math.max(Math.abs(d.values()[0]), Math.abs(d.values()[perpDim - 1]));
    Lanczos.Result r = Lanczos.extremes(block, pi::ontoComplement, 3, n, 77);
    assertTrue(r.invariant() && r.steps() == perpDim, "Lanczos stopped after " + r.steps() + " steps; dim E-perp "
        + perpDim);
    for (int i = 0; i < 3; i++) {
      assertEquals(d.values()[i], r.smallest().get(i).value(), 1e-9 * scale, "smallest " + i);
      assertEquals(d.values()[perpDim - 1 - i], r.largest().get(i).value(), 1e-9 * scale, "largest " + i);
      double[] y = r.smallest().get(i).vector().clone();
      pi.ontoComplement(y);
      assertEquals(1, HessianFixtures.norm(y), 1e-12, "Ritz vector outside E-perp");
    }
  }

  @Test
  void progressCountsEveryProductAndChangesNothing() {
    Problem p = HessianFixtures.problem(HessianFixtures.mixed(), 78);
    SymmetricOperator h = hessian(p);
    java.util.List<Integer> ticks = new java.util.ArrayList<>();
    Lanczos.Result a = Lanczos.extremes(h, SymmetricOperator.WHOLE_SPACE, 2, 12, 79, ticks::add);
    Lanczos.Result b = Lanczos.extremes(h, SymmetricOperator.WHOLE_SPACE, 2, 12, 79);
    assertEquals(12 + 2 * 2, ticks.size());
    for (int i = 0; i < ticks.size(); i++) {
      assertEquals(i + 1, ticks.get(i));
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.ritzValues(), b.ritzValues());
    assertEquals(a.smallest().get(0).residual(), b.smallest().get(0).residual());
  }

  private static java.util.List<Lanczos.RitzPair> concat(Lanczos.Result r) {
    java.util.List<Lanczos.RitzPair> all = new java.util.ArrayList<>(r.smallest());
    all.addAll(r.largest());
    return all;
  }
}
