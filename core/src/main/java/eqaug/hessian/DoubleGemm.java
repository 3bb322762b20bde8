package eqaug.hessian;

/**
 * C (+)= op(A) B in double, op(A) = A or A^T, every matrix row-major: the one matrix product of the float64
 * passes. Written as row updates C[i][j..] += A(i,p) * B[p][j..] (a loop the JIT vectorises, no reduction),
 * blocked over columns of B and over p so that a block of B stays in cache while every row of C visits it.
 * The order of the sums is fixed by the block sizes alone, so results do not depend on the machine.
 */
final class DoubleGemm {
  /** Columns of B per block: 512 doubles = 4 KiB per row. */
  private static final int NB = 512;
  /** Rows of B per block: with NB, 256 KiB of B, about an L2 cache. */
  private static final int KB = 64;

  private DoubleGemm() {}

  /**
   * C[m x n] = beta C + op(A) B, op(A) m x k: A stored m x k (lda) or, when {@code transA}, k x m (lda);
   * B stored k x n (ldb). beta is 0 (overwrite) or 1 (accumulate).
   */
  static void multiply(boolean transA, int m, int n, int k, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
    if (!accumulate) {
      for (int i = 0; i < m; i++) {
        java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
      }
    }
    for (int jb = 0; jb < n; jb += NB) {
      int jEnd = Math.min(n, jb + NB);
      for (int pb = 0; pb < k; pb += KB) {
        int pEnd = Math.min(k, pb + KB);
        for (int i = 0; i < m; i++) {
          int cRow = cOff + i * ldc;
          for (int p = pb; p < pEnd; p++) {
            double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            int bRow = bOff + p * ldb;
            for (int j = jb; j < jEnd; j++) {
              c[cRow + j] += av * b[bRow + j];
            }
          }
        }
      }
    }
  }

  /** dst (cols x rows) = src^T, src rows x cols at srcOff. */
  static void transpose(double[] src, int srcOff, int rows, int cols, double[] dst) {
    for (int r = 0; r < rows; r++) {
      int base = srcOff + r * cols;
      for (int c = 0; c < cols; c++) {
        dst[c * rows + r] = src[base + c];
      }
    }
  }
}
