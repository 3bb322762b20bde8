package eqaug.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against plain loops and a double-precision reference: the blocked, packed,
 * multithreaded matrix product at awkward shapes and strides, its independence of the thread count, and
 * the elementwise operations and double reductions at lengths around the vector width.
 */
class KernelsTest {
  private static final int[] LENGTHS = {0, 1, 7, 15, 16, 17, 1000, 1001};
  private static final float[] BETAS = {0f, 1f, 0.5f};
  private static final boolean[] BOOLS = {false, true};

  private static VectorKernels vec1;
  private static VectorKernels vec2;
  private static VectorKernels vec3;
  private static final ScalarKernels SCALAR = new ScalarKernels();

  @BeforeAll
  static void open() {
    vec1 = new VectorKernels(1);
    vec2 = new VectorKernels(2);
    vec3 = new VectorKernels(3);
  }

  @AfterAll
  static void close() {
    vec1.close();
    vec2.close();
    vec3.close();
  }

  // ------------------------------------------------------------------ a gemm problem in strided storage

  /**
   * op(A) m x k, op(B) k x n and C m x n stored as submatrix views: random offsets and leading dimensions
   * wider than the view. Storage outside A's and B's views holds NaN, so a read outside a view shows in C;
   * storage outside C's view holds a sentinel that must survive.
   */
  private static final class Problem {
    final boolean ta;
    final boolean tb;
    final int m;
    final int n;
    final int k;
    final float[] a;
    final int aOff;
    final int lda;
    final float[] b;
    final int bOff;
    final int ldb;
    final float[] c;
    final int cOff;
    final int ldc;

    Problem(SplittableRandom rng, boolean ta, boolean tb, int m, int n, int k) {
      this.ta = ta;
      this.tb = tb;
      this.m = m;
      this.n = n;
      this.k = k;
      int aRows = ta ? k : m;
      int aCols = ta ? m : k;
      lda = aCols + rng.nextInt(5);
      aOff = rng.nextInt(9);
      a = view(rng, aOff, aRows, aCols, lda, Float.NaN);
      int bRows = tb ? n : k;
      int bCols = tb ? k : n;
      ldb = bCols + rng.nextInt(5);
      bOff = rng.nextInt(9);
      b = view(rng, bOff, bRows, bCols, ldb, Float.NaN);
      ldc = n + rng.nextInt(5);
      cOff = rng.nextInt(9);
      c = view(rng, cOff, m, n, ldc, -12345f);
    }

    private static float[] view(SplittableRandom rng, int off, int rows, int cols, int ld, float pad) {
      float[] x = new float[off + (rows - 1) * ld + cols + 1 + rng.nextInt(4)];
      Arrays.fill(x, pad);
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < cols; q++) {
          x[off + r * ld + q] = (float) (2 * rng.nextDouble() - 1);
        }
      }
      return x;
    }

    float opA(int i, int p) {
      return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    float opB(int p, int j) {
      return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    boolean inC(int idx) {
      int rel = idx - cOff;
      return rel >= 0 && rel / ldc < m && rel % ldc < n;
    }

    /** C after the product, computed in double from the initial C. */
    double[] reference(float beta) {
      double[] r = new double[m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += (double) opA(i, p) * opB(p, j);
          }
          r[i * n + j] = beta == 0 ? s : s + beta * (double) c[cOff + i * ldc + j];
        }
      }
      return r;
    }

    /** The scale of rounding error: sum_p |a_ip||b_pj| + |beta c_ij|. */
    double[] magnitude(float beta) {
      double[] r = new double[m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += Math.abs((double) opA(i, p) * opB(p, j));
          }
          r[i * n + j] = s + (beta == 0 ? 0 : Math.abs(beta * (double) c[cOff + i * ldc + j]));
        }
      }
      return r;
    }

    float[] run(Kernels kernels, float beta) {
      float[] out = c.clone();
      kernels.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      return out;
    }

    String describe(float beta) {
      return "m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " beta=" + beta
          + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
    }
  }

  /** Checks the view of {@code out} against the reference and the storage around it against the original. */
  private static void assertProduct(Problem pr, float beta, float[] out, String who) {
    double[] ref = pr.reference(beta);
    double[] mag = pr.magnitude(beta);
    for (int idx = 0; idx < out.length; idx++) {
      if (!pr.inC(idx)) {
        assertEquals(Float.floatToIntBits(pr.c[idx]), Float.floatToIntBits(out[idx]),
            who + " wrote outside C's view at " + idx + ", " + pr.describe(beta));
      }
    }
    for (int i = 0; i < pr.m; i++) {
      for (int j = 0; j < pr.n; j++) {
        float got = out[pr.cOff + i * pr.ldc + j];
        double tol = 1e-5 * mag[i * pr.n + j] + 1e-30;
        assertTrue(Math.abs(got - ref[i * pr.n + j]) <= tol,
            who + " C[" + i + "][" + j + "] = " + got + " vs " + ref[i * pr.n + j] + ", " + pr.describe(beta));
      }
    }
  }

  private static final int[][] SHAPES = {
      {1, 1, 1},
      {1, 7, 13},
      {7, 1, 33},
      {13, 33, 7},
      {6, 32, 256},      // exact MR, NR (AVX-512) and KC multiples
      {7, 33, 257},      // one past each
      {33, 97, 250},
      {97, 13, 300},
      {250, 7, 1},
      {1, 257, 300},
      {257, 1, 97},
      {37, 301, 300},    // big enough to split columns between threads, two k-blocks
      {301, 37, 300},    // split rows
      {100, 100, 600},   // three k-blocks
      {13, 250, 33},
  };

  @Test
  void productsWithTheLeakyReluAppliedPartByPartGiveTheBitsOfTheProductThenTheActivation() {
    SplittableRandom rng = new SplittableRandom(303);
    int[][] shapes = Arrays.copyOf(SHAPES, SHAPES.length + 2);
    shapes[SHAPES.length] = new int[] {200, 800, 100};   // many column parts, each finished by its thread
    shapes[SHAPES.length + 1] = new int[] {400, 64, 300}; // several row parts
    for (int[] s : shapes) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          Problem pr = new Problem(rng, ta, tb, s[0], s[1], s[2]);
          // x: the forward input of the activation, laid out like C, with exact zeros and negatives.
          float[] x = pr.c.clone();
          for (int i = 0; i < x.length; i++) {
            if (pr.inC(i) && rng.nextInt(7) == 0) {
              x[i] = 0f;
            }
          }
          float[] yRef = pr.c.clone();
          float[] cRef = pr.c.clone();
          SCALAR.gemmLeakyRelu(ta, tb, pr.m, pr.n, pr.k, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb, cRef, pr.cOff,
              pr.ldc, 0.01f, yRef, pr.cOff);
          float[] dxRef = pr.c.clone();
          float[] cRef2 = pr.c.clone();
          SCALAR.gemmLeakyReluBackward(ta, tb, pr.m, pr.n, pr.k, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb, cRef2,
              pr.cOff, pr.ldc, 0.01f, x, pr.cOff, dxRef, pr.cOff);
          for (VectorKernels v : new VectorKernels[] {vec1, vec2, vec3}) {
            String who = v.name() + " " + pr.describe(0f);
            float[] y = pr.c.clone();
            float[] c = pr.c.clone();
            v.gemmLeakyRelu(ta, tb, pr.m, pr.n, pr.k, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb, c, pr.cOff, pr.ldc,
                0.01f, y, pr.cOff);
            assertArrayEquals(bits(cRef), bits(c), "pre-activation, " + who);
            assertArrayEquals(bits(yRef), bits(y), "activation, " + who);
            float[] dx = pr.c.clone();
            float[] c2 = pr.c.clone();
            v.gemmLeakyReluBackward(ta, tb, pr.m, pr.n, pr.k, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb, c2,
                pr.cOff, pr.ldc, 0.01f, x, pr.cOff, dx, pr.cOff);
            assertArrayEquals(bits(cRef2), bits(c2), "input gradient, " + who);
            assertArrayEquals(bits(dxRef), bits(dx), "through the activation, " + who);
          }
        }
      }
    }
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  @Test
  void vectorGemmMatchesTheReferenceForAllTranspositionsBetasAndStrides() {
    SplittableRandom rng = new SplittableRandom(101);
    for (int[] s : SHAPES) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          Problem pr = new Problem(rng, ta, tb, s[0], s[1], s[2]);
          for (float beta : BETAS) {
            assertProduct(pr, beta, pr.run(vec3, beta), "vector(3)");
          }
        }
      }
    }
  }

  @Test
  void scalarGemmMatchesTheReference() {
    // The reference twin itself must be right for the comparison to mean anything.
    SplittableRandom rng = new SplittableRandom(102);
    for (int[] s : new int[][] {{7, 13, 33}, {33, 97, 250}, {1, 257, 300}}) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          Problem pr = new Problem(rng, ta, tb, s[0], s[1], s[2]);
          for (float beta : BETAS) {
            assertProduct(pr, beta, pr.run(SCALAR, beta), "scalar");
          }
        }
      }
    }
  }

  @Test
  void vectorAndScalarGemmAgree() {
    SplittableRandom rng = new SplittableRandom(103);
    for (int[] s : SHAPES) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          Problem pr = new Problem(rng, ta, tb, s[0], s[1], s[2]);
          float beta = 0.5f;
          float[] v = pr.run(vec2, beta);
          float[] sc = pr.run(SCALAR, beta);
          double[] mag = pr.magnitude(beta);
          for (int i = 0; i < pr.m; i++) {
            for (int j = 0; j < pr.n; j++) {
              int idx = pr.cOff + i * pr.ldc + j;
              assertEquals(sc[idx], v[idx], 2e-5 * mag[i * pr.n + j], pr.describe(beta));
            }
          }
        }
      }
    }
  }

  @Test
  void betaZeroNeverReadsC() {
    SplittableRandom rng = new SplittableRandom(104);
    for (int[] s : new int[][] {{7, 33, 257}, {37, 301, 300}, {301, 37, 300}, {1, 1, 1}}) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          Problem pr = new Problem(rng, ta, tb, s[0], s[1], s[2]);
          for (int i = 0; i < pr.m; i++) {
            Arrays.fill(pr.c, pr.cOff + i * pr.ldc, pr.cOff + i * pr.ldc + pr.n, Float.NaN);
          }
          for (Kernels kern : new Kernels[] {vec1, vec3, SCALAR}) {
            float[] out = pr.run(kern, 0f);
            // assertProduct compares against a reference that ignores C, so NaN fails it.
            assertProduct(pr, 0f, out, kern.name());
          }
        }
      }
    }
  }

  @Test
  void emptyInnerDimensionScalesC() {
    // k = 0: op(A) op(B) is the zero matrix, so C = beta C (and 0 with beta = 0, even over NaN).
    SplittableRandom rng = new SplittableRandom(105);
    for (Kernels kern : new Kernels[] {vec3, SCALAR}) {
      Problem pr = new Problem(rng, false, false, 9, 40, 1);
      float[] half = pr.c.clone();
      kern.gemm(false, false, 9, 40, 0, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb, 0.5f, half, pr.cOff, pr.ldc);
      float[] nan = pr.c.clone();
      for (int i = 0; i < 9; i++) {
        Arrays.fill(nan, pr.cOff + i * pr.ldc, pr.cOff + i * pr.ldc + 40, Float.NaN);
      }
      kern.gemm(false, false, 9, 40, 0, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb, 0f, nan, pr.cOff, pr.ldc);
      for (int idx = 0; idx < pr.c.length; idx++) {
        if (pr.inC(idx)) {
          assertEquals(0.5f * pr.c[idx], half[idx], 0f, kern.name());
          assertEquals(0f, nan[idx], 0f, kern.name());
        } else {
          assertEquals(pr.c[idx], half[idx], 0f);
        }
      }
    }
  }

  @Test
  void emptyOutputLeavesCAlone() {
    float[] a = {1, 2, 3};
    float[] b = {4, 5, 6};
    float[] c = {7, 8, 9};
    vec3.gemm(false, false, 0, 3, 1, a, 0, 1, b, 0, 3, 0f, c, 0, 3);
    vec3.gemm(false, false, 3, 0, 1, a, 0, 1, b, 0, 3, 0f, c, 0, 3);
    assertArrayEquals(new float[] {7, 8, 9}, c);
  }

  @Test
  void gemmComputesAKnownProduct() {
    // [[1,2],[3,4]] [[5,6],[7,8]] = [[19,22],[43,50]], exactly representable.
    float[] a = {1, 2, 3, 4};
    float[] b = {5, 6, 7, 8};
    for (Kernels kern : new Kernels[] {vec1, vec3, SCALAR}) {
      float[] c = {1, 1, 1, 1};
      kern.gemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, 1f, c, 0, 2);
      assertArrayEquals(new float[] {20, 23, 44, 51}, c, kern.name());
      // A^T B^T = (BA)^T: B A = [[23,34],[31,46]], transposed [[23,31],[34,46]].
      kern.gemm(true, true, 2, 2, 2, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(new float[] {23, 31, 34, 46}, c, kern.name());
    }
  }

  @Test
  void gemmIsBitIdenticalAcrossThreadCounts() {
    SplittableRandom rng = new SplittableRandom(106);
    int[][] shapes = {{37, 301, 300}, {301, 37, 300}, {250, 257, 97}, {64, 4100, 70}};
    for (int[] s : shapes) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          Problem pr = new Problem(rng, ta, tb, s[0], s[1], s[2]);
          for (float beta : new float[] {0f, 0.5f}) {
            float[] one = pr.run(vec1, beta);
            assertArrayEquals(one, pr.run(vec2, beta), "2 threads, " + pr.describe(beta));
            assertArrayEquals(one, pr.run(vec3, beta), "3 threads, " + pr.describe(beta));
            assertArrayEquals(one, pr.run(vec3, beta), "repeat on reused buffers, " + pr.describe(beta));
          }
        }
      }
    }
  }

  @Test
  void concurrentCallersOnSeparateKernelsGetIdenticalResults() throws Exception {
    SplittableRandom rng = new SplittableRandom(107);
    Problem pr = new Problem(rng, false, true, 37, 301, 300);
    float[] expected = pr.run(vec1, 0f);
    float[][] got = new float[2][];
    Thread[] ts = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int id = t;
      ts[t] = new Thread(() -> {
        try (VectorKernels own = new VectorKernels(2)) {
          got[id] = pr.run(own, 0f);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertArrayEquals(expected, got[0]);
    assertArrayEquals(expected, got[1]);
  }

  @Test
  void threadsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new VectorKernels(0));
    assertEquals(3, vec3.threads());
    assertEquals(1, SCALAR.threads());
  }

  // ------------------------------------------------------------------ elementwise

  private static float[] randomWithSpecials(SplittableRandom rng, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (4 * rng.nextDouble() - 2);
    }
    float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, Float.NaN};
    for (int i = 0; i < Math.min(len, specials.length); i++) {
      x[rng.nextInt(len)] = specials[i];
    }
    return x;
  }

  @Test
  void leakyReluMatchesScalarExactly() {
    SplittableRandom rng = new SplittableRandom(201);
    float slope = 0.01f;
    for (int len : LENGTHS) {
      float[] x = randomWithSpecials(rng, len + 3);
      float[] yv = new float[len + 8];
      float[] ys = new float[len + 8];
      Arrays.fill(yv, 7f);
      Arrays.fill(ys, 7f);
      vec3.leakyRelu(slope, x, 3, yv, 5, len);
      SCALAR.leakyRelu(slope, x, 3, ys, 5, len);
      assertArrayEquals(ys, yv, "len=" + len);
      // The definition, independently of both.
      for (int i = 0; i < len; i++) {
        float v = x[3 + i];
        float expected = v > 0 ? v : slope * v;
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(yv[5 + i]));
      }
      assertEquals(7f, yv[4]);
      assertEquals(7f, yv[5 + len]);
      // In place.
      float[] inPlace = x.clone();
      vec3.leakyRelu(slope, inPlace, 3, inPlace, 3, len);
      assertArrayEquals(Arrays.copyOfRange(ys, 5, 5 + len), Arrays.copyOfRange(inPlace, 3, 3 + len));
    }
  }

  @Test
  void leakyReluBackwardMatchesScalarExactly() {
    SplittableRandom rng = new SplittableRandom(202);
    float slope = 0.2f;
    for (int len : LENGTHS) {
      float[] x = randomWithSpecials(rng, len + 1);
      float[] dy = randomWithSpecials(rng, len + 2);
      float[] dv = new float[len + 4];
      float[] ds = new float[len + 4];
      vec3.leakyReluBackward(slope, x, 1, dy, 2, dv, 4, len);
      SCALAR.leakyReluBackward(slope, x, 1, dy, 2, ds, 4, len);
      assertArrayEquals(ds, dv, "len=" + len);
      for (int i = 0; i < len; i++) {
        float g = dy[2 + i];
        float expected = x[1 + i] > 0 ? g : slope * g;
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(dv[4 + i]));
      }
      float[] inPlace = dy.clone();
      vec3.leakyReluBackward(slope, x, 1, inPlace, 2, inPlace, 2, len);
      assertArrayEquals(Arrays.copyOfRange(ds, 4, 4 + len), Arrays.copyOfRange(inPlace, 2, 2 + len));
    }
  }

  @Test
  void axpyMatchesScalarExactly() {
    // y + alpha x is one rounded product and one rounded sum in both: no fused multiply-add is allowed.
    SplittableRandom rng = new SplittableRandom(203);
    for (int len : LENGTHS) {
      float alpha = (float) (rng.nextDouble() * 3 - 1.5);
      float[] x = randomWithSpecials(rng, len + 2);
      float[] y = randomWithSpecials(rng, len + 6);
      float[] yv = y.clone();
      float[] ys = y.clone();
      vec3.axpy(alpha, x, 2, yv, 6, len);
      SCALAR.axpy(alpha, x, 2, ys, 6, len);
      assertArrayEquals(ys, yv, "len=" + len);
      for (int i = 0; i < len; i++) {
        float expected = y[6 + i] + alpha * x[2 + i];
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(yv[6 + i]));
      }
      assertArrayEquals(Arrays.copyOf(y, 6), Arrays.copyOf(yv, 6), "before the offset untouched");
    }
  }

  @Test
  void gatherAppliesARandomPermutation() {
    SplittableRandom rng = new SplittableRandom(204);
    for (int len : LENGTHS) {
      int[] map = new int[len];
      for (int i = 0; i < len; i++) {
        map[i] = i;
      }
      for (int i = len - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = map[i];
        map[i] = map[j];
        map[j] = t;
      }
      float[] src = new float[len + 9];
      for (int i = 0; i < src.length; i++) {
        src[i] = i * 1.5f - 3;
      }
      float[] dv = new float[len + 5];
      Arrays.fill(dv, -1f);
      float[] ds = dv.clone();
      vec3.gather(src, 9, map, dv, 5);
      SCALAR.gather(src, 9, map, ds, 5);
      assertArrayEquals(ds, dv, "len=" + len);
      for (int i = 0; i < len; i++) {
        assertEquals(src[9 + map[i]], dv[5 + i], 0f);
      }
      for (int i = 0; i < 5; i++) {
        assertEquals(-1f, dv[i], 0f);
      }
      // A permutation only reorders: the multiset of values is unchanged.
      float[] sortedIn = Arrays.copyOfRange(src, 9, 9 + len);
      float[] sortedOut = Arrays.copyOfRange(dv, 5, 5 + len);
      Arrays.sort(sortedIn);
      Arrays.sort(sortedOut);
      assertArrayEquals(sortedIn, sortedOut);
    }
  }

  @Test
  void gatherAllowsRepeatedIndices() {
    SplittableRandom rng = new SplittableRandom(205);
    int[] map = new int[37];
    for (int i = 0; i < map.length; i++) {
      map[i] = rng.nextInt(4);
    }
    float[] src = {10, 20, 30, 40};
    float[] dst = new float[37];
    vec3.gather(src, 0, map, dst, 0);
    for (int i = 0; i < map.length; i++) {
      assertEquals(src[map[i]], dst[i], 0f);
    }
  }

  // ------------------------------------------------------------------ reductions in double

  @Test
  void sumSquaresMatchesADoubleLoop() {
    SplittableRandom rng = new SplittableRandom(301);
    for (int len : LENGTHS) {
      float[] a = new float[len + 3];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) ((rng.nextDouble() - 0.5) * Math.exp(10 * rng.nextDouble()));
      }
      double expected = 0;
      for (int i = 0; i < len; i++) {
        expected += (double) a[3 + i] * (double) a[3 + i];
      }
      assertEquals(expected, vec3.sumSquares(a, 3, len), 1e-12 * expected, "len=" + len);
      assertEquals(expected, SCALAR.sumSquares(a, 3, len), 1e-12 * expected, "len=" + len);
    }
  }

  @Test
  void sumSquaresAccumulatesInDoubleNotFloat() {
    // 1 + 1e-4^2 * 1000: in float the small squares vanish against 1, in double they add 1e-5.
    float[] a = new float[1001];
    Arrays.fill(a, 1e-4f);
    a[0] = 1f;
    double expected = 1.0 + 1000 * ((double) 1e-4f * 1e-4f);
    assertEquals(expected, vec3.sumSquares(a, 0, 1001), 1e-15);
    // Squares of floats near the float overflow threshold do not overflow in double.
    float[] big = new float[33];
    Arrays.fill(big, 1e30f);
    double sq = (double) 1e30f * 1e30f;
    assertEquals(33 * sq, vec3.sumSquares(big, 0, 33), 1e-12 * 33 * sq);
  }

  @Test
  void dotMatchesADoubleLoop() {
    SplittableRandom rng = new SplittableRandom(302);
    for (int len : LENGTHS) {
      float[] a = new float[len + 1];
      float[] b = new float[len + 4];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (2 * rng.nextDouble() - 1);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (2 * rng.nextDouble() - 1);
      }
      double expected = 0;
      double scale = 0;
      for (int i = 0; i < len; i++) {
        double p = (double) a[1 + i] * (double) b[4 + i];
        expected += p;
        scale += Math.abs(p);
      }
      assertEquals(expected, vec3.dot(a, 1, b, 4, len), 1e-12 * scale, "len=" + len);
      assertEquals(expected, SCALAR.dot(a, 1, b, 4, len), 1e-12 * scale, "len=" + len);
    }
  }

  /** Fills a, b at random; returns the sum over a[2..] - b[5..] in double (float - float is exact there). */
  private static double differenceCase(SplittableRandom rng, int len, float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (2 * rng.nextDouble() - 1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (2 * rng.nextDouble() - 1);
    }
    double expected = 0;
    for (int i = 0; i < len; i++) {
      double d = (double) a[2 + i] - (double) b[5 + i];
      expected += d * d;
    }
    return expected;
  }

  @Test
  void sumSquaredDifferenceIsWithinFloatRoundingOfTheExactSum() {
    // Holds even if each difference a_i - b_i is first rounded to float (relative error <= 2^-24 each,
    // so <= ~2^-23 on each square); the scalar twin must meet the strict double bound.
    SplittableRandom rng = new SplittableRandom(303);
    for (int len : LENGTHS) {
      float[] a = new float[len + 2];
      float[] b = new float[len + 5];
      double expected = differenceCase(rng, len, a, b);
      assertEquals(expected, SCALAR.sumSquaredDifference(a, 2, b, 5, len), 1e-12 * expected, "scalar len=" + len);
      assertEquals(expected, vec3.sumSquaredDifference(a, 2, b, 5, len), 1e-12 * expected, "vector len=" + len);
    }
    // Identical inputs give exactly zero.
    float[] same = new float[1001];
    Arrays.fill(same, 0.3f);
    assertEquals(0.0, vec3.sumSquaredDifference(same, 0, same, 0, 1001));
  }

  @Test
  void sumSquaredDifferenceMatchesADoubleLoop() {
    SplittableRandom rng = new SplittableRandom(303);
    for (int len : LENGTHS) {
      float[] a = new float[len + 2];
      float[] b = new float[len + 5];
      double expected = differenceCase(rng, len, a, b);
      assertEquals(expected, vec3.sumSquaredDifference(a, 2, b, 5, len), 1e-12 * expected, "vector len=" + len);
    }
  }

  @Test
  void reductionsOfEmptyRangesAreZero() {
    float[] a = {1, 2, 3};
    for (Kernels kern : new Kernels[] {vec1, SCALAR}) {
      assertEquals(0.0, kern.sumSquares(a, 1, 0));
      assertEquals(0.0, kern.dot(a, 0, a, 1, 0));
      assertEquals(0.0, kern.sumSquaredDifference(a, 0, a, 2, 0));
    }
    assertFalse(Double.isNaN(vec1.sumSquares(new float[0], 0, 0)));
  }

  @Test
  void vectorKernelsGiveTheScalarTwinsBitsExactly() {
    // Kernels specifies each sum's order (fma chains in KC-blocks, 16 partials), so the two agree to the bit.
    SplittableRandom rng = new SplittableRandom(401);
    int[] sizes = {1, 2, 5, 13, 31, 50};
    int[] depths = {1, 9, 255, 256, 257, 530};
    for (int m : sizes) {
      for (int n : sizes) {
        for (int d : depths) {
          for (boolean ta : BOOLS) {
            for (boolean tb : BOOLS) {
              for (float beta : BETAS) {
                float[] a = randomWithSpecials(rng, m * d + 1);
                float[] b = randomWithSpecials(rng, d * n + 2);
                float[] c0 = randomWithSpecials(rng, m * n);
                float[] cv = c0.clone();
                float[] cs = c0.clone();
                vec2.gemm(ta, tb, m, n, d, a, 1, ta ? m : d, b, 2, tb ? d : n, beta, cv, 0, n);
                SCALAR.gemm(ta, tb, m, n, d, a, 1, ta ? m : d, b, 2, tb ? d : n, beta, cs, 0, n);
                for (int i = 0; i < cv.length; i++) {
                  assertEquals(Float.floatToIntBits(cs[i]), Float.floatToIntBits(cv[i]),
                      "gemm " + m + "x" + n + "x" + d + " ta=" + ta + " tb=" + tb + " beta=" + beta + " at " + i);
                }
              }
            }
          }
        }
      }
    }
    for (int len = 0; len < 300; len++) {
      float[] a = randomWithSpecials(rng, len + 3);
      float[] b = randomWithSpecials(rng, len + 5);
      assertEquals(SCALAR.sumSquares(a, 3, len), vec1.sumSquares(a, 3, len), 0.0, "sumSquares len=" + len);
      assertEquals(SCALAR.dot(a, 1, b, 4, len), vec1.dot(a, 1, b, 4, len), 0.0, "dot len=" + len);
      assertEquals(SCALAR.sumSquaredDifference(a, 2, b, 5, len), vec1.sumSquaredDifference(a, 2, b, 5, len), 0.0,
          "sumSquaredDifference len=" + len);
    }
  }
}
