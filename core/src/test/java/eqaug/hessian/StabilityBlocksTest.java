package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.hessian.HessianFixtures.Problem;
import eqaug.nn.ParameterLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The paper's §4.2 for the exact operators, on its three networks at small size with the exact group average
 * (S_4: 24 elements, Z_3 x Z_3: 9, C4: 4). At A in E:
 * H^aug maps E into E and E-perp into E-perp (so the stability of E is decided on E-perp alone) while the
 * nominal H mixes them; Proposition 2: H^aug = Pi_{E(x)2} H, the Haar average of rho-bar(g) H rho-bar(g)^-1, and
 * so Pi_E H^aug Pi_E = Pi_E H Pi_E, the Hessian of R^eqv(A) = R(Pi_E A); on E-perp the two differ.
 */
class StabilityBlocksTest {
  static Stream<Problem> problems() {
    return HessianFixtures.paperProblems().stream();
  }

  private record Setup(AugmentedRisk aug, AugmentedRisk nominal, EquivariantProjection pi, double[] a,
      double[] inE, double[] inPerp) {}

  private static Setup setup(Problem p) {
    AugmentedRisk aug = AugmentedRisk.exact(p.arch(), p.data(), p.batch(), 100);
    AugmentedRisk nominal = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    ParameterLayout layout = aug.network().layout();
    EquivariantProjection pi = new EquivariantProjection(layout);
    SplittableRandom rng = new SplittableRandom(61);
    double[] a = HessianFixtures.randomParameters(layout, rng);
    pi.ontoE(a);
    double[] u = HessianFixtures.gaussian(aug.dim(), rng);
    pi.ontoE(u);
    double[] w = HessianFixtures.gaussian(aug.dim(), rng);
    pi.ontoComplement(w);
    return new Setup(aug, nominal, pi, a, u, w);
  }

  /** |the part of H v in the subspace v is not in| / |H v|. */
  private static double leak(AugmentedRisk risk, Setup s, double[] v, boolean vInE) {
    double[] hv = new double[v.length];
    risk.hessianVector(s.a(), v, hv);
    double n = HessianFixtures.norm(hv);
    if (vInE) {
      s.pi().ontoComplement(hv);
    } else {
      s.pi().ontoE(hv);
    }
    return HessianFixtures.norm(hv) / n;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void augmentedHessianKeepsEAndItsComplementApart(Problem p) {
    Setup s = setup(p);
    assertTrue(s.aug().isExact() && s.aug().elementCount() == p.arch().group().order());
    double perp = leak(s.aug(), s, s.inPerp(), false);
    double e = leak(s.aug(), s, s.inE(), true);
    double nominal = leak(s.nominal(), s, s.inPerp(), false);
    assertTrue(perp <= 1e-10, p.name() + ": H^aug w for w in E-perp has " + perp + " of its norm in E");
    assertTrue(e <= 1e-10, p.name() + ": H^aug u for u in E has " + e + " of its norm in E-perp");
    assertTrue(nominal > 1e-3, p.name() + ": the nominal H should mix E and E-perp, leak " + nominal);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void augmentedHessianIsTheGroupAverageOfTheNominalOne(Problem p) {
    Setup s = setup(p);
    ParameterLayout layout = s.aug().network().layout();
    Group group = p.arch().group();
    double[] v = HessianFixtures.gaussian(s.aug().dim(), new SplittableRandom(62));
    double[] hAug = new double[v.length];
    s.aug().hessianVector(s.a(), v, hAug);
    double[] avg = new double[v.length];
    double[] hv = new double[v.length];
    for (GroupElement g : group.elements()) {
      double[] moved = rhoBar(layout, group.inverse(g), v);
      s.nominal().hessianVector(s.a(), moved, hv);
      double[] back = rhoBar(layout, g, hv);
      for (int i = 0; i < v.length; i++) {
        avg[i] += back[i] / group.order();
      }
    }
    double err = HessianFixtures.distance(hAug, avg);
    assertTrue(err <= 1e-10 * HessianFixtures.norm(hAug), p.name() + ": |H^aug v - avg_g rho(g) H rho(g)^-1 v| = "
        + err + " of |H^aug v| = " + HessianFixtures.norm(hAug));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void onEAugmentedAndEquivariantHessiansAgreeAndOnTheComplementTheyDiffer(Problem p) {
    Setup s = setup(p);
    double[] v = HessianFixtures.gaussian(s.aug().dim(), new SplittableRandom(63));
    SymmetricOperator hAug = HessianOperators.hessian(s.aug(), s.a());
    SymmetricOperator h = HessianOperators.hessian(s.nominal(), s.a());
    double[] x = new double[v.length];
    double[] y = new double[v.length];
    HessianOperators.onE(hAug, s.pi()).apply(v, x);
    HessianOperators.onE(h, s.pi()).apply(v, y);
    double err = HessianFixtures.distance(x, y);
    assertTrue(err <= 1e-10 * HessianFixtures.norm(x), p.name() + ": Pi_E H^aug Pi_E v and Pi_E H Pi_E v differ by "
        + err + " of " + HessianFixtures.norm(x));
    HessianOperators.onComplement(hAug, s.pi()).apply(v, x);
    HessianOperators.onComplement(h, s.pi()).apply(v, y);
    double diff = HessianFixtures.distance(x, y);
    assertTrue(diff > 1e-3 * HessianFixtures.norm(x), p.name() + ": on E-perp augmentation should change the"
        + " Hessian, difference " + diff + " of " + HessianFixtures.norm(x));
  }

  /** rho-bar(g) on every linear layer, (rho-bar(g) A)[p][q] = A[out_g(p)][in_g(q)]; batch-norm entries copied. */
  static double[] rhoBar(ParameterLayout layout, GroupElement g, double[] a) {
    double[] out = a.clone();
    for (ParameterLayout.LayerView v : layout.layers()) {
      int[] rows = v.orbits().out().gather(g);
      int[] cols = v.orbits().in().gather(g);
      int n = cols.length;
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < n; c++) {
          out[v.offset() + r * n + c] = a[v.offset() + rows[r] * n + cols[c]];
        }
      }
    }
    return out;
  }
}
