package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.RotationGroup;
import eqaug.group.TranslationGroup;
import eqaug.kernel.Kernels;
import eqaug.kernel.ScalarKernels;
import eqaug.nn.Activation;
import eqaug.space.FieldSpace;
import eqaug.space.OrbitTable;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each device kernel against core's CPU kernels on random inputs at awkward sizes (not multiples of tiles or
 * work-groups, non-zero offsets): elementwise within 1e-5 relative, products and reductions within 1e-4.
 */
class DeviceKernelsTest {
  private static ClContext ctx;
  private static DeviceKernels k;
  private static final Kernels CPU = new ScalarKernels();
  private final SplittableRandom rng = new SplittableRandom(42);

  @BeforeAll
  static void open() {
    ctx = new ClContext(TestDevice.get());
    k = new DeviceKernels(ctx);
  }

  @AfterAll
  static void close() {
    ctx.close();
  }

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }

  private static ClBuffer upload(String name, float[] v) {
    ClBuffer b = ctx.buffer(name, 4L * Math.max(1, v.length));
    b.write(v);
    return b;
  }

  @Test
  void gemmMatchesCpuInTheThreeShapesOfTraining() {
    int[][] sizes = {{37, 71, 19}, {1, 5, 130}, {65, 64, 17}, {130, 3, 200}};
    for (int[] s : sizes) {
      int m = s[0];
      int n = s[1];
      int kk = s[2];
      for (int shape = 0; shape < 3; shape++) {
        boolean ta = shape == 2;
        boolean tb = shape == 0;
        checkGemm(-1, ta, tb, m, n, kk, (ta ? m : kk) + 3, (tb ? kk : n) + 2, n + 1, 5, 7, 3,
            shape == 2 ? 1f : 0f, false);
      }
    }
  }

  /**
   * The tensor-core build (emulated off NVIDIA) is float32-accurate: within 1e-5 of sum |a b| at an awkward
   * size, where plain TF32 (operands cut to 11 significant bits) is off by ~1e-4; so the 3xTF32 split, the
   * fragment layout and the tiling all hold. The fp32 kernel passes the same check (a control).
   */
  @Test
  void tensorCoreProductHasFloat32Accuracy() {
    double tc = GemmChoice.relativeError(k, DeviceKernels.GEMM_TENSOR_CORES);
    double fp32 = GemmChoice.relativeError(k, DeviceKernels.GEMM_DEFAULT);
    assertTrue(tc <= GemmChoice.MAX_RELATIVE_ERROR, "3xTF32 error " + tc);
    assertTrue(fp32 <= GemmChoice.MAX_RELATIVE_ERROR, "fp32 error " + fp32);
    assertTrue(tc > 0 && tc < 20 * Math.max(fp32, 1e-7), "3xTF32 error " + tc + " against fp32 " + fp32);
  }

  /** Whether variant v builds the same kernel as another here (its options are NVIDIA's only). */
  private static boolean sameKernelHere(int v) {
    return !DeviceKernels.GEMM_VARIANTS[v].nvidiaOptions().isEmpty() && !GemmChoice.nvidia(ctx.device());
  }

  /** The fp32 builds of gemm.cl all compute each output as the same fma chain: bit-identical results. */
  @Test
  void fp32VariantsAreBitIdentical() {
    int m = 133;
    int n = 201;
    int kk = 77;
    float[] a = random(m * kk);
    float[] b = random(kk * n);
    float[] first = null;
    try (ClBuffer da = upload("a", a); ClBuffer db = upload("b", b); ClBuffer dc = ctx.buffer("c", 4L * m * n)) {
      for (int v = 0; v < DeviceKernels.GEMM_VARIANTS.length; v++) {
        if (DeviceKernels.GEMM_VARIANTS[v].tensorCores()) {
          continue;
        }
        k.gemm(v, false, false, m, n, kk, da, 0, kk, db, 0, n, 0f, dc, 0, n);
        float[] c = dc.readFloats(0, m * n);
        if (first == null) {
          first = c;
        } else {
          for (int i = 0; i < c.length; i++) {
            assertEquals(Float.floatToIntBits(first[i]), Float.floatToIntBits(c[i]),
                DeviceKernels.GEMM_VARIANTS[v].name() + " differs from the first build at " + i);
          }
        }
      }
    }
  }

  /**
   * Every build of gemm.cl, every transpose, on sizes that are and are not multiples of the blocks
   * and of the k slice (16), k below one slice, with aligned operands (offsets and leading dimensions
   * multiples of 4: the float4 path, with its edges) and unaligned ones (the lane-by-lane path); beta 0
   * over a C full of NaN (not read) and beta 1 (accumulated).
   */
  @Test
  void gemmEveryBlockShapeAlignedAndNot() {
    int[][] sizes = {{130, 260, 35}, {128, 128, 32}, {250, 197, 7}, {3, 301, 50}, {67, 5, 16}};
    for (int v = 0; v < DeviceKernels.GEMM_VARIANTS.length; v++) {
      if (sameKernelHere(v)) {
        continue;
      }
      for (int[] s : sizes) {
        int m = s[0];
        int n = s[1];
        int kk = s[2];
        for (int t = 0; t < 4; t++) {
          boolean ta = t >= 2;
          boolean tb = (t & 1) == 1;
          boolean aligned = (m + n + kk + t) % 2 == 0;
          int pad = aligned ? 4 : 1;
          int lda = (ta ? m : kk) + (aligned ? (4 - (ta ? m : kk) % 4) % 4 + 4 : pad);
          int ldb = (tb ? kk : n) + (aligned ? (4 - (tb ? kk : n) % 4) % 4 : 2);
          int ldc = n + (aligned ? (4 - n % 4) % 4 : 3);
          checkGemm(v, ta, tb, m, n, kk, lda, ldb, ldc, aligned ? 8 : 5, aligned ? 4 : 3, aligned ? 4 : 1, 0f, true);
          checkGemm(v, ta, tb, m, n, kk, lda, ldb, ldc, aligned ? 0 : 2, aligned ? 12 : 7, aligned ? 8 : 6, 1f, false);
        }
      }
    }
  }

  /** One gemm on the device (variant -1: the launcher's choice) against core's CPU kernel. */
  private void checkGemm(int variant, boolean ta, boolean tb, int m, int n, int kk, int lda, int ldb, int ldc,
      int aOff, int bOff, int cOff, float beta, boolean nanC) {
    float[] a = random(aOff + (ta ? kk : m) * lda);
    float[] b = random(bOff + (tb ? n : kk) * ldb);
    float[] c = random(cOff + m * ldc + 2);
    if (nanC) {
      java.util.Arrays.fill(c, Float.NaN);
    }
    float[] expected = c.clone();
    CPU.gemm(ta, tb, m, n, kk, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
    // Error relative to the size of the summed terms, sum |a||b| (+ |beta c|): cancellation is no failure.
    float[] magnitude = abs(c);
    CPU.gemm(ta, tb, m, n, kk, abs(a), aOff, lda, abs(b), bOff, ldb, beta, magnitude, cOff, ldc);
    try (ClBuffer da = upload("a", a); ClBuffer db = upload("b", b); ClBuffer dc = upload("c", c)) {
      if (variant < 0) {
        k.gemm(ta, tb, m, n, kk, da, aOff, lda, db, bOff, ldb, beta, dc, cOff, ldc);
      } else {
        k.gemm(variant, ta, tb, m, n, kk, da, aOff, lda, db, bOff, ldb, beta, dc, cOff, ldc);
      }
      float[] actual = dc.readFloats(0, c.length);
      String what = "gemm variant " + variant + " " + m + "x" + n + "x" + kk + (ta ? " transA" : "")
          + (tb ? " transB" : "") + " lda " + lda + " ldb " + ldb + " ldc " + ldc + " beta " + beta;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int idx = cOff + i * ldc + j;
          assertTrue(Math.abs(expected[idx] - actual[idx]) <= 1e-4 * Math.max(1e-3, magnitude[idx]),
              what + " at " + i + "," + j + ": cpu " + expected[idx] + ", device " + actual[idx]);
        }
      }
      // Entries outside the m x n block are left alone.
      for (int idx = 0; idx < c.length; idx++) {
        int i = (idx - cOff) / ldc;
        int j = (idx - cOff) % ldc;
        if (idx < cOff || i >= m || j >= n) {
          assertEquals(Float.floatToIntBits(c[idx]), Float.floatToIntBits(actual[idx]), what + " wrote outside C at " + idx);
        }
      }
    }
  }

  @Test
  void elementwiseKernelsMatchCpu() {
    int n = 1237;
    float[] x = random(n);
    float[] dy = random(n);
    try (ClBuffer dx = upload("x", x); ClBuffer ddy = upload("dy", dy); ClBuffer out = ctx.buffer("out", 4L * n)) {
      float[] expected = new float[n];
      CPU.leakyRelu(Activation.LEAKY_SLOPE, x, 0, expected, 0, n);
      k.leakyRelu(Activation.LEAKY_SLOPE, dx, out, n);
      all(expected, out.readFloats(0, n), 1e-5, "leaky relu");
      CPU.leakyReluBackward(Activation.LEAKY_SLOPE, x, 0, dy, 0, expected, 0, n);
      k.leakyReluBackward(Activation.LEAKY_SLOPE, dx, ddy, out, n);
      all(expected, out.readFloats(0, n), 1e-5, "leaky relu backward");
      for (int i = 0; i < n; i++) {
        expected[i] = (float) Math.tanh(x[i]);
      }
      k.tanh(dx, out, n);
      all(expected, out.readFloats(0, n), 1e-5, "tanh");
      float[] y = x.clone();
      CPU.axpy(-0.3f, dy, 4, y, 2, n - 9);
      k.axpy(-0.3f, ddy, 4, dx, 2, n - 9);
      all(y, dx.readFloats(0, n), 1e-5, "axpy");
    }
  }

  @Test
  void gatherRowsAppliesOneMapPerMiniBatch() {
    TranslationGroup g = new TranslationGroup(5);
    FieldSpace space = new FieldSpace(g.onGrid(), 3);
    int dim = space.dim();
    int samples = 9;
    int segment = 4;
    int from = 2;
    int rows = 7;
    float[] data = random(samples * dim);
    int segs = (rows + segment - 1) / segment;
    // The maps of this step start at row 2 of the uploaded block (as when a whole epoch's draws are uploaded).
    int map0 = 2;
    int[] maps = new int[(map0 + segs) * dim];
    float[] expected = new float[rows * dim];
    for (int s = 0; s < segs; s++) {
      int[] map = space.gather(g.sample(rng));
      System.arraycopy(map, 0, maps, (map0 + s) * dim, dim);
      for (int r = s * segment; r < Math.min(rows, (s + 1) * segment); r++) {
        CPU.gather(data, (from + r) * dim, map, expected, r * dim);
      }
    }
    for (int i = 0; i < expected.length; i++) {
      expected[i] += -0.5f;
    }
    try (ClBuffer src = upload("data", data); ClBuffer dmaps = ctx.buffer("maps", 4L * maps.length);
         ClBuffer out = ctx.buffer("out", 4L * rows * dim)) {
      dmaps.write(maps);
      k.gatherRows(src, from, dim, dmaps, map0, segment, rows, -0.5f, out);
      all(expected, out.readFloats(0, rows * dim), 1e-6, "gather rows");
    }
  }

  @Test
  void reductionsMatchCpu() {
    int n = 100_003;
    float[] a = random(n);
    float[] b = random(n);
    try (ClBuffer da = upload("a", a); ClBuffer db = upload("b", b);
         ClBuffer partials = ctx.buffer("partials", (long) k.accBytes() * (DeviceKernels.REDUCE_GROUPS + 3))) {
      k.sumSquaredDifference(da, 3, db, 1, n - 7, partials, 3);
      double[] p = k.readAcc(partials, DeviceKernels.REDUCE_GROUPS + 3);
      double sum = 0;
      for (int i = 3; i < p.length; i++) {
        sum += p[i];
      }
      near(CPU.sumSquaredDifference(a, 3, b, 1, n - 7), sum, 1e-4, "sum of squared differences");
    }
  }

  @Test
  void orbitProjectionAndDistanceMatchOrbitTable() {
    RotationGroup c4 = new RotationGroup();
    OrbitTable t = new OrbitTable(new FieldSpace(c4.onGrid(5), 3), new FieldSpace(c4.onGrid(5), 2));
    int size = (int) t.size();
    int off = 11;
    float[] w = random(off + size + 4);
    double expectedDist = t.distanceSquaredToE(w, off);
    float[] projected = w.clone();
    t.project(projected, off);
    DeviceOrbits o = DeviceOrbits.upload(ctx, "test", t);
    try (ClBuffer dw = upload("w", w); ClBuffer partials = ctx.buffer("partials", (long) k.accBytes() * o.partialCount())) {
      k.orbitDistance(dw, off, o, partials, 0);
      double dist = 0;
      for (double v : k.readAcc(partials, o.partialCount())) {
        dist += v;
      }
      near(expectedDist, dist, 1e-4, "||A - Pi_E A||^2");
      k.orbitProject(dw, off, o);
      all(projected, dw.readFloats(0, w.length), 1e-5, "Pi_E A");
    } finally {
      o.orbitStart().close();
      o.members().close();
    }
  }

  private static float[] abs(float[] v) {
    float[] r = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = Math.abs(v[i]);
    }
    return r;
  }

  private static void all(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      near(expected[i], actual[i], tol, what + " at " + i);
    }
  }

  private static void near(double expected, double actual, double tol, String what) {
    double scale = Math.max(1e-3, Math.max(Math.abs(expected), Math.abs(actual)));
    assertTrue(Math.abs(expected - actual) <= tol * scale, what + ": cpu " + expected + ", device " + actual);
  }
}
