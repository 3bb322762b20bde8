package eqaug.apps.stability;

import eqaug.hessian.Lanczos;
import eqaug.hessian.StabilityAnalysis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The stability section of a report (§4.2 and the paper's open question): per run and point, whether E is
 * locally stable there, the growth factor of the least stable direction, and where that direction lives.
 */
public final class StabilityReport {
  /** What was computed and how: the text under the heading says it as it was run, not as the defaults are. */
  public record Setup(String experiment, String title, int runs, int epochs, double lr, int batch, int samples,
      long seed, String precision, List<Integer> at, int k, int steps, String average, long dimL, long dimE,
      double seconds) {}

  private StabilityReport() {}

  public static String markdown(Setup s, List<StabilityPoint> points) {
    StringBuilder md = new StringBuilder();
    md.append("## Is E stable? ").append(s.title()).append("\n\n");
    md.append(String.format(Locale.ROOT, "EQUIVARIANT training (by Proposition 1 the augmented flow restricted to E): "
        + "%d run%s, %d epochs, lr %g, batch %d, %d samples, seed %d, %s. At epochs %s, the %d smallest and largest "
        + "eigenvalues of the augmented risk's Hessian H^aug on E⊥ (dim %d) and on E (dim %d, batch-norm parameters "
        + "included) by Lanczos with full reorthogonalisation (%d steps), each with its residual r = ‖My − θy‖ (an "
        + "eigenvalue lies within r of θ). H^aug: %s. Analysis in float64; %.0f s in all.%n%n",
        s.runs(), s.runs() == 1 ? "" : "s", s.epochs(), s.lr(), s.batch(), s.samples(), s.seed(),
        s.precision() + " training", joined(s.at()), s.k(), s.dimL() - s.dimE(), s.dimE(), s.steps(),
        s.average(), s.seconds()));
    md.append("E is locally stable at a point when every eigenvalue of H^aug on E⊥ is ≥ 0 (§4.2); Lanczos's smallest "
        + "Ritz value θ_min bounds λ_min from above, so θ_min + r < 0 proves a negative eigenvalue, while θ_min − r ≥ 0 "
        + "means none was found. The growth factor (1 − τ θ_min)^T is what T steps of size τ would do to an off-E "
        + "perturbation along the least stable eigenvector if the Hessian stayed as at that point (T = the "
        + "protocol's epochs); above 1 it grows. The check column is an independent measurement of the curvature "
        + "along each block's λ_min vector y from gradients alone: y · (∇R(A + εy) − ∇R(A − εy)) / 2ε, with ε ≤ "
        + eqaug.hessian.StabilityAnalysis.CHECK_STEP + " and below the step at which a leaky-ReLU input would cross "
        + "its kink; it should be close to θ_min. The secant column is the same quotient at ε = "
        + eqaug.hessian.StabilityAnalysis.SECANT_STEP + " along the least stable E⊥ vector, about the size of the "
        + "off-E part AUGMENTED reaches: where it differs from θ_min, the leaky-ReLU kinks crossed at that scale "
        + "change the curvature the training actually meets.\n\n");
    md.append("| run | epoch | loss | θ_min on E⊥ (± r) | θ_max on E⊥ (± r) | θ_min on E (± r) | θ_max on E (± r) "
        + "| verdict | growth over T = ").append(s.epochs()).append(" | check on E⊥ / on E | secant on E⊥ |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (StabilityPoint p : points) {
      StabilityAnalysis.Point a = p.analysis();
      md.append(String.format(Locale.ROOT, "| %d | %d | %.5g | %s | %s | %s | %s | %s | %.6g | %.4g / %.4g | %.4g |%n", p.run(), p.epoch(),
          p.loss(), pm(a.complement().result().smallest().get(0)), pm(a.complement().result().largest().get(0)),
          pm(a.equivariant().result().smallest().get(0)), pm(a.equivariant().result().largest().get(0)),
          p.verdict().words, p.growthFactor(s.lr(), s.epochs()), a.curvatureCheckPerp(), a.curvatureCheckE(), a.secantCurvaturePerp()));
    }
    md.append('\n');
    long unstable = points.stream().filter(p -> p.verdict() == StabilityPoint.Verdict.UNSTABLE).count();
    long stable = points.stream().filter(p -> p.verdict() == StabilityPoint.Verdict.STABLE).count();
    md.append(String.format(Locale.ROOT, "**Verdict.** Of %d point%s computed, E is locally unstable at %d, stable as "
        + "far as computed at %d, undecided at %d.", points.size(), points.size() == 1 ? "" : "s", unstable, stable,
        points.size() - unstable - stable));
    double worst = points.stream().mapToDouble(p -> p.leastStable().value()).min().orElse(Double.NaN);
    if (worst < 0) {
      md.append(String.format(Locale.ROOT, " The most negative θ_min is %.4g: with τ = %g it changes an off-E "
          + "component by a factor %.6g over %d steps, so instability of this size %s at this τ and number of steps.",
          worst, s.lr(), Math.pow(1 - s.lr() * worst, s.epochs()), s.epochs(),
          Math.pow(1 - s.lr() * worst, s.epochs()) < 1.1 ? "is not observable" : "is observable"));
    }
    md.append("\n\n");
    md.append("Where the least stable E⊥ eigenvector lives (share of its squared norm; batch-norm channel c = the rows "
        + "of the linear layer that feed channel c):\n\n");
    for (StabilityPoint p : points) {
      md.append(String.format(Locale.ROOT, "- run %d, epoch %d: layers %s; top batch-norm channels %s "
          + "(the λ_min vector on E: layers %s)%n", p.run(), p.epoch(), top(p.analysis().layerWeights(), 4),
          top(p.analysis().channelWeights(), 3), top(p.analysis().layerWeightsE(), 3)));
    }
    md.append('\n');
    for (StabilityPoint p : points) {
      StabilityAnalysis.Point a = p.analysis();
      if (a.densityPerp() != null || a.tracePerp() != null) {
        md.append(String.format(Locale.ROOT, "- run %d, epoch %d, E⊥:", p.run(), p.epoch()));
        if (a.densityPerp() != null) {
          md.append(String.format(Locale.ROOT, " SLQ (%d probes × %d steps) mean eigenvalue %.4g ± %.2g, tr %.4g;",
              a.densityPerp().quadratures().size(), s.steps(), a.densityPerp().moment(1) / a.densityPerp().dim(),
              a.densityPerp().momentStandardError(1) / a.densityPerp().dim(), a.densityPerp().moment(1)));
        }
        if (a.tracePerp() != null) {
          md.append(String.format(Locale.ROOT, " Hutchinson tr %.4g ± %.2g (%d probes)", a.tracePerp().trace(),
              a.tracePerp().standardError(), a.tracePerp().probes()));
        }
        md.append('\n');
      }
    }
    md.append('\n');
    boolean anyInexact = points.stream().anyMatch(p -> !p.analysis().exact());
    if (anyInexact) {
      md.append("H^aug here is the average over a fixed sample of Haar draws, not over all of G: the spectra are "
          + "those of that estimate, and its sampling error is not part of the residuals.\n\n");
    }
    boolean offE = points.stream().anyMatch(p -> !p.analysis().projected());
    if (offE) {
      md.append("Some points lie away from E (distance in points.csv): they were analysed where they are, with H^aug "
          + "on both blocks, which are then not invariant.\n\n");
    }
    return md.toString();
  }

  private static String pm(Lanczos.RitzPair r) {
    return String.format(Locale.ROOT, "%.4g ± %.2g", r.value(), r.residual());
  }

  private static String joined(List<Integer> at) {
    List<String> s = new ArrayList<>();
    for (int e : at) {
      s.add(Integer.toString(e));
    }
    return String.join(", ", s);
  }

  private static String top(List<StabilityAnalysis.Weight> weights, int n) {
    if (weights.isEmpty()) {
      return "(none)";
    }
    List<String> parts = new ArrayList<>();
    weights.stream().sorted(Comparator.comparingDouble(StabilityAnalysis.Weight::weight).reversed()).limit(n)
        .forEach(w -> parts.add(String.format(Locale.ROOT, "%s %.3f", w.part(), w.weight())));
    return String.join(", ", parts);
  }
}
