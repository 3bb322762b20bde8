package eqaug.hessian;

import eqaug.random.SplitMix64;

/**
 * The random probe vectors of the trace estimators ({@link HutchinsonTrace}, {@link SpectralDensity}): entries
 * independent with mean 0 and variance 1, so E[z z^T] = I and E[z^T M z] = tr M (Hutchinson 1990).
 */
public enum Probe {
  /** Entries +1 or -1 with equal probability (the top bit of one SplitMix64 draw each): |z|^2 = dim exactly. */
  RADEMACHER,
  /** Standard normal entries (SplitMix64's polar method): z / |z| is uniform on the unit sphere. */
  GAUSSIAN;

  /** Overwrites z with a fresh probe, drawing its entries in index order. */
  public void fill(SplitMix64 rng, double[] z) {
    for (int i = 0; i < z.length; i++) {
      z[i] = this == RADEMACHER ? (rng.nextBoolean() ? 1 : -1) : rng.nextGaussian();
    }
  }
}
