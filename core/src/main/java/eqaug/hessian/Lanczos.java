package eqaug.hessian;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The extreme eigenvalues of a symmetric operator M restricted to the range of an orthogonal projector Pi, by
 * the Lanczos process with full reorthogonalisation (Golub & Van Loan §10.1, in double): from a random start
 * q_1 = Pi r / |Pi r|, it builds an orthonormal basis Q_m of the Krylov space of Pi M Pi and the tridiagonal
 * T_m = Q_m^T M Q_m (alpha on the diagonal, beta beside it); the eigenpairs (theta, s) of T_m give Ritz pairs
 * (theta, y = Q_m s). Every new vector is orthogonalised twice against all of Q_m and projected by Pi, so the
 * basis stays orthonormal and inside the subspace in floating point. Each Ritz pair carries its residual
 * |M y - theta y|, computed by applying M to y (by the Bauer–Fike / Kahan bound an eigenvalue of the
 * restricted operator lies within that distance of theta), and the Lanczos estimate |beta_m s_m|.
 * Memory: m + 3 vectors of dim doubles.
 */
public final class Lanczos {
  /** A Ritz value, its residual |M y - theta y| (y a unit vector), the Lanczos estimate and the vector. */
  public record RitzPair(double value, double residual, double estimate, double[] vector) {}

  /**
   * The k smallest and k largest Ritz pairs (ascending and descending) after {@code steps} steps, or fewer
   * when the Krylov space became invariant (then the Ritz values are eigenvalues of the restriction).
   */
  public record Result(int steps, boolean invariant, List<RitzPair> smallest, List<RitzPair> largest,
      double[] ritzValues) {}

  private Lanczos() {}

  public static Result extremes(SymmetricOperator m, SymmetricOperator.Projector pi, int k, int steps, long seed) {
    return extremes(m, pi, k, steps, seed, null);
  }

  /**
   * As {@link #extremes(SymmetricOperator, SymmetricOperator.Projector, int, int, long)}, telling
   * {@code progress} (when not null) the number of products with M done so far after each one: at most
   * steps + 2k in all (the Krylov steps, then one per reported Ritz pair for its residual).
   */
  public static Result extremes(SymmetricOperator m, SymmetricOperator.Projector pi, int k, int steps, long seed,
      IntConsumer progress) {
    int n = m.dim();
    if (k < 1 || steps < 1) {
      throw new IllegalArgumentException("Lanczos needs k >= 1 and at least one step");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = rng.nextDouble() - 0.5;
    }
    pi.project(q);
    double nq = norm(q);
    if (nq == 0) {
      throw new IllegalArgumentException("the subspace is {0}: nothing to compute");
    }
    scale(q, 1 / nq);
    int[] done = {0};
    Runnable tick = progress == null ? null : () -> progress.accept(++done[0]);
    Krylov kr = krylov(m, pi, q, steps, tick);
    List<double[]> basis = kr.basis();
    double[] w = new double[n];
    int mm = basis.size();
    SymmetricEigen.Decomposition d = SymmetricEigen.of(kr.tridiagonal());
    int kk = Math.min(k, mm);
    List<RitzPair> low = new ArrayList<>();
    List<RitzPair> high = new ArrayList<>();
    double lastBeta = kr.beta()[mm - 1];
    for (int i = 0; i < kk; i++) {
      low.add(ritz(m, basis, d, i, lastBeta, w, tick));
      high.add(ritz(m, basis, d, mm - 1 - i, lastBeta, w, tick));
    }
    return new Result(mm, kr.invariant(), low, high, d.values().clone());
  }

  /**
   * The Lanczos basis Q_m of the Krylov space of Pi M Pi from a unit vector q1 in range(Pi), alpha_i = T_ii,
   * beta_i = T_{i,i+1} (beta_m: the norm of the last remainder, 0 when the space became invariant).
   */
  record Krylov(List<double[]> basis, double[] alpha, double[] beta, boolean invariant) {
    double[][] tridiagonal() {
      int mm = alpha.length;
      double[][] t = new double[mm][mm];
      for (int i = 0; i < mm; i++) {
        t[i][i] = alpha[i];
        if (i + 1 < mm) {
          t[i][i + 1] = beta[i];
          t[i + 1][i] = beta[i];
        }
      }
      return t;
    }
  }

  /**
   * At most {@code steps} Lanczos steps (one product with M each) from q1, a unit vector in range(Pi) that
   * becomes the first basis vector; progress, when not null, is told after each product.
   */
  static Krylov krylov(SymmetricOperator m, SymmetricOperator.Projector pi, double[] q1, int steps,
      Runnable progress) {
    int n = m.dim();
    steps = Math.min(steps, n);
    double[] q = q1;
    List<double[]> basis = new ArrayList<>();
    List<Double> alpha = new ArrayList<>();
    List<Double> beta = new ArrayList<>();
    double[] w = new double[n];
    boolean invariant = false;
    double size = 0;
    while (true) {
      basis.add(q);
      m.apply(q, w);
      if (progress != null) {
        progress.run();
      }
      pi.project(w);
      double a = dot(q, w);
      alpha.add(a);
      size = Math.max(size, Math.abs(a));
      for (int pass = 0; pass < 2; pass++) {
        for (double[] b : basis) {
          axpy(-dot(b, w), b, w);
        }
        pi.project(w);
      }
      double bNorm = norm(w);
      if (basis.size() == steps) {
        beta.add(bNorm);
        break;
      }
      if (bNorm <= 1e-12 * Math.max(size, Double.MIN_NORMAL)) {
        beta.add(0.0);
        invariant = true;
        break;
      }
      beta.add(bNorm);
      size = Math.max(size, bNorm);
      q = w.clone();
      scale(q, 1 / bNorm);
    }
    double[] al = new double[alpha.size()];
    double[] be = new double[beta.size()];
    for (int i = 0; i < al.length; i++) {
      al[i] = alpha.get(i);
      be[i] = beta.get(i);
    }
    return new Krylov(basis, al, be, invariant);
  }

  private static RitzPair ritz(SymmetricOperator m, List<double[]> basis, SymmetricEigen.Decomposition d,
      int index, double lastBeta, double[] scratch, Runnable tick) {
    double[] s = d.vectors()[index];
    double theta = d.values()[index];
    double[] y = new double[m.dim()];
    for (int j = 0; j < basis.size(); j++) {
      axpy(s[j], basis.get(j), y);
    }
    scale(y, 1 / norm(y));
    m.apply(y, scratch);
    if (tick != null) {
      tick.run();
    }
    axpy(-theta, y, scratch);
    return new RitzPair(theta, norm(scratch), Math.abs(lastBeta * s[basis.size() - 1]), y);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static void axpy(double alpha, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += alpha * x[i];
    }
  }

  static void scale(double[] x, double alpha) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= alpha;
    }
  }
}
