package eqaug.paper;

import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;
import java.util.BitSet;

/**
 * A plain double-precision evaluation of the mini-batch mean loss of an {@link Architecture}, written from
 * the paper's eq. (1) and App. C independently of {@code Network}: centring, dense matrix-vector products,
 * pointwise activations (leaky ReLU slope 0.01), batch norm with batch statistics per channel (biased
 * variance, eps 1e-5), then sigmoid + BCE (mean over positions, sum over channels) or softmax + CE.
 * Only the parameter layout (where each weight lives) is taken from the code under test.
 */
final class DoubleReference {
  static final double LEAKY_SLOPE = 0.01;
  static final double BN_EPS = 1e-5;

  private final Architecture arch;
  private final ParameterLayout layout;

  DoubleReference(Architecture arch) {
    this.arch = arch;
    this.layout = ParameterLayout.of(arch);
  }

  /**
   * The mean loss over the batch at parameters p. When {@code signs} is not null, the sign of every
   * leaky-ReLU input is recorded in it (to detect a finite difference stepping over a kink).
   */
  double loss(double[] p, float[] x, float[] y, int batch, BitSet signs) {
    int dim = arch.input().dim();
    double[][] h = new double[batch][dim];
    for (int n = 0; n < batch; n++) {
      for (int i = 0; i < dim; i++) {
        h[n][i] = (double) x[n * dim + i] + arch.inputShift();
      }
    }
    int bit = 0;
    for (Stage st : arch.stages()) {
      if (st instanceof Linear l) {
        int off = layout.layer(l).offset();
        int rows = l.rows();
        int cols = l.cols();
        double[][] out = new double[batch][rows];
        for (int n = 0; n < batch; n++) {
          for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
              s += p[off + r * cols + c] * h[n][c];
            }
            out[n][r] = s;
          }
        }
        h = out;
      } else if (st instanceof Activation a) {
        for (int n = 0; n < batch; n++) {
          for (int i = 0; i < h[n].length; i++) {
            double v = h[n][i];
            switch (a.kind()) {
              case LEAKY_RELU -> {
                if (signs != null) {
                  signs.set(bit, v > 0);
                }
                bit++;
                h[n][i] = v > 0 ? v : LEAKY_SLOPE * v;
              }
              case TANH -> h[n][i] = Math.tanh(v);
              case SIGMOID -> h[n][i] = 1 / (1 + Math.exp(-v));
            }
          }
        }
      } else {
        BatchNorm b = (BatchNorm) st;
        int off = layout.norm(b).offset();
        int c = b.channels();
        int q = b.positions();
        for (int ch = 0; ch < c; ch++) {
          double mean = 0;
          for (int n = 0; n < batch; n++) {
            for (int k = 0; k < q; k++) {
              mean += h[n][ch * q + k];
            }
          }
          mean /= (double) batch * q;
          double var = 0;
          for (int n = 0; n < batch; n++) {
            for (int k = 0; k < q; k++) {
              double d = h[n][ch * q + k] - mean;
              var += d * d;
            }
          }
          var /= (double) batch * q;
          double gamma = p[off + ch];
          double beta = p[off + c + ch];
          for (int n = 0; n < batch; n++) {
            for (int k = 0; k < q; k++) {
              h[n][ch * q + k] = gamma * (h[n][ch * q + k] - mean) / Math.sqrt(var + BN_EPS) + beta;
            }
          }
        }
      }
    }
    int width = h[0].length;
    double total = 0;
    if (arch.loss() instanceof Loss.SigmoidBce bce) {
      for (int n = 0; n < batch; n++) {
        for (int i = 0; i < width; i++) {
          double s = 1 / (1 + Math.exp(-h[n][i]));
          double t = y[n * width + i];
          total += -(t * Math.log(s) + (1 - t) * Math.log(1 - s)) / bce.positions();
        }
      }
    } else {
      for (int n = 0; n < batch; n++) {
        double z = 0;
        for (int i = 0; i < width; i++) {
          z += Math.exp(h[n][i]);
        }
        for (int i = 0; i < width; i++) {
          double prob = Math.exp(h[n][i]) / z;
          total += -y[n * width + i] * Math.log(prob);
        }
      }
    }
    return total / batch;
  }
}
