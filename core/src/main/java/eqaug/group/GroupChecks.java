package eqaug.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Contract checks a researcher runs on their own group and actions before training with them. Each throws an
 * {@link IllegalStateException} whose message says what is wrong, and returns normally when the contract holds:
 * <ul>
 *   <li>{@link #checkGenerators}: the identity and every generator are permutations of the group's degree;
 *   <li>{@link #checkHomomorphism}: the action is a homomorphism, rho(gh) = rho(g) rho(h), and every rho(g)
 *       is a permutation of the space's indices (on all pairs of generators and on random products);
 *   <li>{@link #checkUniform}: the sampler is uniform on the group its generators generate (every draw is a
 *       member, and Pearson's chi-square over the elements passes at level 1e-6), for groups of at most
 *       {@link #MAX_UNIFORMITY_ORDER} elements.
 * </ul>
 */
public final class GroupChecks {
  /** The largest group {@link #checkUniform} counts draws of, element by element. */
  public static final int MAX_UNIFORMITY_ORDER = 10_000;
  /** The standard normal quantile of 1 - 1e-6: a correct sampler fails once in a million runs. */
  private static final double Z_1E6 = 4.753424;

  private GroupChecks() {}

  /** The identity and every generator are permutations of {0..codeLength-1}. */
  public static void checkGenerators(Group group) {
    int n = group.codeLength();
    String why = Permutations.whyNotPermutation(group.identity().code(), n);
    if (why != null || !Permutations.isIdentity(group.identity().code())) {
      throw new IllegalStateException(group.name() + ": identity() is not the identity permutation of 0.."
          + (n - 1) + (why == null ? "" : ": " + why));
    }
    List<GroupElement> gens = group.generators();
    for (int i = 0; i < gens.size(); i++) {
      why = Permutations.whyNotPermutation(gens.get(i).code(), n);
      if (why != null) {
        throw new IllegalStateException(
            group.name() + ": generator " + i + " is not a permutation of 0.." + (n - 1) + ": " + why);
      }
    }
  }

  /**
   * rho(gh) = rho(g) rho(h) and rho(e) = id for the action, on every pair of generators and on {@code trials}
   * pairs of random products of generators; and every rho(g) permutes 0..dim-1.
   */
  public static void checkHomomorphism(PermutationAction action, RandomGenerator rng, int trials) {
    Group group = action.group();
    checkGenerators(group);
    String name = action.describe();
    int[] id = gatherChecked(action, group.identity().code());
    if (!Permutations.isIdentity(id)) {
      throw new IllegalStateException(name + ": the identity element does not act as the identity");
    }
    List<GroupElement> gens = group.generators();
    for (GroupElement g : gens) {
      for (GroupElement h : gens) {
        checkPair(action, g.code(), h.code());
      }
    }
    if (gens.isEmpty()) {
      return;
    }
    for (int t = 0; t < trials; t++) {
      checkPair(action, randomWord(gens, rng), randomWord(gens, rng));
    }
  }

  private static int[] randomWord(List<GroupElement> gens, RandomGenerator rng) {
    int[] w = Permutations.identity(gens.get(0).code().length);
    int len = 1 + rng.nextInt(12);
    for (int i = 0; i < len; i++) {
      w = Permutations.compose(w, gens.get(rng.nextInt(gens.size())).code());
    }
    return w;
  }

  private static void checkPair(PermutationAction action, int[] g, int[] h) {
    int[] mg = gatherChecked(action, g);
    int[] mh = gatherChecked(action, h);
    int[] mgh = gatherChecked(action, Permutations.compose(g, h));
    // (rho(g) rho(h) x)[i] = (rho(h) x)[mg[i]] = x[mh[mg[i]]].
    for (int i = 0; i < mg.length; i++) {
      if (mgh[i] != mh[mg[i]]) {
        throw new IllegalStateException(action.describe() + " is not a homomorphism: rho(gh) differs from "
            + "rho(g) rho(h) at index " + i + " for g = " + java.util.Arrays.toString(g) + ", h = "
            + java.util.Arrays.toString(h));
      }
    }
  }

  private static int[] gatherChecked(PermutationAction action, int[] g) {
    int[] map = new int[action.dim()];
    action.gather(g, map);
    String why = Permutations.whyNotPermutation(map, action.dim());
    if (why != null) {
      throw new IllegalStateException(action.describe() + ": rho(" + java.util.Arrays.toString(g)
          + ") is not a permutation of the " + action.dim() + " indices: " + why);
    }
    return map;
  }

  /**
   * The sampler draws every element of the generated group equally often: each of {@code perElement} x |G|
   * draws is a member, and Pearson's chi-square over the elements stays below its 1 - 1e-6 quantile.
   */
  public static void checkUniform(PermutationGroup group, RandomGenerator rng, int perElement) {
    checkGenerators(group);
    long order = group.order();
    if (order > MAX_UNIFORMITY_ORDER) {
      throw new IllegalArgumentException(group.name() + " has " + group.exactOrder()
          + " elements; the uniformity check counts draws of each and is limited to " + MAX_UNIFORMITY_ORDER
          + " (check a small group of the same kind)");
    }
    if (perElement < 5) {
      throw new IllegalArgumentException("the chi-square check needs at least 5 draws per element, got " + perElement);
    }
    // The elements of the group the generators generate, listed from its own chain (not the group's elements()).
    List<int[]> gens = new java.util.ArrayList<>();
    for (GroupElement g : group.generators()) {
      gens.add(g.code());
    }
    Map<GroupElement, Integer> index = new HashMap<>();
    for (GroupElement g : new PermutationGroup(group.name(), group.degree(), gens).elements()) {
      index.put(g, index.size());
    }
    long[] counts = new long[index.size()];
    long draws = order * perElement;
    int[] code = new int[group.codeLength()];
    for (long d = 0; d < draws; d++) {
      group.sample(rng, code);
      Integer at = index.get(new GroupElement(code));
      if (at == null) {
        throw new IllegalStateException(group.name() + ": the sampler drew " + java.util.Arrays.toString(code)
            + ", which is not an element of the group its generators generate");
      }
      counts[at]++;
    }
    double stat = chiSquare(counts, perElement);
    double critical = chiSquareCritical(counts.length - 1);
    if (stat > critical) {
      throw new IllegalStateException(group.name() + ": the sampler is not uniform: chi-square " + stat + " over "
          + counts.length + " elements (" + draws + " draws) exceeds " + critical + ", its 1 - 1e-6 quantile");
    }
  }

  /** Pearson's statistic of counts against the same expected count in every cell. */
  public static double chiSquare(long[] counts, double expected) {
    double s = 0;
    for (long c : counts) {
      s += (c - expected) * (c - expected) / expected;
    }
    return s;
  }

  /** The 1 - 1e-6 quantile of chi-square with df degrees of freedom (Wilson–Hilferty approximation). */
  public static double chiSquareCritical(int df) {
    if (df <= 0) {
      return 0;
    }
    double a = 2.0 / (9.0 * df);
    double q = 1 - a + Z_1E6 * Math.sqrt(a);
    return df * q * q * q;
  }
}
