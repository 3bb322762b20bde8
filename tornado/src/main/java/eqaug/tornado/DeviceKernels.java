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
  /**
   * Builds of gemm.cl: block shape of C, whether tensor cores multiply (3xTF32, see gemm.cl; off NVIDIA the
   * tensor-core build emulates the instructions, for tests), and build options only NVIDIA's compiler takes
   * (such a build is the same kernel elsewhere, so tests skip it there). Every fp32 build gives bit-identical
   * results (each output is the same fma chain over k); the 3xTF32 builds differ from them in the last bits.
   */
  record GemmVariant(String name, int bm, int bn, boolean tensorCores, String nvidiaOptions) {}

  static final GemmVariant[] GEMM_VARIANTS = {
      new GemmVariant("fp32 64x64", 64, 64, false, ""),
      new GemmVariant("fp32 64x128", 64, 128, false, ""),
      new GemmVariant("fp32 128x128", 128, 128, false, ""),
      new GemmVariant("3xTF32 tensor cores 128x128", 128, 128, true, ""),
      // ptxas gives the plain build ~170 registers (one group of 256 per SM); capped at 128, two groups fit
      // and a few bytes spill. Which is faster is measured on the device (GemmChoice).
      new GemmVariant("3xTF32 tensor cores 128x128, <= 128 registers", 128, 128, true, "-cl-nv-maxrregcount=128")};
  /**
   * The fp32 build products use unless the tensor-core one is chosen: 64 x 64 (4 x 4 outputs per item, 64
   * registers on an H200, so four groups per SM). On an H200 it beat 64 x 128 (97 registers) and 128 x 128
   * (161 registers, one group per SM) at every shape of training: 250x6272x6272 (nt 0.66 ms, nn 0.62 ms),
   * 6272x6272x250 (tn 0.59 ms), 250x6272x196 (0.026 ms), m = 25 (0.27 to 0.29 ms).
   */
  static final int GEMM_DEFAULT = 0;
  /** The plain tensor-core (3xTF32) build. */
  static final int GEMM_TENSOR_CORES = 3;
  private static final int GROUP = 128;
  /** Work-group size of batch norm (BN_GROUP in batchnorm.cl): one group per (mini-batch, channel). */
  static final int BN_GROUP = 256;
  /** Work-group size of the losses (LOSS_GROUP in loss.cl): one group per mini-batch. */
  static final int LOSS_GROUP = 256;
  /** Suffixes of the gemm kernels by (transA ? 2 : 0) + (transB ? 1 : 0). */
  private static final String[] GEMM_TRANS = {"nn", "nt", "tn", "tt"};

  private final ClContext ctx;
  private final boolean fp64;
  /** gemm kernels by [(transA ? 2 : 0) + (transB ? 1 : 0)][variant]. */
  private final ClKernel[][] gemm = new ClKernel[4][GEMM_VARIANTS.length];
  /** The variant {@link #gemm(boolean, boolean, int, int, int, ClBuffer, int, int, ClBuffer, int, int, float, ClBuffer, int, int)} uses. */
  private final int gemmVariant;
  /** Why that variant, in a few words (for run records). */
  private final String gemmChoice;
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

  /** Kernels with the matrix product the environment asks for ({@link GemmChoice#fromEnvironment()}). */
  public DeviceKernels(ClContext ctx) {
    this(ctx, GemmChoice.fromEnvironment(), ctx.device().hasFp64());
  }

  /**
   * Kernels with the given matrix-product policy; {@code fp64} false makes reductions accumulate in float
   * even where the device has double (what devices without cl_khr_fp64 run).
   */
  public DeviceKernels(ClContext ctx, GemmChoice.Policy policy, boolean fp64) {
    this.ctx = ctx;
    if (fp64 && !ctx.device().hasFp64()) {
      throw new IllegalArgumentException(ctx.device().name().trim() + " has no cl_khr_fp64: reductions cannot run in double");
    }
    this.fp64 = fp64;
    StringBuilder src = new StringBuilder();
    for (String s : SOURCES) {
      src.append("// ---- ").append(s).append('\n').append(resource(s)).append('\n');
    }
    ClProgram p = ctx.program("eqaug kernels", src.toString(), fp64 ? "-DUSE_FP64" : "");
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
    GemmChoice choice = GemmChoice.choose(this, policy);
    gemmVariant = choice.variant();
    gemmChoice = choice.reason();
  }

  /** The matrix product training uses, and why (e.g. "3xTF32 tensor cores 128x128 (1.8x fp32 at 2048^3)"). */
  public String gemmDescription() {
    return GEMM_VARIANTS[gemmVariant].name() + " (" + gemmChoice + ")";
  }

  /** Index into {@link #GEMM_VARIANTS} of the product training uses. */
  int gemmVariant() {
    return gemmVariant;
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
   * Builds gemm.cl as GEMM_VARIANTS[variant], apart from the main program: its register tiles are sized at
   * compile time (-DGEMM_QM, -DGEMM_QN), and the tensor-core build uses inline PTX (NVIDIA only) or its
   * emulation. A failed build throws the compiler's log.
   */
  void buildGemm(int variant) {
    if (gemm[0][variant] != null) {
      return;
    }
    GemmVariant v = GEMM_VARIANTS[variant];
    String src = "// ---- common.cl\n" + resource("common.cl") + "\n// ---- gemm.cl\n" + resource("gemm.cl") + "\n";
    String options = (fp64 ? "-DUSE_FP64 " : "") + "-DGEMM_QM=" + v.bm() / 64 + " -DGEMM_QN=" + v.bn() / 64;
    boolean nvidia = GemmChoice.nvidia(ctx.device());
    if (v.tensorCores()) {
      options += nvidia ? " -DGEMM_MMA" : " -DGEMM_MMA -DGEMM_MMA_EMULATE";
    }
    if (nvidia && !v.nvidiaOptions().isEmpty()) {
      options += " " + v.nvidiaOptions();
    }
    ClProgram g = ctx.program("eqaug gemm " + v.name(), src, options);
    for (int t = 0; t < 4; t++) {
      gemm[t][variant] = g.kernel("gemm_" + GEMM_TRANS[t]);
    }
  }

  /**
   * C = op(A) op(B) + beta C with the chosen variant; see gemm.cl and eqaug.kernel.Kernels#gemm. A product
   * with fewer 128 x 128 blocks than the device has compute units (the pooling layers' n = 32, small batches)
   * would leave most of them idle with the tensor-core build; it runs on the fp32 64 x 64 build, which has
   * four times the groups. The rule depends on the shape only, so a run stays deterministic.
   */
  public void gemm(boolean transA, boolean transB, int m, int n, int k, ClBuffer a, int aOff, int lda,
      ClBuffer b, int bOff, int ldb, float beta, ClBuffer c, int cOff, int ldc) {
    int v = gemmVariant;
    if (GEMM_VARIANTS[v].tensorCores()
        && (long) ((m + 127) / 128) * ((n + 127) / 128) < ctx.device().computeUnits()) {
      v = GEMM_DEFAULT;
    }
    gemm(v, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** gemm with GEMM_VARIANTS[variant], built on first use (tests and the check run every variant). */
  void gemm(int variant, boolean transA, boolean transB, int m, int n, int k, ClBuffer a, int aOff, int lda,
      ClBuffer b, int bOff, int ldb, float beta, ClBuffer c, int cOff, int ldc) {
    buildGemm(variant);
    ClKernel g = gemm[(transA ? 2 : 0) + (transB ? 1 : 0)][variant];
    g.arg(0, m).arg(1, n).arg(2, k).arg(3, a).arg(4, aOff).arg(5, lda).arg(6, b).arg(7, bOff).arg(8, ldb)
        .arg(9, beta).arg(10, c).arg(11, cOff).arg(12, ldc);
    int bm = GEMM_VARIANTS[variant].bm();
    int bn = GEMM_VARIANTS[variant].bn();
    long gx = Math.max(1, ((long) n + bn - 1) / bn) * GEMM_LOCAL;
    long gy = Math.max(1, ((long) m + bm - 1) / bm) * GEMM_LOCAL;
    g.launch(new long[] {gx, gy}, new long[] {GEMM_LOCAL, GEMM_LOCAL});
  }

  public void loadRows(ClBuffer src, int srcOff, int len, float shift, ClBuffer dst) {
    loadRows.arg(0, src).arg(1, srcOff).arg(2, len).arg(3, shift).arg(4, dst).launch1d(len, GROUP);
  }

  /**
   * dst row r = src row srcRow0 + r moved by the gather map of its mini-batch (r / segment), maps being the
   * rows of {@code maps} from row map0 on, plus shift.
   */
  public void gatherRows(ClBuffer src, int srcRow0, int dim, ClBuffer maps, int map0, int segment, int rows, float shift,
      ClBuffer dst) {
    gatherRows.arg(0, src).arg(1, srcRow0).arg(2, dim).arg(3, maps).arg(4, map0).arg(5, segment).arg(6, rows)
        .arg(7, shift).arg(8, dst).launch1d((long) rows * dim, GROUP);
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
