package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.HessianFixtures.Problem;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact Hessian-vector product (forward-over-reverse, {@link Float64Network}) against central differences
 * of the exact double gradient: per stage kind on networks that isolate it, and column by column for a dense
 * Hessian of a network with every kind; and its symmetry, which differences of gradients do not have.
 */
class HessianVectorTest {
  static Stream<Problem> stageProblems() {
    return HessianFixtures.stageProblems().stream();
  }

  static Stream<Problem> allProblems() {
    return Stream.concat(HessianFixtures.stageProblems().stream(), HessianFixtures.paperProblems().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stageProblems")
  void rOperatorMatchesCentralDifferencesOfTheGradient(Problem p) {
    AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    SplittableRandom rng = new SplittableRandom(31);
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), rng);
    double[] v = HessianFixtures.gaussian(risk.dim(), rng);
    double nv = HessianFixtures.norm(v);
    for (int i = 0; i < v.length; i++) {
      v[i] /= nv;
    }
    double[] hv = new double[risk.dim()];
    risk.hessianVector(a, v, hv);
    double eps = 1e-5;
    // Away from kinks: no leaky-ReLU input may change sign between a - eps v and a + eps v.
    assertTrue(risk.kinkDistance() > 100 * eps, p.name() + ": a leaky-ReLU input is within "
        + risk.kinkDistance() + " of its kink");
    double[] fd = HessianFixtures.centralDifference(risk, a, v, eps);
    double err = HessianFixtures.distance(hv, fd);
    assertTrue(HessianFixtures.norm(hv) > 1e-6, p.name() + ": H v vanishes, the check would be empty");
    assertTrue(err <= 1e-9 * HessianFixtures.norm(hv), p.name() + ": |Hv - difference| = " + err + ", |Hv| = "
        + HessianFixtures.norm(hv));
  }

  @Test
  void denseHessianFromProductsMatchesColumnsOfDifferences() {
    Problem p = HessianFixtures.problem(HessianFixtures.mixed(), 41);
    AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    int n = risk.dim();
    assertTrue(n <= 300);
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), new SplittableRandom(42));
    double eps = 1e-5;
    double maxH = 0;
    double maxErr = 0;
    double minKink = Double.POSITIVE_INFINITY;
    double[] e = new double[n];
    double[] col = new double[n];
    for (int j = 0; j < n; j++) {
      e[j] = 1;
      risk.hessianVector(a, e, col);
      minKink = Math.min(minKink, risk.kinkDistance());
      double[] fd = HessianFixtures.centralDifference(risk, a, e, eps);
      for (int i = 0; i < n; i++) {
        maxH = Math.max(maxH, Math.abs(col[i]));
        maxErr = Math.max(maxErr, Math.abs(col[i] - fd[i]));
      }
      e[j] = 0;
    }
    assertTrue(minKink > 100 * eps, "a leaky-ReLU input is within " + minKink + " of its kink");
    assertTrue(maxErr <= 1e-9 * maxH, "max |H_ij - difference_ij| = " + maxErr + ", max |H_ij| = " + maxH);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allProblems")
  void hessianIsSymmetric(Problem p) {
    AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    SplittableRandom rng = new SplittableRandom(51);
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), rng);
    double[] u = HessianFixtures.gaussian(risk.dim(), rng);
    double[] v = HessianFixtures.gaussian(risk.dim(), rng);
    double[] hu = new double[risk.dim()];
    double[] hv = new double[risk.dim()];
    risk.hessianVector(a, u, hu);
    risk.hessianVector(a, v, hv);
    double uhv = HessianFixtures.dot(u, hv);
    double vhu = HessianFixtures.dot(v, hu);
    double scale = HessianFixtures.norm(u) * HessianFixtures.norm(hv);
    assertTrue(Math.abs(uhv - vhu) <= 1e-10 * Math.abs(uhv), p.name() + ": <u,Hv> = " + uhv + ", <v,Hu> = " + vhu);
    assertTrue(Math.abs(uhv) > 1e-6 * scale, p.name() + ": <u,Hv> is too small for a relative check");
  }
}
