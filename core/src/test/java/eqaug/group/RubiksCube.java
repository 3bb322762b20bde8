package eqaug.group;

import java.util.ArrayList;
import java.util.List;

/**
 * The 48 movable facets of Rubik's cube and its six face turns, derived from the cube's geometry: a facet is
 * a cubie position p in {-1, 0, 1}^3 with an outward unit normal e along an axis where p is +-1 (the six
 * centre facets, with only one non-zero coordinate, never move and are left out). A face turn rotates every
 * facet with p_a = s (a the face's axis, s its side) by 90 degrees about axis a, moving position and normal
 * together. Facets are numbered in lexicographic order of (p, e).
 */
final class RubiksCube {
  private RubiksCube() {}

  /** Facets as {px, py, pz, ex, ey, ez}, in numbering order. */
  static List<int[]> facets() {
    List<int[]> f = new ArrayList<>();
    for (int x = -1; x <= 1; x++) {
      for (int y = -1; y <= 1; y++) {
        for (int z = -1; z <= 1; z++) {
          int[] p = {x, y, z};
          int nonZero = Math.abs(x) + Math.abs(y) + Math.abs(z);
          if (nonZero < 2) {
            continue; // the core and the six fixed centres
          }
          for (int a = 0; a < 3; a++) {
            if (p[a] != 0) {
              int[] e = new int[3];
              e[a] = p[a];
              f.add(new int[] {x, y, z, e[0], e[1], e[2]});
            }
          }
        }
      }
    }
    return f;
  }

  /** A quarter turn about axis a: (x, y, z) -> the vector rotated by 90 degrees in the plane of the other two. */
  private static int[] rotate(int[] v, int a) {
    int b = (a + 1) % 3;
    int c = (a + 2) % 3;
    int[] r = v.clone();
    r[b] = -v[c];
    r[c] = v[b];
    return r;
  }

  private static int indexOf(List<int[]> facets, int[] f) {
    for (int i = 0; i < facets.size(); i++) {
      if (java.util.Arrays.equals(facets.get(i), f)) {
        return i;
      }
    }
    throw new IllegalStateException("no facet " + java.util.Arrays.toString(f));
  }

  /** The six face turns as permutations of 0..47 (image arrays). */
  static List<int[]> faceTurns() {
    List<int[]> facets = facets();
    if (facets.size() != 48) {
      throw new IllegalStateException(facets.size() + " facets");
    }
    List<int[]> turns = new ArrayList<>();
    for (int a = 0; a < 3; a++) {
      for (int side = -1; side <= 1; side += 2) {
        int[] perm = new int[48];
        for (int i = 0; i < 48; i++) {
          int[] f = facets.get(i);
          if (f[a] != side) {
            perm[i] = i;
            continue;
          }
          int[] p = rotate(new int[] {f[0], f[1], f[2]}, a);
          int[] e = rotate(new int[] {f[3], f[4], f[5]}, a);
          perm[i] = indexOf(facets, new int[] {p[0], p[1], p[2], e[0], e[1], e[2]});
        }
        turns.add(perm);
      }
    }
    return turns;
  }

  /** The two facets of the edge cubie at (1, 1, 0). */
  static int[] edgeStickers() {
    List<int[]> f = facets();
    return new int[] {indexOf(f, new int[] {1, 1, 0, 1, 0, 0}), indexOf(f, new int[] {1, 1, 0, 0, 1, 0})};
  }

  /** The three facets of the corner cubie at (1, 1, 1), cycled: twisting that corner alone. */
  static int[] cornerStickers() {
    List<int[]> f = facets();
    return new int[] {indexOf(f, new int[] {1, 1, 1, 1, 0, 0}), indexOf(f, new int[] {1, 1, 1, 0, 1, 0}),
        indexOf(f, new int[] {1, 1, 1, 0, 0, 1})};
  }
}
