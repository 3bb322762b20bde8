package eqaug.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.BlockErdosRenyi;
import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.group.PermutationGroup;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.hessian.AugmentedRisk;
import eqaug.nn.PaperNetworks;
import eqaug.random.SplitMix64;
import eqaug.train.ExactFixtures.Problem;
import eqaug.train.ExactFixtures.Trajectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The distributions AUGMENTED draws from (issue 12, {@code --augment-by}): Haar on G exactly as the group
 * samples, Haar on a subgroup H given by generators from G (only H's elements, each equally often), listed
 * elements by their normalised weights; their exact expectations through the fp64 trainer; and the refusals.
 */
class AugmentationTest {
  private static final RotationGroup C4 = new RotationGroup();

  /** Draws n codes from mu on g and counts each element. */
  private static Map<GroupElement, Integer> counts(Augmentation mu, Group g, int n, long seed) {
    SplitMix64 rng = new SplitMix64(seed);
    int[] code = new int[g.codeLength()];
    Map<GroupElement, Integer> c = new HashMap<>();
    for (int i = 0; i < n; i++) {
      mu.sample(g, rng, code);
      c.merge(new GroupElement(code.clone()), 1, Integer::sum);
    }
    return c;
  }

  /** Pearson's chi-square of the counts against the probabilities of the listed elements. */
  private static double chiSquare(Map<GroupElement, Integer> c, List<GroupElement> elements, double[] p, int n) {
    double x = 0;
    for (int i = 0; i < elements.size(); i++) {
      double want = n * p[i];
      double d = c.getOrDefault(elements.get(i), 0) - want;
      x += d * d / want;
    }
    return x;
  }

  @Test
  void haarOnGDrawsExactlyAsTheGroupSamples() {
    for (Group g : List.<Group>of(C4, new SymmetricGroup(5))) {
      SplitMix64 a = new SplitMix64(3);
      SplitMix64 b = new SplitMix64(3);
      int[] code = new int[g.codeLength()];
      int[] want = new int[g.codeLength()];
      for (int i = 0; i < 200; i++) {
        Augmentation.HAAR.sample(g, a, code);
        g.sample(b, want);
        assertArrayEquals(want, code, g.name() + " draw " + i);
      }
      assertTrue(Augmentation.HAAR.isHaarOnG());
      assertEquals(g.order(), Augmentation.HAAR.supportSize(g));
    }
  }

  /**
   * H = <(0 1 2), (3 4)> in S_5 (order 6) and <r2> in C4 (order 2): 6000 draws are all in H, every element of H
   * comes up, and the counts pass Pearson's test of uniformity at the 0.1% level (fixed seeds: deterministic).
   */
  @Test
  void haarOnASubgroupDrawsOnlyAndAllOfItsElementsUniformly() {
    SymmetricGroup s5 = new SymmetricGroup(5);
    PermutationGroup h6 = PermutationGroup.of("<(0 1 2), (3 4)>", 5, new int[] {1, 2, 0, 3, 4}, new int[] {0, 1, 2, 4, 3});
    PermutationGroup h2 = PermutationGroup.of("<r2>", 4, C4.rotation(2).code());
    record Case(Group g, PermutationGroup h, double chi2at001) {}
    // The 0.999 quantiles of chi-square with 5 and 1 degrees of freedom.
    for (Case c : List.of(new Case(s5, h6, 20.52), new Case(C4, h2, 10.83))) {
      assertEquals(c.h().order(), c.h().elements().size());
      for (GroupElement e : c.h().generators()) {
        assertTrue(s5.equals(c.g()) ? s5.contains(e) : C4.contains(e), "generators are elements of G");
      }
      Augmentation mu = Augmentation.haarOn(c.h(), "Haar on " + c.h().name());
      assertFalse(mu.isHaarOnG());
      int n = 6000;
      Map<GroupElement, Integer> got = counts(mu, c.g(), n, 5);
      for (GroupElement e : got.keySet()) {
        assertTrue(c.h().contains(e), e + " is not in " + c.h().name());
      }
      assertEquals(c.h().order(), got.size(), "every element of " + c.h().name() + " is drawn");
      double[] p = mu.probabilities(c.g());
      assertEquals(c.h().order(), p.length);
      double x = chiSquare(got, mu.support(c.g()), p, n);
      assertTrue(x < c.chi2at001(), c.h().name() + ": chi-square " + x);
      assertEquals(c.h().order(), mu.supportSize(c.g()));
      assertEquals(c.h().order(), new TrainConfig(1, 0.1, 4, 3, 0, mu.exactly(true)).passes(c.g()));
      assertEquals(3, new TrainConfig(1, 0.1, 4, 3, 0, mu).passes(c.g()));
    }
  }

  /**
   * Weights 2 : 1 : 5 on the rotations by 0, 90 and 180 degrees are normalised to 0.25, 0.125, 0.625; 40000 draws
   * never give 270 degrees and pass Pearson's test at the 0.1% level (2 degrees of freedom: 13.82); and a weighted
   * mu that put the weights the other way round would fail it by far.
   */
  @Test
  void weightedDrawsFollowTheirNormalisedWeights() {
    List<GroupElement> atoms = List.of(C4.rotation(0), C4.rotation(1), C4.rotation(2));
    double[] raw = {2, 1, 5};
    Augmentation mu = Augmentation.weighted(atoms, raw, "2:1:5");
    assertArrayEquals(new double[] {2, 1, 5}, raw, 0, "the caller's weights are not changed");
    double[] p = mu.probabilities(C4);
    assertArrayEquals(new double[] {0.25, 0.125, 0.625}, p, 1e-15);
    assertEquals(1, p[0] + p[1] + p[2], 1e-15);
    assertEquals(atoms, mu.support(C4));
    assertEquals(3, mu.supportSize(C4));
    int n = 40000;
    Map<GroupElement, Integer> got = counts(mu, C4, n, 7);
    assertFalse(got.containsKey(C4.rotation(3)));
    assertEquals(n, got.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(chiSquare(got, atoms, p, n) < 13.82, "chi-square " + chiSquare(got, atoms, p, n));
    assertTrue(chiSquare(got, atoms, new double[] {0.625, 0.125, 0.25}, n) > 1000, "the test can tell weights apart");
    // The same distribution is equal whatever the scale of its weights.
    assertEquals(mu, Augmentation.weighted(atoms, new double[] {0.4, 0.2, 1.0}, "2:1:5"));
  }

  @Test
  void badWeightsAreRefused() {
    List<GroupElement> two = List.of(C4.rotation(0), C4.rotation(2));
    for (double[] w : new double[][] {{1, 0}, {1, -1}, {1, Double.NaN}, {1, Double.POSITIVE_INFINITY}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Augmentation.weighted(two, w, "bad"));
      assertTrue(e.getMessage().contains("positive and finite"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Augmentation.weighted(two, new double[] {1, 2, 3}, "bad"));
    assertTrue(e.getMessage().contains("2 elements and 3 weights"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Augmentation.weighted(List.of(), new double[0], "none"));
    assertThrows(IllegalArgumentException.class,
        () -> new Augmentation("both", C4, two, new double[] {1, 1}, false));
    assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 0.1, 4, 1, 0, null));
    for (double gamma : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 0.1, 4, 1, gamma, Augmentation.HAAR));
    }
  }

  /**
   * Exact augmentation enumerates at most MAX_EXACT = 5040 elements (S_7): S_8 (40320) is refused in one line
   * naming its order and the limit, by support() and by the trainer before it trains; a subgroup is judged by
   * its own order; a weighted list by its length.
   */
  @Test
  void groupsAboveTheLimitAreRefused() {
    assertEquals(5040, Augmentation.MAX_EXACT);
    SymmetricGroup s8 = new SymmetricGroup(8);
    Augmentation exact = Augmentation.HAAR.exactly(true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> exact.support(s8));
    assertEquals(Augmentation.tooLarge(s8), e.getMessage());
    assertTrue(e.getMessage().contains("40320") && e.getMessage().contains("5040"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(5040, exact.support(new SymmetricGroup(7)).size());
    // A subgroup of S_8 small enough is enumerated: <(0 1 ... 7)>, order 8.
    PermutationGroup cyclic = PermutationGroup.of("<(0 1 2 3 4 5 6 7)>", 8, new int[] {1, 2, 3, 4, 5, 6, 7, 0});
    assertEquals(8, Augmentation.haarOn(cyclic, "C8").exactly(true).support(s8).size());
    // Through the trainer: refused before any pass.
    var arch = PaperNetworks.permutation(8);
    var data = BlockErdosRenyi.generate(4, 8, 0.7, 0.2, new SplitMix64(1));
    TrainConfig cfg = new TrainConfig(1, 0.1, 4, 1, 0, exact);
    try (TrainingEngine t = new CpuBackend().open(arch, data, cfg, 1, Precision.FP32)) {
      List<Boolean> passes = new ArrayList<>();
      IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> t.train(0, Strategy.AUGMENTED,
          ExactFixtures.startInE(arch, 1), new SplitMix64(2), new TrainingListener() {
            @Override
            public void onEpoch(EpochRecord record) {}

            @Override
            public void onPass(boolean withGradient) {
              passes.add(withGradient);
            }
          }));
      assertEquals(Augmentation.tooLarge(s8), r.getMessage());
      assertTrue(passes.isEmpty(), "refused before training");
    }
  }

  /**
   * Exact augmentation over a subgroup or a weighted list through the fp64 trainer: its first step is that of
   * the risk averaged over H (AugmentedRisk over H's elements), or over a list holding each element as often as
   * its weight says (weights 1 : 3 on rotations by 0 and 180 degrees: e, r2, r2, r2), to double rounding.
   */
  @Test
  void exactSubgroupAndWeightedStepsAreThoseOfTheirAverages() {
    Problem p = ExactFixtures.rotation();
    float[] a0 = ExactAugmentationTest.startOffE(p, 8);
    PermutationGroup h2 = PermutationGroup.of("<r2>", 4, C4.rotation(2).code());
    GroupElement e = C4.rotation(0);
    GroupElement r2 = C4.rotation(2);
    record Case(Augmentation mu, List<GroupElement> average) {}
    for (Case c : List.of(new Case(Augmentation.haarOn(h2, "<r2>"), h2.elements()),
        new Case(Augmentation.weighted(List.of(e, r2), new double[] {1, 3}, "1:3"), List.of(e, r2, r2, r2)))) {
      double tau = 0.05;
      TrainConfig cfg = new TrainConfig(1, tau, p.batch(), 1, 0, c.mu().exactly(true));
      Trajectory t = ExactFixtures.train(p, cfg, Strategy.AUGMENTED, Precision.FP64, a0, new SplitMix64(9));
      AugmentedRisk risk = AugmentedRisk.over(p.arch(), p.data(), p.batch(), c.average());
      double[] a = ExactFixtures.widen(a0);
      double[] grad = new double[a.length];
      risk.gradient(a, grad);
      double num = 0;
      double den = 0;
      for (int i = 0; i < a.length; i++) {
        double want = a[i] - tau * grad[i];
        double d = want - t.params().get(1)[i];
        num += d * d;
        den += (want - a[i]) * (want - a[i]);
      }
      double rel = Math.sqrt(num / den);
      assertTrue(rel < 1e-12, c.mu() + ": off the averaged risk's step by " + rel);
      // And it is not G's average: the subgroup's augmentation is another gradient.
      AugmentedRisk whole = AugmentedRisk.over(p.arch(), p.data(), p.batch(), C4.elements());
      double[] gWhole = new double[a.length];
      whole.gradient(a, gWhole);
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        diff += (gWhole[i] - grad[i]) * (gWhole[i] - grad[i]);
      }
      assertTrue(Math.sqrt(diff) * tau > 1e-3 * Math.sqrt(den), c.mu() + " is indistinguishable from Haar on G");
    }
  }
}
