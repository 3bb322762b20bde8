package eqaug.hessian;

import eqaug.random.SplitMix64;
import java.util.function.IntConsumer;

/**
 * Hutchinson's trace estimator (Hutchinson 1990; Avron & Toledo 2011) of Pi M Pi, M symmetric and Pi an
 * orthogonal projector: the mean over n probes z (entries of mean 0 and variance 1, see {@link Probe}) of
 * (Pi z)^T M (Pi z), unbiased for tr(Pi M Pi) because E[z z^T] = I, with its standard error s / sqrt(n)
 * (s the sample standard deviation). With Rademacher probes and no projector the estimate of a diagonal M is
 * exact, since z_i^2 = 1. Cost: n products with M; memory: three vectors of dim doubles.
 */
public final class HutchinsonTrace {
  /** The estimate of tr(Pi M Pi), its standard error (NaN for one probe), and each probe's (Pi z)^T M (Pi z). */
  public record Result(double trace, double standardError, double[] samples) {
    public int probes() {
      return samples.length;
    }
  }

  private HutchinsonTrace() {}

  /** With Rademacher probes; pi null for the whole space; progress (may be null) gets the products done so far. */
  public static Result estimate(SymmetricOperator m, SymmetricOperator.Projector pi, int probes, long seed,
      IntConsumer progress) {
    return estimate(m, pi, Probe.RADEMACHER, probes, seed, progress);
  }

  public static Result estimate(SymmetricOperator m, SymmetricOperator.Projector pi, Probe kind, int probes,
      long seed, IntConsumer progress) {
    if (probes < 1) {
      throw new IllegalArgumentException("the trace estimate needs at least one probe, got " + probes);
    }
    SymmetricOperator.Projector p = pi == null ? SymmetricOperator.WHOLE_SPACE : pi;
    int n = m.dim();
    SplitMix64 rng = new SplitMix64(seed);
    double[] z = new double[n];
    double[] mz = new double[n];
    double[] samples = new double[probes];
    for (int k = 0; k < probes; k++) {
      kind.fill(rng, z);
      p.project(z);
      m.apply(z, mz);
      samples[k] = Lanczos.dot(z, mz);
      if (progress != null) {
        progress.accept(k + 1);
      }
    }
    return new Result(mean(samples), standardError(samples), samples);
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** s / sqrt(n), s the sample standard deviation (n - 1 in the denominator); NaN when n = 1. */
  static double standardError(double[] x) {
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mu = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - mu) * (v - mu);
    }
    return Math.sqrt(ss / (n - 1) / n);
  }
}
