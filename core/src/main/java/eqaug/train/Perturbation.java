package eqaug.train;

import eqaug.hessian.EquivariantProjection;
import eqaug.nn.ParameterLayout;
import eqaug.random.SplitMix64;

/**
 * A start off E: A^0 + ε u, u a unit vector of E-perp (Pi_E-perp of a standard Gaussian on the linear layers,
 * normalised; Lemma 2's complement), drawn from the run's own stream so that every strategy of a run gets the same
 * u. With exact augmentation the growth or decay of ||A_E-perp|| then follows the linearised dynamics across E
 * alone; {@code paired} also trains the unperturbed start in lockstep with the same draws (common random numbers),
 * and records ||Pi_E-perp (A - A')|| between the two (docs/noise.md).
 */
public record Perturbation(double epsilon, boolean paired) {
  public Perturbation {
    if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("the perturbation ε must be zero or positive and finite, got " + epsilon);
    }
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

  /** A^0 + ε u, rounded to float. */
  public float[] apply(float[] a0, double[] u) {
    float[] a = new float[a0.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (a0[i] + epsilon * u[i]);
    }
    return a;
  }
}
