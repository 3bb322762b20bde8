package eqaug.group;


/**
 * The paper's actions on one n x n channel, row-major: cyclic shifts by Z_n x Z_n (Example 3) and rotations
 * through multiples of 90 degrees by C4 (Example 4). Each reads the group element off its code, so it accepts
 * any group whose elements are shifts (resp. rotations) in the encoding of {@link TranslationGroup}
 * (resp. {@link RotationGroup}): those groups and every group equal to them or inside them. The grid size
 * belongs to the action, not the group, so C4 can act on grids of several sizes in one network.
 */
public final class GridActions {
  private GridActions() {}

  /**
   * Shifts (rho(k, l) x)_{i,j} = x_{i-k, j-l}, indices mod n, for a group of degree 2n whose every element
   * moves points 0..n-1 by k and n..2n-1 by l cyclically (as {@link TranslationGroup#shift} encodes (k, l)).
   */
  public static PermutationAction shifts(PermutationGroup group, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("grid size must be positive, got " + n);
    }
    requireElements(group, 2 * n, g -> isShift(g, n), "shifts (k, l) of Z_" + n + "xZ_" + n);
    return PermutationAction.of(group, n * n, allIdentity(group), "shifts of the " + n + "x" + n + " grid",
        (code, map) -> {
          int k = code[0];
          int l = code[n] - n;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
              map[i * n + j] = Math.floorMod(i - k, n) * n + Math.floorMod(j - l, n);
            }
          }
        });
  }

  /**
   * Rotations rho(k) = rho(1)^k with (rho(1) x)_{i,j} = x_{-j, i} in centred coordinates, that is
   * x[n-1-j][i], for a group of degree 4 whose elements are rotations i -> i + k mod 4 (the regular
   * representation of C4, as {@link RotationGroup#rotation} encodes k).
   */
  public static PermutationAction rotations(PermutationGroup group, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("grid size must be positive, got " + n);
    }
    requireElements(group, 4, g -> isShift(g, 4), "rotations of C4 (i -> i + k mod 4)");
    int[] quarter = new int[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        quarter[i * n + j] = (n - 1 - j) * n + i;
      }
    }
    return PermutationAction.of(group, n * n, n == 1 || allIdentity(group),
        "90° rotations of the " + n + "x" + n + " grid", (code, map) -> {
          // rho(1)^k: the quarter-turn map applied k times, read directly from the pixel's rotated position.
          int k = code[0];
          for (int p = 0; p < n * n; p++) {
            int q = p;
            for (int r = 0; r < k; r++) {
              q = quarter[q];
            }
            map[p] = q;
          }
        });
  }

  /** True when g moves each block of {@code block} consecutive points cyclically by its own amount. */
  private static boolean isShift(int[] g, int block) {
    for (int base = 0; base < g.length; base += block) {
      int k = g[base] - base;
      if (k < 0 || k >= block) {
        return false;
      }
      for (int i = 0; i < block; i++) {
        if (g[base + i] != base + (i + k) % block) {
          return false;
        }
      }
    }
    return true;
  }

  private interface Shape {
    boolean test(int[] g);
  }

  private static void requireElements(PermutationGroup group, int degree, Shape shape, String what) {
    if (group.degree() != degree) {
      throw new IllegalArgumentException(
          group.name() + " has degree " + group.degree() + "; this action needs a group of " + what
              + " on " + degree + " points");
    }
    // Generators of that shape generate only elements of that shape: shifts compose to shifts.
    for (GroupElement g : group.generators()) {
      if (!shape.test(g.code())) {
        throw new IllegalArgumentException(
            group.name() + " has the generator " + g + ", which is not one of the " + what);
      }
    }
  }

  static boolean allIdentity(Group group) {
    for (GroupElement g : group.generators()) {
      if (!Permutations.isIdentity(g.code())) {
        return false;
      }
    }
    return true;
  }

}
