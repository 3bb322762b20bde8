package eqaug.hessian;

/**
 * The two losses on the logits z of one mini-batch (samples from..to), as {@code eqaug.nn.Loss} defines them,
 * with the gradient and the second-order pass R{dz} = (d^2 l / dz^2) R{z}, each scaled by {@code scale}
 * (the weight of the mini-batch's mean loss divided by its size):
 * <pre>
 *   sigmoid BCE, per entry (1/P):  l = max(z,0) - z y + log(1 + e^-|z|),  dl/dz = s - y,  d2l/dz2 = s (1 - s)
 *   softmax CE, per sample:        l = sum_c y_c (lse(z) - z_c),  dl/dz = |y| p - y,
 *                                  d2l/dz2 R{z} = |y| (p * R{z} - p <p, R{z}>)
 * </pre>
 * with s = sigmoid(z), p = softmax(z), |y| = sum_c y_c (1 for one-hot targets), P the positions per channel.
 */
final class LossOp {
  private LossOp() {}

  /** The mini-batch mean of the pixelwise BCE; dz = scale dl/dz unless dz is null. */
  static double sigmoidBce(double[] z, float[] y, int yOff, int from, int to, int width, int positions,
      double scale, double[] dz) {
    double per = 1.0 / positions;
    double sum = 0;
    for (int i = from * width; i < to * width; i++) {
      double zi = z[i];
      double yi = y[yOff + i];
      sum += per * (Math.max(zi, 0) - zi * yi + StrictMath.log1p(StrictMath.exp(-Math.abs(zi))));
      if (dz != null) {
        dz[i] = scale * per * (ActivationOp.sigmoid(zi) - yi);
      }
    }
    return sum / (to - from);
  }

  static void sigmoidBceSecondOrder(double[] z, double[] rz, int from, int to, int width, int positions,
      double scale, double[] rdz) {
    double per = 1.0 / positions;
    for (int i = from * width; i < to * width; i++) {
      double s = ActivationOp.sigmoid(z[i]);
      rdz[i] = scale * per * s * (1 - s) * rz[i];
    }
  }

  /** The mini-batch mean of the softmax cross-entropy; dz = scale dl/dz unless dz is null. */
  static double softmaxCrossEntropy(double[] z, float[] y, int yOff, int from, int to, int width,
      double scale, double[] dz) {
    double sum = 0;
    for (int n = from; n < to; n++) {
      int base = n * width;
      double lse = logSumExp(z, base, width);
      double mass = 0;
      for (int c = 0; c < width; c++) {
        double yc = y[yOff + base + c];
        sum += yc * (lse - z[base + c]);
        mass += yc;
      }
      if (dz != null) {
        for (int c = 0; c < width; c++) {
          dz[base + c] = scale * (mass * StrictMath.exp(z[base + c] - lse) - y[yOff + base + c]);
        }
      }
    }
    return sum / (to - from);
  }

  static void softmaxCrossEntropySecondOrder(double[] z, float[] y, int yOff, double[] rz, int from, int to,
      int width, double scale, double[] rdz) {
    for (int n = from; n < to; n++) {
      int base = n * width;
      double lse = logSumExp(z, base, width);
      double mass = 0;
      double pr = 0;
      for (int c = 0; c < width; c++) {
        mass += y[yOff + base + c];
        pr += StrictMath.exp(z[base + c] - lse) * rz[base + c];
      }
      for (int c = 0; c < width; c++) {
        double pc = StrictMath.exp(z[base + c] - lse);
        rdz[base + c] = scale * mass * pc * (rz[base + c] - pr);
      }
    }
  }

  private static double logSumExp(double[] z, int base, int width) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < width; c++) {
      max = Math.max(max, z[base + c]);
    }
    double s = 0;
    for (int c = 0; c < width; c++) {
      s += StrictMath.exp(z[base + c] - max);
    }
    return max + StrictMath.log(s);
  }
}
