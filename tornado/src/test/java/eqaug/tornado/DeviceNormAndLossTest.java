package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.nn.BatchNorm;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The work-group kernels of batch norm and of the losses against a reference in double that follows
 * eqaug.nn.Network#normForward, #normBackward and #segmentLoss line by line, at awkward sizes: a shorter last
 * mini-batch, a mini-batch of one sample, a mini-batch longer than the rows, positions 1 and 196, channels 1,
 * 2, 32 and 64, mini-batches of more and fewer values than a work-group, parameter and tally offsets.
 */
class DeviceNormAndLossTest {
  private static ClContext ctx;
  private static DeviceKernels k;
  private final SplittableRandom rng = new SplittableRandom(7);

  @BeforeAll
  static void open() {
    ctx = new ClContext(TestDevice.get());
    k = new DeviceKernels(ctx);
  }

  @AfterAll
  static void close() {
    ctx.close();
  }

  /** {channels, positions, rows, segment}. */
  private static final int[][] NORM_SHAPES = {
      {1, 1, 7, 3}, {2, 196, 53, 25}, {2, 196, 10, 25}, {32, 196, 27, 25}, {64, 1, 250, 25}, {64, 3, 101, 100},
      {1, 196, 250, 25}, {2, 1, 5, 1}};

  @Test
  void batchNormForwardMatchesCpu() {
    for (int[] s : NORM_SHAPES) {
      checkNormForward(s[0], s[1], s[2], s[3]);
    }
  }

  @Test
  void batchNormBackwardMatchesCpu() {
    for (int[] s : NORM_SHAPES) {
      checkNormBackward(s[0], s[1], s[2], s[3], true);
      checkNormBackward(s[0], s[1], s[2], s[3], false);
    }
  }

  private void checkNormForward(int c, int p, int rows, int segment) {
    String what = "bn forward c " + c + " p " + p + " rows " + rows + " segment " + segment;
    int len = rows * c * p;
    int off = 5;
    float[] x = random(len, 3, 0.7);
    float[] params = random(off + 2 * c + 3, 1, 0.5);
    Norm ref = normForward(x, params, off, c, p, rows, segment);
    int segs = (rows + segment - 1) / segment;
    try (ClBuffer dx = upload("x", x); ClBuffer dy = ctx.buffer("y", 4L * len); ClBuffer dxhat = ctx.buffer("xhat", 4L * len);
         ClBuffer dinv = ctx.buffer("invStd", (long) k.accBytes() * segs * c); ClBuffer dp = upload("params", params)) {
      k.bnForward(dx, dy, dxhat, dinv, dp, off, c, p, rows, segment);
      all(ref.xhat, dxhat.readFloats(0, len), 1e-5, what + " xhat");
      all(ref.y, dy.readFloats(0, len), 1e-5, what + " y");
      double[] inv = k.readAcc(dinv, segs * c);
      for (int i = 0; i < inv.length; i++) {
        near(ref.invStd[i], inv[i], k.fp64() ? 1e-9 : 1e-4, what + " invStd " + i);
      }
    }
  }

  private void checkNormBackward(int c, int p, int rows, int segment, boolean needInput) {
    String what = "bn backward c " + c + " p " + p + " rows " + rows + " segment " + segment + " needInput " + needInput;
    int len = rows * c * p;
    int off = 3;
    float[] x = random(len, 2, -0.4);
    float[] params = random(off + 2 * c + 2, 1, 0.5);
    Norm fwd = normForward(x, params, off, c, p, rows, segment);
    float[] dyv = random(len, 1, 0.1);
    float[] grad = random(off + 2 * c + 2, 1, 0);
    float[] expectedGrad = grad.clone();
    float[] expectedDx = new float[len];
    Arrays.fill(expectedDx, Float.NaN);
    normBackward(dyv, expectedDx, fwd.xhat, fwd.invStd, params, expectedGrad, off, c, p, rows, segment, needInput);
    int segs = (rows + segment - 1) / segment;
    float[] nan = new float[len];
    Arrays.fill(nan, Float.NaN);
    try (ClBuffer ddy = upload("dy", dyv); ClBuffer ddx = upload("dx", nan); ClBuffer dxhat = upload("xhat", fwd.xhat);
         ClBuffer dinv = ctx.buffer("invStd", (long) k.accBytes() * segs * c); ClBuffer dp = upload("params", params);
         ClBuffer dgrad = upload("grad", grad); ClBuffer sums = ctx.buffer("sums", k.bnSumsBytes(c, segs))) {
      k.writeAcc(dinv, fwd.invStd);
      k.bnBackward(ddy, ddx, dxhat, dinv, dp, dgrad, sums, off, c, p, rows, segment, needInput);
      float[] dx = ddx.readFloats(0, len);
      if (needInput) {
        all(expectedDx, dx, 1e-5, what + " dx");
      } else {
        for (int i = 0; i < len; i++) {
          assertTrue(Float.isNaN(dx[i]), what + ": dx written at " + i);
        }
      }
      all(expectedGrad, dgrad.readFloats(0, grad.length), 1e-5, what + " grad");
    }
  }

  /** {width, positions, rows, segment}: masks of 2 x 196, one logit, one channel of 7. */
  private static final int[][] BCE_SHAPES = {{392, 196, 53, 25}, {392, 196, 10, 25}, {1, 1, 7, 3}, {1, 1, 300, 300},
      {7, 7, 26, 1}, {392, 196, 250, 25}};

  @Test
  void bceLossMatchesCpu() {
    for (int[] s : BCE_SHAPES) {
      for (boolean wantGrad : new boolean[] {true, false}) {
        int width = s[0];
        int rows = s[2];
        float[] y = new float[4 + rows * width];
        for (int i = 0; i < y.length; i++) {
          int r = rng.nextInt(4);
          y[i] = r == 0 ? 0.3f : r == 1 ? 1f : 0f;
        }
        checkLoss(true, width, s[1], rows, s[3], random(rows * width, 12, 0), y, 4, wantGrad);
      }
    }
  }

  /** {classes, rows, segment}: more samples than a work-group in one mini-batch, one class. */
  private static final int[][] SOFTMAX_SHAPES = {{10, 53, 25}, {10, 600, 300}, {3, 7, 3}, {1, 5, 2}, {10, 250, 25}};

  @Test
  void softmaxLossMatchesCpu() {
    for (int[] s : SOFTMAX_SHAPES) {
      for (boolean wantGrad : new boolean[] {true, false}) {
        int width = s[0];
        int rows = s[1];
        float[] y = new float[2 + rows * width];
        for (int r = 0; r < rows; r++) {
          y[2 + r * width + rng.nextInt(width)] = 1f;
        }
        float[] z = random(rows * width, 6, 0);
        // Ties in the logits: the first maximum is the prediction.
        if (width > 1) {
          z[1] = z[0];
        }
        checkLoss(false, width, 0, rows, s[2], z, y, 2, wantGrad);
      }
    }
  }

  private void checkLoss(boolean bce, int width, int positions, int rows, int segment, float[] z, float[] y, int yOff,
      boolean wantGrad) {
    String what = (bce ? "bce" : "softmax") + " width " + width + " rows " + rows + " segment " + segment
        + " wantGrad " + wantGrad;
    int segs = (rows + segment - 1) / segment;
    int tallyBase = 3;
    float weight = 0.37f;
    float[] expectedDz = new float[rows * width];
    Arrays.fill(expectedDz, Float.NaN);
    double[] expectedTally = new double[2 * (tallyBase + segs)];
    for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
      double[] t = segmentLoss(bce, z, expectedDz, y, yOff, width, positions, from, Math.min(rows, from + segment),
          weight, wantGrad);
      expectedTally[2 * (tallyBase + seg)] = t[0];
      expectedTally[2 * (tallyBase + seg) + 1] = t[1];
    }
    float[] nan = new float[rows * width];
    Arrays.fill(nan, Float.NaN);
    try (ClBuffer dz = upload("z", z); ClBuffer dy = upload("y", y); ClBuffer ddz = upload("dz", nan);
         ClBuffer tally = ctx.buffer("tally", (long) k.accBytes() * expectedTally.length)) {
      k.writeAcc(tally, new double[expectedTally.length]);
      if (bce) {
        k.bceLoss(dz, dy, yOff, ddz, width, rows, segment, positions, weight, wantGrad, tally, tallyBase);
      } else {
        k.softmaxLoss(dz, dy, yOff, ddz, width, rows, segment, weight, wantGrad, tally, tallyBase);
      }
      double[] actual = k.readAcc(tally, expectedTally.length);
      for (int seg = 0; seg < tallyBase; seg++) {
        assertEquals(0.0, actual[2 * seg], what + ": tally written before tallyBase");
      }
      for (int seg = 0; seg < segs; seg++) {
        int e = tallyBase + seg;
        near(expectedTally[2 * e], actual[2 * e], k.fp64() ? 1e-9 : 1e-5, what + " mean loss of mini-batch " + seg);
        assertEquals(expectedTally[2 * e + 1], actual[2 * e + 1], what + " right predictions of mini-batch " + seg);
      }
      float[] got = ddz.readFloats(0, rows * width);
      if (wantGrad) {
        all(expectedDz, got, 1e-5, 1e-12, what + " dz");
      } else {
        for (int i = 0; i < got.length; i++) {
          assertTrue(Float.isNaN(got[i]), what + ": dz written at " + i);
        }
      }
    }
  }

  private record Norm(float[] y, float[] xhat, double[] invStd) {}

  /** eqaug.nn.Network#normForward. */
  private static Norm normForward(float[] x, float[] params, int off, int c, int p, int rows, int segment) {
    int width = c * p;
    float[] y = new float[rows * width];
    float[] xhat = new float[rows * width];
    double[] invStd = new double[((rows + segment - 1) / segment) * c];
    for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
      int to = Math.min(rows, from + segment);
      double count = (double) (to - from) * p;
      for (int ch = 0; ch < c; ch++) {
        double sum = 0;
        for (int n = from; n < to; n++) {
          for (int q = 0; q < p; q++) {
            sum += x[n * width + ch * p + q];
          }
        }
        double mean = sum / count;
        double var = 0;
        for (int n = from; n < to; n++) {
          for (int q = 0; q < p; q++) {
            double d = x[n * width + ch * p + q] - mean;
            var += d * d;
          }
        }
        double inv = 1 / Math.sqrt(var / count + BatchNorm.EPS);
        invStd[seg * c + ch] = inv;
        float gamma = params[off + ch];
        float beta = params[off + c + ch];
        for (int n = from; n < to; n++) {
          for (int q = 0; q < p; q++) {
            int i = n * width + ch * p + q;
            float xn = (float) ((x[i] - mean) * inv);
            xhat[i] = xn;
            y[i] = gamma * xn + beta;
          }
        }
      }
    }
    return new Norm(y, xhat, invStd);
  }

  /** eqaug.nn.Network#normBackward. */
  private static void normBackward(float[] dy, float[] dx, float[] xhat, double[] invStd, float[] params, float[] grad,
      int off, int c, int p, int rows, int segment, boolean needInput) {
    int width = c * p;
    for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
      int to = Math.min(rows, from + segment);
      double count = (double) (to - from) * p;
      for (int ch = 0; ch < c; ch++) {
        double sumDy = 0;
        double sumDyX = 0;
        for (int n = from; n < to; n++) {
          for (int q = 0; q < p; q++) {
            int i = n * width + ch * p + q;
            sumDy += dy[i];
            sumDyX += (double) dy[i] * xhat[i];
          }
        }
        grad[off + ch] += (float) sumDyX;
        grad[off + c + ch] += (float) sumDy;
        if (!needInput) {
          continue;
        }
        double kk = params[off + ch] * invStd[seg * c + ch];
        double meanDy = sumDy / count;
        double meanDyX = sumDyX / count;
        for (int n = from; n < to; n++) {
          for (int q = 0; q < p; q++) {
            int i = n * width + ch * p + q;
            dx[i] = (float) (kk * (dy[i] - meanDy - xhat[i] * meanDyX));
          }
        }
      }
    }
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** eqaug.nn.Network#segmentLoss: {mean loss, right predictions} of samples from..to. */
  private static double[] segmentLoss(boolean bce, float[] z, float[] dz, float[] y, int yOff, int width, int positions,
      int from, int to, float weight, boolean wantGrad) {
    int batch = to - from;
    double lossSum = 0;
    double correct = 0;
    double scale = (double) weight / batch;
    if (bce) {
      double perPosition = 1.0 / positions;
      for (int i = from * width; i < to * width; i++) {
        double zi = z[i];
        double yi = y[yOff + i];
        lossSum += perPosition * (Math.max(zi, 0) - zi * yi + Math.log1p(Math.exp(-Math.abs(zi))));
        if ((zi > 0) == (yi > 0.5)) {
          correct++;
        }
        if (wantGrad) {
          dz[i] = (float) (scale * perPosition * (sigmoid(zi) - yi));
        }
      }
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
          sumExp += Math.exp(z[base + c] - max);
        }
        double lse = max + Math.log(sumExp);
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
            double pc = Math.exp(z[base + c] - lse);
            dz[base + c] = (float) (scale * (mass * pc - y[yOff + base + c]));
          }
        }
      }
    }
    return new double[] {lossSum / batch, correct};
  }

  /** n values uniform in [shift - spread, shift + spread]. */
  private float[] random(int n, double spread, double shift) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (shift + spread * (rng.nextDouble() * 2 - 1));
    }
    return v;
  }

  private static ClBuffer upload(String name, float[] v) {
    ClBuffer b = ctx.buffer(name, 4L * Math.max(1, v.length));
    b.write(v);
    return b;
  }

  /** Each value within tol of the reference, relative to max(1, |reference|). */
  private static void all(float[] expected, float[] actual, double tol, String what) {
    all(expected, actual, tol, 1, what);
  }

  /** Each value within tol of the reference, relative to max(floor, |reference|). */
  private static void all(float[] expected, float[] actual, double tol, double floor, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      assertTrue(Math.abs(e - a) <= tol * Math.max(floor, Math.abs(e)), what + " at " + i + ": cpu " + e + ", device " + a);
    }
  }

  private static void near(double expected, double actual, double tol, String what) {
    double scale = Math.max(1e-3, Math.max(Math.abs(expected), Math.abs(actual)));
    assertTrue(Math.abs(expected - actual) <= tol * scale, what + ": cpu " + expected + ", device " + actual);
  }
}
