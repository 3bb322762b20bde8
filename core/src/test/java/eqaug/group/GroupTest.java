package eqaug.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The three groups of the paper (Examples 2–4): orders, generation, the homomorphism property of their
 * actions, the concrete formulas of the examples, uniform sampling and listing.
 */
class GroupTest {

  // ------------------------------------------------------------------ helpers

  /** (rho x)[i] = x[map[i]]. */
  private static float[] apply(int[] map, float[] x) {
    float[] y = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      y[i] = x[map[i]];
    }
    return y;
  }

  /**
   * The gather map of rho(g) rho(h): (rho(g)(rho(h) x))[i] = (rho(h) x)[mg[i]] = x[mh[mg[i]]].
   */
  private static int[] composeGather(int[] mg, int[] mh) {
    int[] m = new int[mg.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = mh[mg[i]];
    }
    return m;
  }

  /** Every distinct gather map reachable from the identity by products of generators (BFS). */
  private static Set<List<Integer>> closureOfGenerators(PermutationAction action) {
    Group g = action.group();
    List<int[]> gens = g.generators().stream().map(action::gather).toList();
    Set<List<Integer>> seen = new HashSet<>();
    ArrayDeque<int[]> queue = new ArrayDeque<>();
    int[] id = action.gather(g.identity());
    seen.add(asList(id));
    queue.add(id);
    while (!queue.isEmpty()) {
      int[] m = queue.poll();
      for (int[] s : gens) {
        int[] next = composeGather(m, s);
        if (seen.add(asList(next))) {
          queue.add(next);
        }
      }
    }
    return seen;
  }

  private static List<Integer> asList(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  private static boolean isPermutation(int[] map) {
    boolean[] hit = new boolean[map.length];
    for (int v : map) {
      if (v < 0 || v >= map.length || hit[v]) {
        return false;
      }
      hit[v] = true;
    }
    return true;
  }

  /** Composition of permutations as functions on nodes: (g o h)(i) = g(h(i)). */
  private static GroupElement composePerm(GroupElement g, GroupElement h) {
    int[] a = g.code();
    int[] b = h.code();
    int[] c = new int[a.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = a[b[i]];
    }
    return new GroupElement(c);
  }

  /** Checks rho(g) rho(h) = rho(gh) for every pair of listed elements, gh given by the test's product. */
  private static void assertHomomorphism(PermutationAction action, BinaryOperator<GroupElement> product) {
    List<GroupElement> all = action.group().elements();
    for (GroupElement g : all) {
      assertTrue(isPermutation(action.gather(g)), "rho(" + g + ") is a permutation");
      for (GroupElement h : all) {
        int[] lhs = composeGather(action.gather(g), action.gather(h));
        assertArrayEquals(action.gather(product.apply(g, h)), lhs,
            "rho(g)rho(h) = rho(gh) for g=" + g + ", h=" + h + " in " + action.describe());
      }
      assertArrayEquals(PermutationAction.identityMap(action.dim()),
          composeGather(action.gather(g), action.gather(action.group().inverse(g))),
          "rho(g)rho(g^-1) = id for g=" + g);
    }
    assertArrayEquals(PermutationAction.identityMap(action.dim()), action.gather(action.group().identity()),
        "identity acts trivially");
  }

  private static float[] image(int n, int... onesAt) {
    float[] x = new float[n * n];
    for (int p = 0; p < onesAt.length; p += 2) {
      x[onesAt[p] * n + onesAt[p + 1]] = 1;
    }
    return x;
  }

  private static int onlyOne(float[] x) {
    int at = -1;
    for (int i = 0; i < x.length; i++) {
      if (x[i] != 0) {
        assertEquals(-1, at, "exactly one nonzero pixel");
        assertEquals(1f, x[i]);
        at = i;
      }
    }
    return at;
  }

  // ------------------------------------------------------------------ orders and generation

  @Test
  void ordersAreTwentyFourTwentyFiveAndFour() {
    assertEquals(24, new SymmetricGroup(4).order());
    assertEquals(25, new TranslationGroup(5).order());
    assertEquals(4, new RotationGroup().order());
    assertEquals(3_628_800L, new SymmetricGroup(10).order());
    assertEquals(2_432_902_008_176_640_000L, new SymmetricGroup(20).order());
  }

  @Test
  void generatorsGenerateTheWholeGroup() {
    // The actions below are faithful, so distinct gather maps are distinct group elements.
    assertEquals(24, closureOfGenerators(new SymmetricGroup(4).onTensors(1)).size());
    assertEquals(120, closureOfGenerators(new SymmetricGroup(5).onTensors(1)).size());
    assertEquals(25, closureOfGenerators(new TranslationGroup(5).onGrid()).size());
    assertEquals(4, closureOfGenerators(new RotationGroup().onGrid(3)).size());
    assertEquals(4, closureOfGenerators(new RotationGroup().onGrid(4)).size());
  }

  @Test
  void closureOfGeneratorsEqualsTheListedElementsActions() {
    PermutationAction[] actions = {
        new SymmetricGroup(4).onTensors(2), new TranslationGroup(4).onGrid(), new RotationGroup().onGrid(5)};
    for (PermutationAction a : actions) {
      Set<List<Integer>> listed = new HashSet<>();
      for (GroupElement g : a.group().elements()) {
        listed.add(asList(a.gather(g)));
      }
      assertEquals(listed, closureOfGenerators(a), a.describe());
    }
  }

  // ------------------------------------------------------------------ homomorphisms

  @Test
  void rotationActionIsAHomomorphism() {
    RotationGroup c4 = new RotationGroup();
    PermutationAction rho = c4.onGrid(5);
    assertHomomorphism(rho, (g, h) -> c4.rotation(g.code()[0] + h.code()[0]));
    int[] r1 = rho.gather(c4.rotation(1));
    int[] r2 = composeGather(r1, r1);
    assertArrayEquals(rho.gather(c4.rotation(2)), r2, "rho(1)^2 = rho(2)");
    int[] r4 = composeGather(r2, r2);
    assertArrayEquals(PermutationAction.identityMap(25), r4, "rho(1)^4 = id");
    assertFalse(Arrays.equals(PermutationAction.identityMap(25), r2), "a half turn is not the identity");
    assertEquals(c4.rotation(3), c4.inverse(c4.rotation(1)));
    assertEquals(c4.rotation(1), c4.rotation(-3));
  }

  @Test
  void translationShiftsAdd() {
    TranslationGroup z = new TranslationGroup(5);
    PermutationAction rho = z.onGrid();
    assertHomomorphism(rho, z::multiply);
    // shift(a, b) after shift(c, d) is shift(a + c, b + d), including wrap-around.
    assertArrayEquals(rho.gather(z.shift(1 + 4, 3 + 3)),
        composeGather(rho.gather(z.shift(1, 3)), rho.gather(z.shift(4, 3))));
    assertEquals(z.shift(4, 2), z.inverse(z.shift(1, 3)));
  }

  @Test
  void symmetricGroupActionsAreHomomorphismsForFunctionComposition() {
    SymmetricGroup s4 = new SymmetricGroup(4);
    assertHomomorphism(s4.onTensors(1), GroupTest::composePerm);
    assertHomomorphism(s4.onTensors(2), GroupTest::composePerm);
    assertHomomorphism(new SymmetricGroup(3).onTensors(3), GroupTest::composePerm);
  }

  @Test
  void symmetricInverseIsTheInversePermutationAndUndoesTheAction() {
    SymmetricGroup s6 = new SymmetricGroup(6);
    SplittableRandom rng = new SplittableRandom(11);
    PermutationAction rho = s6.onTensors(2);
    for (int t = 0; t < 50; t++) {
      GroupElement g = s6.sample(rng);
      int[] p = g.code();
      int[] inv = s6.inverse(g).code();
      for (int i = 0; i < 6; i++) {
        assertEquals(i, inv[p[i]], "pi^-1(pi(i)) = i");
        assertEquals(i, p[inv[i]], "pi(pi^-1(i)) = i");
      }
      float[] x = new float[36];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextDouble();
      }
      assertArrayEquals(x, apply(rho.gather(s6.inverse(g)), apply(rho.gather(g), x)), "rho(g^-1) rho(g) x = x");
    }
  }

  // ------------------------------------------------------------------ the paper's examples

  @Test
  void example2PermutedAdjacencyIsTheRelabelledGraph() {
    // Graph on 5 nodes: edges 0-1, 1-2, 2-3, 0-4 (a path 4-0-1-2-3).
    int n = 5;
    int[][] edges = {{0, 1}, {1, 2}, {2, 3}, {0, 4}};
    float[] adj = new float[n * n];
    for (int[] e : edges) {
      adj[e[0] * n + e[1]] = 1;
      adj[e[1] * n + e[0]] = 1;
    }
    // Relabel node i as pi(i).
    int[] pi = {3, 0, 4, 1, 2};
    float[] expected = new float[n * n];
    for (int[] e : edges) {
      expected[pi[e[0]] * n + pi[e[1]]] = 1;
      expected[pi[e[1]] * n + pi[e[0]]] = 1;
    }
    SymmetricGroup s5 = new SymmetricGroup(n);
    float[] permuted = apply(s5.onTensors(2).gather(new GroupElement(pi)), adj);
    assertArrayEquals(expected, permuted);
    // Order 1: node features move with their nodes, (rho(pi) v)[pi(i)] = v[i].
    float[] v = {10, 11, 12, 13, 14};
    float[] pv = apply(s5.onTensors(1).gather(new GroupElement(pi)), v);
    for (int i = 0; i < n; i++) {
      assertEquals(v[i], pv[pi[i]]);
    }
  }

  @Test
  void example3TranslationMovesPixelsByTheShift() {
    int n = 4;
    TranslationGroup z = new TranslationGroup(n);
    // A single pixel at (1, 1) shifted by (2, 3) lands at (3, 0): column 1 + 3 = 4 wraps to 0.
    float[] shifted = apply(z.onGrid().gather(z.shift(2, 3)), image(n, 1, 1));
    assertEquals(3 * n + 0, onlyOne(shifted));
    // The formula (rho(k,l) x)_{i,j} = x_{i-k, j-l} on an image with all-distinct values.
    float[] x = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        x[i * n + j] = 10 * i + j;
      }
    }
    float[] y = apply(z.onGrid().gather(z.shift(1, 2)), x);
    assertEquals(x[3 * n + 2], y[0 * n + 0], "y(0,0) = x(-1,-2) = x(3,2)");
    assertEquals(x[1 * n + 1], y[2 * n + 3], "y(2,3) = x(1,1)");
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(x[((i - 1 + n) % n) * n + (j - 2 + n) % n], y[i * n + j]);
      }
    }
  }

  @Test
  void example4QuarterTurnCarriesCornersClockwiseAroundTheGrid() {
    for (int n : new int[] {2, 4, 5}) {
      RotationGroup c4 = new RotationGroup();
      int[] r = c4.onGrid(n).gather(c4.rotation(1));
      int last = n - 1;
      // top-left -> top-right -> bottom-right -> bottom-left -> top-left
      assertEquals(0 * n + last, onlyOne(apply(r, image(n, 0, 0))), "N=" + n);
      assertEquals(last * n + last, onlyOne(apply(r, image(n, 0, last))), "N=" + n);
      assertEquals(last * n + 0, onlyOne(apply(r, image(n, last, last))), "N=" + n);
      assertEquals(0, onlyOne(apply(r, image(n, last, 0))), "N=" + n);
    }
  }

  @Test
  void example4QuarterTurnIsXAtMinusJIInCentredCoordinates() {
    for (int n : new int[] {4, 5}) {
      RotationGroup c4 = new RotationGroup();
      float[] x = new float[n * n];
      for (int p = 0; p < x.length; p++) {
        x[p] = 100 + p;
      }
      float[] y = apply(c4.onGrid(n).gather(c4.rotation(1)), x);
      // Doubled centred coordinates u = 2i - (N-1), v = 2j - (N-1) stay integral for even N.
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          int u = 2 * i - (n - 1);
          int v = 2 * j - (n - 1);
          int su = -v;
          int sv = u;
          int si = (su + n - 1) / 2;
          int sj = (sv + n - 1) / 2;
          assertEquals(x[si * n + sj], y[i * n + j], "(rho(1)x)(u,v) = x(-v,u) at " + i + "," + j);
        }
      }
      if (n % 2 == 1) {
        int centre = (n / 2) * n + n / 2;
        assertEquals(x[centre], y[centre], "the centre pixel of an odd grid is fixed");
      }
    }
  }

  // ------------------------------------------------------------------ Haar sampling

  /** Counts draws per element and checks each count is within 10% of uniform and chi^2 is sane. */
  private static void assertUniform(Group g, long seed, int draws, double chiSquareBound) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<GroupElement, Integer> counts = new HashMap<>();
    for (int t = 0; t < draws; t++) {
      counts.merge(g.sample(rng), 1, Integer::sum);
    }
    Set<GroupElement> all = new HashSet<>(g.elements());
    assertEquals(all, counts.keySet(), "every sample is an element and every element is sampled");
    double expected = (double) draws / g.order();
    double chi2 = 0;
    for (int c : counts.values()) {
      assertTrue(Math.abs(c - expected) <= 0.1 * expected, g.name() + ": count " + c + " vs " + expected);
      chi2 += (c - expected) * (c - expected) / expected;
    }
    assertTrue(chi2 < chiSquareBound, g.name() + ": chi^2 = " + chi2);
  }

  @Test
  void sampleIsUniformOnC4() {
    // df = 3: P(chi^2 > 21.1) < 1e-4.
    assertUniform(new RotationGroup(), 1, 40_000, 21.1);
  }

  @Test
  void sampleIsUniformOnZ3xZ3() {
    // df = 8: P(chi^2 > 31.8) < 1e-4.
    assertUniform(new TranslationGroup(3), 2, 40_000, 31.8);
  }

  @Test
  void sampleIsUniformOnS3() {
    // df = 5: P(chi^2 > 25.7) < 1e-4.
    assertUniform(new SymmetricGroup(3), 3, 40_000, 25.7);
  }

  @Test
  void sampledPermutationsOfLargeSymmetricGroupsAreValidAndSpreadOut() {
    SymmetricGroup s12 = new SymmetricGroup(12);
    SplittableRandom rng = new SplittableRandom(4);
    int draws = 24_000;
    int[][] where = new int[12][12];
    for (int t = 0; t < draws; t++) {
      int[] p = s12.sample(rng).code();
      assertTrue(isPermutation(p));
      for (int i = 0; i < 12; i++) {
        where[i][p[i]]++;
      }
    }
    // Under the uniform law each node lands at each place with probability 1/12.
    for (int[] row : where) {
      for (int c : row) {
        assertEquals(2000, c, 250);
      }
    }
  }

  // ------------------------------------------------------------------ listing

  @Test
  void elementsRefusesS10() {
    assertThrows(IllegalStateException.class, () -> new SymmetricGroup(10).elements());
    assertThrows(IllegalStateException.class, () -> new TranslationGroup(317).elements());
  }

  @Test
  void elementsListsS5Completely() {
    List<GroupElement> all = new SymmetricGroup(5).elements();
    assertEquals(120, all.size());
    assertEquals(120, new HashSet<>(all).size(), "no repeats");
    for (GroupElement g : all) {
      assertTrue(isPermutation(g.code()));
    }
    assertTrue(all.contains(new SymmetricGroup(5).identity()));
  }

  @Test
  void elementsOfGridGroupsAreDistinctAndClosedUnderInverse() {
    Group[] groups = {new TranslationGroup(6), new RotationGroup()};
    for (Group g : groups) {
      List<GroupElement> all = g.elements();
      Set<GroupElement> set = new HashSet<>(all);
      assertEquals(g.order(), all.size());
      assertEquals(g.order(), set.size());
      for (GroupElement e : all) {
        assertTrue(set.contains(g.inverse(e)));
      }
    }
  }

  @Test
  void trivialityFlagMatchesTheAction() {
    assertTrue(new SymmetricGroup(3).trivialAction(4).isTrivial());
    assertArrayEquals(PermutationAction.identityMap(4),
        new SymmetricGroup(3).trivialAction(4).gather(new GroupElement(new int[] {2, 0, 1})));
    assertFalse(new SymmetricGroup(3).onTensors(2).isTrivial());
    assertFalse(new RotationGroup().onGrid(3).isTrivial());
    assertFalse(new TranslationGroup(3).onGrid().isTrivial());
  }

  @Test
  void groupElementIsImmutable() {
    int[] code = {1, 0, 2};
    GroupElement g = new GroupElement(code);
    code[0] = 2;
    assertArrayEquals(new int[] {1, 0, 2}, g.code(), "constructor copies");
    g.code()[0] = 2;
    assertArrayEquals(new int[] {1, 0, 2}, g.code(), "accessor copies");
    assertEquals(new GroupElement(new int[] {1, 0, 2}), g);
    assertEquals(new GroupElement(new int[] {1, 0, 2}).hashCode(), g.hashCode());
  }
}
