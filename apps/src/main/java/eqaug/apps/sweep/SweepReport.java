package eqaug.apps.sweep;

import eqaug.train.Strategy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The sweep's report.md and the table of means it prints at the end: per point and strategy, the mean final values. */
public final class SweepReport {
  private SweepReport() {}

  /** report.md: the command, the table of means, the noise model's check for --naug, and the figure with its notes. */
  public static String markdown(SweepPlan plan, SweepResults results, String title, Support support,
      boolean figure, List<String> figureNotes) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Sweep: ").append(title).append("\n\n");
    sb.append("`").append(plan.commandLine()).append("`\n\n");
    sb.append(plan.points().size()).append(" points: the cartesian product of ");
    List<String> lists = new ArrayList<>();
    plan.swept().forEach((o, v) -> lists.add(o.option() + " " + String.join(",", v)));
    sb.append(String.join(" × ", lists)).append(" (the first option varies slowest). Each point is a results folder ")
        .append("under `points/`, trained by `eqaug ").append(plan.experiment()).append("` with the point's options")
        .append(plan.passArguments().isEmpty() ? "" : " and `" + String.join(" ", plan.passArguments()) + "`")
        .append("; `sweep.csv` holds every run's final epoch (docs/sweep.md).\n\n");
    sb.append("## Final values, mean over runs\n\n");
    StringBuilder head = new StringBuilder("|");
    StringBuilder rule = new StringBuilder("|");
    for (SweptOption o : plan.swept().keySet()) {
      head.append(' ').append(o.column()).append(" |");
      rule.append("---|");
    }
    head.append(" strategy | runs | ‖A_E⊥‖ | authors' ‖A_E⊥‖ | ‖A − A⁰‖ | loss | accuracy |");
    rule.append("---|---:|---:|---:|---:|---:|---:|");
    sb.append(head).append('\n').append(rule).append('\n');
    boolean anyShort = false;
    for (SweepResults.Mean m : results.means()) {
      sb.append('|');
      for (String v : m.point().values().values()) {
        sb.append(' ').append(v).append(" |");
      }
      sb.append(' ').append(m.strategy()).append(" | ").append(m.runs());
      if (m.shortRuns() > 0) {
        sb.append(" (+").append(m.shortRuns()).append(" diverged)");
        anyShort = true;
      }
      sb.append(" | ").append(e(m.distE())).append(" | ").append(e(m.authorsDistE())).append(" | ")
          .append(e(m.distInit())).append(" | ").append(g(m.loss())).append(" | ").append(g(m.accuracy())).append(" |\n");
    }
    sb.append('\n');
    sb.append("‖A_E⊥‖ is the total distance to E over the linear layers, the authors' ‖A_E⊥‖ the square root of the sum "
        + "of the fourth powers of the per-layer distances (the quantity of their Figure 1).");
    if (anyShort) {
      sb.append(" Runs that diverged end before the last epoch and are left out of the means (their last epoch is in "
          + "sweep.csv).");
    }
    sb.append("\n\n");
    noiseModel(sb, plan, results, support);
    sb.append("## Figure\n\n");
    if (figure) {
      sb.append("![final ‖A_E⊥‖ against the swept options](figure.png)\n\n");
      sb.append("Final total ‖A_E⊥‖ against each swept numeric option with more than one value, log–log; a line per "
          + "strategy (the mean over runs) and a faint dot per run.");
      if (plan.swept().containsKey(SweptOption.NAUG) && plan.swept().get(SweptOption.NAUG).size() > 1) {
        sb.append(" The grey line is the sampling-noise model's 1/√N_aug through AUGMENTED's mean at the smallest N_aug.");
        if (plan.swept().get(SweptOption.NAUG).contains(SweptOption.ALL)) {
          sb.append(" AUGMENTED at N_aug = all (every element ").append(support.isG() ? "of G" : "that --augment-by draws from")
              .append(", the exact augmented gradient) is drawn at N_aug = ").append(support.symbol()).append(" = ")
              .append(support.size()).append(" as a black diamond, apart from the line: it has no sampling noise.");
        }
      }
      sb.append("\n\n");
    } else {
      sb.append("No figure: no numeric swept option (--naug, --penalty, --lr, --perturb) has two values that can be "
          + "drawn on a log axis.\n\n");
    }
    for (String n : figureNotes) {
      sb.append("- ").append(n).append('\n');
    }
    if (!figureNotes.isEmpty()) {
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * For --naug with a numeric value and another value: AUGMENTED's mean against 1/√N_aug from the smallest N_aug.
   * The sampled augmented gradient's part off E is a mean of N_aug independent draws, so its size, and the drift
   * it drives through the dynamics linearised across E (linear in the noise), scale as 1/√N_aug.
   */
  private static void noiseModel(StringBuilder sb, SweepPlan plan, SweepResults results, Support support) {
    long groupOrder = support.size();
    List<String> naug = plan.swept().get(SweptOption.NAUG);
    if (naug == null || naug.size() < 2 || naug.stream().allMatch(SweptOption.ALL::equals)) {
      return;
    }
    sb.append("## AUGMENTED against the sampling-noise model\n\n");
    sb.append("The off-E part ξ of AUGMENTED's gradient averages N_aug independent group draws per mini-batch, so "
        + "its covariance is that of one draw over N_aug. The dynamics linearised across E, "
        + "a⊥ ← (1 − τH⊥) a⊥ − τ ξ, are linear in ξ, so whatever the curvature H⊥ the drift they drive scales as "
        + "1/√N_aug. Measured / predicted near 1 at every N_aug: the drift is the sampling noise (propagated by those "
        + "dynamics). Well above 1 at large N_aug, or a drift at `all` (no sampling noise): a cause that does not "
        + "average out with N_aug (rounding, or growth beyond the linear regime) dominates there.");
    if (!support.isG()) {
      sb.append(" Here --augment-by draws from less than G, so AUGMENTED's expected gradient itself leaves E: part of "
          + "the drift is that bias, which no N_aug averages out and which `all` shows alone.");
    }
    sb.append("\n\n");
    for (Map.Entry<String, List<SweepPlan.Point>> group : SweepFigure.groups(plan, SweptOption.NAUG).entrySet()) {
      double n0 = Double.POSITIVE_INFINITY;
      double y0 = Double.NaN;
      for (SweepPlan.Point p : group.getValue()) {
        String v = p.values().get(SweptOption.NAUG);
        SweepResults.Mean m = results.mean(p, Strategy.AUGMENTED);
        if (!v.equals(SweptOption.ALL) && m != null && Integer.parseInt(v) < n0) {
          n0 = Integer.parseInt(v);
          y0 = m.distE();
        }
      }
      if (!group.getKey().isEmpty()) {
        sb.append("At ").append(group.getKey()).append(":\n\n");
      }
      sb.append("| N_aug | AUGMENTED ‖A_E⊥‖ | 1/√N_aug prediction | measured / predicted |\n|---|---:|---:|---:|\n");
      for (SweepPlan.Point p : group.getValue()) {
        String v = p.values().get(SweptOption.NAUG);
        SweepResults.Mean m = results.mean(p, Strategy.AUGMENTED);
        if (m == null) {
          continue;
        }
        double n = SweptOption.NAUG.x(v, groupOrder);
        String label = v.equals(SweptOption.ALL) ? "all (" + support.symbol() + " = " + groupOrder + ", exact)" : v;
        double pred = SweepFigure.noisePrediction(n0, y0, n);
        sb.append("| ").append(label).append(" | ").append(e(m.distE())).append(" | ")
            .append(v.equals(SweptOption.ALL) ? "0 (no sampling noise); the line gives " + e(pred) : e(pred))
            .append(" | ").append(g(m.distE() / pred)).append(" |\n");
      }
      sb.append('\n');
    }
  }

  /** The table of means printed at the end of the sweep. */
  public static void print(PrintStream out, SweepResults results, String title) {
    out.println();
    out.println(title);
    int width = 5;
    for (SweepResults.Mean m : results.means()) {
      width = Math.max(width, m.point().name().length());
    }
    out.printf("  %-" + width + "s  %-12s %5s %20s %20s%n", "point", "strategy", "runs", "mean final ||A-A0||",
        "mean final ||A_E⊥||");
    for (SweepResults.Mean m : results.means()) {
      out.printf(Locale.ROOT, "  %-" + width + "s  %-12s %5d %20.6e %20.6e%s%n", m.point().name(), m.strategy(),
          m.runs(), m.distInit(), m.distE(), m.shortRuns() > 0 ? "  (" + m.shortRuns() + " diverged, left out)" : "");
    }
  }

  private static String e(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4e", d) : "–";
  }

  private static String g(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4g", d) : "–";
  }
}
