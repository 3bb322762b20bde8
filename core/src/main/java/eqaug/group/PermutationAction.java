package eqaug.group;

import java.util.random.RandomGenerator;



/**
 * A representation of a group on R^dim by permutation matrices: rho(g) x = x[gather(g)], that is
 * (rho(g) x)[i] = x[gather(g)[i]]. Permutation matrices are orthogonal, so the paper's Assumption 1
 * (unitarity) holds for every such action.
 */
public interface PermutationAction {
  Group group();

  int dim();

  /** The gather map of rho(g): (rho(g) x)[i] = x[map[i]]. A fresh array the caller may keep. */
  default int[] gather(GroupElement g) {
    int[] map = new int[dim()];
    gather(g.code(), map);
    return map;
  }

  /**
   * The gather map of the element with this code (see {@link Group#sample(RandomGenerator, int[])}) written
   * to map[0 .. dim); allocates nothing, for use once per mini-batch.
   */
  void gather(int[] code, int[] map);

  /** True when every element acts as the identity. */
  boolean isTrivial();

  String describe();

  /** The action where every element of the group acts as the identity on R^dim. */
  static PermutationAction trivial(Group group, int dim) {
    return of(group, dim, true, "trivial on R^" + dim, (code, map) -> {
      for (int i = 0; i < dim; i++) {
        map[i] = i;
      }
    });
  }

  /** How an action writes the gather map of an element code. */
  interface GatherRule {
    void write(int[] code, int[] map);
  }

  /** An action given by its gather maps. */
  static PermutationAction of(Group group, int dim, boolean trivial, String description, GatherRule gather) {
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
      public void gather(int[] code, int[] map) {
        gather.write(code, map);
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
