package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.HessianFixtures.Problem;
import eqaug.nn.ParameterLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The stability analysis of one point (§4.2) against dense eigensolutions on the mixed network (dim 274, C4,
 * every stage kind): its E⊥ block is Π_E⊥ H^aug Π_E⊥ with the exact group average, its E block (computed from
 * the nominal Hessian, Proposition 2) equals Π_E H^aug Π_E, and the least stable vector's weights add up.
 */
class StabilityAnalysisTest {
  private static final Problem P = HessianFixtures.problem(HessianFixtures.mixed(), 8);
  private static final ParameterLayout LAYOUT = ParameterLayout.of(P.arch());

  private static double[] pointOfE(long seed) {
    double[] a = HessianFixtures.randomParameters(LAYOUT, new SplittableRandom(seed));
    new EquivariantProjection(LAYOUT).ontoE(a);
    return a;
  }

  /** Eigenvalues of M restricted to range(Pi), ascending: those of Pi M Pi + shift (I - Pi) below / above the shift. */
  private static double[] restrictedSpectrum(SymmetricOperator m, SymmetricOperator.Projector pi, long dim) {
    int n = m.dim();
    SymmetricOperator block = HessianOperators.block(m, pi);
    double[][] d = new double[n][n];
    double[] e = new double[n];
    double[] col = new double[n];
    double shift = 1e7;
    for (int j = 0; j < n; j++) {
      e[j] = 1;
      block.apply(e, col);
      double[] rest = e.clone();
      pi.project(rest);
      for (int i = 0; i < n; i++) {
        d[i][j] = col[i] + shift * (e[i] - rest[i]);
      }
      e[j] = 0;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double s = (d[i][j] + d[j][i]) / 2;
        d[i][j] = s;
        d[j][i] = s;
      }
    }
    double[] values = SymmetricEigen.of(d).values().clone();
    java.util.Arrays.sort(values);
    assertTrue(values[(int) dim - 1] < shift / 2 && values[(int) dim] > shift / 2, "the shift separates the subspace");
    return java.util.Arrays.copyOf(values, (int) dim);
  }

  @Test
  void blocksMatchDenseSpectraOfTheExactAugmentedHessian() {
    double[] a = pointOfE(3);
    StabilityAnalysis.Options o = new StabilityAnalysis.Options(3, 274, 0, 100, 5);
    long[] counted = {0};
    StabilityAnalysis.Point p = StabilityAnalysis.analyse(P.arch(), P.data(), P.batch(), a, o, n -> counted[0] += n);
    assertTrue(p.projected());
    assertTrue(p.exact());
    assertEquals(4, p.elements());
    assertEquals(counted[0], p.nominalProducts());

    EquivariantProjection pi = new EquivariantProjection(LAYOUT);
    SymmetricOperator hAug = HessianOperators.hessian(AugmentedRisk.exact(P.arch(), P.data(), P.batch(), 100), a);
    long dimE = LAYOUT.equivariantDim() + LAYOUT.size() - LAYOUT.linearSize();
    assertEquals(dimE, p.equivariant().dim());
    assertEquals(LAYOUT.size() - dimE, p.complement().dim());
    double[] perp = restrictedSpectrum(hAug, pi::ontoComplement, p.complement().dim());
    double[] onE = restrictedSpectrum(hAug, pi::ontoE, dimE);
    double scale = Math.max(Math.abs(perp[0]), Math.abs(perp[perp.length - 1]));
    for (int i = 0; i < 3; i++) {
      assertEquals(perp[i], p.complement().result().smallest().get(i).value(), 1e-9 * scale, "E_perp smallest " + i);
      assertEquals(perp[perp.length - 1 - i], p.complement().result().largest().get(i).value(), 1e-9 * scale,
          "E_perp largest " + i);
      // The E block came from the nominal Hessian: Proposition 2 says it is the same operator on E.
      assertEquals(onE[i], p.equivariant().result().smallest().get(i).value(), 1e-9 * scale, "E smallest " + i);
      assertEquals(onE[onE.length - 1 - i], p.equivariant().result().largest().get(i).value(), 1e-9 * scale,
          "E largest " + i);
    }
    // The independent check: second differences of the risks themselves along the two λ_min vectors.
    assertEquals(p.complement().lambdaMin(), p.curvatureCheckPerp(), 1e-4 * scale, "curvature check on E_perp");
    assertEquals(p.equivariant().lambdaMin(), p.curvatureCheckE(), 1e-4 * scale, "curvature check on E");
    for (Lanczos.RitzPair r : p.complement().result().smallest()) {
      assertTrue(r.residual() < 1e-8 * scale, "converged: residual " + r.residual());
    }
  }

  @Test
  void leastStableVectorWeightsAddUp() {
    StabilityAnalysis.Point p = StabilityAnalysis.analyse(P.arch(), P.data(), P.batch(), pointOfE(4),
        new StabilityAnalysis.Options(1, 40, 0, 100, 6), n -> {});
    double sum = 0;
    double batchNorm = -1;
    for (StabilityAnalysis.Weight w : p.layerWeights()) {
      sum += w.weight();
      if (w.part().equals("batch norm")) {
        batchNorm = w.weight();
      }
    }
    assertEquals(1, sum, 1e-12);
    assertEquals(0, batchNorm, 1e-20, "batch-norm parameters lie in E, so an E_perp vector has none");
    // bn1 (2 channels) is fed by l1, bn2 (4 channels) by l3: the channels split exactly those layers' weight.
    List<StabilityAnalysis.Weight> ch = p.channelWeights();
    assertEquals(6, ch.size());
    double l1 = weightOf(p.layerWeights(), "l1");
    double l3 = weightOf(p.layerWeights(), "l3");
    assertEquals(l1, ch.get(0).weight() + ch.get(1).weight(), 1e-12);
    assertEquals(l3, ch.get(2).weight() + ch.get(3).weight() + ch.get(4).weight() + ch.get(5).weight(), 1e-12);
    assertTrue(ch.get(0).part().startsWith("bn1[0]"));
  }

  private static double weightOf(List<StabilityAnalysis.Weight> ws, String name) {
    return ws.stream().filter(w -> w.part().equals(name)).findFirst().orElseThrow().weight();
  }

  @Test
  void aPointOffEIsAnalysedWhereItIs() {
    double[] a = HessianFixtures.randomParameters(LAYOUT, new SplittableRandom(9));
    StabilityAnalysis.Point p = StabilityAnalysis.analyse(P.arch(), P.data(), P.batch(), a,
        new StabilityAnalysis.Options(1, 10, 0, 100, 6), n -> {});
    assertFalse(p.projected());
    assertTrue(p.distanceToE() > 0.1 * p.norm());
    // Off E both blocks use H^aug: every product costs |G| = 4 nominal ones.
    assertEquals(0, p.nominalProducts() % 4);
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new StabilityAnalysis.Options(0, 10, 0, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> new StabilityAnalysis.Options(3, 5, 0, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> StabilityAnalysis.analyse(P.arch(), P.data(), P.batch(),
        new double[3], new StabilityAnalysis.Options(1, 10, 0, 100, 1), n -> {}));
    assertThrows(IllegalArgumentException.class, () -> StabilityAnalysis.analyse(P.arch(), P.data(), P.batch(),
        pointOfE(1), new StabilityAnalysis.Options(1, 10, 0, 3, 1), n -> {}));
  }
}
