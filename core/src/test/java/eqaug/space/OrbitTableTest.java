package eqaug.space;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.group.PermutationAction;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The orbit table of G on Hom(X_in, X_out): dim Hom_G against known counts and Burnside's lemma, and the
 * projection Pi_E against its defining properties (orthogonal projection onto the equivariant maps, equal
 * to the Haar average of rho-bar(g) A).
 */
class OrbitTableTest {

  // ------------------------------------------------------------------ helpers

  private static OrbitTable table(PermutationAction in, int cIn, PermutationAction out, int cOut) {
    return new OrbitTable(new FieldSpace(in, cIn), new FieldSpace(out, cOut));
  }

  private static float[] random(SplittableRandom rng, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (2 * rng.nextDouble() - 1);
    }
    return x;
  }

  private static int fixedPoints(int[] map) {
    int f = 0;
    for (int i = 0; i < map.length; i++) {
      if (map[i] == i) {
        f++;
      }
    }
    return f;
  }

  /** Burnside: the number of orbits on pairs is (1/|G|) sum_g fix_out(g) fix_in(g). */
  private static long burnside(PermutationAction in, PermutationAction out) {
    long sum = 0;
    List<GroupElement> all = in.group().elements();
    for (GroupElement g : all) {
      sum += (long) fixedPoints(out.gather(g)) * fixedPoints(in.gather(g));
    }
    assertEquals(0, sum % all.size(), "Burnside's sum is a multiple of |G|");
    return sum / all.size();
  }

  /** The action of another grid's rotations, re-attached to {@code group} (same C4, different space). */
  private static PermutationAction rotationsOf(RotationGroup group, int n) {
    RotationGroup other = new RotationGroup();
    return PermutationAction.of(group, n * n, false, "rotations of " + n + "x" + n,
        (code, map) -> other.onGrid(n).gather(code, map));
  }

  private static double dot(float[] a, float[] b, int off, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += (double) a[off + i] * b[off + i];
    }
    return s;
  }

  private static float[] projected(OrbitTable t, float[] w) {
    float[] p = w.clone();
    t.project(p, 0);
    return p;
  }

  /** y = W x for the row-major weight matrix W (out.dim() x in.dim()). */
  private static double[] multiply(OrbitTable t, float[] w, double[] x) {
    int rows = t.out().dim();
    int cols = t.in().dim();
    double[] y = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) {
        s += w[r * cols + c] * x[c];
      }
      y[r] = s;
    }
    return y;
  }

  private static double[] act(int[] map, double[] x) {
    double[] y = new double[map.length];
    for (int i = 0; i < map.length; i++) {
      y[i] = x[map[i]];
    }
    return y;
  }

  /** Small test cases where every element can be listed. */
  private static List<OrbitTable> smallTables() {
    SymmetricGroup s4 = new SymmetricGroup(4);
    RotationGroup c4 = new RotationGroup();
    RotationGroup c4odd = new RotationGroup();
    TranslationGroup z4 = new TranslationGroup(4);
    List<OrbitTable> t = new ArrayList<>();
    t.add(table(c4.onGrid(4), 2, c4.onGrid(4), 3));
    t.add(table(c4odd.onGrid(5), 1, c4odd.onGrid(5), 2));
    t.add(table(c4odd.onGrid(5), 2, rotationsOf(c4odd, 3), 1));
    t.add(table(z4.onGrid(), 2, z4.onGrid(), 2));
    t.add(table(z4.onGrid(), 3, z4.trivialAction(1), 2));
    t.add(table(s4.onTensors(2), 2, s4.onTensors(2), 2));
    t.add(table(s4.onTensors(2), 1, s4.onTensors(1), 3));
    t.add(table(s4.onTensors(2), 3, s4.trivialAction(1), 1));
    return t;
  }

  // ------------------------------------------------------------------ dimensions of Hom_G

  @Test
  void projectionAndDistanceSharedAmongThreadsGiveTheSerialBits() {
    // Experiment 1's two big layers (32 channel blocks of 100 x 100; 32 x 64 blocks of 1 x 100) and a small one.
    SymmetricGroup s10 = new SymmetricGroup(10);
    FieldSpace adjacency = new FieldSpace(s10.onTensors(2), 1);
    FieldSpace hidden = new FieldSpace(s10.onTensors(2), 32);
    FieldSpace pooled = new FieldSpace(s10.trivialAction(1), 64);
    FieldSpace small = new FieldSpace(s10.onTensors(2), 2);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(17);
    try (eqaug.kernel.VectorKernels k2 = new eqaug.kernel.VectorKernels(2);
        eqaug.kernel.VectorKernels k3 = new eqaug.kernel.VectorKernels(3)) {
      for (OrbitTable t : new OrbitTable[] {new OrbitTable(adjacency, hidden), new OrbitTable(hidden, pooled),
          new OrbitTable(adjacency, small)}) {
        int off = 3;
        float[] w = new float[off + (int) t.size() + 2];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) rng.nextGaussian();
        }
        double serial = t.distanceSquaredToE(w, off);
        float[] projected = w.clone();
        t.project(projected, off);
        for (eqaug.kernel.Kernels k : new eqaug.kernel.Kernels[] {k2, k3}) {
          assertEquals(Double.doubleToRawLongBits(serial), Double.doubleToRawLongBits(t.distanceSquaredToE(w, off, k)),
              k.name());
          float[] p = w.clone();
          t.project(p, off, k);
          assertArrayEquals(projected, p, k.name());
        }
        // Not a vacuous comparison: the projection moved the entries, and projecting again moves nothing.
        assertTrue(serial > 0);
        assertEquals(0.0, t.distanceSquaredToE(projected, off, k2), 1e-6 * serial);
      }
    }
  }

  @Test
  void permutationEquivariantMapsOnAdjacencyMatricesHaveDimensionFifteen() {
    // Maron et al.: dim Hom_{S_N}((R^N)^{⊗2}, (R^N)^{⊗2}) = Bell(4) = 15 for every N >= 4.
    for (int n : new int[] {4, 5, 6}) {
      SymmetricGroup s = new SymmetricGroup(n);
      OrbitTable t = table(s.onTensors(2), 1, s.onTensors(2), 1);
      assertEquals(15, t.orbitsPerChannelPair(), "N=" + n);
      assertEquals(15, t.homDim(), "N=" + n);
    }
    SymmetricGroup s5 = new SymmetricGroup(5);
    OrbitTable multi = table(s5.onTensors(2), 2, s5.onTensors(2), 3);
    assertEquals(15, multi.orbitsPerChannelPair());
    assertEquals(15L * 2 * 3, multi.homDim());
    assertEquals(3L * 25 * 2 * 25, multi.size());
  }

  @Test
  void permutationInvariantMapsOfAdjacencyMatricesHaveDimensionTwo() {
    for (int n : new int[] {2, 4, 7}) {
      SymmetricGroup s = new SymmetricGroup(n);
      assertEquals(2, table(s.onTensors(2), 1, s.trivialAction(1), 1).orbitsPerChannelPair(), "N=" + n);
    }
    // Bell(3) = 5 for matrices -> vectors and Bell(2) = 2 for vectors -> vectors.
    SymmetricGroup s5 = new SymmetricGroup(5);
    assertEquals(5, table(s5.onTensors(2), 1, s5.onTensors(1), 1).orbitsPerChannelPair());
    assertEquals(2, table(s5.onTensors(1), 1, s5.onTensors(1), 1).orbitsPerChannelPair());
  }

  @Test
  void invariantOrbitsOfAdjacencyMatricesAreDiagonalAndOffDiagonal() {
    int n = 5;
    SymmetricGroup s = new SymmetricGroup(n);
    OrbitTable t = table(s.onTensors(2), 1, s.trivialAction(1), 1);
    int diag = t.orbitOf(0, 0);
    int off = t.orbitOf(0, 1);
    assertNotEquals(diag, off);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(i == j ? diag : off, t.orbitOf(0, i * n + j), "entry " + i + "," + j);
      }
    }
    // Projecting a linear functional: diagonal weights become their mean, off-diagonal ones theirs.
    float[] w = random(new SplittableRandom(5), n * n);
    double sumDiag = 0;
    double sumOff = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i == j) {
          sumDiag += w[i * n + j];
        } else {
          sumOff += w[i * n + j];
        }
      }
    }
    float[] p = projected(t, w);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double expected = i == j ? sumDiag / n : sumOff / (n * n - n);
        assertEquals(expected, p[i * n + j], 1e-6);
      }
    }
  }

  @Test
  void translationEquivariantMapsAreTheNSquaredConvolutions() {
    for (int n : new int[] {5, 14}) {
      TranslationGroup z = new TranslationGroup(n);
      assertEquals(n * n, table(z.onGrid(), 1, z.onGrid(), 1).orbitsPerChannelPair(), "N=" + n);
      assertEquals(1, table(z.onGrid(), 1, z.trivialAction(1), 1).orbitsPerChannelPair(), "N=" + n);
    }
  }

  @Test
  void translationOrbitsDependOnlyOnTheOffset() {
    // A circular convolution: entry (a, b) depends only on a - b mod N in each coordinate.
    int n = 5;
    TranslationGroup z = new TranslationGroup(n);
    OrbitTable t = table(z.onGrid(), 1, z.onGrid(), 1);
    int[] byOffset = new int[n * n];
    Arrays.fill(byOffset, -1);
    for (int a = 0; a < n * n; a++) {
      for (int b = 0; b < n * n; b++) {
        int di = Math.floorMod(a / n - b / n, n);
        int dj = Math.floorMod(a % n - b % n, n);
        int key = di * n + dj;
        if (byOffset[key] < 0) {
          byOffset[key] = t.orbitOf(a, b);
        }
        assertEquals(byOffset[key], t.orbitOf(a, b));
      }
    }
    assertEquals(n * n, Arrays.stream(byOffset).distinct().count());
  }

  @Test
  void rotationEquivariantMapsOnFourteenByFourteenMatchBurnside() {
    // Even N: no pixel is fixed by a quarter or half turn, so only the identity contributes: 196^2 / 4.
    RotationGroup c4 = new RotationGroup();
    OrbitTable t = table(c4.onGrid(14), 1, c4.onGrid(14), 1);
    assertEquals(196 * 196 / 4, t.orbitsPerChannelPair());
    assertEquals(burnside(c4.onGrid(14), c4.onGrid(14)), t.orbitsPerChannelPair());
    // Odd N = 5: the centre is fixed by every rotation, (625 + 1 + 1 + 1) / 4 = 157.
    RotationGroup c5 = new RotationGroup();
    assertEquals(157, table(c5.onGrid(5), 1, c5.onGrid(5), 1).orbitsPerChannelPair());
  }

  @Test
  void orbitCountsSatisfyBurnsideForAssortedActions() {
    SymmetricGroup s3 = new SymmetricGroup(3);
    SymmetricGroup s4 = new SymmetricGroup(4);
    SymmetricGroup s5 = new SymmetricGroup(5);
    RotationGroup c5 = new RotationGroup();
    RotationGroup c7 = new RotationGroup();
    RotationGroup c6 = new RotationGroup();
    TranslationGroup z4 = new TranslationGroup(4);
    TranslationGroup z7 = new TranslationGroup(7);
    PermutationAction[][] cases = {
        {s4.onTensors(1), s4.onTensors(2)},
        {s4.onTensors(2), s4.onTensors(1)},
        {s5.onTensors(2), s5.onTensors(2)},
        {s3.onTensors(3), s3.onTensors(2)},
        {s4.onTensors(2), s4.trivialAction(3)},
        {c5.onGrid(5), c5.onGrid(5)},
        {c7.onGrid(7), c7.trivialAction(1)},
        {c6.onGrid(6), c6.onGrid(6)},
        {c5.onGrid(5), rotationsOf(c5, 3)},
        {rotationsOf(c5, 4), c5.onGrid(5)},
        {z4.onGrid(), z4.onGrid()},
        {z7.onGrid(), z7.trivialAction(2)},
    };
    for (PermutationAction[] c : cases) {
      OrbitTable t = table(c[0], 1, c[1], 1);
      assertEquals(burnside(c[0], c[1]), t.orbitsPerChannelPair(), c[0].describe() + " -> " + c[1].describe());
    }
  }

  @Test
  void orbitLabelsAreInvariantUnderEveryElement() {
    // With Burnside's count this shows the labels are exactly the orbits, not a coarser partition.
    for (OrbitTable t : smallTables()) {
      PermutationAction in = t.in().action();
      PermutationAction out = t.out().action();
      for (GroupElement g : in.group().elements()) {
        int[] gin = in.gather(g);
        int[] gout = out.gather(g);
        for (int a = 0; a < out.dim(); a++) {
          for (int b = 0; b < in.dim(); b++) {
            assertEquals(t.orbitOf(a, b), t.orbitOf(gout[a], gin[b]));
          }
        }
      }
      assertEquals(burnside(in, out), t.orbitsPerChannelPair());
    }
  }

  // ------------------------------------------------------------------ the projection Pi_E

  @Test
  void projectionIsIdempotent() {
    SplittableRandom rng = new SplittableRandom(21);
    for (OrbitTable t : smallTables()) {
      float[] p = projected(t, random(rng, (int) t.size()));
      float[] pp = projected(t, p);
      assertArrayEquals(p, pp, 1e-6f, t.in().describe());
    }
  }

  @Test
  void projectionIsSelfAdjoint() {
    SplittableRandom rng = new SplittableRandom(22);
    for (OrbitTable t : smallTables()) {
      int len = (int) t.size();
      float[] a = random(rng, len);
      float[] b = random(rng, len);
      double lhs = dot(projected(t, a), b, 0, len);
      double rhs = dot(a, projected(t, b), 0, len);
      double scale = Math.sqrt(dot(a, a, 0, len) * dot(b, b, 0, len));
      assertEquals(lhs, rhs, 1e-6 * scale, t.in().describe());
    }
  }

  @Test
  void projectionIsOrthogonalResidualIsPerpendicularToE() {
    SplittableRandom rng = new SplittableRandom(23);
    for (OrbitTable t : smallTables()) {
      int len = (int) t.size();
      float[] a = random(rng, len);
      float[] pa = projected(t, a);
      float[] pb = projected(t, random(rng, len));
      double residualDotE = 0;
      for (int i = 0; i < len; i++) {
        residualDotE += ((double) a[i] - pa[i]) * pb[i];
      }
      assertEquals(0, residualDotE, 1e-5 * Math.sqrt(dot(a, a, 0, len) * dot(pb, pb, 0, len)));
    }
  }

  @Test
  void projectedMatricesAreFixedByEveryGenerator() {
    SplittableRandom rng = new SplittableRandom(24);
    List<OrbitTable> tables = new ArrayList<>(smallTables());
    RotationGroup c14 = new RotationGroup();
    TranslationGroup z14 = new TranslationGroup(14);
    SymmetricGroup s9 = new SymmetricGroup(9);
    tables.add(table(c14.onGrid(14), 2, c14.onGrid(14), 2));
    tables.add(table(z14.onGrid(), 1, z14.onGrid(), 2));
    tables.add(table(s9.onTensors(2), 2, s9.onTensors(2), 2)); // S_9 is too large to list; generators suffice
    for (OrbitTable t : tables) {
      float[] p = projected(t, random(rng, (int) t.size()));
      float[] moved = new float[p.length];
      for (GroupElement g : t.in().action().group().generators()) {
        t.transform(p, 0, g, moved, 0);
        assertArrayEquals(p, moved, t.in().describe() + " under " + g);
      }
    }
  }

  @Test
  void projectedMatricesCommuteWithTheAction() {
    // The defining property of Hom_G: W rho_in(g) x = rho_out(g) W x.
    SplittableRandom rng = new SplittableRandom(25);
    for (OrbitTable t : smallTables()) {
      float[] w = projected(t, random(rng, (int) t.size()));
      double[] x = new double[t.in().dim()];
      for (int i = 0; i < x.length; i++) {
        x[i] = rng.nextDouble() - 0.5;
      }
      for (GroupElement g : t.in().action().group().elements()) {
        double[] lhs = multiply(t, w, act(t.in().gather(g), x));
        double[] rhs = act(t.out().gather(g), multiply(t, w, x));
        assertArrayEquals(rhs, lhs, 1e-9, t.in().describe() + " g=" + g);
      }
    }
  }

  @Test
  void unprojectedMatricesDoNotCommuteWithTheAction() {
    // Guards the test above: a random matrix is not equivariant, so the check has teeth.
    SplittableRandom rng = new SplittableRandom(26);
    RotationGroup c4 = new RotationGroup();
    OrbitTable t = table(c4.onGrid(4), 1, c4.onGrid(4), 1);
    float[] w = random(rng, (int) t.size());
    double[] x = new double[16];
    for (int i = 0; i < 16; i++) {
      x[i] = rng.nextDouble();
    }
    GroupElement g = c4.rotation(1);
    double[] lhs = multiply(t, w, act(t.in().gather(g), x));
    double[] rhs = act(t.out().gather(g), multiply(t, w, x));
    assertTrue(Math.abs(lhs[0] - rhs[0]) > 1e-3);
  }

  @Test
  void projectionEqualsTheReynoldsAverage() {
    SplittableRandom rng = new SplittableRandom(27);
    for (OrbitTable t : smallTables()) {
      int len = (int) t.size();
      float[] a = random(rng, len);
      List<GroupElement> all = t.in().action().group().elements();
      double[] avg = new double[len];
      float[] moved = new float[len];
      for (GroupElement g : all) {
        t.transform(a, 0, g, moved, 0);
        for (int i = 0; i < len; i++) {
          avg[i] += moved[i];
        }
      }
      float[] p = projected(t, a);
      for (int i = 0; i < len; i++) {
        assertEquals(avg[i] / all.size(), p[i], 1e-6, t.in().describe() + " entry " + i);
      }
    }
  }

  @Test
  void transformIsRhoOutTimesARhoInInverse() {
    // rho-bar(g) A = R_out A R_in^T with explicit permutation matrices R[i][map[i]] = 1.
    SplittableRandom rng = new SplittableRandom(28);
    RotationGroup c5 = new RotationGroup();
    OrbitTable t = table(c5.onGrid(5), 1, rotationsOf(c5, 3), 2);
    int rows = t.out().dim();
    int cols = t.in().dim();
    float[] a = random(rng, rows * cols);
    for (GroupElement g : c5.elements()) {
      int[] mo = t.out().gather(g);
      int[] mi = t.in().gather(g);
      double[] expected = new double[rows * cols];
      for (int p = 0; p < rows; p++) {
        for (int q = 0; q < cols; q++) {
          double s = 0;
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              double ro = mo[p] == r ? 1 : 0; // R_out[p][r]
              double ri = mi[q] == c ? 1 : 0; // R_in^T[c][q] = R_in[q][c]
              s += ro * a[r * cols + c] * ri;
            }
          }
          expected[p * cols + q] = s;
        }
      }
      float[] dst = new float[rows * cols + 7];
      t.transform(a, 0, g, dst, 7);
      for (int i = 0; i < rows * cols; i++) {
        assertEquals(expected[i], dst[7 + i], 0.0, "g=" + g + " entry " + i);
      }
    }
  }

  @Test
  void transformIsARepresentationOnMatrices() {
    // rho-bar(g) rho-bar(h) = rho-bar(gh) for rotations, where gh is rotation(k_g + k_h).
    SplittableRandom rng = new SplittableRandom(29);
    RotationGroup c5 = new RotationGroup();
    OrbitTable t = table(c5.onGrid(5), 2, rotationsOf(c5, 3), 1);
    float[] a = random(rng, (int) t.size());
    float[] h = new float[a.length];
    float[] gh = new float[a.length];
    float[] direct = new float[a.length];
    for (int kg = 0; kg < 4; kg++) {
      for (int kh = 0; kh < 4; kh++) {
        t.transform(a, 0, c5.rotation(kh), h, 0);
        t.transform(h, 0, c5.rotation(kg), gh, 0);
        t.transform(a, 0, c5.rotation(kg + kh), direct, 0);
        assertArrayEquals(direct, gh);
      }
    }
  }

  @Test
  void distanceToEIsTheNormOfTheResidual() {
    SplittableRandom rng = new SplittableRandom(30);
    for (OrbitTable t : smallTables()) {
      int len = (int) t.size();
      float[] a = random(rng, len);
      float[] p = projected(t, a);
      double expected = 0;
      for (int i = 0; i < len; i++) {
        double d = (double) a[i] - p[i];
        expected += d * d;
      }
      double got = t.distanceSquaredToE(a, 0);
      assertEquals(expected, got, 1e-5 * expected, t.in().describe());
      assertTrue(got > 0.01 * dot(a, a, 0, len), "a random matrix is far from E");
      // Pythagoras: ||A||^2 = ||PA||^2 + ||A - PA||^2.
      assertEquals(dot(a, a, 0, len), dot(p, p, 0, len) + got, 1e-5 * dot(a, a, 0, len));
    }
  }

  @Test
  void distanceToEVanishesOnE() {
    SplittableRandom rng = new SplittableRandom(31);
    for (OrbitTable t : smallTables()) {
      float[] p = projected(t, random(rng, (int) t.size()));
      assertEquals(0, t.distanceSquaredToE(p, 0), 1e-12, t.in().describe());
    }
  }

  @Test
  void projectionAndDistanceRespectTheOffsetAndLeaveTheRestAlone() {
    SplittableRandom rng = new SplittableRandom(32);
    SymmetricGroup s4 = new SymmetricGroup(4);
    OrbitTable t = table(s4.onTensors(2), 2, s4.onTensors(2), 3);
    int len = (int) t.size();
    int off = 13;
    float[] a = random(rng, len);
    float[] big = random(rng, off + len + 9);
    System.arraycopy(a, 0, big, off, len);
    float[] before = big.clone();
    assertEquals(t.distanceSquaredToE(a, 0), t.distanceSquaredToE(big, off), 0.0);
    assertArrayEquals(before, big, "distanceSquaredToE does not change its input");
    t.project(big, off);
    assertArrayEquals(Arrays.copyOfRange(before, 0, off), Arrays.copyOfRange(big, 0, off));
    assertArrayEquals(Arrays.copyOfRange(before, off + len, big.length), Arrays.copyOfRange(big, off + len, big.length));
    assertArrayEquals(projected(t, a), Arrays.copyOfRange(big, off, off + len));
    // The transform reads from the offset too.
    float[] fromBig = new float[len];
    float[] fromA = new float[len];
    GroupElement g = s4.generators().get(1);
    t.transform(before, off, g, fromBig, 0);
    t.transform(a, 0, g, fromA, 0);
    assertArrayEquals(fromA, fromBig);
  }

  @Test
  void channelPairsAreProjectedIndependently() {
    // Channels are not mixed: each (co, ci) block is the projection of that block alone.
    SplittableRandom rng = new SplittableRandom(33);
    RotationGroup c4 = new RotationGroup();
    OrbitTable multi = table(c4.onGrid(4), 2, c4.onGrid(4), 3);
    OrbitTable single = table(c4.onGrid(4), 1, c4.onGrid(4), 1);
    float[] a = random(rng, (int) multi.size());
    float[] p = projected(multi, a);
    int cols = multi.in().dim();
    for (int co = 0; co < 3; co++) {
      for (int ci = 0; ci < 2; ci++) {
        float[] block = new float[256];
        for (int r = 0; r < 16; r++) {
          System.arraycopy(a, (co * 16 + r) * cols + ci * 16, block, r * 16, 16);
        }
        single.project(block, 0);
        for (int r = 0; r < 16; r++) {
          for (int c = 0; c < 16; c++) {
            assertEquals(block[r * 16 + c], p[(co * 16 + r) * cols + ci * 16 + c], 0f);
          }
        }
      }
    }
  }

  @Test
  void trivialGroupActionsGiveTheFullSpace() {
    // S_1 acts trivially: every entry is its own orbit and the projection is the identity.
    SymmetricGroup s1 = new SymmetricGroup(1);
    OrbitTable t = table(s1.trivialAction(5), 2, s1.trivialAction(3), 1);
    assertEquals(15, t.orbitsPerChannelPair());
    assertEquals(30, t.homDim());
    float[] a = random(new SplittableRandom(34), 30);
    assertArrayEquals(a, projected(t, a));
    assertEquals(0, t.distanceSquaredToE(a, 0), 0.0);
  }

  @Test
  void mismatchedGroupsAreRejected() {
    TranslationGroup z4 = new TranslationGroup(4);
    RotationGroup c4 = new RotationGroup();
    Group s16 = new SymmetricGroup(16);
    assertThrows(IllegalArgumentException.class, () -> table(z4.onGrid(), 1, c4.onGrid(4), 1));
    assertThrows(IllegalArgumentException.class, () -> table(c4.onGrid(4), 1, s16.trivialAction(1), 1));
  }

  @Test
  void fieldSpaceGatherActsOnEveryChannel() {
    RotationGroup c4 = new RotationGroup();
    FieldSpace f = new FieldSpace(c4.onGrid(3), 3);
    assertEquals(27, f.dim());
    assertEquals(9, f.positions());
    int[] one = c4.onGrid(3).gather(c4.rotation(1));
    int[] all = f.gather(c4.rotation(1));
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 9; p++) {
        assertEquals(c * 9 + one[p], all[c * 9 + p]);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new FieldSpace(c4.onGrid(3), 0));
  }
}
