package eqaug.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Orders, membership, sampling, listing, products and equality of groups given by generators. */
class PermutationGroupTest {

  /** Cycles written with points 1..n, as the literature writes them. */
  private static int[] oneBased(int n, int[]... cycles) {
    int[][] c = new int[cycles.length][];
    for (int i = 0; i < cycles.length; i++) {
      c[i] = new int[cycles[i].length];
      for (int j = 0; j < cycles[i].length; j++) {
        c[i][j] = cycles[i][j] - 1;
      }
    }
    return Permutations.cycles(n, c);
  }

  private static int[] nCycle(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = (i + 1) % n;
    }
    return p;
  }

  private static BigInteger factorial(int n) {
    BigInteger f = BigInteger.ONE;
    for (int i = 2; i <= n; i++) {
      f = f.multiply(BigInteger.valueOf(i));
    }
    return f;
  }

  static PermutationGroup dihedral(int n) {
    int[] reflect = new int[n];
    for (int i = 0; i < n; i++) {
      reflect[i] = Math.floorMod(-i, n);
    }
    return PermutationGroup.of("D_" + n, n, nCycle(n), reflect);
  }

  static PermutationGroup alternating(int n) {
    List<int[]> gens = new ArrayList<>();
    for (int i = 2; i < n; i++) {
      gens.add(Permutations.cycles(n, new int[] {0, 1, i}));
    }
    return new PermutationGroup("A_" + n, n, gens);
  }

  @Test
  void symmetricGroupsHaveOrderNFactorial() {
    for (int n = 2; n <= 30; n++) {
      PermutationGroup s = PermutationGroup.of("S_" + n, n, Permutations.cycles(n, new int[] {0, 1}), nCycle(n));
      assertEquals(factorial(n), s.exactOrder(), "S_" + n);
    }
    assertEquals(Long.MAX_VALUE, PermutationGroup.of("S_21", 21, Permutations.cycles(21, new int[] {0, 1}),
        nCycle(21)).order(), "21! does not fit in a long");
    for (int n = 1; n <= 12; n++) {
      assertEquals(factorial(n), new SymmetricGroup(n).exactOrder());
    }
  }

  @Test
  void dihedralGroupsHaveOrderTwoN() {
    for (int n = 3; n <= 40; n++) {
      assertEquals(BigInteger.valueOf(2L * n), dihedral(n).exactOrder(), "D_" + n);
    }
  }

  @Test
  void mathieuGroupsHaveTheirOrders() {
    // Standard generators (e.g. the ATLAS of Group Representations and the Mathieu-group literature), on 1..11
    // and 1..12: M11 = <(1 2 3 4 5 6 7 8 9 10 11), (3 7 11 8)(4 10 5 6)>, |M11| = 7920 = 2^4 3^2 5 11;
    // M12 adds (1 12)(2 11)(3 6)(4 8)(5 9)(7 10), |M12| = 95040 = 2^6 3^3 5 11.
    int[] a11 = oneBased(11, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    int[] b11 = oneBased(11, new int[] {3, 7, 11, 8}, new int[] {4, 10, 5, 6});
    assertEquals(BigInteger.valueOf(7920), PermutationGroup.of("M11", 11, a11, b11).exactOrder());
    int[] a12 = oneBased(12, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    int[] b12 = oneBased(12, new int[] {3, 7, 11, 8}, new int[] {4, 10, 5, 6});
    int[] c12 = oneBased(12, new int[] {1, 12}, new int[] {2, 11}, new int[] {3, 6}, new int[] {4, 8},
        new int[] {5, 9}, new int[] {7, 10});
    PermutationGroup m12 = PermutationGroup.of("M12", 12, a12, b12, c12);
    assertEquals(BigInteger.valueOf(95040), m12.exactOrder());
    // M12 is sharply 5-transitive, so the only element fixing 0..4 is the identity; a transposition is odd,
    // and M12 (simple) has only even permutations.
    assertFalse(m12.contains(Permutations.cycles(12, new int[] {0, 1})));
    assertTrue(m12.contains(Permutations.compose(a12, Permutations.compose(c12, b12))));
  }

  @Test
  void rubiksCubeGroupHasItsOrder() {
    List<int[]> turns = RubiksCube.faceTurns();
    assertEquals(6, turns.size());
    PermutationGroup cube = new PermutationGroup("Rubik", 48, turns);
    assertEquals(new BigInteger("43252003274489856000"), cube.exactOrder());
    SplittableRandom rng = new SplittableRandom(5);
    for (int t = 0; t < 20; t++) {
      int[] w = Permutations.identity(48);
      for (int i = 0; i < 30; i++) {
        w = Permutations.compose(w, turns.get(rng.nextInt(6)));
      }
      assertTrue(cube.contains(w), "a product of face turns is a cube position");
      assertTrue(cube.contains(cube.sample(rng).code()), "a sample is a member");
    }
    // Swapping two facets (two stickers of one edge: an edge flip of a single edge) is impossible.
    int[] edge = RubiksCube.edgeStickers();
    assertFalse(cube.contains(Permutations.cycles(48, edge)), "one flipped edge");
    // So are a single corner twist and a swap of two corners with nothing else moved.
    int[] corner = RubiksCube.cornerStickers();
    assertFalse(cube.contains(Permutations.cycles(48, corner)), "one twisted corner");
  }

  @Test
  void membershipSeparatesAlternatingFromSymmetric() {
    for (int n = 4; n <= 9; n++) {
      PermutationGroup a = alternating(n);
      assertEquals(factorial(n).shiftRight(1), a.exactOrder(), "A_" + n);
      assertFalse(a.contains(Permutations.cycles(n, new int[] {0, n - 1})), "a transposition is odd");
      assertEquals(n % 2 == 1, a.contains(nCycle(n)), "an n-cycle is even exactly for odd n");
      assertTrue(a.contains(Permutations.cycles(n, new int[] {0, 1}, new int[] {2, 3})), "a double transposition");
      assertFalse(a.contains(new int[] {0, 1}), "wrong degree");
      assertFalse(a.contains(new int[n]), "not a permutation");
    }
    SplittableRandom rng = new SplittableRandom(2);
    PermutationGroup a7 = alternating(7);
    List<GroupElement> gens = a7.generators();
    for (int t = 0; t < 50; t++) {
      GroupElement w = a7.identity();
      for (int i = 0; i < 1 + rng.nextInt(20); i++) {
        w = a7.multiply(w, gens.get(rng.nextInt(gens.size())));
      }
      assertTrue(a7.contains(w));
      assertFalse(a7.contains(a7.multiply(w, new GroupElement(Permutations.cycles(7, new int[] {3, 5})))));
    }
  }

  @Test
  void chainSamplingIsUniform() {
    SplittableRandom rng = new SplittableRandom(11);
    GroupChecks.checkUniform(dihedral(5), rng, 400);
    GroupChecks.checkUniform(alternating(4), rng, 400);
    GroupChecks.checkUniform(PermutationGroup.of("S_4", 4, Permutations.cycles(4, new int[] {0, 1}), nCycle(4)),
        rng, 400);
    GroupChecks.checkUniform(dihedral(4).directProduct(PermutationGroup.of("C3", 3, nCycle(3))), rng, 200);
  }

  @Test
  void elementsAreTheGroupAndLargeGroupsAreRefused() {
    PermutationGroup d6 = dihedral(6);
    List<GroupElement> all = d6.elements();
    assertEquals(12, all.size());
    assertEquals(12, new HashSet<>(all).size());
    for (GroupElement g : all) {
      assertTrue(d6.contains(g));
    }
    PermutationGroup s9 = PermutationGroup.of("S_9", 9, Permutations.cycles(9, new int[] {0, 1}), nCycle(9));
    assertEquals(362_880, s9.elements(400_000).size());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s9.elements(1000));
    assertTrue(e.getMessage().contains("362880") && e.getMessage().contains("1000"), e.getMessage());
  }

  @Test
  void directProductsMultiplyOrdersAndKeepBothSamplers() {
    RotationGroup c4 = new RotationGroup();
    TranslationGroup z3 = new TranslationGroup(3);
    PermutationGroup p = c4.directProduct(z3);
    assertEquals(10, p.degree());
    assertEquals(36, p.order());
    assertEquals("C4xZ_3xZ_3", p.name());
    // Draws come from the factors' samplers in order: first C4's nextInt(4), then Z_3xZ_3's two nextInt(3).
    SplittableRandom a = new SplittableRandom(9);
    SplittableRandom b = new SplittableRandom(9);
    for (int t = 0; t < 20; t++) {
      int[] code = p.sample(a).code();
      int k = b.nextInt(4);
      int[] shift = z3.shift(b.nextInt(3), b.nextInt(3)).code();
      assertEquals(k, code[0]);
      for (int x = 0; x < 6; x++) {
        assertEquals(4 + shift[x], code[4 + x]);
      }
      assertTrue(p.contains(code));
    }
    GroupChecks.checkUniform(p, new SplittableRandom(3), 300);
  }

  @Test
  void equalityIsByGeneratedGroup() {
    int[] swap = Permutations.cycles(4, new int[] {0, 1});
    PermutationGroup s4a = PermutationGroup.of("S_4", 4, swap, nCycle(4));
    PermutationGroup s4b = PermutationGroup.of("Sym(4)", 4, Permutations.cycles(4, new int[] {0, 1}),
        Permutations.cycles(4, new int[] {1, 2}), Permutations.cycles(4, new int[] {2, 3}));
    assertEquals(s4a, s4b);
    assertEquals(s4a.hashCode(), s4b.hashCode());
    assertEquals(s4a, new SymmetricGroup(4));
    assertNotEquals(s4a, alternating(4));
    assertNotEquals(dihedral(4), PermutationGroup.of("C4'", 4, nCycle(4)).directProduct(PermutationGroup.of("1", 1)));
    // Two subgroups of S_4 of order 4 that are not equal: the Klein four-group and a cyclic group.
    PermutationGroup klein = PermutationGroup.of("V4", 4, Permutations.cycles(4, new int[] {0, 1}, new int[] {2, 3}),
        Permutations.cycles(4, new int[] {0, 2}, new int[] {1, 3}));
    PermutationGroup c4 = PermutationGroup.of("C4", 4, nCycle(4));
    assertEquals(klein.exactOrder(), c4.exactOrder());
    assertNotEquals(klein, c4);
    // C4 generated by rotation 3 instead of rotation 1 is the paper's C4.
    assertEquals(new RotationGroup(), PermutationGroup.of("C4", 4, new RotationGroup().rotation(3).code()));
    assertEquals(new RotationGroup(), c4);
    assertEquals(new TranslationGroup(5), new TranslationGroup(5));
    assertNotEquals(new TranslationGroup(5), new TranslationGroup(4));
  }

  @Test
  void badGeneratorsAreRefusedClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PermutationGroup.of("G", 4, new int[] {0, 1, 1, 2}));
    assertTrue(e.getMessage().contains("generator 0") && e.getMessage().contains("image of two points"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PermutationGroup.of("G", 4, new int[] {1, 0, 2}));
    assertTrue(e.getMessage().contains("3 entries, not 4"), e.getMessage());
  }

}
