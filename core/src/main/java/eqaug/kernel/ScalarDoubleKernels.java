package eqaug.kernel;

/**
 * Plain loops computing exactly what {@link DoubleKernels} specifies: the reference {@link VectorDoubleKernels}
 * is tested against bit for bit, and the fallback where the Vector API module is absent. Single-threaded.
 */
public final class ScalarDoubleKernels implements DoubleKernels {
  /** Holds no resources. */
  public ScalarDoubleKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int threads() {
    return 1;
  }

  @Override
  public long scratchDoubles() {
    return 0;
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int ci = cOff + i * ldc + j;
        if (k <= 0) {
          c[ci] = beta == 0 ? 0 : beta * c[ci];
        }
        for (int pc = 0; pc < k; pc += KC) {
          double s = 0;
          for (int p = pc; p < Math.min(k, pc + KC); p++) {
            double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            s = Math.fma(av, bv, s);
          }
          double betaHere = pc == 0 ? beta : 1;
          c[ci] = betaHere == 0 ? s : s + betaHere * c[ci];
        }
      }
    }
  }

  @Override
  public void leakyRelu(double slope, double[] x, int xOff, double[] g, int gOff, double[] out, int outOff,
      int len) {
    for (int i = 0; i < len; i++) {
      double v = g[gOff + i];
      out[outOff + i] = x[xOff + i] > 0 ? v : slope * v;
    }
  }

  @Override
  public double kinkDistance(double[] x, int xOff, double[] r, int rOff, int len) {
    double d = Double.POSITIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      double ri = r[rOff + i];
      if (ri != 0) {
        d = Math.min(d, Math.abs(x[xOff + i]) / Math.abs(ri));
      }
    }
    return d;
  }

  @Override
  public void close() {}
}
