package eqaug.hessian;

import eqaug.kernel.DoubleKernels;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;

/**
 * The network Phi_A of the paper's eq. (1) in double precision, with the exact Hessian-vector product of the
 * loss by forward-over-reverse differentiation (Pearlmutter's R-operator, R{f} = d/dt f(A + t v) at t = 0):
 * a forward pass carries every activation h and its tangent R{h}; the backward pass carries the gradients
 * dh and their R{dh}, and R{d params} is H v. The stages are {@link LinearOp}, {@link ActivationOp},
 * {@link BatchNormOp} and {@link LossOp}, each with its four passes side by side.
 *
 * <p>Samples are taken exactly as {@code eqaug.nn.Network} takes them: the input centred by the architecture's
 * shift, {@code rows} samples as consecutive mini-batches of {@code segment} (batch norm statistics and the
 * loss mean per mini-batch), each mini-batch's mean loss weighted by {@code weight}. Parameters use
 * {@link ParameterLayout}'s order. The matrix products and leaky ReLU run on {@link DoubleKernels} (Vector API
 * with a bit-identical scalar twin; the products split between the kernels' threads), whose fixed summation
 * order makes every result bitwise the same at any vector width and thread count. Not thread-safe: one pass
 * at a time.
 */
public final class Float64Network {
  private final Architecture arch;
  private final DoubleKernels kernels;
  private final ParameterLayout layout;
  private final int maxRows;
  private final Stage[] stages;
  private final int[] dims;
  private final int[] off;
  private final double[][] h;
  private final double[][] g;
  private final double[][] rh;
  private final double[][] rg;
  private final double[][] xh;
  private final double[][] rxh;
  private final double[][] invStd;
  private final double[][] rInvStd;
  private final int firstParam;
  /** Where a parameter gradient goes when only H v is asked for. */
  private final double[] discard;
  private double kinkDistance = Double.POSITIVE_INFINITY;

  /** Single-threaded, on {@link DoubleKernels#create}(1) (which holds no threads). */
  public Float64Network(Architecture arch, int maxRows) {
    this(arch, maxRows, DoubleKernels.create(1));
  }

  /**
   * On the given kernels, e.g. {@code DoubleKernels.create(threads)}; the caller keeps ownership (closes
   * them) and must not use them elsewhere during a pass. Results do not depend on which kernels.
   */
  public Float64Network(Architecture arch, int maxRows, DoubleKernels kernels) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("rows per pass must be positive: " + maxRows);
    }
    this.arch = arch;
    this.kernels = java.util.Objects.requireNonNull(kernels, "kernels");
    this.layout = ParameterLayout.of(arch);
    this.maxRows = maxRows;
    this.stages = arch.stages().toArray(new Stage[0]);
    int n = stages.length;
    dims = new int[n + 1];
    off = new int[n];
    h = new double[n + 1][];
    g = new double[n + 1][];
    rh = new double[n + 1][];
    rg = new double[n + 1][];
    xh = new double[n][];
    rxh = new double[n][];
    invStd = new double[n][];
    rInvStd = new double[n][];
    dims[0] = arch.input().dim();
    int first = -1;
    for (int s = 0; s < n; s++) {
      if (stages[s] instanceof Linear l) {
        dims[s + 1] = l.rows();
        off[s] = layout.layer(l).offset();
        first = first < 0 ? s : first;
      } else if (stages[s] instanceof BatchNorm b) {
        dims[s + 1] = dims[s];
        off[s] = layout.norm(b).offset();
        xh[s] = new double[maxRows * dims[s]];
        rxh[s] = new double[maxRows * dims[s]];
        invStd[s] = new double[maxRows * b.channels()];
        rInvStd[s] = new double[maxRows * b.channels()];
        first = first < 0 ? s : first;
      } else {
        dims[s + 1] = dims[s];
      }
    }
    firstParam = first;
    for (int s = 0; s <= n; s++) {
      h[s] = new double[maxRows * dims[s]];
      g[s] = new double[maxRows * dims[s]];
      rh[s] = new double[maxRows * dims[s]];
      rg[s] = new double[maxRows * dims[s]];
    }
    discard = new double[layout.size()];
  }

  public Architecture architecture() {
    return arch;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public int maxRows() {
    return maxRows;
  }

  /** The kernels this network runs on. */
  public DoubleKernels kernels() {
    return kernels;
  }

  /**
   * Doubles held by this network's buffers (activations, their tangents and gradients) and by its kernels'
   * packing space.
   */
  public long bufferDoubles() {
    long d = discard.length + kernels.scratchDoubles();
    for (int s = 0; s < stages.length; s++) {
      d += xh[s] == null ? 0 : 2L * xh[s].length + 2L * invStd[s].length;
    }
    for (int s = 0; s <= stages.length; s++) {
      d += 4L * h[s].length;
    }
    return d;
  }

  /**
   * Since the last pass with a direction: min |x| / |R{x}| over all leaky-ReLU inputs, the parameter step
   * along v below which no kink is crossed to first order (infinite without leaky ReLU).
   */
  public double kinkDistance() {
    return kinkDistance;
  }

  /**
   * The network's outputs (logits) of the first {@code rows} samples of the last pass, sample-major, into
   * {@code dst}: what a caller needs to score predictions (the float64 trainer's accuracy).
   */
  public void copyOutputs(int rows, double[] dst) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows " + rows + " outside 0.." + maxRows);
    }
    System.arraycopy(h[stages.length], 0, dst, 0, rows * dims[stages.length]);
  }

  /**
   * One step over {@code rows} samples taken as mini-batches of {@code segment}: returns the sum of the
   * mini-batch mean losses; adds weight times each mini-batch's mean-loss gradient to {@code grad} (if not
   * null) and weight times its Hessian times {@code v} to {@code hv} (if not null; then v is required).
   */
  public double pass(double[] params, double[] v, float[] x, int xOff, float[] y, int yOff, int rows,
      int segment, double weight, double[] grad, double[] hv) {
    if (rows < 1 || rows > maxRows) {
      throw new IllegalArgumentException("rows " + rows + " outside 1.." + maxRows);
    }
    if (segment < 1) {
      throw new IllegalArgumentException("mini-batch size must be positive: " + segment);
    }
    boolean second = hv != null;
    if (second && v == null) {
      throw new IllegalArgumentException("a Hessian-vector product needs a direction");
    }
    boolean backward = grad != null || second;
    double[] gradOut = grad != null ? grad : discard;
    forward(params, second ? v : null, x, xOff, rows, segment);
    double loss = loss(y, yOff, rows, segment, weight, backward, second);
    if (backward) {
      backward(params, v, rows, segment, gradOut, hv);
    }
    return loss;
  }

  private void forward(double[] params, double[] v, float[] x, int xOff, int rows, int segment) {
    double shift = arch.inputShift();
    double[] h0 = h[0];
    for (int i = 0; i < rows * dims[0]; i++) {
      h0[i] = x[xOff + i] + shift;
    }
    if (v != null) {
      kinkDistance = Double.POSITIVE_INFINITY;
    }
    for (int s = 0; s < stages.length; s++) {
      int len = rows * dims[s];
      if (stages[s] instanceof Linear l) {
        LinearOp.forward(kernels, h[s], params, off[s], rows, l.cols(), l.rows(), h[s + 1]);
        if (v != null) {
          LinearOp.tangent(kernels, h[s], rh[s], s <= firstParam, params, v, off[s], rows, l.cols(), l.rows(),
              rh[s + 1]);
        }
      } else if (stages[s] instanceof Activation a) {
        ActivationOp.forward(kernels, a.kind(), h[s], h[s + 1], len);
        if (v != null) {
          ActivationOp.tangent(kernels, a.kind(), h[s], h[s + 1], rh[s], rh[s + 1], len);
          if (a.kind() == Activation.Kind.LEAKY_RELU) {
            kinkDistance = Math.min(kinkDistance, ActivationOp.kinkDistance(kernels, h[s], rh[s], len));
          }
        }
      } else {
        BatchNorm b = (BatchNorm) stages[s];
        for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
          int to = Math.min(rows, from + segment);
          BatchNormOp.forward(b, h[s], h[s + 1], xh[s], invStd[s], params, off[s], from, to, seg);
          if (v != null) {
            BatchNormOp.tangent(b, xh[s], invStd[s], rh[s], rxh[s], rInvStd[s], rh[s + 1], params, v, off[s],
                from, to, seg);
          }
        }
      }
    }
  }

  private double loss(float[] y, int yOff, int rows, int segment, double weight, boolean grad, boolean second) {
    int n = stages.length;
    int width = dims[n];
    double total = 0;
    for (int from = 0; from < rows; from += segment) {
      int to = Math.min(rows, from + segment);
      double scale = weight / (to - from);
      if (arch.loss() instanceof Loss.SigmoidBce bce) {
        total += LossOp.sigmoidBce(h[n], y, yOff, from, to, width, bce.positions(), scale, grad ? g[n] : null);
        if (second) {
          LossOp.sigmoidBceSecondOrder(h[n], rh[n], from, to, width, bce.positions(), scale, rg[n]);
        }
      } else {
        total += LossOp.softmaxCrossEntropy(h[n], y, yOff, from, to, width, scale, grad ? g[n] : null);
        if (second) {
          LossOp.softmaxCrossEntropySecondOrder(h[n], y, yOff, rh[n], from, to, width, scale, rg[n]);
        }
      }
    }
    return total;
  }

  private void backward(double[] params, double[] v, int rows, int segment, double[] grad, double[] hv) {
    boolean second = hv != null;
    // Only batch norm reads the parameter gradient's sums back (for dx); a linear layer's gradient product
    // is skipped when nobody asked for it (a Hessian-vector product alone).
    double[] linearGrad = grad == discard ? null : grad;
    for (int s = stages.length - 1; s >= firstParam; s--) {
      boolean needInput = s > firstParam;
      int len = rows * dims[s];
      if (stages[s] instanceof Linear l) {
        // R{dx} reads dy, so it is computed before anything overwrites; dx and R{dx} are separate buffers.
        if (second) {
          LinearOp.secondOrder(kernels, g[s + 1], rg[s + 1], h[s], rh[s], s <= firstParam, params, v, off[s], rows,
              l.cols(), l.rows(), hv, needInput ? rg[s] : null);
        }
        LinearOp.backward(kernels, g[s + 1], h[s], params, off[s], rows, l.cols(), l.rows(), linearGrad,
            needInput ? g[s] : null);
      } else if (stages[s] instanceof Activation a) {
        if (needInput) {
          if (second) {
            ActivationOp.secondOrder(kernels, a.kind(), h[s], h[s + 1], rh[s], g[s + 1], rg[s + 1], rg[s], len);
          }
          ActivationOp.backward(kernels, a.kind(), h[s], h[s + 1], g[s + 1], g[s], len);
        }
      } else {
        BatchNorm b = (BatchNorm) stages[s];
        for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
          int to = Math.min(rows, from + segment);
          if (second) {
            BatchNormOp.secondOrder(b, g[s + 1], rg[s + 1], xh[s], rxh[s], invStd[s], rInvStd[s], params, v,
                off[s], from, to, seg, hv, needInput ? rg[s] : null);
          }
          BatchNormOp.backward(b, g[s + 1], xh[s], invStd[s], params, off[s], from, to, seg, grad,
              needInput ? g[s] : null);
        }
      }
    }
  }
}
