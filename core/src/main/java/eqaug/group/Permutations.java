package eqaug.group;

/** Arithmetic on permutations of {0..n-1} stored as image arrays (p[x] is the image of x). */
public final class Permutations {
  private Permutations() {}

  public static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  /** The product ab, applying b first: (ab)[x] = a[b[x]]. */
  public static int[] compose(int[] a, int[] b) {
    int[] c = new int[b.length];
    for (int x = 0; x < b.length; x++) {
      c[x] = a[b[x]];
    }
    return c;
  }

  public static int[] inverse(int[] p) {
    int[] q = new int[p.length];
    for (int x = 0; x < p.length; x++) {
      q[p[x]] = x;
    }
    return q;
  }

  public static boolean isIdentity(int[] p) {
    for (int x = 0; x < p.length; x++) {
      if (p[x] != x) {
        return false;
      }
    }
    return true;
  }

  /** Null when p is a permutation of {0..n-1}, else what is wrong with it. */
  public static String whyNotPermutation(int[] p, int n) {
    if (p == null) {
      return "it is null";
    }
    if (p.length != n) {
      return "it has " + p.length + " entries, not " + n;
    }
    boolean[] seen = new boolean[n];
    for (int x = 0; x < n; x++) {
      if (p[x] < 0 || p[x] >= n) {
        return "the image of " + x + " is " + p[x] + ", outside 0.." + (n - 1);
      }
      if (seen[p[x]]) {
        return p[x] + " is the image of two points";
      }
      seen[p[x]] = true;
    }
    return null;
  }

  /** The permutation with these cycles on {0..n-1}, e.g. cycles(4, {0, 1, 2, 3}) is a 4-cycle. */
  public static int[] cycles(int n, int[]... cycles) {
    int[] p = identity(n);
    boolean[] used = new boolean[n];
    for (int[] c : cycles) {
      for (int i = 0; i < c.length; i++) {
        if (c[i] < 0 || c[i] >= n || used[c[i]]) {
          throw new IllegalArgumentException("cycles must be disjoint and within 0.." + (n - 1) + "; bad point " + c[i]);
        }
        used[c[i]] = true;
        p[c[i]] = c[(i + 1) % c.length];
      }
    }
    return p;
  }
}
