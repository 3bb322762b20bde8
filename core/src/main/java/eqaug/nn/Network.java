package eqaug.nn;

import eqaug.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Forward and hand-written backward passes of an {@link Architecture} on up to {@code maxBatch} samples
 * at once, split into mini-batches ("segments"): batch norm takes its statistics over one mini-batch and
 * the loss is the mini-batch mean, exactly as if each mini-batch ran alone, while the linear layers see all
 * rows in one matrix product (25-sample mini-batches become products with hundreds of rows, which the
 * GEMM runs near its peak). Activations are row-major (sample, feature) float arrays allocated once;
 * statistics and losses accumulate in double. Transcendentals are {@link StrictMath}'s (fdlibm, specified to
 * the bit) rather than {@link Math}'s, whose results may differ between JVMs and CPUs. Not thread-safe: one
 * network per training run.
 */
public final class Network {
  private final Architecture arch;
  private final ParameterLayout layout;
  private final Kernels kernels;
  private final int maxBatch;
  private final Stage[] stages;
  /** dims[s]: the width of stage s's input; dims[stages]: the logits' width. */
  private final int[] dims;
  private final int[] paramOffset;
  /** h[s]: input of stage s (h[0] is the centred input, h[stages] the logits). */
  private final float[][] h;
  /** g[s]: gradient of the weighted loss with respect to h[s]. */
  private final float[][] g;
  private final float[][] normalised;
  private final double[][] invStd;
  /** Stages before this one have no parameters, so the input gradient there is not needed. */
  private final int firstParameterStage;

  public Network(Architecture arch, Kernels kernels, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + maxBatch);
    }
    this.arch = arch;
    this.layout = ParameterLayout.of(arch);
    this.kernels = kernels;
    this.maxBatch = maxBatch;
    this.stages = arch.stages().toArray(new Stage[0]);
    int n = stages.length;
    dims = new int[n + 1];
    paramOffset = new int[n];
    h = new float[n + 1][];
    g = new float[n + 1][];
    normalised = new float[n][];
    invStd = new double[n][];
    // invStd[s] holds one value per (mini-batch, channel); there are at most maxBatch mini-batches.
    dims[0] = arch.input().dim();
    int first = -1;
    for (int s = 0; s < n; s++) {
      Stage st = stages[s];
      if (st instanceof Linear l) {
        dims[s + 1] = l.out().dim();
        paramOffset[s] = layout.layer(l).offset();
        first = first < 0 ? s : first;
      } else if (st instanceof BatchNorm b) {
        dims[s + 1] = dims[s];
        paramOffset[s] = layout.norm(b).offset();
        normalised[s] = new float[maxBatch * dims[s]];
        invStd[s] = new double[maxBatch * b.channels()];
        first = first < 0 ? s : first;
      } else {
        dims[s + 1] = dims[s];
      }
    }
    firstParameterStage = first;
    for (int s = 0; s <= n; s++) {
      h[s] = new float[maxBatch * dims[s]];
      g[s] = new float[maxBatch * dims[s]];
    }
  }

  /** One matrix product of a step: C (m x n) = op(A) (m x k) op(B) (k x n); op is forward, grad_input or grad_weight. */
  public record Product(String layer, String op, int m, int k, int n) {
    /** Multiply–adds count two. */
    public double flop() {
      return 2.0 * m * k * n;
    }
  }

  /**
   * The matrix products a step over {@code rows} samples runs, in the order it runs them: every linear layer's
   * forward product (Y = X W^T); with the gradient, backwards, each layer's weight gradient (dW = dY^T X) and
   * its input gradient (dX = dY W) except at and before the first stage with parameters, where none is needed.
   * Their flop is linear in rows, so one sample's count times the samples gives a pass's.
   */
  public static List<Product> products(Architecture arch, int rows, boolean gradient) {
    List<Stage> st = arch.stages();
    int first = -1;
    for (int s = 0; s < st.size() && first < 0; s++) {
      if (st.get(s) instanceof Linear || st.get(s) instanceof BatchNorm) {
        first = s;
      }
    }
    List<Product> out = new ArrayList<>();
    for (Stage stage : st) {
      if (stage instanceof Linear l) {
        out.add(new Product(l.name(), "forward", rows, l.cols(), l.rows()));
      }
    }
    if (gradient) {
      for (int s = st.size() - 1; s >= first; s--) {
        if (st.get(s) instanceof Linear l) {
          out.add(new Product(l.name(), "grad_weight", l.rows(), rows, l.cols()));
          if (s > first) {
            out.add(new Product(l.name(), "grad_input", rows, l.rows(), l.cols()));
          }
        }
      }
    }
    return out;
  }

  public Architecture architecture() {
    return arch;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public Kernels kernels() {
    return kernels;
  }

  public int maxBatch() {
    return maxBatch;
  }

  /** Phi_A's logits (before the loss's sigmoid or softmax) for {@code batch} inputs; a fresh copy. */
  public float[] logits(float[] params, float[] x, int xOff, int batch) {
    segment = batch;
    forward(params, x, xOff, batch);
    return Arrays.copyOf(h[stages.length], batch * dims[stages.length]);
  }

  /**
   * One mini-batch: forward pass and loss, added to {@code tally}; when {@code grad} is not null, also the
   * backward pass, adding {@code weight} times the gradient of the mini-batch's mean loss to {@code grad}.
   */
  public void step(float[] params, float[] x, int xOff, float[] y, int yOff, int batch,
      float[] grad, float weight, LossTally tally) {
    step(params, x, xOff, y, yOff, batch, batch, grad, weight, tally);
  }

  /**
   * {@code rows} samples taken as consecutive mini-batches of {@code segment} samples (the last may be
   * shorter): the same as calling the one-mini-batch {@link #step} on each in turn, with one tally entry
   * and {@code weight} times its mean-loss gradient per mini-batch.
   */
  public void step(float[] params, float[] x, int xOff, float[] y, int yOff, int rows, int segment,
      float[] grad, float weight, LossTally tally) {
    if (segment < 1) {
      throw new IllegalArgumentException("mini-batch size must be positive: " + segment);
    }
    this.segment = segment;
    forward(params, x, xOff, rows);
    loss(y, yOff, rows, weight, grad != null, tally);
    if (grad != null) {
      backward(params, rows, grad);
    }
  }

  /** The mini-batch size of the current step; batch norm and the loss work per mini-batch. */
  private int segment = Integer.MAX_VALUE;

  private void forward(float[] params, float[] x, int xOff, int batch) {
    if (batch < 1 || batch > maxBatch) {
      throw new IllegalArgumentException("batch of " + batch + " outside 1.." + maxBatch);
    }
    int in = dims[0];
    float shift = arch.inputShift();
    float[] h0 = h[0];
    for (int i = 0; i < batch * in; i++) {
      h0[i] = x[xOff + i] + shift;
    }
    for (int s = 0; s < stages.length; s++) {
      float[] src = h[s];
      float[] dst = h[s + 1];
      int len = batch * dims[s];
      Stage st = stages[s];
      if (st instanceof Linear l) {
        if (leakyReluAt(s + 1)) {
          // The activation applied by the product's threads to each part of Y as it is finished.
          kernels.gemmLeakyRelu(false, true, batch, l.rows(), l.cols(), src, 0, l.cols(), params, paramOffset[s],
              l.cols(), dst, 0, l.rows(), Activation.LEAKY_SLOPE, h[s + 2], 0);
          s++;
        } else {
          kernels.gemm(false, true, batch, l.rows(), l.cols(),
              src, 0, l.cols(), params, paramOffset[s], l.cols(), 0f, dst, 0, l.rows());
        }
      } else if (st instanceof Activation a) {
        activate(a.kind(), src, dst, len);
      } else {
        normForward(s, (BatchNorm) st, params, batch);
      }
    }
  }

  /** Whether stage s is a leaky ReLU (which the product before it applies, forward and backward). */
  private boolean leakyReluAt(int s) {
    return s >= 0 && s < stages.length && stages[s] instanceof Activation a && a.kind() == Activation.Kind.LEAKY_RELU;
  }

  private void activate(Activation.Kind kind, float[] src, float[] dst, int len) {
    switch (kind) {
      case LEAKY_RELU -> kernels.leakyRelu(Activation.LEAKY_SLOPE, src, 0, dst, 0, len);
      case TANH -> {
        for (int i = 0; i < len; i++) {
          dst[i] = (float) StrictMath.tanh(src[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < len; i++) {
          dst[i] = (float) sigmoid(src[i]);
        }
      }
    }
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1 + StrictMath.exp(z));
  }

  private void normForward(int s, BatchNorm b, float[] params, int rows) {
    float[] x = h[s];
    float[] y = h[s + 1];
    float[] xhat = normalised[s];
    int c = b.channels();
    int p = b.positions();
    int width = c * p;
    int off = paramOffset[s];
    for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
      int to = Math.min(rows, from + segment);
      double count = (double) (to - from) * p;
      for (int ch = 0; ch < c; ch++) {
        double sum = 0;
        for (int n = from; n < to; n++) {
          int base = n * width + ch * p;
          for (int q = 0; q < p; q++) {
            sum += x[base + q];
          }
        }
        double mean = sum / count;
        double var = 0;
        for (int n = from; n < to; n++) {
          int base = n * width + ch * p;
          for (int q = 0; q < p; q++) {
            double d = x[base + q] - mean;
            var += d * d;
          }
        }
        double inv = 1 / Math.sqrt(var / count + BatchNorm.EPS);
        invStd[s][seg * c + ch] = inv;
        float gamma = params[off + ch];
        float beta = params[off + c + ch];
        for (int n = from; n < to; n++) {
          int base = n * width + ch * p;
          for (int q = 0; q < p; q++) {
            float xn = (float) ((x[base + q] - mean) * inv);
            xhat[base + q] = xn;
            y[base + q] = gamma * xn + beta;
          }
        }
      }
    }
  }

  private void loss(float[] y, int yOff, int rows, float weight, boolean wantGrad, LossTally tally) {
    for (int from = 0; from < rows; from += segment) {
      segmentLoss(y, yOff, from, Math.min(rows, from + segment), weight, wantGrad, tally);
    }
  }

  /** The mean loss of samples from..to (one mini-batch), and weight times its gradient in g. */
  private void segmentLoss(float[] y, int yOff, int from, int to, float weight, boolean wantGrad, LossTally tally) {
    int n = stages.length;
    float[] z = h[n];
    float[] dz = g[n];
    int width = dims[n];
    int batch = to - from;
    double lossSum = 0;
    double correct = 0;
    long entries;
    double scale = (double) weight / batch;
    Loss lossFn = arch.loss();
    if (lossFn instanceof Loss.SigmoidBce bce) {
      double perPosition = 1.0 / bce.positions();
      for (int i = from * width; i < to * width; i++) {
        double zi = z[i];
        double yi = y[yOff + i];
        lossSum += perPosition * (Math.max(zi, 0) - zi * yi + StrictMath.log1p(StrictMath.exp(-Math.abs(zi))));
        if ((zi > 0) == (yi > 0.5)) {
          correct++;
        }
        if (wantGrad) {
          dz[i] = (float) (scale * perPosition * (sigmoid(zi) - yi));
        }
      }
      entries = (long) batch * width;
    } else {
      for (int s = from; s < to; s++) {
        int base = s * width;
        double max = Double.NEGATIVE_INFINITY;
        int argmax = 0;
        int label = 0;
        for (int c = 0; c < width; c++) {
          if (z[base + c] > max) {
            max = z[base + c];
            argmax = c;
          }
          if (y[yOff + base + c] > y[yOff + base + label]) {
            label = c;
          }
        }
        double sumExp = 0;
        for (int c = 0; c < width; c++) {
          sumExp += StrictMath.exp(z[base + c] - max);
        }
        double lse = max + StrictMath.log(sumExp);
        double mass = 0;
        for (int c = 0; c < width; c++) {
          double yc = y[yOff + base + c];
          lossSum += yc * (lse - z[base + c]);
          mass += yc;
        }
        if (argmax == label) {
          correct++;
        }
        if (wantGrad) {
          for (int c = 0; c < width; c++) {
            double p = StrictMath.exp(z[base + c] - lse);
            dz[base + c] = (float) (scale * (mass * p - y[yOff + base + c]));
          }
        }
      }
      entries = batch;
    }
    tally.addBatch(lossSum / batch, correct, entries);
  }

  private void backward(float[] params, int batch, float[] grad) {
    for (int s = stages.length - 1; s >= firstParameterStage; s--) {
      float[] dOut = g[s + 1];
      float[] dIn = g[s];
      boolean needInput = s > firstParameterStage;
      int len = batch * dims[s];
      Stage st = stages[s];
      if (st instanceof Linear l) {
        {
          kernels.gemm(true, false, l.rows(), l.cols(), batch,
              dOut, 0, l.rows(), h[s], 0, l.cols(), 1f, grad, paramOffset[s], l.cols());
          if (needInput && leakyReluAt(s - 1)) {
            // The leaky ReLU before this layer passes the gradient back part by part, as the product finishes it
            // (that stage is after the first with parameters, so it needs its input gradient too).
            kernels.gemmLeakyReluBackward(false, false, batch, l.cols(), l.rows(), dOut, 0, l.rows(), params,
                paramOffset[s], l.cols(), dIn, 0, l.cols(), Activation.LEAKY_SLOPE, h[s - 1], 0, g[s - 1], 0);
            s--;
          } else if (needInput) {
            kernels.gemm(false, false, batch, l.cols(), l.rows(),
                dOut, 0, l.rows(), params, paramOffset[s], l.cols(), 0f, dIn, 0, l.cols());
          }
        }
      } else if (st instanceof Activation a) {
        if (needInput) {
          activationBackward(a.kind(), s, dOut, dIn, len);
        }
      } else {
        normBackward(s, (BatchNorm) st, params, batch, grad, needInput);
      }
    }
  }

  private void activationBackward(Activation.Kind kind, int s, float[] dOut, float[] dIn, int len) {
    switch (kind) {
      case LEAKY_RELU -> kernels.leakyReluBackward(Activation.LEAKY_SLOPE, h[s], 0, dOut, 0, dIn, 0, len);
      case TANH -> {
        float[] y = h[s + 1];
        for (int i = 0; i < len; i++) {
          dIn[i] = dOut[i] * (1 - y[i] * y[i]);
        }
      }
      case SIGMOID -> {
        float[] y = h[s + 1];
        for (int i = 0; i < len; i++) {
          dIn[i] = dOut[i] * y[i] * (1 - y[i]);
        }
      }
    }
  }

  private void normBackward(int s, BatchNorm b, float[] params, int rows, float[] grad, boolean needInput) {
    float[] dy = g[s + 1];
    float[] dx = g[s];
    float[] xhat = normalised[s];
    int c = b.channels();
    int p = b.positions();
    int width = c * p;
    int off = paramOffset[s];
    for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
      int to = Math.min(rows, from + segment);
      double count = (double) (to - from) * p;
      for (int ch = 0; ch < c; ch++) {
        double sumDy = 0;
        double sumDyX = 0;
        for (int n = from; n < to; n++) {
          int base = n * width + ch * p;
          for (int q = 0; q < p; q++) {
            sumDy += dy[base + q];
            sumDyX += (double) dy[base + q] * xhat[base + q];
          }
        }
        grad[off + ch] += (float) sumDyX;
        grad[off + c + ch] += (float) sumDy;
        if (!needInput) {
          continue;
        }
        double k = params[off + ch] * invStd[s][seg * c + ch];
        double meanDy = sumDy / count;
        double meanDyX = sumDyX / count;
        for (int n = from; n < to; n++) {
          int base = n * width + ch * p;
          for (int q = 0; q < p; q++) {
            dx[base + q] = (float) (k * (dy[base + q] - meanDy - xhat[base + q] * meanDyX));
          }
        }
      }
    }
  }
}
