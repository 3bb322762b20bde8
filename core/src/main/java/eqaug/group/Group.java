package eqaug.group;

import java.math.BigInteger;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A finite group G with its normalised Haar measure (the uniform distribution), given by generators.
 * Groups act on index sets through {@link PermutationAction}s, which are separate objects; every action of the
 * paper is of that kind. {@link PermutationGroup} builds one from generator permutations.
 */
public interface Group {
  /** Groups small enough to list; {@link #elements()} refuses larger ones. */
  long MAX_LISTED_ORDER = 100_000;

  String name();

  /** |G|, or {@link Long#MAX_VALUE} when it does not fit in a long. */
  long order();

  /** |G| exactly. */
  default BigInteger exactOrder() {
    return BigInteger.valueOf(order());
  }

  GroupElement identity();

  List<GroupElement> generators();

  GroupElement inverse(GroupElement g);

  /** A Haar-random (uniform) element. */
  default GroupElement sample(RandomGenerator rng) {
    int[] code = new int[codeLength()];
    sample(rng, code);
    return new GroupElement(code);
  }

  /** The length of an element's code. */
  int codeLength();

  /**
   * A Haar-random element's code written to code[0 .. codeLength()), drawing from rng exactly as
   * {@link #sample(RandomGenerator)} does; allocates nothing, for use once per mini-batch.
   */
  void sample(RandomGenerator rng, int[] code);

  /** Every element, when |G| is at most {@link #MAX_LISTED_ORDER}. */
  List<GroupElement> elements();

  /** The action on R^dim where every element acts as the identity. */
  default PermutationAction trivialAction(int dim) {
    return PermutationAction.trivial(this, dim);
  }

  /** The refusal {@link #elements()} gives for a group too large to list. */
  default IllegalStateException tooLargeToList() {
    return new IllegalStateException(
        name() + " has " + (order() == Long.MAX_VALUE ? "too many" : String.valueOf(order()))
            + " elements; listing is limited to " + MAX_LISTED_ORDER + " (use generators() or sample())");
  }
}
