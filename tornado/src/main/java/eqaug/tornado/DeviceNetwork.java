package eqaug.tornado;

import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;

/**
 * The device twin of {@link eqaug.nn.Network}: forward pass, loss and hand-written backward pass of an
 * {@link Architecture} on up to {@code maxBatch} rows split into mini-batches ("segments"), with activations,
 * their gradients, parameters and the gradient in device buffers. The caller fills {@link #input()} (the
 * centred inputs); each step queues kernels only and writes one tally entry (mean loss, right predictions)
 * per mini-batch.
 */
public final class DeviceNetwork {
  private final DeviceKernels k;
  private final Architecture arch;
  private final ParameterLayout layout;
  private final int maxBatch;
  private final Stage[] stages;
  private final int[] dims;
  private final int[] paramOffset;
  private final ClBuffer[] h;
  private final ClBuffer[] g;
  private final ClBuffer[] normalised;
  private final ClBuffer[] invStd;
  private final int firstParameterStage;
  private final ClBuffer params;
  private final ClBuffer grad;
  /** Scratch of batch norm's backward pass: per (mini-batch, channel) sums, shared by every batch-norm stage. */
  private final ClBuffer bnSums;

  public DeviceNetwork(DeviceKernels kernels, Architecture arch, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + maxBatch);
    }
    ClContext ctx = kernels.context();
    this.k = kernels;
    this.arch = arch;
    this.layout = ParameterLayout.of(arch);
    this.maxBatch = maxBatch;
    this.stages = arch.stages().toArray(new Stage[0]);
    int n = stages.length;
    dims = new int[n + 1];
    paramOffset = new int[n];
    h = new ClBuffer[n + 1];
    g = new ClBuffer[n + 1];
    normalised = new ClBuffer[n];
    invStd = new ClBuffer[n];
    dims[0] = arch.input().dim();
    int first = -1;
    int maxChannels = 0;
    for (int s = 0; s < n; s++) {
      Stage st = stages[s];
      if (st instanceof Linear l) {
        dims[s + 1] = l.out().dim();
        paramOffset[s] = layout.layer(l).offset();
        first = first < 0 ? s : first;
      } else if (st instanceof BatchNorm b) {
        dims[s + 1] = dims[s];
        paramOffset[s] = layout.norm(b).offset();
        normalised[s] = ctx.buffer("xhat" + s, 4L * maxBatch * dims[s]);
        invStd[s] = ctx.buffer("invStd" + s, (long) kernels.accBytes() * maxBatch * b.channels());
        maxChannels = Math.max(maxChannels, b.channels());
        first = first < 0 ? s : first;
      } else {
        dims[s + 1] = dims[s];
      }
    }
    firstParameterStage = first;
    for (int s = 0; s <= n; s++) {
      h[s] = ctx.buffer("h" + s, 4L * maxBatch * dims[s]);
      g[s] = ctx.buffer("g" + s, 4L * maxBatch * dims[s]);
    }
    params = ctx.buffer("params", 4L * layout.size());
    grad = ctx.buffer("grad", 4L * layout.size());
    // At most maxBatch mini-batches (of one sample) per step.
    bnSums = ctx.buffer("bnSums", Math.max(8, kernels.bnSumsBytes(maxChannels, maxBatch)));
  }

  public ParameterLayout layout() {
    return layout;
  }

  public int maxBatch() {
    return maxBatch;
  }

  /** The network's first activation buffer: rows of centred inputs, filled by the caller before a step. */
  public ClBuffer input() {
    return h[0];
  }

  /** The logits after a forward pass (rows x output width). */
  public ClBuffer logits() {
    return h[stages.length];
  }

  public ClBuffer params() {
    return params;
  }

  public ClBuffer grad() {
    return grad;
  }

  /** Output width (the loss's dimension). */
  public int outputDim() {
    return dims[stages.length];
  }

  /** Entries a mini-batch of {@code len} samples counts towards accuracy (pixels for BCE, samples for softmax). */
  public long entries(int len) {
    return arch.loss() instanceof Loss.SigmoidBce ? (long) len * outputDim() : len;
  }

  /**
   * Queues one step on the {@code rows} rows of {@link #input()} as mini-batches of {@code segment}: forward,
   * loss against targets {@code y} from element {@code yOff} (tally entries tallyBase, tallyBase + 1, ...), and
   * when {@code wantGrad}, the backward pass adding {@code weight} times each mini-batch's mean-loss gradient
   * to {@link #grad()}.
   */
  public void step(int rows, int segment, ClBuffer y, int yOff, float weight, boolean wantGrad, ClBuffer tally, int tallyBase) {
    if (rows < 1 || rows > maxBatch) {
      throw new IllegalArgumentException("batch of " + rows + " outside 1.." + maxBatch);
    }
    forward(rows, segment);
    int width = outputDim();
    if (arch.loss() instanceof Loss.SigmoidBce bce) {
      k.bceLoss(logits(), y, yOff, g[stages.length], width, rows, segment, bce.positions(), weight, wantGrad, tally, tallyBase);
    } else {
      k.softmaxLoss(logits(), y, yOff, g[stages.length], width, rows, segment, weight, wantGrad, tally, tallyBase);
    }
    if (wantGrad) {
      backward(rows, segment);
    }
  }

  /** Queues the forward pass of {@code rows} rows of {@link #input()}. */
  public void forward(int rows, int segment) {
    for (int s = 0; s < stages.length; s++) {
      int len = rows * dims[s];
      Stage st = stages[s];
      if (st instanceof Linear l) {
        k.gemm(false, true, rows, l.rows(), l.cols(), h[s], 0, l.cols(), params, paramOffset[s], l.cols(),
            0f, h[s + 1], 0, l.rows());
      } else if (st instanceof Activation a) {
        switch (a.kind()) {
          case LEAKY_RELU -> k.leakyRelu(Activation.LEAKY_SLOPE, h[s], h[s + 1], len);
          case TANH -> k.tanh(h[s], h[s + 1], len);
          case SIGMOID -> k.sigmoid(h[s], h[s + 1], len);
        }
      } else {
        BatchNorm b = (BatchNorm) st;
        k.bnForward(h[s], h[s + 1], normalised[s], invStd[s], params, paramOffset[s], b.channels(), b.positions(),
            rows, segment);
      }
    }
  }

  private void backward(int rows, int segment) {
    for (int s = stages.length - 1; s >= firstParameterStage; s--) {
      boolean needInput = s > firstParameterStage;
      int len = rows * dims[s];
      Stage st = stages[s];
      if (st instanceof Linear l) {
        k.gemm(true, false, l.rows(), l.cols(), rows, g[s + 1], 0, l.rows(), h[s], 0, l.cols(), 1f,
            grad, paramOffset[s], l.cols());
        if (needInput) {
          k.gemm(false, false, rows, l.cols(), l.rows(), g[s + 1], 0, l.rows(), params, paramOffset[s], l.cols(),
              0f, g[s], 0, l.cols());
        }
      } else if (st instanceof Activation a) {
        if (needInput) {
          switch (a.kind()) {
            case LEAKY_RELU -> k.leakyReluBackward(Activation.LEAKY_SLOPE, h[s], g[s + 1], g[s], len);
            case TANH -> k.tanhBackward(h[s + 1], g[s + 1], g[s], len);
            case SIGMOID -> k.sigmoidBackward(h[s + 1], g[s + 1], g[s], len);
          }
        }
      } else {
        BatchNorm b = (BatchNorm) st;
        k.bnBackward(g[s + 1], g[s], normalised[s], invStd[s], params, grad, bnSums, paramOffset[s], b.channels(),
            b.positions(), rows, segment, needInput);
      }
    }
  }
}
