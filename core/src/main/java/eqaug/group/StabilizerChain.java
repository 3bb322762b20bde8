package eqaug.group;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A stabiliser chain G = G_0 >= G_1 >= ... >= G_n = 1 of a permutation group on {0..n-1}, G_k the pointwise
 * stabiliser of 0..k-1, with a transversal of G_{k+1} in G_k at every level, built by the deterministic
 * Schreier–Sims algorithm (the incremental form in D. F. Holt, B. Eick, E. A. O'Brien, Handbook of
 * Computational Group Theory, 2005, §4.4.2, with the base 0, 1, ..., n-1): every Schreier generator of a
 * level is sifted through the levels below it, and a residue that drops out becomes a new strong generator. Every g in G factors uniquely as g = u_0 u_1 ... u_{n-1}, u_k from level
 * k's transversal, which gives |G| as the product of the orbit sizes, membership by sifting and exactly
 * uniform sampling by drawing every u_k uniformly.
 *
 * <p>Permutations are arrays p with p[x] the image of x; products compose right to left,
 * (ab)[x] = a[b[x]].
 */
final class StabilizerChain {
  private final int n;
  /**
   * u[k][b]: an element of G_k mapping k to b, or null when b is not in the orbit of k under G_k. A level
   * whose orbit is just {k} has u[k] == null, so a chain of a small group on many points stays small.
   */
  private final int[][][] u;
  private final int[][][] uInv;
  /** The strong generators of level k (they fix 0..k-1; level k's include those of every deeper level). */
  private final List<List<int[]>> gens;
  /** The orbit of k under G_k, in the order its points were found. */
  private final int[][] orbit;
  private final int[] orbitSize;

  StabilizerChain(int n, List<int[]> generators) {
    this.n = n;
    u = new int[n][][];
    uInv = new int[n][][];
    gens = new ArrayList<>();
    orbitSize = new int[n];
    orbit = new int[n][];
    for (int k = 0; k < n; k++) {
      gens.add(new ArrayList<>());
      orbitSize[k] = 1;
    }
    for (int[] g : generators) {
      sift(0, g);
    }
  }

  int degree() {
    return n;
  }

  /** |G|, the product of the orbit sizes. */
  BigInteger order() {
    BigInteger o = BigInteger.ONE;
    for (int k = 0; k < n; k++) {
      if (orbitSize[k] > 1) {
        o = o.multiply(BigInteger.valueOf(orbitSize[k]));
      }
    }
    return o;
  }

  /**
   * Sifts g from level {@code from}; a residue that drops out at level j becomes a strong generator of every
   * level from..j (it fixes 0..j-1), deepest first, so that each level's generators include those below it.
   */
  private void sift(int from, int[] g) {
    for (int k = from; k < n; k++) {
      int b = g[k];
      if (b == k) {
        continue;
      }
      if (u[k] == null || u[k][b] == null) {
        for (int l = k; l >= from; l--) {
          add(l, g);
        }
        return;
      }
      g = Permutations.compose(uInv[k][b], g);
    }
  }

  /**
   * Adds g (which fixes 0..k-1) to level k's generators and closes the orbit: every product s t of a
   * generator s and a transversal element t either extends the transversal or, divided by the
   * transversal element of its image, is a Schreier generator sifted into level k+1.
   */
  private void add(int k, int[] g) {
    List<int[]> s = gens.get(k);
    s.add(g);
    if (u[k] == null) {
      int[] id = Permutations.identity(n);
      u[k] = new int[n][];
      uInv[k] = new int[n][];
      orbit[k] = new int[n];
      u[k][k] = id;
      uInv[k][k] = id;
      orbit[k][0] = k;
    }
    ArrayList<int[]> work = new ArrayList<>();
    for (int i = 0; i < orbitSize[k]; i++) {
      work.add(Permutations.compose(g, u[k][orbit[k][i]]));
    }
    while (!work.isEmpty()) {
      int[] h = work.remove(work.size() - 1);
      int b = h[k];
      if (u[k][b] != null) {
        int[] schreier = Permutations.compose(uInv[k][b], h);
        if (!Permutations.isIdentity(schreier)) {
          sift(k + 1, schreier);
        }
      } else {
        u[k][b] = h;
        uInv[k][b] = Permutations.inverse(h);
        orbit[k][orbitSize[k]++] = b;
        for (int[] t : s) {
          work.add(Permutations.compose(t, h));
        }
      }
    }
  }

  /** True when g is in G: sifting it through every level leaves the identity. */
  boolean contains(int[] g) {
    if (g.length != n) {
      return false;
    }
    int[] h = g;
    for (int k = 0; k < n; k++) {
      int b = h[k];
      if (b == k) {
        continue;
      }
      if (b < 0 || b >= n || u[k] == null || u[k][b] == null) {
        return false;
      }
      h = Permutations.compose(uInv[k][b], h);
    }
    return true;
  }

  /**
   * The transversal factors of g (g = u_0[f_0] u_1[f_1] ...), f_k the image point at level k, or null when g
   * is not in G. Only the first {@code limit} points of g are read: enough when the pointwise stabiliser of
   * 0..limit-1 is trivial.
   */
  int[] factor(int[] g, int limit) {
    int[] f = new int[limit];
    int[] h = g.clone();
    int[] tmp = new int[n];
    for (int k = 0; k < limit; k++) {
      int b = h[k];
      f[k] = b;
      if (b == k) {
        continue;
      }
      if (b < 0 || b >= n || u[k] == null || u[k][b] == null) {
        return null;
      }
      if (b != k) {
        int[] inv = uInv[k][b];
        for (int x = 0; x < limit; x++) {
          tmp[x] = inv[h[x]];
        }
        System.arraycopy(tmp, 0, h, 0, limit);
      }
    }
    return f;
  }

  /** The transversal element of level k mapping k to b. */
  int[] transversal(int k, int b) {
    return u[k][b];
  }

  /** A uniform element: u_0 u_1 ... u_{n-1} with every factor uniform in its transversal. */
  int[] sample(RandomGenerator rng) {
    int[] g = Permutations.identity(n);
    for (int k = 0; k < n; k++) {
      if (orbitSize[k] > 1) {
        g = Permutations.compose(g, u[k][orbit[k][rng.nextInt(orbitSize[k])]]);
      }
    }
    return g;
  }

  /** Every element once, as products of transversal elements in mixed-radix order. */
  void forEach(Consumer<int[]> visit) {
    List<Integer> levels = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (orbitSize[k] > 1) {
        levels.add(k);
      }
    }
    int[][] prefix = new int[levels.size() + 1][];
    prefix[0] = Permutations.identity(n);
    int[] digit = new int[levels.size()];
    walk(levels, 0, prefix, digit, visit);
  }

  private void walk(List<Integer> levels, int depth, int[][] prefix, int[] digit, Consumer<int[]> visit) {
    if (depth == levels.size()) {
      visit.accept(prefix[depth].clone());
      return;
    }
    int k = levels.get(depth);
    for (int i = 0; i < orbitSize[k]; i++) {
      prefix[depth + 1] = Permutations.compose(prefix[depth], u[k][orbit[k][i]]);
      walk(levels, depth + 1, prefix, digit, visit);
    }
  }
}
