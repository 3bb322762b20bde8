package eqaug.kernel;

/**
 * The hot loops of the float64 evaluation ({@code eqaug.hessian.Float64Network}: gradients and exact
 * Hessian-vector products) behind one small interface, with a Vector API implementation
 * ({@link VectorDoubleKernels}) and a plain-loop twin ({@link ScalarDoubleKernels}) that gives the same bits.
 * Matrices are row-major double arrays addressed by offset and leading dimension. Results never depend on the
 * thread count nor on the vector width: every output is computed in one fixed order, specified below.
 */
public interface DoubleKernels extends AutoCloseable {
  /** The depth of one block of a matrix product's sum (as {@link Kernels#KC}). */
  int KC = Kernels.KC;

  /**
   * Kernels for one caller: the Vector API ones when the {@code jdk.incubator.vector} module is present
   * (launched with {@code --add-modules jdk.incubator.vector}), else the scalar twin, which gives the same bits
   * single-threaded. The caller closes them (which stops their threads).
   */
  static DoubleKernels create(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      return new VectorDoubleKernels(threads);
    }
    return new ScalarDoubleKernels();
  }

  String name();

  int threads();

  /** Doubles of packing space these kernels hold (all threads together). */
  long scratchDoubles();

  /**
   * C = op(A) op(B) + beta C, where op(A) is m x k and op(B) is k x n; op transposes when asked.
   * With beta = 0, C is not read (it may hold anything). Each entry is computed as follows: for each block of
   * {@link #KC} consecutive p (the last one shorter), s = 0 then s = fma(op(A)_ip, op(B)_pj, s) in increasing
   * p; the first block sets c = s (beta = 0) or s + beta c (product, then sum: not fused), every later one
   * c = s + c. With k = 0, c = 0 (beta = 0) or beta c.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc);

  /**
   * out_i = g_i where x_i > 0, slope g_i elsewhere (x_i <= 0 or NaN): leaky ReLU itself (g = x), and its
   * derivative applied to a tangent or a gradient. out may be g or x.
   */
  void leakyRelu(double slope, double[] x, int xOff, double[] g, int gOff, double[] out, int outOff, int len);

  /**
   * min over i with r_i != 0 of |x_i| / |r_i| (each quotient rounded once; infinite when every r_i is 0; NaN
   * if any such quotient is NaN). A minimum does not depend on the order it is taken in.
   */
  double kinkDistance(double[] x, int xOff, double[] r, int rOff, int len);

  @Override
  void close();
}
