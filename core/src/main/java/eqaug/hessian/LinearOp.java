package eqaug.hessian;

import eqaug.kernel.DoubleKernels;

/**
 * A linear layer y = W x on {@code rows} samples (x rows x in, y rows x out, W out x in row-major at an offset
 * of the parameter vector), with its tangent and second-order passes (Pearlmutter's R-operator, R{.} the
 * directional derivative along the parameter direction v, whose block here is V):
 * <pre>
 *   forward       y = W x                      backward        dW += dy x^T,            dx = W^T dy
 *   tangent    R{y} = V x + W R{x}             second order R{dW} += R{dy} x^T + dy R{x}^T,
 *                                                           R{dx} = W^T R{dy} + V^T dy
 * </pre>
 * Arrays hold one sample per row, so "W x" for all samples is x W^T. The products run on {@link DoubleKernels}
 * (fixed summation order: the same bits at every vector width and thread count).
 */
final class LinearOp {
  private LinearOp() {}

  /** y = x W^T. */
  static void forward(DoubleKernels k, double[] x, double[] params, int off, int rows, int in, int out,
      double[] y) {
    k.gemm(false, true, rows, out, in, x, 0, in, params, off, in, 0, y, 0, out);
  }

  /** R{y} = x V^T + R{x} W^T; R{x} is skipped when it is known to be zero (the network's input). */
  static void tangent(DoubleKernels k, double[] x, double[] rx, boolean rxZero, double[] params, double[] v,
      int off, int rows, int in, int out, double[] ry) {
    k.gemm(false, true, rows, out, in, x, 0, in, v, off, in, 0, ry, 0, out);
    if (!rxZero) {
      k.gemm(false, true, rows, out, in, rx, 0, in, params, off, in, 1, ry, 0, out);
    }
  }

  /** grad[W] += dy^T x unless grad is null; dx = dy W unless dx is null. */
  static void backward(DoubleKernels k, double[] dy, double[] x, double[] params, int off, int rows, int in,
      int out, double[] grad, double[] dx) {
    if (grad != null) {
      k.gemm(true, false, out, in, rows, dy, 0, out, x, 0, in, 1, grad, off, in);
    }
    if (dx != null) {
      k.gemm(false, false, rows, in, out, dy, 0, out, params, off, in, 0, dx, 0, in);
    }
  }

  /** hv[W] += R{dy}^T x + dy^T R{x}; R{dx} = R{dy} W + dy V unless rdx is null. */
  static void secondOrder(DoubleKernels k, double[] dy, double[] rdy, double[] x, double[] rx, boolean rxZero,
      double[] params, double[] v, int off, int rows, int in, int out, double[] hv, double[] rdx) {
    k.gemm(true, false, out, in, rows, rdy, 0, out, x, 0, in, 1, hv, off, in);
    if (!rxZero) {
      k.gemm(true, false, out, in, rows, dy, 0, out, rx, 0, in, 1, hv, off, in);
    }
    if (rdx != null) {
      k.gemm(false, false, rows, in, out, rdy, 0, out, params, off, in, 0, rdx, 0, in);
      k.gemm(false, false, rows, in, out, dy, 0, out, v, off, in, 1, rdx, 0, in);
    }
  }
}
