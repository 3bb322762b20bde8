package eqaug.hessian;

import eqaug.kernel.DoubleKernels;
import eqaug.nn.Activation;

/**
 * A pointwise non-linearity y = s(x) with its tangent and second-order passes:
 * <pre>
 *   forward      y = s(x)           backward        dx = s'(x) dy
 *   tangent   R{y} = s'(x) R{x}     second order R{dx} = s''(x) R{x} dy + s'(x) R{dy}
 * </pre>
 * with s' and s'' from y: tanh' = 1 - y^2, tanh'' = -2 y (1 - y^2); sigmoid' = y (1 - y),
 * sigmoid'' = y (1 - y)(1 - 2y); leaky ReLU' = 1 or the slope, and leaky ReLU'' = 0 away from the kink at 0
 * (the only point where the risk is not twice differentiable; {@link #kinkDistance} measures how far), so
 * there R{dx} = s'(x) R{dy}. Leaky ReLU, the paper's hidden non-linearity, runs on {@link DoubleKernels};
 * tanh and sigmoid stay scalar loops (StrictMath, identical everywhere).
 */
final class ActivationOp {
  private ActivationOp() {}

  static final double SLOPE = Activation.LEAKY_SLOPE;

  static void forward(DoubleKernels k, Activation.Kind kind, double[] x, double[] y, int len) {
    switch (kind) {
      case LEAKY_RELU -> k.leakyRelu(SLOPE, x, 0, x, 0, y, 0, len);
      case TANH -> {
        for (int i = 0; i < len; i++) {
          y[i] = StrictMath.tanh(x[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < len; i++) {
          y[i] = sigmoid(x[i]);
        }
      }
    }
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1 + StrictMath.exp(z));
  }

  /** s'(x) at entry i, from x (leaky ReLU) or y (the others). */
  private static double first(Activation.Kind kind, double x, double y) {
    return switch (kind) {
      case LEAKY_RELU -> x > 0 ? 1 : SLOPE;
      case TANH -> 1 - y * y;
      case SIGMOID -> y * (1 - y);
    };
  }

  private static double second(Activation.Kind kind, double y) {
    return switch (kind) {
      case LEAKY_RELU -> 0;
      case TANH -> -2 * y * (1 - y * y);
      case SIGMOID -> y * (1 - y) * (1 - 2 * y);
    };
  }

  static void tangent(DoubleKernels k, Activation.Kind kind, double[] x, double[] y, double[] rx, double[] ry,
      int len) {
    if (kind == Activation.Kind.LEAKY_RELU) {
      k.leakyRelu(SLOPE, x, 0, rx, 0, ry, 0, len);
      return;
    }
    for (int i = 0; i < len; i++) {
      ry[i] = first(kind, x[i], y[i]) * rx[i];
    }
  }

  static void backward(DoubleKernels k, Activation.Kind kind, double[] x, double[] y, double[] dy, double[] dx,
      int len) {
    if (kind == Activation.Kind.LEAKY_RELU) {
      k.leakyRelu(SLOPE, x, 0, dy, 0, dx, 0, len);
      return;
    }
    for (int i = 0; i < len; i++) {
      dx[i] = first(kind, x[i], y[i]) * dy[i];
    }
  }

  static void secondOrder(DoubleKernels k, Activation.Kind kind, double[] x, double[] y, double[] rx,
      double[] dy, double[] rdy, double[] rdx, int len) {
    if (kind == Activation.Kind.LEAKY_RELU) {
      k.leakyRelu(SLOPE, x, 0, rdy, 0, rdx, 0, len);
      return;
    }
    for (int i = 0; i < len; i++) {
      rdx[i] = second(kind, y[i]) * rx[i] * dy[i] + first(kind, x[i], y[i]) * rdy[i];
    }
  }

  /**
   * min over entries of |x| / |R{x}|: the step t along v below which no leaky-ReLU input changes sign to first
   * order (infinite when R{x} is zero everywhere). A finite-difference check is meaningful only well below it.
   */
  static double kinkDistance(DoubleKernels k, double[] x, double[] rx, int len) {
    return k.kinkDistance(x, 0, rx, 0, len);
  }
}
