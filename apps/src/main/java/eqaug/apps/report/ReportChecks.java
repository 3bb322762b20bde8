package eqaug.apps.report;

import eqaug.apps.results.MetricsTable;
import eqaug.train.Precision;
import eqaug.train.Strategy;

/**
 * The paper's two expectations (§5), decided from recorded metrics:
 * (i) E is invariant but not stable under AUGMENTED training — EQUIVARIANT's ||A_E-perp|| stays at rounding
 * level while AUGMENTED's leaves it; (ii) AUGMENTED stays closer to E than NOMINAL — the ratio of their
 * mean ||A_E-perp|| at the last epoch exceeds 1.
 */
final class ReportChecks {
  /** float32's unit roundoff. */
  static final double UNIT_ROUNDOFF = 0x1p-24;
  /** float64's unit roundoff (training at --precision fp64). */
  static final double UNIT_ROUNDOFF_FP64 = 0x1p-53;
  /** ||A_E-perp|| up to this many unit roundoffs times ||A^0|| is rounding, not a departure from E. */
  static final double ROUNDING_FACTOR = 16;

  record Verdict(boolean holds, String text) {}

  private ReportChecks() {}

  static double roundingLevel(double normA0) {
    return roundingLevel(normA0, Precision.FP32);
  }

  /** The rounding level of A stored at {@code precision}. */
  static double roundingLevel(double normA0, Precision precision) {
    return ROUNDING_FACTOR * unitRoundoff(precision) * normA0;
  }

  static double unitRoundoff(Precision precision) {
    return precision == Precision.FP64 ? UNIT_ROUNDOFF_FP64 : UNIT_ROUNDOFF;
  }

  static Verdict instability(MetricsTable t, double normA0) {
    return instability(t, normA0, Precision.FP32);
  }

  /** (i) for runs trained at {@code precision}: the rounding level is that precision's. */
  static Verdict instability(MetricsTable t, double normA0, Precision precision) {
    MetricsTable.Point aug = t.last(Strategy.AUGMENTED);
    MetricsTable.Point eqv = t.last(Strategy.EQUIVARIANT);
    if (aug == null || eqv == null) {
      return new Verdict(false, "not decided: AUGMENTED or EQUIVARIANT has no finished run");
    }
    double level = roundingLevel(normA0, precision);
    double eqMax = t.maxFinalDistE(Strategy.EQUIVARIANT);
    boolean eqStays = eqMax <= level;
    boolean augLeaves = aug.distE() > level;
    String numbers = String.format("rounding level %.3g (%.0f u ||A^0||, ||A^0|| = %.4g); final ||A_E⊥||: "
        + "EQUIVARIANT at most %.3g over runs, AUGMENTED %.3g (mean, %.3g times the rounding level)",
        level, ROUNDING_FACTOR, normA0, eqMax, aug.distE(), aug.distE() / level);
    if (eqStays && augLeaves) {
      return new Verdict(true, "holds — " + numbers);
    }
    String why = !eqStays ? "EQUIVARIANT left the rounding level" : "AUGMENTED stayed at rounding level";
    return new Verdict(false, "does not hold (" + why + ") — " + numbers);
  }

  static Verdict augmentedCloser(MetricsTable t) {
    MetricsTable.Point nom = t.last(Strategy.NOMINAL);
    MetricsTable.Point aug = t.last(Strategy.AUGMENTED);
    if (nom == null || aug == null) {
      return new Verdict(false, "not decided: NOMINAL or AUGMENTED has no finished run");
    }
    double ratio = nom.distE() / aug.distE();
    String numbers = String.format("final mean ||A_E⊥||: NOMINAL %.4g, AUGMENTED %.4g, ratio %.4g", nom.distE(), aug.distE(), ratio);
    if (ratio > 1) {
      return new Verdict(true, "holds — " + numbers);
    }
    return new Verdict(false, "does not hold — " + numbers);
  }

  /** NOMINAL's over AUGMENTED's final mean ||A_E-perp||. */
  static double ratio(MetricsTable t) {
    MetricsTable.Point nom = t.last(Strategy.NOMINAL);
    MetricsTable.Point aug = t.last(Strategy.AUGMENTED);
    return nom == null || aug == null ? Double.NaN : nom.distE() / aug.distE();
  }
}
