package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.data.Dataset;
import eqaug.group.GroupElement;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The paper's §4.2 on the Hessian of the augmented risk, for the operator the stability analysis uses
 * (central differences of exact gradients): at A in E, with the exact Haar average over G, it maps E and
 * E-perp into themselves (so stability of E is decided by its spectrum on E-perp alone), while the nominal
 * Hessian (S = {e}) mixes them; and v^T H v agrees with the second difference of the augmented risk itself.
 */
class AugmentedHessianTest {
  static Stream<Problem> problems() {
    return Fixtures.allProblems(700, 12, 4).stream();
  }

  private static Trainer trainer(Problem p) {
    Network net = new Network(p.arch(), Fixtures.KERNELS, p.batch());
    Dataset data = new Dataset(p.name(), p.x(), p.y(), p.size(), p.inDim(), p.outDim());
    return new Trainer(net, data, new TrainConfig(1, 1e-3, p.batch(), 1));
  }

  private static float[] complementPart(ParameterLayout layout, float[] v) {
    float[] e = v.clone();
    layout.project(e);
    float[] perp = v.clone();
    for (int i = 0; i < v.length; i++) {
      perp[i] -= e[i];
    }
    return perp;
  }

  private static float[] equivariantPart(ParameterLayout layout, float[] v) {
    float[] e = v.clone();
    layout.project(e);
    return e;
  }

  /** |the part of H v outside the subspace v lies in| / |H v|. */
  private static double leak(ParameterLayout layout, AugmentedHessian h, float[] v, boolean vInE) {
    float[] hv = new float[v.length];
    h.apply(v, hv);
    float[] out = vInE ? complementPart(layout, hv) : equivariantPart(layout, hv);
    return Fixtures.norm(out) / Fixtures.norm(hv);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void atAnEquivariantPointTheAugmentedHessianKeepsEAndItsComplementApart(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Trainer t = trainer(p);
    float[] a = Fixtures.randomEquivariantParameters(layout, new SplittableRandom(701));
    SplittableRandom rng = new SplittableRandom(702);
    float[] v = complementPart(layout, Fixtures.randomParameters(layout, rng));
    float[] u = equivariantPart(layout, Fixtures.randomParameters(layout, rng));
    AugmentedHessian exact = new AugmentedHessian(AugmentedHessian.averagedOver(t, p.group().elements()), a, 1e-3);
    AugmentedHessian nominal = new AugmentedHessian(AugmentedHessian.averagedOver(t, List.of(p.group().identity())), a, 1e-3);
    double perpLeak = leak(layout, exact, v, false);
    double eLeak = leak(layout, exact, u, true);
    double nominalLeak = leak(layout, nominal, v, false);
    assertTrue(perpLeak < 2e-3, p.name() + ": H^aug v for v in E-perp has " + perpLeak + " of its norm in E");
    assertTrue(eLeak < 2e-3, p.name() + ": H^aug u for u in E has " + eLeak + " of its norm in E-perp");
    // The control: the nominal Hessian does mix them, so the check above can fail.
    assertTrue(nominalLeak > 20 * Math.max(perpLeak, 1e-4), p.name() + ": nominal Hessian leak " + nominalLeak
        + " against " + perpLeak);
  }

  /**
   * The operator at step e gives c(e) = (phi'(e) - phi'(-e)) / 2e for phi(s) = R^aug(A + s u), |u| = 1. For the
   * risk itself, phi(d) - 2 phi(0) + phi(-d) = integral over (0, d) of 2 e c(e) de, exactly, even where leaky
   * ReLU kinks make phi' jump (so the curvature depends on the step, and no single step can be compared).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void curvatureAtEveryStepIntegratesToTheSecondDifferenceOfTheRisk(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Trainer t = trainer(p);
    AugmentedHessian.Gradient g = AugmentedHessian.averagedOver(t, p.group().elements());
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(703));
    float[] u = Fixtures.randomParameters(layout, new SplittableRandom(704));
    double nu = Fixtures.norm(u);
    for (int i = 0; i < u.length; i++) {
      u[i] /= (float) nu;
    }
    double na = Fixtures.norm(a);
    double d = 3e-2 * na;
    int n = 48;
    double integral = 0;
    float[] hu = new float[u.length];
    for (int j = 0; j < n; j++) {
      double e = (j + 0.5) * d / n;
      new AugmentedHessian(g, a, e / na).apply(u, hu);
      double c = 0;
      for (int i = 0; i < u.length; i++) {
        c += (double) u[i] * hu[i];
      }
      integral += 2 * e * c * (d / n);
    }
    float[] grad = new float[a.length];
    double r0 = g.at(a, grad);
    float[] shifted = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      shifted[i] = (float) (a[i] + d * u[i]);
    }
    double rPlus = g.at(shifted, grad);
    for (int i = 0; i < a.length; i++) {
      shifted[i] = (float) (a[i] - d * u[i]);
    }
    double rMinus = g.at(shifted, grad);
    double second = rPlus - 2 * r0 + rMinus;
    assertEquals(second, integral, 0.03 * Math.abs(second) + 1e-7,
        p.name() + ": integral of the operator's curvature " + integral + ", second difference of R^aug " + second);
  }
}
