package eqaug.hessian;

import eqaug.nn.BatchNorm;

/**
 * Batch norm with batch statistics over one mini-batch (samples from..to), per channel over the samples and
 * the channel's positions (m values): mu = mean x, s = 1 / sqrt(mean (x - mu)^2 + eps), xh = (x - mu) s,
 * y = gamma xh + beta. With mean(.) over the m values of a channel:
 * <pre>
 *   tangent       R{s} = -s^2 mean(xh R{x}),   R{xh} = s (R{x} - mean R{x} - xh mean(xh R{x})),
 *                 R{y} = gamma R{xh} + v_gamma xh + v_beta
 *   backward      d gamma += sum dy xh,  d beta += sum dy,  dx = k (dy - a - xh b),
 *                 k = gamma s, a = mean dy, b = mean(dy xh)
 *   second order  R{d gamma} += sum (R{dy} xh + dy R{xh}),  R{d beta} += sum R{dy},
 *                 R{dx} = R{k} (dy - a - xh b) + k (R{dy} - R{a} - R{xh} b - xh R{b}),
 *                 R{k} = v_gamma s + gamma R{s},  R{a} = mean R{dy},  R{b} = mean(R{dy} xh + dy R{xh})
 * </pre>
 * Scale gamma at params[off + ch], shift beta at params[off + channels + ch] (as {@code ParameterLayout}).
 * Per-(mini-batch, channel) statistics are stored at index seg * channels + ch.
 */
final class BatchNormOp {
  private BatchNormOp() {}

  static void forward(BatchNorm b, double[] x, double[] y, double[] xh, double[] invStd, double[] params,
      int off, int from, int to, int seg) {
    int c = b.channels();
    int p = b.positions();
    int width = c * p;
    double m = (double) (to - from) * p;
    for (int ch = 0; ch < c; ch++) {
      double sum = 0;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          sum += x[q];
        }
      }
      double mu = sum / m;
      double var = 0;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          var += (x[q] - mu) * (x[q] - mu);
        }
      }
      double s = 1 / Math.sqrt(var / m + BatchNorm.EPS);
      invStd[seg * c + ch] = s;
      double gamma = params[off + ch];
      double beta = params[off + c + ch];
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          xh[q] = (x[q] - mu) * s;
          y[q] = gamma * xh[q] + beta;
        }
      }
    }
  }

  static void tangent(BatchNorm b, double[] xh, double[] invStd, double[] rx, double[] rxh, double[] rInvStd,
      double[] ry, double[] params, double[] v, int off, int from, int to, int seg) {
    int c = b.channels();
    int p = b.positions();
    int width = c * p;
    double m = (double) (to - from) * p;
    for (int ch = 0; ch < c; ch++) {
      double sumR = 0;
      double sumXR = 0;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          sumR += rx[q];
          sumXR += xh[q] * rx[q];
        }
      }
      double meanR = sumR / m;
      double meanXR = sumXR / m;
      double s = invStd[seg * c + ch];
      rInvStd[seg * c + ch] = -s * s * meanXR;
      double gamma = params[off + ch];
      double vGamma = v[off + ch];
      double vBeta = v[off + c + ch];
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          rxh[q] = s * (rx[q] - meanR - xh[q] * meanXR);
          ry[q] = gamma * rxh[q] + vGamma * xh[q] + vBeta;
        }
      }
    }
  }

  static void backward(BatchNorm b, double[] dy, double[] xh, double[] invStd, double[] params, int off,
      int from, int to, int seg, double[] grad, double[] dx) {
    int c = b.channels();
    int p = b.positions();
    int width = c * p;
    double m = (double) (to - from) * p;
    for (int ch = 0; ch < c; ch++) {
      double sumDy = 0;
      double sumDyX = 0;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          sumDy += dy[q];
          sumDyX += dy[q] * xh[q];
        }
      }
      grad[off + ch] += sumDyX;
      grad[off + c + ch] += sumDy;
      if (dx == null) {
        continue;
      }
      double k = params[off + ch] * invStd[seg * c + ch];
      double a = sumDy / m;
      double bb = sumDyX / m;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          dx[q] = k * (dy[q] - a - xh[q] * bb);
        }
      }
    }
  }

  static void secondOrder(BatchNorm b, double[] dy, double[] rdy, double[] xh, double[] rxh, double[] invStd,
      double[] rInvStd, double[] params, double[] v, int off, int from, int to, int seg, double[] hv,
      double[] rdx) {
    int c = b.channels();
    int p = b.positions();
    int width = c * p;
    double m = (double) (to - from) * p;
    for (int ch = 0; ch < c; ch++) {
      double sumDy = 0;
      double sumDyX = 0;
      double sumRdy = 0;
      double sumRb = 0;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          sumDy += dy[q];
          sumDyX += dy[q] * xh[q];
          sumRdy += rdy[q];
          sumRb += rdy[q] * xh[q] + dy[q] * rxh[q];
        }
      }
      hv[off + ch] += sumRb;
      hv[off + c + ch] += sumRdy;
      if (rdx == null) {
        continue;
      }
      double s = invStd[seg * c + ch];
      double gamma = params[off + ch];
      double k = gamma * s;
      double rk = v[off + ch] * s + gamma * rInvStd[seg * c + ch];
      double a = sumDy / m;
      double bb = sumDyX / m;
      double ra = sumRdy / m;
      double rb = sumRb / m;
      for (int n = from; n < to; n++) {
        for (int q = n * width + ch * p, e = q + p; q < e; q++) {
          rdx[q] = rk * (dy[q] - a - xh[q] * bb) + k * (rdy[q] - ra - rxh[q] * bb - xh[q] * rb);
        }
      }
    }
  }
}
