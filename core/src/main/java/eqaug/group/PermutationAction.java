package eqaug.group;

import java.util.function.Function;

/**
 * A representation of a group on R^dim by permutation matrices: rho(g) x = x[gather(g)], that is
 * (rho(g) x)[i] = x[gather(g)[i]]. Permutation matrices are orthogonal, so the paper's Assumption 1
 * (unitarity) holds for every such action.
 */
public interface PermutationAction {
  Group group();

  int dim();

  /** The gather map of rho(g): (rho(g) x)[i] = x[map[i]]. A fresh array the caller may keep. */
  int[] gather(GroupElement g);

  /** True when every element acts as the identity. */
  boolean isTrivial();

  String describe();

  /** The action where every element of the group acts as the identity on R^dim. */
  static PermutationAction trivial(Group group, int dim) {
    return of(group, dim, true, "trivial on R^" + dim, g -> identityMap(dim));
  }

  /** An action given by its gather maps. */
  static PermutationAction of(
      Group group, int dim, boolean trivial, String description, Function<GroupElement, int[]> gather) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dimension must be positive: " + dim);
    }
    return new PermutationAction() {
      @Override
      public Group group() {
        return group;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public int[] gather(GroupElement g) {
        return gather.apply(g);
      }

      @Override
      public boolean isTrivial() {
        return trivial;
      }

      @Override
      public String describe() {
        return group.name() + " " + description;
      }

      @Override
      public String toString() {
        return describe();
      }
    };
  }

  static int[] identityMap(int dim) {
    int[] m = new int[dim];
    for (int i = 0; i < dim; i++) {
      m[i] = i;
    }
    return m;
  }
}
