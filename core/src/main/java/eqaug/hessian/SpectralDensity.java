package eqaug.hessian;

import eqaug.random.SplitMix64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Stochastic Lanczos quadrature (Ubaru, Chen & Saad, SIAM J. Matrix Anal. Appl. 38, 2017) for the
 * spectral density of a symmetric M restricted to range(Pi), of dimension d: phi(t) = sum_i delta(t - lambda_i)
 * over the d eigenvalues of Pi M Pi on range(Pi). Each probe is z (see {@link Probe}) projected and normalised,
 * u = Pi z / |Pi z|; m Lanczos steps from u (full reorthogonalisation, {@link Lanczos}) give the tridiagonal
 * T_m, whose eigenpairs (theta_j, s_j) are the nodes and weights tau_j = s_j[0]^2 of the m-point Gauss
 * quadrature of the measure sum_i (u . y_i)^2 delta(t - lambda_i): sum_j tau_j f(theta_j) = u^T f(M) u exactly
 * for every polynomial f of degree at most 2m - 1 (Golub & Meurant, "Matrices, Moments and Quadrature with
 * Applications", 2010). Averaged over n probes and scaled by d this estimates tr f(M) on range(Pi).
 * Cost: n * m products with M. Memory: one probe at a time, m + 1 vectors of dim doubles (the basis and the
 * product; a block operator adds its copy of the argument), plus the n * m nodes and weights.
 */
public final class SpectralDensity {
  /** One probe's Gauss quadrature: nodes ascending, weights summing to 1; fewer than m if the space was invariant. */
  public record Quadrature(double[] nodes, double[] weights, boolean invariant) {}

  private final double dim;
  private final boolean dimEstimated;
  private final Probe probe;
  private final List<Quadrature> quadratures;
  private final int products;

  private SpectralDensity(double dim, boolean dimEstimated, Probe probe, List<Quadrature> quadratures,
      int products) {
    this.dim = dim;
    this.dimEstimated = dimEstimated;
    this.probe = probe;
    this.quadratures = Collections.unmodifiableList(quadratures);
    this.products = products;
  }

  /**
   * With Rademacher probes on range(Pi) (pi null: the whole space, d = m.dim()). For the blocks pass d from
   * {@link EquivariantProjection#dimE()} / {@link EquivariantProjection#dimComplement()}; d &lt;= 0 estimates
   * it as the mean of |Pi z|^2 over the probes (unbiased for tr Pi = d). progress (may be null) gets the
   * number of products done so far after each one: at most probes * steps.
   */
  public static SpectralDensity estimate(SymmetricOperator m, SymmetricOperator.Projector pi, long dim, int probes,
      int steps, long seed, IntConsumer progress) {
    return estimate(m, pi, dim, Probe.RADEMACHER, probes, steps, seed, progress);
  }

  public static SpectralDensity estimate(SymmetricOperator m, SymmetricOperator.Projector pi, long dim, Probe kind,
      int probes, int steps, long seed, IntConsumer progress) {
    if (probes < 1 || steps < 1) {
      throw new IllegalArgumentException("the spectral density needs at least one probe and one Lanczos step, got "
          + probes + " probes and " + steps + " steps");
    }
    int n = m.dim();
    if (dim > n) {
      throw new IllegalArgumentException("the subspace dimension " + dim + " exceeds the space's " + n);
    }
    if (pi == null && dim <= 0) {
      dim = n;
    }
    SymmetricOperator.Projector p = pi == null ? SymmetricOperator.WHOLE_SPACE : pi;
    SplitMix64 rng = new SplitMix64(seed);
    int[] done = {0};
    List<Quadrature> out = new ArrayList<>();
    double normSquares = 0;
    int count = 0;
    for (int k = 0; k < probes; k++) {
      double[] u = new double[n];
      double nu = 0;
      // A Rademacher probe can project to 0 on a small subspace; draw again (rarely more than once).
      for (int attempt = 0; attempt < 64 && nu == 0; attempt++) {
        kind.fill(rng, u);
        p.project(u);
        nu = Lanczos.norm(u);
      }
      if (nu == 0) {
        throw new IllegalArgumentException("the subspace is {0}: nothing to estimate");
      }
      normSquares += nu * nu;
      Lanczos.scale(u, 1 / nu);
      Lanczos.Krylov kr = Lanczos.krylov(m, p, u, steps, () -> {
        done[0]++;
        if (progress != null) {
          progress.accept(done[0]);
        }
      });
      count = done[0];
      out.add(quadrature(kr));
    }
    boolean estimated = dim <= 0;
    return new SpectralDensity(estimated ? normSquares / probes : dim, estimated, kind, out, count);
  }

  private static Quadrature quadrature(Lanczos.Krylov kr) {
    SymmetricEigen.Decomposition d = SymmetricEigen.of(kr.tridiagonal());
    int mm = d.values().length;
    double[] w = new double[mm];
    for (int j = 0; j < mm; j++) {
      double s0 = d.vectors()[j][0];
      w[j] = s0 * s0;
    }
    return new Quadrature(d.values().clone(), w, kr.invariant());
  }

  /** The dimension d of range(Pi) the estimates are scaled by (given, or estimated: see {@link #dimEstimated()}). */
  public double dim() {
    return dim;
  }

  public boolean dimEstimated() {
    return dimEstimated;
  }

  public Probe probe() {
    return probe;
  }

  /** Per probe, its nodes and weights. */
  public List<Quadrature> quadratures() {
    return quadratures;
  }

  /** The number of products with M made. */
  public int products() {
    return products;
  }

  /** Probe p's quadrature of t^k: u_p^T M^k u_p when k &lt;= 2 * (its number of nodes) - 1. */
  public double probeMoment(int p, int k) {
    Quadrature q = quadratures.get(p);
    double s = 0;
    for (int j = 0; j < q.nodes().length; j++) {
      s += q.weights()[j] * power(q.nodes()[j], k);
    }
    return s;
  }

  /** The estimate of tr M^k on range(Pi): d times the mean over probes of {@link #probeMoment}. */
  public double moment(int k) {
    return dim * HutchinsonTrace.mean(probeMoments(k));
  }

  /** The standard error of {@link #moment} over the probes (NaN for one probe); d taken as exact. */
  public double momentStandardError(int k) {
    return dim * HutchinsonTrace.standardError(probeMoments(k));
  }

  private double[] probeMoments(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("moments are of order >= 0, got " + k);
    }
    double[] x = new double[quadratures.size()];
    for (int p = 0; p < x.length; p++) {
      x[p] = probeMoment(p, k);
    }
    return x;
  }

  /**
   * The density broadened by a Gaussian of standard deviation sigma, at each grid point:
   * d * mean_p sum_j tau_j exp(-(t - theta_j)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)). Its integral is d, its
   * mean the estimate of tr M and its second moment that of tr M^2 plus d sigma^2.
   */
  public double[] density(double[] grid, double sigma) {
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("the broadening must be a positive width, got " + sigma);
    }
    double norm = dim / (quadratures.size() * sigma * Math.sqrt(2 * Math.PI));
    double[] out = new double[grid.length];
    for (Quadrature q : quadratures) {
      for (int j = 0; j < q.nodes().length; j++) {
        double theta = q.nodes()[j];
        double w = q.weights()[j] * norm;
        for (int i = 0; i < grid.length; i++) {
          double x = (grid[i] - theta) / sigma;
          out[i] += w * Math.exp(-0.5 * x * x);
        }
      }
    }
    return out;
  }

  /** The smallest and largest node over all probes: the range where the density lives (up to the broadening). */
  public double[] nodeRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Quadrature q : quadratures) {
      lo = Math.min(lo, q.nodes()[0]);
      hi = Math.max(hi, q.nodes()[q.nodes().length - 1]);
    }
    return new double[] {lo, hi};
  }

  private static double power(double x, int k) {
    double r = 1;
    for (int i = 0; i < k; i++) {
      r *= x;
    }
    return r;
  }
}
