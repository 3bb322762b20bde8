package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.data.Dataset;
import eqaug.hessian.AugmentedRisk;
import eqaug.hessian.EquivariantProjection;
import eqaug.hessian.HessianOperators;
import eqaug.hessian.SymmetricOperator;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The paper's §4.2 on the Hessian of the augmented risk, with the exact operator the stability analysis uses
 * (forward-over-reverse Hessian-vector products in double, {@code eqaug.hessian}), on the shared fixture
 * networks (all three groups, both losses, every activation): at A in E, with the exact Haar average over G,
 * H^aug maps E and E-perp into themselves (so the stability of E is decided by its spectrum on E-perp alone),
 * while the nominal Hessian mixes them; and v^T H^aug v is the second derivative of R^aug itself along v.
 */
class AugmentedHessianTest {
  static Stream<Problem> problems() {
    return Fixtures.allProblems(700, 12, 4).stream();
  }

  private static Dataset data(Problem p) {
    return new Dataset(p.name(), p.x(), p.y(), p.size(), p.inDim(), p.outDim());
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void atAnEquivariantPointTheAugmentedHessianKeepsEAndItsComplementApart(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    EquivariantProjection pi = new EquivariantProjection(layout);
    double[] a = toDouble(Fixtures.randomParameters(layout, new SplittableRandom(701)));
    pi.ontoE(a);
    SplittableRandom rng = new SplittableRandom(702);
    double[] w = toDouble(Fixtures.randomParameters(layout, rng));
    pi.ontoComplement(w);
    double[] u = toDouble(Fixtures.randomParameters(layout, rng));
    pi.ontoE(u);
    SymmetricOperator exact = HessianOperators.hessian(AugmentedRisk.exact(p.arch(), data(p), p.batch(), 1000), a);
    SymmetricOperator nominal = HessianOperators.hessian(AugmentedRisk.nominal(p.arch(), data(p), p.batch()), a);
    double perpLeak = leak(exact, w, pi, false);
    double eLeak = leak(exact, u, pi, true);
    double nominalLeak = leak(nominal, w, pi, false);
    assertTrue(perpLeak <= 1e-10, p.name() + ": H^aug w for w in E-perp has " + perpLeak + " of its norm in E");
    assertTrue(eLeak <= 1e-10, p.name() + ": H^aug u for u in E has " + eLeak + " of its norm in E-perp");
    // The control: the nominal Hessian does mix them, so the check above can fail.
    assertTrue(nominalLeak > 1e-4, p.name() + ": nominal Hessian leak " + nominalLeak);
  }

  /** |the part of H v outside the subspace v lies in| / |H v|. */
  private static double leak(SymmetricOperator h, double[] v, EquivariantProjection pi, boolean vInE) {
    double[] hv = new double[v.length];
    h.apply(v, hv);
    double n = norm(hv);
    if (vInE) {
      pi.ontoComplement(hv);
    } else {
      pi.ontoE(hv);
    }
    return norm(hv) / n;
  }

  /**
   * phi(s) = R^aug(A + s u): (phi(d) - 2 phi(0) + phi(-d)) / d^2 = u^T H^aug u + O(d^2) when no leaky-ReLU
   * input changes sign on [-d, d]; extrapolated from d and d/2 to O(d^4). The step is small (kinks are near)
   * and risk values round at 1e-16, so the tolerance is that rounding over d^2, not the operator's accuracy.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void curvatureIsTheSecondDerivativeOfTheAugmentedRisk(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    AugmentedRisk risk = AugmentedRisk.exact(p.arch(), data(p), p.batch(), 1000);
    double[] a = toDouble(Fixtures.randomParameters(layout, new SplittableRandom(703)));
    double[] u = toDouble(Fixtures.randomParameters(layout, new SplittableRandom(704)));
    double nu = norm(u);
    for (int i = 0; i < u.length; i++) {
      u[i] /= nu;
    }
    double[] hu = new double[u.length];
    risk.hessianVector(a, u, hu);
    double curvature = 0;
    for (int i = 0; i < u.length; i++) {
      curvature += u[i] * hu[i];
    }
    double d = 2e-5;
    assertTrue(risk.kinkDistance() > 10 * d, p.name() + ": a kink lies within " + risk.kinkDistance());
    double coarse = secondDifference(risk, a, u, d);
    double fine = secondDifference(risk, a, u, d / 2);
    double extrapolated = (4 * fine - coarse) / 3;
    assertEquals(curvature, extrapolated, 1e-4 * Math.abs(curvature) + 1e-5,
        p.name() + ": u^T H^aug u = " + curvature + ", second difference of R^aug " + extrapolated);
  }

  private static double secondDifference(AugmentedRisk risk, double[] a, double[] u, double d) {
    double[] plus = a.clone();
    double[] minus = a.clone();
    for (int i = 0; i < a.length; i++) {
      plus[i] += d * u[i];
      minus[i] -= d * u[i];
    }
    return (risk.value(plus) - 2 * risk.value(a) + risk.value(minus)) / (d * d);
  }
}
