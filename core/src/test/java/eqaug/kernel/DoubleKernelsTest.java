package eqaug.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The double kernels of the float64 evaluation: the Vector API implementation gives the scalar twin's bits
 * (raw, signed zeros and NaNs included) at ragged shapes, strides and lengths, with one, two and three threads,
 * and the twin itself computes the product (against an independent sum in another order) and the contract's
 * summation order (one fma chain per KC-block).
 */
class DoubleKernelsTest {
  private static final int[] SIZES = {1, 2, 5, 9, 17, 31, 70};
  private static final int[] DEPTHS = {0, 1, 3, 13, 255, 256, 257, 600};
  private static final double[] BETAS = {0, 1, 0.3};

  private static VectorDoubleKernels vec1;
  private static VectorDoubleKernels vec2;
  private static VectorDoubleKernels vec3;
  private static final ScalarDoubleKernels SCALAR = new ScalarDoubleKernels();

  @BeforeAll
  static void open() {
    vec1 = new VectorDoubleKernels(1);
    vec2 = new VectorDoubleKernels(2);
    vec3 = new VectorDoubleKernels(3);
  }

  @AfterAll
  static void close() {
    vec1.close();
    vec2.close();
    vec3.close();
  }

  private static double[] gaussian(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  private static void assertSameBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        throw new AssertionError(what + ": entry " + i + " is " + actual[i] + ", the scalar twin gives " + expected[i]);
      }
    }
  }

  /**
   * One product in strided storage (offsets, leading dimensions wider than the views) on the given kernels.
   * With beta = 0, C starts as NaN: it must not be read.
   */
  private static double[] product(DoubleKernels k, boolean ta, boolean tb, int m, int n, int depth, double beta,
      long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int lda = (ta ? m : depth) + 3;
    int ldb = (tb ? depth : n) + 1;
    int ldc = n + 2;
    double[] a = gaussian(rng, (ta ? depth : m) * lda + 2);
    double[] b = gaussian(rng, (tb ? n : depth) * ldb + 1);
    double[] c = gaussian(rng, m * ldc + 3);
    if (beta == 0) {
      Arrays.fill(c, 3, 3 + m * ldc, Double.NaN);
    }
    k.gemm(ta, tb, m, n, depth, a, 2, lda, b, 1, ldb, beta, c, 3, ldc);
    return c;
  }

  @Test
  void vectorProductsGiveTheScalarTwinsBits() {
    long seed = 1;
    for (int m : SIZES) {
      for (int n : SIZES) {
        for (int depth : DEPTHS) {
          for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            double beta = BETAS[(int) (seed % 3)];
            String what = "gemm ta=" + ta + " tb=" + tb + " " + m + "x" + n + "x" + depth + " beta " + beta;
            double[] ref = product(SCALAR, ta, tb, m, n, depth, beta, seed);
            assertSameBits(ref, product(vec1, ta, tb, m, n, depth, beta, seed), what + " (1 thread)");
            assertSameBits(ref, product(vec3, ta, tb, m, n, depth, beta, seed), what + " (3 threads)");
            seed++;
          }
        }
      }
    }
  }

  @Test
  void productsLargeEnoughToSplitGiveTheSameBitsOnEveryThreadCount() {
    // Above the parallel threshold, split along rows (m > n) and along columns (n >= m), deeper than KC, and
    // wider than one packed block of B (NC columns).
    int[][] shapes = {{300, 70, 700}, {70, 300, 700}, {200, 3200, 64}, {13, 2 * VectorDoubleKernels.NC + 37, 9}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        String what = "gemm ta=" + ta + " tb=" + tb + " " + Arrays.toString(s);
        double[] ref = product(SCALAR, ta, tb, s[0], s[1], s[2], 1, 7 + t);
        assertSameBits(ref, product(vec1, ta, tb, s[0], s[1], s[2], 1, 7 + t), what + " (1 thread)");
        assertSameBits(ref, product(vec2, ta, tb, s[0], s[1], s[2], 1, 7 + t), what + " (2 threads)");
        assertSameBits(ref, product(vec3, ta, tb, s[0], s[1], s[2], 1, 7 + t), what + " (3 threads)");
      }
    }
  }

  @Test
  void theScalarTwinComputesTheProductInTheContractsOrder() {
    SplittableRandom rng = new SplittableRandom(5);
    int m = 4;
    int n = 3;
    int depth = 600;
    double[] a = gaussian(rng, m * depth);
    double[] b = gaussian(rng, depth * n);
    double[] c0 = gaussian(rng, m * n);
    double[] c = c0.clone();
    SCALAR.gemm(false, false, m, n, depth, a, 0, depth, b, 0, n, 0.3, c, 0, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        // The contract: fma chains over p in blocks of KC, the first block adding beta c, later ones c.
        double expected = 0;
        for (int pc = 0; pc < depth; pc += DoubleKernels.KC) {
          double s = 0;
          for (int p = pc; p < Math.min(depth, pc + DoubleKernels.KC); p++) {
            s = Math.fma(a[i * depth + p], b[p * n + j], s);
          }
          expected = pc == 0 ? s + 0.3 * c0[i * n + j] : s + expected;
        }
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(c[i * n + j]));
        // And it is the product: a sum in reverse order differs by rounding only.
        double backwards = 0.3 * c0[i * n + j];
        double scale = Math.abs(backwards);
        for (int p = depth - 1; p >= 0; p--) {
          backwards += a[i * depth + p] * b[p * n + j];
          scale += Math.abs(a[i * depth + p] * b[p * n + j]);
        }
        assertEquals(backwards, c[i * n + j], 1e-14 * scale);
      }
    }
    // Transposed storage reads the same matrices.
    double[] at = new double[depth * m];
    double[] bt = new double[n * depth];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < depth; p++) {
        at[p * m + i] = a[i * depth + p];
      }
    }
    for (int p = 0; p < depth; p++) {
      for (int j = 0; j < n; j++) {
        bt[j * depth + p] = b[p * n + j];
      }
    }
    double[] ct = c0.clone();
    SCALAR.gemm(true, true, m, n, depth, at, 0, m, bt, 0, depth, 0.3, ct, 0, n);
    assertSameBits(c, ct, "transposed storage");
  }

  @Test
  void leakyReluAndKinkDistanceGiveTheScalarTwinsBitsAtRaggedLengths() {
    SplittableRandom rng = new SplittableRandom(9);
    for (int len = 0; len < 70; len++) {
      double[] x = gaussian(rng, len + 3);
      double[] g = gaussian(rng, len + 2);
      // Signed zeros, exact zeros in r (skipped by kinkDistance), and a zero input (the kink itself).
      for (int i = 0; i < len; i += 5) {
        g[2 + i] = i % 10 == 0 ? -0.0 : 0.0;
      }
      if (len > 3) {
        x[3 + len / 2] = 0;
        g[2 + len / 2] = 1.5;
      }
      double[] ref = new double[len + 1];
      double[] out = new double[len + 1];
      SCALAR.leakyRelu(0.01, x, 3, g, 2, ref, 1, len);
      vec1.leakyRelu(0.01, x, 3, g, 2, out, 1, len);
      assertSameBits(ref, out, "leakyRelu, length " + len);
      double[] self = Arrays.copyOfRange(x, 3, 3 + len);
      vec1.leakyRelu(0.01, self, 0, self, 0, self, 0, len);
      double[] selfRef = Arrays.copyOfRange(x, 3, 3 + len);
      SCALAR.leakyRelu(0.01, selfRef, 0, selfRef, 0, selfRef, 0, len);
      assertSameBits(selfRef, self, "leakyRelu in place, length " + len);
      for (int i = 0; i < len; i++) {
        double v = x[3 + i];
        assertEquals(v > 0 ? v : 0.01 * v, self[i]);
      }
      double d = SCALAR.kinkDistance(x, 3, g, 2, len);
      assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(vec1.kinkDistance(x, 3, g, 2, len)),
          "kinkDistance, length " + len);
      double direct = Double.POSITIVE_INFINITY;
      for (int i = 0; i < len; i++) {
        if (g[2 + i] != 0) {
          direct = Math.min(direct, Math.abs(x[3 + i] / g[2 + i]));
        }
      }
      assertEquals(direct, d);
      if (len > 3) {
        assertEquals(0.0, d, "a zero input is at the kink");
      }
    }
    double[] nan = {1, Double.NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    double[] r = new double[nan.length];
    Arrays.fill(r, 1);
    assertTrue(Double.isNaN(vec1.kinkDistance(nan, 0, r, 0, nan.length)));
    assertTrue(Double.isNaN(SCALAR.kinkDistance(nan, 0, r, 0, nan.length)));
  }

  @Test
  void theFactoryGivesVectorKernelsWhenTheModuleIsPresent() {
    try (DoubleKernels k = DoubleKernels.create(2)) {
      assertTrue(k instanceof VectorDoubleKernels, k.name());
      assertEquals(2, k.threads());
    }
  }
}
