package eqaug.hessian;

/**
 * A linear layer y = W x on {@code rows} samples (x rows x in, y rows x out, W out x in row-major at an offset
 * of the parameter vector), with its tangent and second-order passes (Pearlmutter's R-operator, R{.} the
 * directional derivative along the parameter direction v, whose block here is V):
 * <pre>
 *   forward       y = W x                      backward        dW += dy x^T,            dx = W^T dy
 *   tangent    R{y} = V x + W R{x}             second order R{dW} += R{dy} x^T + dy R{x}^T,
 *                                                           R{dx} = W^T R{dy} + V^T dy
 * </pre>
 * Arrays hold one sample per row, so "W x" for all samples is x W^T.
 */
final class LinearOp {
  private LinearOp() {}

  /** y = x W^T, given wt = W^T (in x out). */
  static void forward(double[] x, double[] wt, int rows, int in, int out, double[] y) {
    DoubleGemm.multiply(false, rows, out, in, x, 0, in, wt, 0, out, false, y, 0, out);
  }

  /** R{y} = x V^T + R{x} W^T; R{x} is skipped when it is known to be zero (the network's input). */
  static void tangent(double[] x, double[] rx, boolean rxZero, double[] wt, double[] vt,
      int rows, int in, int out, double[] ry) {
    DoubleGemm.multiply(false, rows, out, in, x, 0, in, vt, 0, out, false, ry, 0, out);
    if (!rxZero) {
      DoubleGemm.multiply(false, rows, out, in, rx, 0, in, wt, 0, out, true, ry, 0, out);
    }
  }

  /** grad[W] += dy^T x; dx = dy W unless dx is null. */
  static void backward(double[] dy, double[] x, double[] params, int off, int rows, int in, int out,
      double[] grad, double[] dx) {
    DoubleGemm.multiply(true, out, in, rows, dy, 0, out, x, 0, in, true, grad, off, in);
    if (dx != null) {
      DoubleGemm.multiply(false, rows, in, out, dy, 0, out, params, off, in, false, dx, 0, in);
    }
  }

  /** hv[W] += R{dy}^T x + dy^T R{x}; R{dx} = R{dy} W + dy V unless rdx is null. */
  static void secondOrder(double[] dy, double[] rdy, double[] x, double[] rx, boolean rxZero,
      double[] params, double[] v, int off, int rows, int in, int out, double[] hv, double[] rdx) {
    DoubleGemm.multiply(true, out, in, rows, rdy, 0, out, x, 0, in, true, hv, off, in);
    if (!rxZero) {
      DoubleGemm.multiply(true, out, in, rows, dy, 0, out, rx, 0, in, true, hv, off, in);
    }
    if (rdx != null) {
      DoubleGemm.multiply(false, rows, in, out, rdy, 0, out, params, off, in, false, rdx, 0, in);
      DoubleGemm.multiply(false, rows, in, out, dy, 0, out, v, off, in, true, rdx, 0, in);
    }
  }
}
