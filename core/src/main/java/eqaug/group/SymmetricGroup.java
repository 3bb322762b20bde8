package eqaug.group;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The symmetric group S_N acting on (R^N)^{⊗k} by permuting every tensor index (paper, Example 2):
 * [rho(pi) T]_{i_0..i_{k-1}} = T_{pi^-1(i_0)..pi^-1(i_{k-1})}. An element's code is pi as an array
 * (pi[i] is the image of node i).
 */
public final class SymmetricGroup implements Group {
  private final int n;

  public SymmetricGroup(int n) {
    if (n < 1 || n > 20) {
      throw new IllegalArgumentException("S_N needs 1 <= N <= 20, got " + n);
    }
    this.n = n;
  }

  public int n() {
    return n;
  }

  @Override
  public String name() {
    return "S_" + n;
  }

  @Override
  public long order() {
    long f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  @Override
  public GroupElement identity() {
    return new GroupElement(PermutationAction.identityMap(n));
  }

  /** The transposition (0 1) and the cycle (0 1 ... N-1) generate S_N. */
  @Override
  public List<GroupElement> generators() {
    List<GroupElement> gens = new ArrayList<>();
    if (n >= 2) {
      int[] swap = PermutationAction.identityMap(n);
      swap[0] = 1;
      swap[1] = 0;
      gens.add(new GroupElement(swap));
      int[] cycle = new int[n];
      for (int i = 0; i < n; i++) {
        cycle[i] = (i + 1) % n;
      }
      gens.add(new GroupElement(cycle));
    }
    return gens;
  }

  @Override
  public GroupElement inverse(GroupElement g) {
    int[] p = g.code();
    int[] inv = new int[n];
    for (int i = 0; i < n; i++) {
      inv[p[i]] = i;
    }
    return new GroupElement(inv);
  }

  @Override
  public int codeLength() {
    return n;
  }

  /** Fisher–Yates: every permutation equally likely. */
  @Override
  public void sample(RandomGenerator rng, int[] p) {
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }

  @Override
  public List<GroupElement> elements() {
    if (order() > MAX_LISTED_ORDER) {
      throw tooLargeToList();
    }
    List<GroupElement> all = new ArrayList<>();
    permute(PermutationAction.identityMap(n), 0, all);
    return all;
  }

  private void permute(int[] p, int from, List<GroupElement> out) {
    if (from == n) {
      out.add(new GroupElement(p));
      return;
    }
    for (int i = from; i < n; i++) {
      swap(p, from, i);
      permute(p, from + 1, out);
      swap(p, from, i);
    }
  }

  private static void swap(int[] p, int i, int j) {
    int t = p[i];
    p[i] = p[j];
    p[j] = t;
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

  /** The action on (R^N)^{⊗order}: order 1 permutes a vector, order 2 an adjacency matrix. */
  public PermutationAction onTensors(int order) {
    if (order < 1 || order > 4) {
      throw new IllegalArgumentException("tensor order must be 1..4, got " + order);
    }
    int dim = 1;
    for (int i = 0; i < order; i++) {
      dim *= n;
    }
    int d = dim;
    return PermutationAction.of(this, dim, n == 1, "on (R^" + n + ")^⊗" + order, (pi, map) -> {
      for (int idx = 0; idx < d; idx++) {
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
    });
  }
}
