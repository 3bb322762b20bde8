package eqaug.apps.report;

import eqaug.apps.results.MetricsTable;
import eqaug.train.Precision;
import java.util.List;

/**
 * The drift of one run across E against what the sampling noise alone predicts (docs/noise.md). Linearised at E,
 * the off-E part evolves as a_{t+1} = (1 - τγ) a_t - τ H⊥ a_t - τ ξ_t, ξ_t the E-perp part of the step's sampled
 * gradient (metrics.csv's grad_E_perp) and γ the penalty. With the curvature H⊥ neglected, and the ξ_t of
 * different steps independent with mean zero (fresh draws every epoch; in high dimension nearly orthogonal),
 * E||a_T||^2 = (1 - τγ)^{2T} ||a_0||^2 + Σ_t (1 - τγ)^{2(T-1-t)} τ^2 ||ξ_t||^2: a random walk, damped by γ. The
 * measured ||a_T|| over this prediction is the curvature's signature: about 1 when it is negligible at this τ and
 * T, below 1 when it pulls the walk back (positive curvature), above 1 when it pushes it out (negative curvature,
 * the instability of §4.2) — unless float rounding, which the model leaves out, is of the drift's size.
 *
 * @param measured ||A_E-perp|| at each epoch 0..T
 * @param predicted the random walk's root-mean-square ||a_t|| at each epoch
 * @param rounding an estimate of the off-E part rounding alone leaves after t steps: u ||A^0|| sqrt(t) (a
 *     rounding error of up to u |A_ij| per entry and step, independent across steps); it is a lower estimate,
 *     since sub-ulp updates round the same way step after step
 */
public record NoiseModel(double[] measured, double[] predicted, double[] rounding) {
  /** Between 1/BAND and BAND the drift is the noise's random walk: curvature not observable. */
  public static final double BAND = 1.25;
  /** A drift below this many rounding estimates cannot be told from rounding at this precision. */
  public static final double ROUNDING_MARGIN = 3;

  /** What the comparison says about one run. */
  public enum Cause {
    ROUNDING("rounding: the drift is within " + ROUNDING_MARGIN + "× the rounding estimate, so this precision cannot "
        + "separate noise or instability from it (--precision fp64 can)"),
    RANDOM_WALK("sampling noise: a random walk; curvature across E not observable at this τ and number of steps"),
    DAMPED("sampling noise, damped: the walk is pulled back towards E (positive curvature across E, or the penalty)"),
    GROWING("growing faster than the noise alone: negative curvature across E amplifies it (instability observable)");

    public final String meaning;

    Cause(String meaning) {
      this.meaning = meaning;
    }
  }

  /** The model for one run's curve (epochs 0..T), trained with step τ, penalty γ, from ||A^0|| at {@code precision}. */
  public static NoiseModel of(List<MetricsTable.Point> curve, double tau, double gamma, double normA0,
      Precision precision) {
    int n = curve.size();
    double[] measured = new double[n];
    double[] predicted = new double[n];
    double[] rounding = new double[n];
    double decay = (1 - tau * gamma) * (1 - tau * gamma);
    double u = ReportChecks.unitRoundoff(precision);
    double var = curve.get(0).distE() * curve.get(0).distE();
    for (int t = 0; t < n; t++) {
      MetricsTable.Point p = curve.get(t);
      measured[t] = p.distE();
      predicted[t] = Math.sqrt(var);
      rounding[t] = u * normA0 * Math.sqrt(t);
      double xi = p.gradDistE();
      // The last epoch takes no step; an absent measurement (older folders) ends the prediction.
      var = decay * var + (Double.isNaN(xi) ? Double.NaN : tau * tau * xi * xi);
    }
    return new NoiseModel(measured, predicted, rounding);
  }

  /** The last epoch. */
  public int last() {
    return measured.length - 1;
  }

  /** Measured over predicted at the last epoch. */
  public double ratio() {
    return ratio(last());
  }

  /** Measured over predicted at epoch t. */
  public double ratio(int t) {
    return measured[t] / predicted[t];
  }

  /** Whether the record carried the gradient's E-perp part the model needs. */
  public boolean available() {
    return measured.length > 1 && Double.isFinite(predicted[last()]) && predicted[last()] > 0;
  }

  /** The cause the last epoch points to. */
  public Cause cause() {
    int t = last();
    if (measured[t] <= ROUNDING_MARGIN * rounding[t]) {
      return Cause.ROUNDING;
    }
    double r = ratio(t);
    if (r > BAND) {
      // Growth beyond the noise counts only when the excess itself is more than rounding could leave.
      double excess = Math.sqrt(measured[t] * measured[t] - predicted[t] * predicted[t]);
      return excess <= ROUNDING_MARGIN * rounding[t] ? Cause.ROUNDING : Cause.GROWING;
    }
    return r < 1 / BAND ? Cause.DAMPED : Cause.RANDOM_WALK;
  }
}
