package eqaug.train;

import java.util.Arrays;
import java.util.List;

/**
 * What is recorded of one run at one epoch (0 = A^0): for each linear layer ||A_k - A^0_k|| and
 * ||A_k - Pi_E A_k||, their totals over L, and the loss and accuracy on the (unaugmented) data set. Beside
 * them, for the noise model of the drift (docs/noise.md): ||Pi_E-perp grad_k||, the E-perp part of the gradient
 * the step from this epoch used (the sampled augmented gradient for AUGMENTED, before any penalty or projection;
 * NaN at the last epoch, which takes no step); the penalty weight γ, whose value γ/2 ||Pi_E-perp A||^2 is
 * {@link #penalty()}; and, in a paired run (common random numbers), ||Pi_E-perp (A_k - A'_k)|| against the twin
 * trajectory A' trained with the same draws from the other start (NaN when not paired).
 */
public record EpochRecord(
    int run, Strategy strategy, int epoch, double loss, double accuracy,
    List<String> layers, double[] distInit, double[] distE, double totalDistInit, double totalDistE,
    double[] gradDistE, double totalGradDistE, double penaltyWeight, double[] pairDistE, double totalPairDistE) {

  /** A record without gradient, penalty or pair measurements. */
  public EpochRecord(int run, Strategy strategy, int epoch, double loss, double accuracy, List<String> layers,
      double[] distInit, double[] distE, double totalDistInit, double totalDistE) {
    this(run, strategy, epoch, loss, accuracy, layers, distInit, distE, totalDistInit, totalDistE,
        nan(layers.size()), Double.NaN, 0, nan(layers.size()), Double.NaN);
  }

  static double[] nan(int n) {
    double[] v = new double[n];
    Arrays.fill(v, Double.NaN);
    return v;
  }

  /** The quantity the authors' Figure 1 plots as ||A_E-perp||: sqrt(sum_k ||A_k,E-perp||^4) (see DESIGN.md). */
  public double authorsDistE() {
    double s = 0;
    for (double d : distE) {
      s += d * d * d * d;
    }
    return Math.sqrt(s);
  }

  /** The penalty's value γ/2 ||Pi_E-perp A||^2 over all linear layers. */
  public double penalty() {
    return penaltyWeight / 2 * totalDistE * totalDistE;
  }

  /** The penalty's value on layer k alone. */
  public double penalty(int k) {
    return penaltyWeight / 2 * distE[k] * distE[k];
  }

  /** This record with the step's gradient measurement (squared per-layer norms of Pi_E-perp grad). */
  public EpochRecord withGradient(double[] gradDistESquared) {
    double[] g = new double[gradDistESquared.length];
    double sum = 0;
    for (int i = 0; i < g.length; i++) {
      sum += gradDistESquared[i];
      g[i] = Math.sqrt(gradDistESquared[i]);
    }
    return new EpochRecord(run, strategy, epoch, loss, accuracy, layers, distInit, distE, totalDistInit, totalDistE,
        g, Math.sqrt(sum), penaltyWeight, pairDistE, totalPairDistE);
  }

  /** This record with the penalty weight γ it trained under. */
  public EpochRecord withPenaltyWeight(double gamma) {
    return new EpochRecord(run, strategy, epoch, loss, accuracy, layers, distInit, distE, totalDistInit, totalDistE,
        gradDistE, totalGradDistE, gamma, pairDistE, totalPairDistE);
  }

  /** This record with the paired measurement (squared per-layer norms of Pi_E-perp (A - A')). */
  public EpochRecord withPair(double[] pairDistESquared) {
    double[] p = new double[pairDistESquared.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += pairDistESquared[i];
      p[i] = Math.sqrt(pairDistESquared[i]);
    }
    return new EpochRecord(run, strategy, epoch, loss, accuracy, layers, distInit, distE, totalDistInit, totalDistE,
        gradDistE, totalGradDistE, penaltyWeight, p, Math.sqrt(sum));
  }
}
