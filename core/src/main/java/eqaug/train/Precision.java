package eqaug.train;

import java.util.Locale;

/**
 * The floating-point format training computes in: A, A^0, the gradient, every activation and the step.
 * FP32 is the paper's (and every backend's); FP64 (CPU only) takes the same steps with the rounding of
 * double precision, so that a difference between strategies cannot be rounding (docs/stability.md).
 */
public enum Precision {
  FP32("fp32"),
  FP64("fp64");

  private final String label;

  Precision(String label) {
    this.label = label;
  }

  /** The name on the command line and in config.json ({@code numerics.precision}). */
  public String label() {
    return label;
  }

  /** The precision of that label (fp32 or fp64, any case), or an error that names both. */
  public static Precision parse(String s) {
    for (Precision p : values()) {
      if (p.label.equals(s == null ? null : s.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("precision must be fp32 or fp64, got '" + s + "'");
  }
}
