package eqaug.apps.cli;

import eqaug.kernel.Kernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Kernels} that times every call of the kernels it wraps (wall clock, {@link System#nanoTime}), by
 * kind and, for matrix products, by shape: where a pass spends its time, for {@code bench --profile}. The
 * results are the wrapped kernels' own; only the time is added (two clock reads and a map update per call). It can also
 * record a pass's matrix products, to replay them back to back: the products' own rate, with the same
 * shapes, operands and order as in the pass but nothing between them.
 */
final class TimedKernels implements Kernels {
  /** Calls and nanoseconds of one kind of call. */
  static final class Tally {
    long calls;
    long nanos;
    double flop;
  }

  private final Kernels inner;
  private final Map<String, Tally> tallies = new LinkedHashMap<>();
  /** The matrix products called since {@link #startRecording}, or null when not recording. */
  private List<Runnable> recording;

  /** Whether calls are timed; off, the wrapper only records products for a replay (and costs a branch per call). */
  private final boolean timing;

  TimedKernels(Kernels inner) {
    this(inner, true);
  }

  TimedKernels(Kernels inner, boolean timing) {
    this.inner = inner;
    this.timing = timing;
  }

  /** By kind: "gemm TA TB m k n" ("T" or "N" for each operand), "leakyRelu", "gather", ... in first-call order. */
  Map<String, Tally> tallies() {
    return tallies;
  }

  void reset() {
    tallies.clear();
  }

  void startRecording() {
    recording = new ArrayList<>();
  }

  /** The products called since {@link #startRecording}, each a call of the wrapped kernels with the same arguments. */
  List<Runnable> stopRecording() {
    List<Runnable> r = recording;
    recording = null;
    return r;
  }

  private long start() {
    return timing ? System.nanoTime() : 0;
  }

  private void add(String kind, long t0, double flop) {
    if (!timing) {
      return;
    }
    Tally t = tallies.computeIfAbsent(kind, x -> new Tally());
    t.calls++;
    t.nanos += System.nanoTime() - t0;
    t.flop += flop;
  }

  /** The key of a product: whether each operand is transposed, and m, k, n. */
  static String gemmKind(boolean transA, boolean transB, int m, int k, int n) {
    return "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + " " + k + " " + n;
  }

  @Override
  public String name() {
    return inner.name() + ", timed";
  }

  @Override
  public int threads() {
    return inner.threads();
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    if (recording != null) {
      recording.add(() -> inner.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }
    long t0 = start();
    inner.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    if (timing) {
      add(gemmKind(transA, transB, m, k, n), t0, 2.0 * m * n * k);
    }
  }

  @Override
  public void gemmLeakyRelu(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float slope, float[] y, int yOff) {
    if (recording != null) {
      recording.add(() -> inner.gemmLeakyRelu(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc,
          slope, y, yOff));
    }
    long t0 = start();
    inner.gemmLeakyRelu(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, slope, y, yOff);
    if (timing) {
      add(gemmKind(transA, transB, m, k, n) + LEAKY_RELU, t0, 2.0 * m * n * k);
    }
  }

  @Override
  public void gemmLeakyReluBackward(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float slope, float[] x, int xOff,
      float[] dx, int dxOff) {
    if (recording != null) {
      recording.add(() -> inner.gemmLeakyReluBackward(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff,
          ldc, slope, x, xOff, dx, dxOff));
    }
    long t0 = start();
    inner.gemmLeakyReluBackward(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, slope, x, xOff,
        dx, dxOff);
    if (timing) {
      add(gemmKind(transA, transB, m, k, n) + LEAKY_RELU, t0, 2.0 * m * n * k);
    }
  }

  /** Appended to a product's kind when the leaky ReLU (or its backward) is applied in the product. */
  static final String LEAKY_RELU = " + leaky ReLU";

  @Override
  public void parallelFor(int parts, java.util.function.IntConsumer body) {
    long t0 = start();
    inner.parallelFor(parts, body);
    add("parallelFor", t0, 0);
  }

  @Override
  public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int len) {
    long t0 = start();
    inner.leakyRelu(slope, x, xOff, y, yOff, len);
    add("leakyRelu", t0, 0);
  }

  @Override
  public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
    long t0 = start();
    inner.leakyReluBackward(slope, x, xOff, dy, dyOff, dx, dxOff, len);
    add("leakyReluBackward", t0, 0);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
    long t0 = start();
    inner.axpy(alpha, x, xOff, y, yOff, len);
    add("axpy", t0, 0);
  }

  @Override
  public void gather(float[] src, int srcOff, int[] map, float[] dst, int dstOff) {
    long t0 = start();
    inner.gather(src, srcOff, map, dst, dstOff);
    add("gather", t0, 0);
  }

  @Override
  public double sumSquaredDifference(float[] a, int aOff, float[] b, int bOff, int len) {
    long t0 = start();
    double r = inner.sumSquaredDifference(a, aOff, b, bOff, len);
    add("sumSquaredDifference", t0, 0);
    return r;
  }

  @Override
  public double sumSquares(float[] a, int off, int len) {
    long t0 = start();
    double r = inner.sumSquares(a, off, len);
    add("sumSquares", t0, 0);
    return r;
  }

  @Override
  public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    long t0 = start();
    double r = inner.dot(a, aOff, b, bOff, len);
    add("dot", t0, 0);
    return r;
  }

  @Override
  public void close() {
    // The wrapped kernels belong to the caller.
  }
}
