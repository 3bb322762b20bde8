package eqaug.kernel;

/**
 * The hot loops of training behind one small interface, with a Vector API implementation
 * ({@link VectorKernels}) and a plain-loop twin ({@link ScalarKernels}) that tests compare it against.
 * Matrices are row-major float arrays addressed by offset and leading dimension. Results never depend on
 * the thread count nor on the vector width: every output is summed in one fixed order, specified below.
 */
public interface Kernels extends AutoCloseable {
  /** The depth of one block of a matrix product's sum. */
  int KC = 256;

  /** The number of partial sums of every reduction. */
  int PARTIALS = 16;

  String name();

  int threads();

  /**
   * C = op(A) op(B) + beta C, where op(A) is m x k and op(B) is k x n; op transposes when asked.
   * With beta = 0, C is not read (it may hold anything). Each entry is computed in float as follows: for
   * each block of KC consecutive p (the last one shorter), s = 0 then s = fma(op(A)_ip, op(B)_pj, s) in
   * increasing p; the first block sets c = s (beta = 0) or s + beta c, every later one c = s + c.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);

  /**
   * {@link #gemm} with beta = 0, then y = {@link #leakyRelu}(C) over the m x n result (y laid out like C, with
   * leading dimension ldc): a layer's pre-activation and activation. The same bits as the two calls; an
   * implementation may apply the activation to each part of C as soon as it is computed, while it is in cache.
   */
  default void gemmLeakyRelu(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      float slope, float[] y, int yOff) {
    gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
    for (int i = 0; i < m; i++) {
      leakyRelu(slope, c, cOff + i * ldc, y, yOff + i * ldc, n);
    }
  }

  /**
   * {@link #gemm} with beta = 0, then dx = {@link #leakyReluBackward}(x, C) over the m x n result (x and dx laid
   * out like C): an input gradient passed back through the leaky ReLU before the layer. The same bits as the two
   * calls, and like {@link #gemmLeakyRelu} it may be applied part by part.
   */
  default void gemmLeakyReluBackward(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      float slope, float[] x, int xOff, float[] dx, int dxOff) {
    gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
    for (int i = 0; i < m; i++) {
      leakyReluBackward(slope, x, xOff + i * ldc, c, cOff + i * ldc, dx, dxOff + i * ldc, n);
    }
  }

  /**
   * Runs body(0), ..., body(parts - 1), each once, in any order and on the kernels' threads where there are
   * several: for per-epoch work on independent pieces (the orbit projection's blocks) that each body call
   * writes to its own place, so that the result does not depend on the order.
   */
  default void parallelFor(int parts, java.util.function.IntConsumer body) {
    for (int p = 0; p < parts; p++) {
      body.accept(p);
    }
  }

  /** y = x for x > 0, slope x otherwise (y may be x). */
  void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int len);

  /** dx = dy where the forward input x was > 0, slope dy elsewhere (dx may be dy). */
  void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len);

  /** y += alpha x. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);

  /** dst[dstOff + i] = src[srcOff + map[i]] for every i of map: the action of a permutation. */
  void gather(float[] src, int srcOff, int[] map, float[] dst, int dstOff);

  /**
   * The sum of (a_i - b_i)^2 in double. Like {@link #sumSquares} and {@link #dot}: partial q (0 <= q < 16)
   * is the fma chain, in increasing i, of the terms with i = q mod 16 (each term exact in double before the
   * fma), and the result is the partials added in order 0, 1, ..., 15.
   */
  double sumSquaredDifference(float[] a, int aOff, float[] b, int bOff, int len);

  /** The sum of a_i^2 in double, in the order of {@link #sumSquaredDifference}. */
  double sumSquares(float[] a, int off, int len);

  /** The sum of a_i b_i in double, in the order of {@link #sumSquaredDifference}. */
  double dot(float[] a, int aOff, float[] b, int bOff, int len);

  @Override
  void close();
}
