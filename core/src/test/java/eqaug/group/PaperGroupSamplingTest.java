package eqaug.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The paper's three groups keep their own samplers (so training draws stay as they were) and those samplers
 * are uniform on the group their generators generate.
 */
class PaperGroupSamplingTest {

  /** The group the generators generate, by Schreier–Sims, with no custom sampler. */
  private static PermutationGroup generated(PermutationGroup g) {
    List<int[]> gens = new ArrayList<>();
    for (GroupElement e : g.generators()) {
      gens.add(e.code());
    }
    return new PermutationGroup(g.name(), g.degree(), gens);
  }

  @Test
  void samplersDrawAsBefore() {
    // The draws the samplers made before they became permutation groups: C4 one nextInt(4), Z_NxZ_N
    // nextInt(N) for k then for l, S_N Fisher–Yates from the top.
    SplittableRandom a = new SplittableRandom(17);
    SplittableRandom b = new SplittableRandom(17);
    RotationGroup c4 = new RotationGroup();
    TranslationGroup z = new TranslationGroup(14);
    SymmetricGroup s = new SymmetricGroup(10);
    for (int t = 0; t < 200; t++) {
      assertEquals(c4.rotation(b.nextInt(4)), c4.sample(a));
      int k = b.nextInt(14);
      assertEquals(z.shift(k, b.nextInt(14)), z.sample(a));
      int[] p = Permutations.identity(10);
      for (int i = 9; i > 0; i--) {
        int j = b.nextInt(i + 1);
        int x = p[i];
        p[i] = p[j];
        p[j] = x;
      }
      assertArrayEquals(p, s.sample(a).code());
    }
    assertEquals(a.nextLong(), b.nextLong(), "the same number of draws");
  }

  @Test
  void c4AndShiftsSampleUniformlyFromTheirGeneratedGroups() {
    RotationGroup c4 = new RotationGroup();
    TranslationGroup z = new TranslationGroup(14);
    assertEquals(generated(c4), c4);
    assertEquals(4, generated(c4).order());
    assertEquals(196, generated(z).order());
    // checkUniform lists the generated group's elements and counts the group's own sampler's draws over them.
    GroupChecks.checkUniform(c4, new SplittableRandom(1), 5000);
    GroupChecks.checkUniform(z, new SplittableRandom(2), 200);
  }

  @Test
  void s10SamplesUniformly() {
    SymmetricGroup s = new SymmetricGroup(10);
    PermutationGroup gen = generated(s);
    assertEquals(3_628_800, gen.order());
    SplittableRandom rng = new SplittableRandom(3);
    int draws = 200_000;
    long[] pairs = new long[100];
    Map<List<Integer>, Long> types = new HashMap<>();
    for (int t = 0; t < draws; t++) {
      int[] p = s.sample(rng).code();
      assertTrue(gen.contains(p));
      pairs[p[0] * 10 + p[1]]++;
      types.merge(cycleType(p), 1L, Long::sum);
    }
    // (pi(0), pi(1)) is uniform on the 90 ordered pairs of distinct points exactly when pi is uniform's
    // two-point marginal; the cycle type has probability 1 / z_lambda, z_lambda = prod_i i^m_i m_i!.
    long[] offDiagonal = new long[90];
    int c = 0;
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 10; j++) {
        if (i == j) {
          assertEquals(0, pairs[i * 10 + j]);
        } else {
          offDiagonal[c++] = pairs[i * 10 + j];
        }
      }
    }
    double pairStat = GroupChecks.chiSquare(offDiagonal, draws / 90.0);
    assertTrue(pairStat < GroupChecks.chiSquareCritical(89), "pairs: chi-square " + pairStat);

    // Cycle types, cells with expected count under 20 pooled into one.
    double stat = 0;
    double pooledExpected = 0;
    long pooledObserved = 0;
    int cells = 0;
    for (List<Integer> type : partitions(10, 10)) {
      double expected = draws / z(type);
      long observed = types.getOrDefault(type, 0L);
      if (expected < 20) {
        pooledExpected += expected;
        pooledObserved += observed;
      } else {
        stat += (observed - expected) * (observed - expected) / expected;
        cells++;
      }
    }
    stat += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
    assertTrue(stat < GroupChecks.chiSquareCritical(cells), "cycle types: chi-square " + stat + " over " + (cells + 1));
  }

  static List<Integer> cycleType(int[] p) {
    boolean[] seen = new boolean[p.length];
    List<Integer> lengths = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      int len = 0;
      for (int j = i; !seen[j]; j = p[j]) {
        seen[j] = true;
        len++;
      }
      if (len > 0) {
        lengths.add(len);
      }
    }
    lengths.sort(null);
    return lengths;
  }

  /** Partitions of n into parts of at most max, each as an ascending list. */
  private static List<List<Integer>> partitions(int n, int max) {
    List<List<Integer>> out = new ArrayList<>();
    if (n == 0) {
      out.add(new ArrayList<>());
      return out;
    }
    for (int first = Math.min(n, max); first >= 1; first--) {
      for (List<Integer> rest : partitions(n - first, first)) {
        List<Integer> p = new ArrayList<>(rest);
        p.add(first);
        p.sort(null);
        out.add(p);
      }
    }
    return out;
  }

  private static double z(List<Integer> type) {
    Map<Integer, Integer> m = new HashMap<>();
    for (int l : type) {
      m.merge(l, 1, Integer::sum);
    }
    double z = 1;
    for (Map.Entry<Integer, Integer> e : m.entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        z *= e.getKey() * (i + 1.0);
      }
    }
    return z;
  }
}
