package eqaug.train;

import eqaug.hessian.EquivariantProjection;
import eqaug.nn.ParameterLayout;
import eqaug.random.SplitMix64;

/**
 * A start off E: A^0 + ε u, u a unit vector of E-perp (Pi_E-perp of a standard Gaussian on the linear layers,
 * normalised; Lemma 2's complement), drawn from the run's own stream so that every strategy of a run gets the same
 * u. With exact augmentation the growth or decay of ||A_E-perp|| then follows the linearised dynamics across E
 * alone; {@code paired} also trains the unperturbed start in lockstep with the same draws (common random numbers),
 * and records ||Pi_E-perp (A - A')|| between the two (docs/noise.md). A given {@code direction} (a unit vector of
 * E-perp in the layout's flat order, e.g. the least stable eigenvector of H^aug on E-perp, §4.2) replaces the
 * random u for every run; null: drawn per run. The array is the record's own (not copied: it can hold 60M
 * doubles); nobody modifies it.
 */
public record Perturbation(double epsilon, boolean paired, double[] direction) {
  public Perturbation {
    if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("the perturbation ε must be zero or positive and finite, got " + epsilon);
    }
    if (direction != null) {
      for (double x : direction) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException("the perturbation's direction holds a non-finite value");
        }
      }
    }
  }

  /** With u drawn from each run's stream. */
  public Perturbation(double epsilon, boolean paired) {
    this(epsilon, paired, null);
  }

  /** The same ε and pairing along the given unit vector of E-perp (see {@link #unitOffE}). */
  public Perturbation along(double[] u) {
    return new Perturbation(epsilon, paired, u);
  }

  /** u of run r: the given direction, else drawn from the run's stream {@code rng}. */
  public double[] direction(ParameterLayout layout, java.util.function.Supplier<SplitMix64> rng) {
    if (direction == null) {
      return direction(layout, rng.get());
    }
    if (direction.length != layout.size()) {
      throw new IllegalArgumentException("the perturbation's direction has " + direction.length + " entries; the "
          + "network has " + layout.size() + " parameters");
    }
    return direction;
  }

  /** A direction's E-perp part, normalised, and the norms of what it was made from (Lemma 2's split). */
  public record OffE(double[] unit, double norm, double perpNorm, double removedNorm) {
    /**
     * ||v - Pi_E-perp v|| / ||v|| (batch-norm entries count in E): the share of v that the projection removed,
     * summed directly (from ||v||² − ||Pi_E-perp v||² it would cancel below about 1e-8).
     */
    public double removedShare() {
      return norm == 0 ? 0 : removedNorm / norm;
    }
  }

  /**
   * Pi_E-perp v normalised (batch-norm entries zero; v is not changed), with ||v|| and ||Pi_E-perp v||; refused
   * when the E-perp part vanishes up to rounding (below 1e-12 of ||v||), since its direction is then noise.
   */
  public static OffE unitOffE(ParameterLayout layout, double[] v) {
    if (v.length != layout.size()) {
      throw new IllegalArgumentException("the direction has " + v.length + " entries; the network has "
          + layout.size() + " parameters");
    }
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    double[] u = v.clone();
    new EquivariantProjection(layout).ontoComplement(u);
    double perp = 0;
    double removed = 0;
    for (int i = 0; i < u.length; i++) {
      perp += u[i] * u[i];
      removed += (v[i] - u[i]) * (v[i] - u[i]);
    }
    perp = Math.sqrt(perp);
    if (!(perp > 1e-12 * norm) || !Double.isFinite(perp)) {
      throw new IllegalArgumentException(norm == 0 ? "the direction is zero"
          : "the direction lies in E (||Pi_E-perp v|| = " + perp + " of ||v|| = " + norm + "): it has no part off E");
    }
    for (int i = 0; i < u.length; i++) {
      u[i] /= perp;
    }
    return new OffE(u, norm, perp, Math.sqrt(removed));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Perturbation p && Double.compare(epsilon, p.epsilon) == 0 && paired == p.paired
        && java.util.Arrays.equals(direction, p.direction);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(epsilon, paired, java.util.Arrays.hashCode(direction));
  }

  @Override
  public String toString() {
    return "Perturbation[epsilon=" + epsilon + ", paired=" + paired + ", direction="
        + (direction == null ? "random" : direction.length + " entries") + "]";
  }

  /** u of run r: a unit vector of E-perp in the layout's flat order (zero on batch-norm parameters). */
  public static double[] direction(ParameterLayout layout, SplitMix64 rng) {
    double[] u = new double[layout.size()];
    for (int i = 0; i < layout.linearSize(); i++) {
      u[i] = rng.nextGaussian();
    }
    new EquivariantProjection(layout).ontoComplement(u);
    double norm = 0;
    for (double x : u) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) {
      throw new IllegalStateException("E-perp is {0} for this network: there is no direction off E to perturb along");
    }
    for (int i = 0; i < u.length; i++) {
      u[i] /= norm;
    }
    return u;
  }
}
