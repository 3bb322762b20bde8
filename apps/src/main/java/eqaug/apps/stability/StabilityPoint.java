package eqaug.apps.stability;

import eqaug.hessian.Lanczos;
import eqaug.hessian.StabilityAnalysis;

/**
 * One analysed point of a run's EQUIVARIANT trajectory (the augmented flow restricted to E, Proposition 1):
 * the loss there and the spectra of H^aug on E⊥ and on E, with the verdict of §4.2 and the growth factor that
 * the least stable direction would have over the protocol's steps.
 */
public record StabilityPoint(int run, int epoch, double loss, double accuracy, StabilityAnalysis.Point analysis,
    double seconds) {

  /** §4.2's verdict at this point, from the smallest Ritz value on E⊥ and its residual bound. */
  public enum Verdict {
    /** θ_min + r < 0: H^aug has an eigenvalue below zero on E⊥, so E repels along it. */
    UNSTABLE("locally unstable"),
    /** θ_min − r ≥ 0: no negative eigenvalue found on E⊥ (the smallest Ritz value bounds λ_min from above). */
    STABLE("locally stable as far as computed"),
    /** |θ_min| ≤ r: the bound straddles zero. */
    UNDECIDED("undecided (the residual bound straddles 0)");

    public final String words;

    Verdict(String words) {
      this.words = words;
    }
  }

  public Lanczos.RitzPair leastStable() {
    return analysis.complement().result().smallest().get(0);
  }

  public Verdict verdict() {
    Lanczos.RitzPair p = leastStable();
    if (p.value() + p.residual() < 0) {
      return Verdict.UNSTABLE;
    }
    if (p.value() - p.residual() >= 0) {
      return Verdict.STABLE;
    }
    return Verdict.UNDECIDED;
  }

  /**
   * (1 − τ λ_min)^steps: how much gradient descent with step τ would multiply an off-E perturbation along the
   * least stable eigenvector over {@code steps} steps if the Hessian stayed as it is here (above 1: growth).
   */
  public double growthFactor(double lr, int steps) {
    return Math.pow(1 - lr * leastStable().value(), steps);
  }
}
