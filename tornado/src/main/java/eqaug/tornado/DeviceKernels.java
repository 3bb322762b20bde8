package eqaug.tornado;

import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.cl.ClKernel;
import eqaug.tornado.cl.ClProgram;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenCL C kernels of training (resources under eqaug/tornado/kernels), built once for a context's
 * device, with typed launchers. Reductions and statistics accumulate in double where the device has
 * cl_khr_fp64, else in float ({@link #accBytes()}). Launches are queued, not waited for.
 */
public final class DeviceKernels {
  /** The main program's sources, concatenated in this order; gemm.cl is built apart, once per block shape. */
  static final String[] SOURCES = {"common.cl", "elementwise.cl", "batchnorm.cl", "loss.cl", "orbits.cl", "reduce.cl"};
  /** Work-group size of the reductions (REDUCE_GROUP in common.cl). */
  public static final int REDUCE_GROUP = 256;
  /**
   * Work-groups of the strided reductions: the number of partial sums the host adds. 1024 x 256 items keep
   * enough loads in flight to stream a layer of tens of millions of parameters at memory speed (64 groups left
   * an H200 latency-bound); the host adds 1024 doubles per layer per epoch.
   */
  public static final int REDUCE_GROUPS = 1024;
  /** Work-group side of the gemm kernels (GEMM_LX in gemm.cl): 16 x 16 items. */
  private static final int GEMM_LOCAL = 16;
  /** Block shapes of C (rows x columns) that gemm.cl can be built for (GEMM_QM = rows / 64, GEMM_QN = columns / 64). */
  static final int[][] GEMM_BLOCKS = {{64, 64}, {64, 128}, {128, 128}};
  /**
   * The block shape every product uses: 64 x 64 (4 x 4 outputs per item, 64 registers on an H200, so four
   * groups per SM). On an H200 it beat 64 x 128 (97 registers) and 128 x 128 (161 registers, one group per
   * SM) at every shape of training: 250x6272x6272 (nt 0.66 ms, nn 0.62 ms), 6272x6272x250 (tn 0.59 ms),
   * 250x6272x196 (0.026 ms), m = 25 (0.27 to 0.29 ms). The others are built only on request (tests).
   */
  static final int GEMM_DEFAULT = 0;
  private static final int GROUP = 128;
  /** Work-group size of batch norm (BN_GROUP in batchnorm.cl): one group per (mini-batch, channel). */
  static final int BN_GROUP = 256;
  /** Work-group size of the losses (LOSS_GROUP in loss.cl): one group per mini-batch. */
  static final int LOSS_GROUP = 256;
  /** Suffixes of the gemm kernels by (transA ? 2 : 0) + (transB ? 1 : 0). */
  private static final String[] GEMM_TRANS = {"nn", "nt", "tn", "tt"};

  private final ClContext ctx;
  private final boolean fp64;
  /** gemm kernels by [(transA ? 2 : 0) + (transB ? 1 : 0)][block shape]. */
  private final ClKernel[][] gemm = new ClKernel[4][GEMM_BLOCKS.length];
  private final ClKernel loadRows;
  private final ClKernel gatherRows;
  private final ClKernel leakyRelu;
  private final ClKernel leakyReluBackward;
  private final ClKernel tanhForward;
  private final ClKernel tanhBackward;
  private final ClKernel sigmoidForward;
  private final ClKernel sigmoidBackward;
  private final ClKernel axpy;
  private final ClKernel fill;
  private final ClKernel bnForward;
  private final ClKernel bnBackward;
  private final ClKernel bnGrad;
  private final ClKernel bceLoss;
  private final ClKernel softmaxLoss;
  private final ClKernel orbitProject;
  private final ClKernel orbitDistance;
  private final ClKernel sumSquaredDifference;

  public DeviceKernels(ClContext ctx) {
    this.ctx = ctx;
    this.fp64 = ctx.device().hasFp64();
    StringBuilder src = new StringBuilder();
    for (String s : SOURCES) {
      src.append("// ---- ").append(s).append('\n').append(resource(s)).append('\n');
    }
    ClProgram p = ctx.program("eqaug kernels", src.toString(), fp64 ? "-DUSE_FP64" : "");
    buildGemm(GEMM_DEFAULT);
    loadRows = p.kernel("load_rows");
    gatherRows = p.kernel("gather_rows");
    leakyRelu = p.kernel("leaky_relu");
    leakyReluBackward = p.kernel("leaky_relu_backward");
    tanhForward = p.kernel("tanh_forward");
    tanhBackward = p.kernel("tanh_backward");
    sigmoidForward = p.kernel("sigmoid_forward");
    sigmoidBackward = p.kernel("sigmoid_backward");
    axpy = p.kernel("axpy");
    fill = p.kernel("fill");
    bnForward = p.kernel("bn_forward");
    bnBackward = p.kernel("bn_backward");
    bnGrad = p.kernel("bn_grad");
    bceLoss = p.kernel("bce_loss");
    softmaxLoss = p.kernel("softmax_loss");
    orbitProject = p.kernel("orbit_project");
    orbitDistance = p.kernel("orbit_distance");
    sumSquaredDifference = p.kernel("sum_squared_difference");
  }

  static String resource(String name) {
    String path = "kernels/" + name;
    try (InputStream in = DeviceKernels.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("kernel source eqaug/tornado/" + path + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kernel source eqaug/tornado/" + path, e);
    }
  }

  public ClContext context() {
    return ctx;
  }

  /** Whether reductions run in double. */
  public boolean fp64() {
    return fp64;
  }

  /** Bytes of one accumulator value (double or float). */
  public int accBytes() {
    return fp64 ? 8 : 4;
  }

  /** Reads {@code n} accumulator values (double or float on the device) as doubles. */
  public double[] readAcc(ClBuffer b, int n) {
    if (fp64) {
      return b.readDoubles(0, n);
    }
    float[] f = b.readFloats(0, n);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Writes {@code v} as accumulator values (double or float on the device) from element 0. */
  public void writeAcc(ClBuffer b, double[] v) {
    if (fp64) {
      b.write(v);
      return;
    }
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    b.write(f);
  }

  /**
   * Builds gemm.cl for the block shape GEMM_BLOCKS[variant], apart from the main program: its register
   * tiles are sized at compile time (-DGEMM_QM, -DGEMM_QN).
   */
  private void buildGemm(int variant) {
    int bm = GEMM_BLOCKS[variant][0];
    int bn = GEMM_BLOCKS[variant][1];
    String src = "// ---- common.cl\n" + resource("common.cl") + "\n// ---- gemm.cl\n" + resource("gemm.cl") + "\n";
    ClProgram g = ctx.program("eqaug gemm " + bm + "x" + bn, src,
        (fp64 ? "-DUSE_FP64 " : "") + "-DGEMM_QM=" + bm / 64 + " -DGEMM_QN=" + bn / 64);
    for (int t = 0; t < 4; t++) {
      gemm[t][variant] = g.kernel("gemm_" + GEMM_TRANS[t]);
    }
  }

  /** C = op(A) op(B) + beta C; see gemm.cl and eqaug.kernel.Kernels#gemm. */
  public void gemm(boolean transA, boolean transB, int m, int n, int k, ClBuffer a, int aOff, int lda,
      ClBuffer b, int bOff, int ldb, float beta, ClBuffer c, int cOff, int ldc) {
    gemm(GEMM_DEFAULT, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** gemm with the block shape GEMM_BLOCKS[variant], built on first use (tests run every shape). */
  void gemm(int variant, boolean transA, boolean transB, int m, int n, int k, ClBuffer a, int aOff, int lda,
      ClBuffer b, int bOff, int ldb, float beta, ClBuffer c, int cOff, int ldc) {
    if (gemm[0][variant] == null) {
      buildGemm(variant);
    }
    ClKernel g = gemm[(transA ? 2 : 0) + (transB ? 1 : 0)][variant];
    g.arg(0, m).arg(1, n).arg(2, k).arg(3, a).arg(4, aOff).arg(5, lda).arg(6, b).arg(7, bOff).arg(8, ldb)
        .arg(9, beta).arg(10, c).arg(11, cOff).arg(12, ldc);
    int bm = GEMM_BLOCKS[variant][0];
    int bn = GEMM_BLOCKS[variant][1];
    long gx = Math.max(1, ((long) n + bn - 1) / bn) * GEMM_LOCAL;
    long gy = Math.max(1, ((long) m + bm - 1) / bm) * GEMM_LOCAL;
    g.launch(new long[] {gx, gy}, new long[] {GEMM_LOCAL, GEMM_LOCAL});
  }

  public void loadRows(ClBuffer src, int srcOff, int len, float shift, ClBuffer dst) {
    loadRows.arg(0, src).arg(1, srcOff).arg(2, len).arg(3, shift).arg(4, dst).launch1d(len, GROUP);
  }

  public void gatherRows(ClBuffer src, int srcRow0, int dim, ClBuffer maps, int segment, int rows, float shift, ClBuffer dst) {
    gatherRows.arg(0, src).arg(1, srcRow0).arg(2, dim).arg(3, maps).arg(4, segment).arg(5, rows).arg(6, shift).arg(7, dst)
        .launch1d((long) rows * dim, GROUP);
  }

  public void leakyRelu(float slope, ClBuffer x, ClBuffer y, int len) {
    leakyRelu.arg(0, slope).arg(1, x).arg(2, y).arg(3, len).launch1d(len, GROUP);
  }

  public void leakyReluBackward(float slope, ClBuffer x, ClBuffer dy, ClBuffer dx, int len) {
    leakyReluBackward.arg(0, slope).arg(1, x).arg(2, dy).arg(3, dx).arg(4, len).launch1d(len, GROUP);
  }

  public void tanh(ClBuffer x, ClBuffer y, int len) {
    tanhForward.arg(0, x).arg(1, y).arg(2, len).launch1d(len, GROUP);
  }

  public void tanhBackward(ClBuffer y, ClBuffer dy, ClBuffer dx, int len) {
    tanhBackward.arg(0, y).arg(1, dy).arg(2, dx).arg(3, len).launch1d(len, GROUP);
  }

  public void sigmoid(ClBuffer x, ClBuffer y, int len) {
    sigmoidForward.arg(0, x).arg(1, y).arg(2, len).launch1d(len, GROUP);
  }

  public void sigmoidBackward(ClBuffer y, ClBuffer dy, ClBuffer dx, int len) {
    sigmoidBackward.arg(0, y).arg(1, dy).arg(2, dx).arg(3, len).launch1d(len, GROUP);
  }

  public void axpy(float alpha, ClBuffer x, int xOff, ClBuffer y, int yOff, int len) {
    axpy.arg(0, alpha).arg(1, x).arg(2, xOff).arg(3, y).arg(4, yOff).arg(5, len).launch1d(len, GROUP);
  }

  public void fill(ClBuffer x, int off, int len, float value) {
    fill.arg(0, x).arg(1, off).arg(2, len).arg(3, value).launch1d(len, GROUP);
  }

  /**
   * Batch norm forward on {@code rows} rows as mini-batches of {@code segment}: one work-group of
   * {@link #BN_GROUP} per (mini-batch, channel) reduces mean and variance, then normalises its values.
   */
  public void bnForward(ClBuffer x, ClBuffer y, ClBuffer xhat, ClBuffer invStd, ClBuffer params, int off,
      int channels, int positions, int rows, int segment) {
    int segs = (rows + segment - 1) / segment;
    bnForward.arg(0, x).arg(1, y).arg(2, xhat).arg(3, invStd).arg(4, params).arg(5, off).arg(6, channels)
        .arg(7, positions).arg(8, rows).arg(9, segment)
        .launch(new long[] {(long) segs * channels * BN_GROUP}, new long[] {BN_GROUP});
  }

  /** Bytes of the scratch {@link #bnBackward} needs for {@code segments} mini-batches of {@code channels}. */
  public long bnSumsBytes(int channels, int segments) {
    return 2L * accBytes() * channels * segments;
  }

  /**
   * Batch norm backward: one work-group of {@link #BN_GROUP} per (mini-batch, channel) reduces sum dy and
   * sum dy xhat into {@code sums} (at least {@link #bnSumsBytes} bytes) and writes the input gradient when
   * {@code needInput}; then one work-item per channel adds the sums to the scale and shift gradients in
   * mini-batch order.
   */
  public void bnBackward(ClBuffer dy, ClBuffer dx, ClBuffer xhat, ClBuffer invStd, ClBuffer params, ClBuffer grad,
      ClBuffer sums, int off, int channels, int positions, int rows, int segment, boolean needInput) {
    int segs = (rows + segment - 1) / segment;
    bnBackward.arg(0, dy).arg(1, dx).arg(2, xhat).arg(3, invStd).arg(4, params).arg(5, sums).arg(6, off)
        .arg(7, channels).arg(8, positions).arg(9, rows).arg(10, segment).arg(11, needInput ? 1 : 0)
        .launch(new long[] {(long) segs * channels * BN_GROUP}, new long[] {BN_GROUP});
    bnGrad.arg(0, sums).arg(1, grad).arg(2, off).arg(3, channels).arg(4, segs).launch1d(channels, 32);
  }

  /** Sigmoid BCE per mini-batch: one work-group of {@link #LOSS_GROUP} per mini-batch, one entry per item. */
  public void bceLoss(ClBuffer z, ClBuffer y, int yOff, ClBuffer dz, int width, int rows, int segment, int positions,
      float weight, boolean wantGrad, ClBuffer tally, int tallyBase) {
    int segs = (rows + segment - 1) / segment;
    bceLoss.arg(0, z).arg(1, y).arg(2, yOff).arg(3, dz).arg(4, width).arg(5, rows).arg(6, segment).arg(7, positions)
        .arg(8, weight).arg(9, wantGrad ? 1 : 0).arg(10, tally).arg(11, tallyBase)
        .launch(new long[] {(long) segs * LOSS_GROUP}, new long[] {LOSS_GROUP});
  }

  /** Softmax cross-entropy per mini-batch: one work-group of {@link #LOSS_GROUP} per mini-batch, one sample per item. */
  public void softmaxLoss(ClBuffer z, ClBuffer y, int yOff, ClBuffer dz, int width, int rows, int segment,
      float weight, boolean wantGrad, ClBuffer tally, int tallyBase) {
    int segs = (rows + segment - 1) / segment;
    softmaxLoss.arg(0, z).arg(1, y).arg(2, yOff).arg(3, dz).arg(4, width).arg(5, rows).arg(6, segment)
        .arg(7, weight).arg(8, wantGrad ? 1 : 0).arg(9, tally).arg(10, tallyBase)
        .launch(new long[] {(long) segs * LOSS_GROUP}, new long[] {LOSS_GROUP});
  }

  /** Pi_E in place on one layer of {@code w}; see orbits.cl and {@link DeviceOrbits}. */
  public void orbitProject(ClBuffer w, int off, DeviceOrbits o) {
    bindOrbits(orbitProject, w, off, o);
    orbitProject.launch1d((long) o.blocks() * o.orbits(), GROUP);
  }

  /** Queues ||A - Pi_E A||^2 of one layer as {@link DeviceOrbits#partialCount()} partial sums in {@code partials} from {@code partialOff}. */
  public void orbitDistance(ClBuffer w, int off, DeviceOrbits o, ClBuffer partials, int partialOff) {
    bindOrbits(orbitDistance, w, off, o);
    orbitDistance.arg(10, partials).arg(11, partialOff).launch1d((long) o.blocks() * o.orbits(), REDUCE_GROUP);
  }

  private static void bindOrbits(ClKernel k, ClBuffer w, int off, DeviceOrbits o) {
    k.arg(0, w).arg(1, off).arg(2, o.cols()).arg(3, o.outPositions()).arg(4, o.inPositions()).arg(5, o.inChannels())
        .arg(6, o.blocks()).arg(7, o.orbits()).arg(8, o.orbitStart()).arg(9, o.members());
  }

  /** Queues sum (a_i - b_i)^2 as {@link #REDUCE_GROUPS} partial sums in {@code partials} from {@code partialOff}. */
  public void sumSquaredDifference(ClBuffer a, int aOff, ClBuffer b, int bOff, int len, ClBuffer partials, int partialOff) {
    sumSquaredDifference.arg(0, a).arg(1, aOff).arg(2, b).arg(3, bOff).arg(4, len).arg(5, partials).arg(6, partialOff)
        .launch(new long[] {(long) REDUCE_GROUPS * REDUCE_GROUP}, new long[] {REDUCE_GROUP});
  }
}
