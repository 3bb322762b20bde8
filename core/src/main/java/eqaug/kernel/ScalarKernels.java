package eqaug.kernel;

/** Plain loops: the reference every SIMD kernel is tested against, and a fallback anywhere. */
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
        float s = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = beta == 0 ? s : s + beta * c[ci];
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
    double s = 0;
    for (int i = 0; i < len; i++) {
      double d = (double) a[aOff + i] - b[bOff + i];
      s += d * d;
    }
    return s;
  }

  @Override
  public double sumSquares(float[] a, int off, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      double v = a[off + i];
      s += v * v;
    }
    return s;
  }

  @Override
  public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += (double) a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  @Override
  public void close() {}
}
