package eqaug.group;

/**
 * A permutation group of degree N acting on (R^N)^{⊗k} by permuting every tensor index (paper, Example 2):
 * [rho(pi) T]_{i_0..i_{k-1}} = T_{pi^-1(i_0)..pi^-1(i_{k-1})}, index i_0 varying fastest. Order 1 is the
 * defining action on vectors (nodes), order 2 the action on adjacency matrices.
 */
public final class TensorAction implements PermutationAction {
  private final PermutationGroup group;
  private final int order;
  private final int n;
  private final int dim;

  public TensorAction(PermutationGroup group, int order) {
    if (order < 1 || order > 4) {
      throw new IllegalArgumentException("tensor order must be 1..4, got " + order);
    }
    long d = 1;
    for (int i = 0; i < order; i++) {
      d *= group.degree();
    }
    if (d > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException(
          "(R^" + group.degree() + ")^⊗" + order + " has " + d + " entries, too many to index");
    }
    this.group = group;
    this.order = order;
    this.n = group.degree();
    this.dim = (int) d;
  }

  @Override
  public Group group() {
    return group;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public void gather(int[] pi, int[] map) {
    for (int idx = 0; idx < dim; idx++) {
      int rest = idx;
      int src = 0;
      int place = 1;
      for (int j = 0; j < order; j++) {
        src += preimage(pi, rest % n) * place;
        rest /= n;
        place *= n;
      }
      map[idx] = src;
    }
  }

  /** pi^-1(i) by search: N is small, and this allocates nothing. */
  private static int preimage(int[] pi, int i) {
    for (int k = 0; k < pi.length; k++) {
      if (pi[k] == i) {
        return k;
      }
    }
    throw new IllegalArgumentException("not a permutation code");
  }

  @Override
  public boolean isTrivial() {
    return GridActions.allIdentity(group);
  }

  @Override
  public String describe() {
    return group.name() + " on (R^" + n + ")^⊗" + order;
  }

  @Override
  public String toString() {
    return describe();
  }
}
