package eqaug.apps.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.group.PermutationGroup;
import eqaug.group.Permutations;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import eqaug.nn.PaperNetworks;
import eqaug.random.SplitMix64;
import eqaug.train.Augmentation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --augment-by} (issue 12, item 7): specs become subgroups of G or weighted draws on G, or one-line refusals. */
class AugmentByTest {
  private static final Experiment ROT = RotationExperiment.create(2, 1);
  private static final Experiment TRANS =
      new Experiment("trans", "Experiment 2", PaperNetworks.translation(14), null, Map.of());
  private static final Experiment PERM6 = PermutationExperiment.create(10, 6, 1);

  private static RotationGroup c4() {
    return (RotationGroup) ROT.architecture().group();
  }

  private static TranslationGroup z14() {
    return (TranslationGroup) TRANS.architecture().group();
  }

  private static Set<GroupElement> support(Augmentation a, Group g) {
    return new HashSet<>(a.exactly(true).support(g));
  }

  @Test
  void r2IsTheHalfTurnSubgroupOfC4WithATwoElementExactSupport() {
    Augmentation a = AugmentBy.parse("r2", ROT);
    RotationGroup g = c4();
    assertEquals("Haar on <r2> (C2, order 2)", a.description());
    assertFalse(a.exact());
    assertFalse(a.isHaarOnG());
    assertEquals(2, a.supportSize(g));
    List<GroupElement> exact = a.exactly(true).support(g);
    assertEquals(2, exact.size());
    assertEquals(Set.of(g.rotation(0), g.rotation(2)), new HashSet<>(exact));
    assertArrayEquals(new double[] {0.5, 0.5}, a.exactly(true).probabilities(g));
    // Its codes are C4's own, so C4's actions accept them; the 180° rotation is r1 twice.
    assertTrue(exact.contains(g.multiply(g.rotation(1), g.rotation(1))));
    for (GroupElement x : exact) {
      assertTrue(g.contains(x));
      assertTrue(g.elements().contains(x));
    }
    // Sampled draws are only e and r2, both of them, about equally often.
    int[] code = new int[g.codeLength()];
    Map<GroupElement, Integer> counts = new HashMap<>();
    var rng = new SplitMix64(11);
    for (int i = 0; i < 4000; i++) {
      a.sample(g, rng, code);
      counts.merge(new GroupElement(code), 1, Integer::sum);
    }
    assertEquals(Set.of(g.rotation(0), g.rotation(2)), counts.keySet());
    assertEquals(2000, counts.get(g.rotation(2)), 4 * Math.sqrt(1000.0)); // four standard deviations
  }

  @Test
  void r1AndR3GenerateAllOfC4AndEAlone_TheTrivialGroup() {
    RotationGroup g = c4();
    for (String spec : new String[] {"r1", "r3", " r2 , r1 ", "e,r3"}) {
      Augmentation a = AugmentBy.parse(spec, ROT);
      assertEquals(4, a.supportSize(g), spec);
      assertEquals(new HashSet<>(g.elements()), support(a, g), spec);
      assertTrue(a.description().endsWith("(all of C4, order 4)"), a.description());
    }
    assertEquals("Haar on <r2, r1> (all of C4, order 4)", AugmentBy.parse(" r2 , r1 ", ROT).description());
    Augmentation trivial = AugmentBy.parse("e", ROT);
    assertEquals("Haar on <e> (trivial, order 1)", trivial.description());
    assertEquals(Set.of(g.identity()), support(trivial, g));
    assertEquals("Haar on <e> (trivial, order 1)", AugmentBy.parse("r0", ROT).description(), "r0 is written e");
  }

  @Test
  void theAuthorsDistributionIsIdentityTwoFifthsAndTheHalfTurnThreeFifths() {
    RotationGroup g = c4();
    Augmentation a = AugmentBy.parse("e:2,r2:3", ROT);
    assertEquals("weighted draw e:0.4, r2:0.6", a.description());
    assertEquals(List.of(g.rotation(0), g.rotation(2)), a.atoms());
    assertArrayEquals(new double[] {0.4, 0.6}, a.weights(), 1e-15);
    assertNull(a.subgroup());
    assertEquals(List.of(g.rotation(0), g.rotation(2)), a.exactly(true).support(g));
    assertArrayEquals(new double[] {0.4, 0.6}, a.exactly(true).probabilities(g), 1e-15);
    int[] code = new int[4];
    int halfTurns = 0;
    var rng = new SplitMix64(3);
    for (int i = 0; i < 10_000; i++) {
      a.sample(g, rng, code);
      GroupElement x = new GroupElement(code);
      assertTrue(x.equals(g.rotation(0)) || x.equals(g.rotation(2)), x::toString);
      halfTurns += x.equals(g.rotation(2)) ? 1 : 0;
    }
    assertEquals(6000, halfTurns, 4 * Math.sqrt(10_000 * 0.24));
    // Weights are relative: any scale gives the same probabilities; spaces and decimals are accepted.
    assertArrayEquals(a.weights(), AugmentBy.parse(" e : 0.2 , r2 : .3 ", ROT).weights(), 1e-15);
    assertArrayEquals(new double[] {0.25, 0.25, 0.5}, AugmentBy.parse("r1:1e-3,r3:1E-3,r2:2e-3", ROT).weights(), 1e-15);
    assertEquals("weighted draw r2:1", AugmentBy.parse("r2:7", ROT).description());
    assertEquals("weighted draw e:0.333333, r1:0.666667", AugmentBy.parse("e:1,r1:2", ROT).description());
  }

  @Test
  void shiftsOfZ14GenerateTheirSubgroups() {
    TranslationGroup g = z14();
    Augmentation half = AugmentBy.parse("t(7,0)", TRANS);
    assertEquals("Haar on <t(7,0)> (C2, order 2)", half.description());
    assertEquals(Set.of(g.shift(0, 0), g.shift(7, 0)), support(half, g));

    Augmentation klein = AugmentBy.parse("t(7,0),t(0,7)", TRANS);
    assertEquals("Haar on <t(7,0), t(0,7)> (order 4)", klein.description(), "Z_2 x Z_2 is not cyclic");
    assertEquals(Set.of(g.shift(0, 0), g.shift(7, 0), g.shift(0, 7), g.shift(7, 7)), support(klein, g));

    // Z_7 x Z_2 is cyclic (Z_14) although two generators give it: the description says so.
    Augmentation z7z2 = AugmentBy.parse("t(2,0), t( 0 , 7 )", TRANS);
    assertEquals("Haar on <t(2,0), t(0,7)> (C14, order 14)", z7z2.description());
    Set<GroupElement> expected = new HashSet<>();
    for (int k = 0; k < 14; k += 2) {
      expected.add(g.shift(k, 0));
      expected.add(g.shift(k, 7));
    }
    assertEquals(expected, support(z7z2, g));

    assertEquals("Haar on <t(1,0)> (C14, order 14)", AugmentBy.parse("t(1,0)", TRANS).description());
    Augmentation all = AugmentBy.parse("t(1,0),t(0,1)", TRANS);
    assertEquals("Haar on <t(1,0), t(0,1)> (all of Z_14xZ_14, order 196)", all.description());
    assertEquals(196, all.supportSize(g));
    assertEquals(new HashSet<>(g.elements()), support(all, g));
    // Negative shifts are written modulo 14; t(0,0) is e.
    assertEquals("Haar on <t(13,1)> (C14, order 14)", AugmentBy.parse("t(-1,+1)", TRANS).description());
    assertEquals(List.of(g.shift(13, 0), g.shift(0, 0)), AugmentBy.parse("t(-1,0):1,t(0,0):3", TRANS).atoms());
    assertEquals("weighted draw t(13,0):0.25, e:0.75", AugmentBy.parse("t(-1,0):1,t(0,0):3", TRANS).description());
  }

  @Test
  void permutationsOfSixNodesInCycleNotation() {
    SymmetricGroup g = (SymmetricGroup) PERM6.architecture().group();
    assertEquals(720, g.order());
    Augmentation swap2 = AugmentBy.parse("(0 1)(2 3)", PERM6);
    assertEquals("Haar on <(0 1)(2 3)> (C2, order 2)", swap2.description());
    assertEquals(Set.of(g.identity(), new GroupElement(Permutations.cycles(6, new int[] {0, 1}, new int[] {2, 3}))),
        support(swap2, g));
    // Commas inside a cycle, spaces, 1-cycles and the cycles' order do not matter; the name is canonical.
    assertEquals(swap2.description(), AugmentBy.parse("( 3,2 ) (1 0)(5)", PERM6).description());

    Augmentation five = AugmentBy.parse("(0 1 2 3 4)", PERM6);
    assertEquals("Haar on <(0 1 2 3 4)> (C5, order 5)", five.description());
    assertEquals(5, support(five, g).size());
    assertEquals("Haar on <(0 4 3 2 1)> (C5, order 5)", AugmentBy.parse("(4 3 2 1 0)", PERM6).description());

    Augmentation klein = AugmentBy.parse("(0 1),(2 3)", PERM6);
    assertEquals("Haar on <(0 1), (2 3)> (order 4)", klein.description());
    Augmentation s3 = AugmentBy.parse("(0 1),(0 1 2)", PERM6);
    assertEquals("Haar on <(0 1), (0 1 2)> (order 6)", s3.description(), "S_3 is not cyclic");
    for (GroupElement x : support(s3, g)) {
      int[] p = x.code();
      assertTrue(p[3] == 3 && p[4] == 4 && p[5] == 5, x::toString);
    }
    Augmentation all = AugmentBy.parse("(0 1),(0 1 2 3 4 5)", PERM6);
    assertEquals("Haar on <(0 1), (0 1 2 3 4 5)> (all of S_6, order 720)", all.description());
    assertEquals(new HashSet<>(g.elements()), support(all, g));
    // Three disjoint transpositions (clusters are drawn afresh per graph, so no node set is special).
    assertEquals("Haar on <(0 3)(1 4)(2 5)> (C2, order 2)", AugmentBy.parse("(0 3)(1 4)(2 5)", PERM6).description());

    Augmentation w = AugmentBy.parse("e:1,(0 1):1,(0 1 2):2", PERM6);
    assertEquals("weighted draw e:0.25, (0 1):0.25, (0 1 2):0.5", w.description());
    assertEquals(new GroupElement(Permutations.cycles(6, new int[] {0, 1, 2})), w.atoms().get(2));
  }

  @Test
  void theElementsOfAGroupGivenByGeneratorsAreItsCycles() {
    PermutationGroup c3 = PermutationGroup.of("C3", 3, Permutations.cycles(3, new int[] {0, 1, 2}));
    assertEquals("Haar on <(0 2 1)> (all of C3, order 3)", AugmentBy.parse("(0 2 1)", c3).description());
    refused(c3, "(0 1)", "--augment-by (0 1) is not an element of C3");
    refused(c3, "(0 1):1,e:1", "--augment-by (0 1) is not an element of C3");
    refused(c3, "(0 3)", "point 3 is not one of its points 0..2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void anEmptySpecIsRefused(String spec) {
    refused(ROT, spec, "--augment-by needs generators (e.g. r2) or weighted elements (e.g. e:2,r2:3)");
    refused(ROT, null, "--augment-by needs generators");
  }

  @Test
  void unknownNamesAreRefusedNamingThemAndWhatTheGroupAccepts() {
    refused(ROT, "r", "--augment-by unknown element 'r' of C4; its elements are e and r1, r2, r3");
    refused(ROT, "R2", "unknown element 'R2' of C4");
    refused(ROT, "t(7,0)", "unknown element 't(7,0)' of C4");
    refused(ROT, "(0 1)", "unknown element '(0 1)' of C4");
    refused(ROT, "r2,x", "unknown element 'x' of C4");
    refused(ROT, "f:1", "unknown element 'f' of C4");
    refused(TRANS, "r2", "unknown element 'r2' of Z_14xZ_14; its elements are e and t(K,L)");
    refused(TRANS, "t(7)", "unknown element 't(7)'");
    refused(TRANS, "t(7,0,0)", "unknown element 't(7,0,0)'");
    refused(PERM6, "r2", "unknown element 'r2' of S_6; its elements are e and permutations of the nodes 0..5");
    refused(PERM6, "(0 1) x", "unknown element '(0 1) x'");
    refused(PERM6, "()", "unknown element '()'");
  }

  @Test
  void elementsOutsideGAreRefusedNamingThem() {
    refused(ROT, "r4", "--augment-by r4 is not an element of C4");
    refused(ROT, "r02", "r02 is not an element of C4");
    refused(TRANS, "t(14,0)", "--augment-by t(14,0) is not an element of Z_14xZ_14: shifts run from -13 to 13");
    refused(TRANS, "t(0,-14)", "t(0,-14) is not an element of Z_14xZ_14");
    refused(TRANS, "t(99999999999,0)", "t(99999999999,0) is not an element of Z_14xZ_14");
    refused(PERM6, "(0 6)", "--augment-by (0 6) is not an element of S_6: node 6 is not one of its nodes 0..5");
    refused(PERM6, "(0 1),(2 99999999999)", "node 99999999999 is not one of its nodes 0..5");
    refused(PERM6, "(0 1)(1 2)", "node 1 appears twice; write the permutation as disjoint cycles");
    refused(PERM6, "(0 1 0)", "node 0 appears twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"e:0", "e:-1", "e:abc", "e:NaN", "e:Infinity", "e:", "e:1e400", "e:0x10", "e:2:3",
      "e:1,r2:0", "e:1d"})
  void badWeightsAreRefused(String spec) {
    refused(ROT, spec, "must be a positive number");
  }

  @Test
  void mixedFormsDuplicatesAndBrokenListsAreRefused() {
    refused(ROT, "e:2,r2", "--augment-by 'e:2,r2' mixes generators and weighted elements");
    refused(ROT, "r2,e:2", "mixes generators and weighted elements");
    refused(ROT, "e:1,r0:2", "--augment-by lists e twice ('e' and 'r0')");
    refused(TRANS, "t(1,0):1,t(-13,0):1", "lists t(1,0) twice");
    refused(ROT, "r2,,r1", "has an empty item");
    refused(ROT, "r2,", "has an empty item");
    refused(ROT, ",r2", "has an empty item");
    refused(ROT, ":2", "has an empty element");
    refused(PERM6, "(0 1", "has a '(' without its ')'");
    refused(PERM6, "0 1)", "has a ')' without its '('");
    refused(TRANS, "t(1,0", "has a '(' without its ')'");
  }

  private static void refused(Experiment exp, String spec, String message) {
    refused(exp.architecture().group(), spec, message);
  }

  private static void refused(Group g, String spec, String message) {
    UsageException e = assertThrows(UsageException.class, () -> AugmentBy.parse(spec, g), () -> "accepted: " + spec);
    assertTrue(e.getMessage().startsWith("--augment-by "), e.getMessage());
    assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
    assertFalse(e.getMessage().contains("\n"), "one line");
  }
}
