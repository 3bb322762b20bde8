package eqaug.kernel;

/**
 * The hot loops of training behind one small interface, with a Vector API implementation
 * ({@link VectorKernels}) and a plain-loop twin ({@link ScalarKernels}) that tests compare it against.
 * Matrices are row-major float arrays addressed by offset and leading dimension. Results never depend on
 * the thread count: every output is summed in one fixed order.
 */
public interface Kernels extends AutoCloseable {
  String name();

  int threads();

  /**
   * C = op(A) op(B) + beta C, where op(A) is m x k and op(B) is k x n; op transposes when asked.
   * With beta = 0, C is not read (it may hold anything).
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);

  /** y = x for x > 0, slope x otherwise (y may be x). */
  void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int len);

  /** dx = dy where the forward input x was > 0, slope dy elsewhere (dx may be dy). */
  void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len);

  /** y += alpha x. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);

  /** dst[dstOff + i] = src[srcOff + map[i]] for every i of map: the action of a permutation. */
  void gather(float[] src, int srcOff, int[] map, float[] dst, int dstOff);

  /** The sum of (a_i - b_i)^2, accumulated in double. */
  double sumSquaredDifference(float[] a, int aOff, float[] b, int bOff, int len);

  /** The sum of a_i^2, accumulated in double. */
  double sumSquares(float[] a, int off, int len);

  /** The sum of a_i b_i, accumulated in double. */
  double dot(float[] a, int aOff, float[] b, int bOff, int len);

  @Override
  void close();
}
