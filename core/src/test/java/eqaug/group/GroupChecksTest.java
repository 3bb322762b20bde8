package eqaug.group;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The contract checks pass on correct groups and actions and fail, saying why, on broken ones. */
class GroupChecksTest {

  @Test
  void correctGroupsAndActionsPass() {
    SplittableRandom rng = new SplittableRandom(4);
    RotationGroup c4 = new RotationGroup();
    GroupChecks.checkHomomorphism(c4.onGrid(5), rng, 50);
    GroupChecks.checkHomomorphism(new TranslationGroup(4).onGrid(), rng, 50);
    GroupChecks.checkHomomorphism(new SymmetricGroup(5).onTensors(2), rng, 50);
    GroupChecks.checkHomomorphism(new TensorAction(PermutationGroupTest.dihedral(6), 2), rng, 50);
    GroupChecks.checkUniform(PermutationGroupTest.dihedral(7), rng, 300);
  }

  @Test
  void aWrongGeneratorIsReported() {
    PermutationGroup bad = new PermutationGroup("G", 4, List.of(new int[] {1, 2, 3, 0})) {
      @Override
      public List<GroupElement> generators() {
        return List.of(new GroupElement(new int[] {1, 2, 0}));
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> GroupChecks.checkGenerators(bad));
    assertTrue(e.getMessage().contains("generator 0 is not a permutation of 0..3"), e.getMessage());
  }

  @Test
  void anActionThatIsNotAHomomorphismIsReported() {
    RotationGroup c4 = new RotationGroup();
    int n = 4;
    // Odd rotations act as the quarter turn, even ones as the identity: rotation 1 twice is rotation 2, which
    // acts as the identity, but the quarter turn twice is the half turn.
    PermutationAction quarterForOdd = PermutationAction.of(c4, n * n, false, "broken", (code, map) -> {
      int k = code[0];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          map[i * n + j] = k % 2 == 1 ? (n - 1 - j) * n + i : i * n + j;
        }
      }
    });
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GroupChecks.checkHomomorphism(quarterForOdd, new SplittableRandom(1), 20));
    assertTrue(e.getMessage().contains("is not a homomorphism"), e.getMessage());

    PermutationAction notAPermutation = PermutationAction.of(c4, 3, false, "collapsing", (code, map) -> {
      map[0] = 0;
      map[1] = 0;
      map[2] = code[0] == 0 ? 2 : 1;
    });
    e = assertThrows(IllegalStateException.class,
        () -> GroupChecks.checkHomomorphism(notAPermutation, new SplittableRandom(1), 20));
    assertTrue(e.getMessage().contains("is not a permutation of the 3 indices"), e.getMessage());
  }

  @Test
  void generatorImagesThatBreakARelationAreRefused() {
    // D4 = <r, s> on the square's corners; sending r to a 3-cycle of three indices breaks r^4 = 1.
    PermutationGroup d4 = PermutationGroupTest.dihedral(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GeneratedAction(
        d4, 3, List.of(new int[] {1, 2, 0}, new int[] {0, 1, 2}), "a bad image"));
    assertTrue(e.getMessage().contains("not a homomorphism"), e.getMessage());
  }

  @Test
  void aBiasedSamplerIsReported() {
    PermutationGroup biased = new PermutationGroup("C4 biased", 4, List.of(new int[] {1, 2, 3, 0})) {
      @Override
      public void sample(RandomGenerator rng, int[] code) {
        int k = rng.nextInt(5) % 4; // rotation 0 twice as likely
        for (int i = 0; i < 4; i++) {
          code[i] = (i + k) % 4;
        }
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GroupChecks.checkUniform(biased, new SplittableRandom(1), 2000));
    assertTrue(e.getMessage().contains("not uniform"), e.getMessage());

    PermutationGroup escaping = new PermutationGroup("C4 escaping", 4, List.of(new int[] {1, 2, 3, 0})) {
      @Override
      public void sample(RandomGenerator rng, int[] code) {
        System.arraycopy(new int[] {1, 0, 2, 3}, 0, code, 0, 4);
      }
    };
    e = assertThrows(IllegalStateException.class,
        () -> GroupChecks.checkUniform(escaping, new SplittableRandom(1), 10));
    assertTrue(e.getMessage().contains("not an element of the group"), e.getMessage());
  }
}
