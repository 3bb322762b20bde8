package eqaug.kernel;

/**
 * Plain loops: the reference every SIMD kernel is tested against, and a fallback anywhere. Each computes
 * the very sums the {@link Kernels} contract specifies (fma chains in {@link Kernels#KC}-blocks, sixteen
 * partial sums), so {@link VectorKernels} gives the same bits at every vector width.
 */
public final class ScalarKernels implements Kernels {
  /** Single-threaded; holds no resources. */
  public ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int threads() {
    return 1;
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int ci = cOff + i * ldc + j;
        if (k <= 0) {
          c[ci] = beta == 0 ? 0 : beta * c[ci];
        }
        for (int pc = 0; pc < k; pc += KC) {
          float s = 0;
          for (int p = pc; p < Math.min(k, pc + KC); p++) {
            float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            s = Math.fma(av, bv, s);
          }
          float betaHere = pc == 0 ? beta : 1f;
          c[ci] = betaHere == 0 ? s : s + betaHere * c[ci];
        }
      }
    }
  }

  @Override
  public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int len) {
    for (int i = 0; i < len; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v > 0 ? v : slope * v;
    }
  }

  @Override
  public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
    for (int i = 0; i < len; i++) {
      float g = dy[dyOff + i];
      dx[dxOff + i] = x[xOff + i] > 0 ? g : slope * g;
    }
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void gather(float[] src, int srcOff, int[] map, float[] dst, int dstOff) {
    for (int i = 0; i < map.length; i++) {
      dst[dstOff + i] = src[srcOff + map[i]];
    }
  }

  @Override
  public double sumSquaredDifference(float[] a, int aOff, float[] b, int bOff, int len) {
    double[] partials = new double[PARTIALS];
    for (int i = 0; i < len; i++) {
      double d = (double) a[aOff + i] - b[bOff + i];
      partials[i % PARTIALS] = Math.fma(d, d, partials[i % PARTIALS]);
    }
    return sumInOrder(partials);
  }

  @Override
  public double sumSquares(float[] a, int off, int len) {
    double[] partials = new double[PARTIALS];
    for (int i = 0; i < len; i++) {
      double v = a[off + i];
      partials[i % PARTIALS] = Math.fma(v, v, partials[i % PARTIALS]);
    }
    return sumInOrder(partials);
  }

  @Override
  public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    double[] partials = new double[PARTIALS];
    for (int i = 0; i < len; i++) {
      partials[i % PARTIALS] = Math.fma((double) a[aOff + i], (double) b[bOff + i], partials[i % PARTIALS]);
    }
    return sumInOrder(partials);
  }

  /** The partial sums added left to right, the last step of every reduction. */
  static double sumInOrder(double[] partials) {
    double s = 0;
    for (double p : partials) {
      s += p;
    }
    return s;
  }

  @Override
  public void close() {}
}
