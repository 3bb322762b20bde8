package eqaug.apps.report;

import eqaug.apps.results.ExperimentRunner;
import eqaug.train.EpochRecord;
import eqaug.train.Strategy;
import java.io.PrintStream;
import java.util.EnumMap;
import eqaug.train.RunOutcome;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/** The closing table: per strategy, the mean over runs of the final ||A - A^0|| and ||A_E-perp||. */
public final class Summary {
  public final Map<Strategy, Double> meanDistInit = new EnumMap<>(Strategy.class);
  public final Map<Strategy, Double> meanDistE = new EnumMap<>(Strategy.class);
  public final Map<Strategy, Integer> runs = new EnumMap<>(Strategy.class);

  final Map<Strategy, Integer> diverged = new EnumMap<>(Strategy.class);

  /** Means over the runs that finished; runs that diverged are counted apart. */
  public static Summary of(List<EpochRecord> records, List<RunOutcome> outcomes) {
    Set<String> failed = new HashSet<>();
    Summary s = new Summary();
    for (RunOutcome o : outcomes) {
      if (o.diverged()) {
        failed.add(o.run() + "/" + o.strategy());
        s.diverged.merge(o.strategy(), 1, Integer::sum);
      }
    }
    Map<String, EpochRecord> last = new HashMap<>();
    for (EpochRecord r : records) {
      String key = r.run() + "/" + r.strategy();
      if (failed.contains(key)) {
        continue;
      }
      EpochRecord prev = last.get(key);
      if (prev == null || r.epoch() > prev.epoch()) {
        last.put(key, r);
      }
    }
    for (EpochRecord r : last.values()) {
      s.meanDistInit.merge(r.strategy(), r.totalDistInit(), Double::sum);
      s.meanDistE.merge(r.strategy(), r.totalDistE(), Double::sum);
      s.runs.merge(r.strategy(), 1, Integer::sum);
    }
    for (Strategy st : s.runs.keySet()) {
      s.meanDistInit.put(st, s.meanDistInit.get(st) / s.runs.get(st));
      s.meanDistE.put(st, s.meanDistE.get(st) / s.runs.get(st));
    }
    return s;
  }

  /** NOMINAL's mean final ||A_E-perp|| over AUGMENTED's. */
  double nominalOverAugmented() {
    Double n = meanDistE.get(Strategy.NOMINAL);
    Double a = meanDistE.get(Strategy.AUGMENTED);
    return n == null || a == null ? Double.NaN : n / a;
  }

  public void print(PrintStream out, String title) {
    out.println();
    out.println(title);
    out.printf("  %-12s %5s %22s %22s%n", "strategy", "runs", "mean final ||A-A0||", "mean final ||A_E⊥||");
    for (Strategy st : ExperimentRunner.STRATEGIES) {
      String note = diverged.containsKey(st) ? "  (" + diverged.get(st) + " diverged, left out)" : "";
      if (runs.containsKey(st)) {
        out.printf("  %-12s %5d %22.6e %22.6e%s%n", st, runs.get(st), meanDistInit.get(st), meanDistE.get(st), note);
      } else if (!note.isEmpty()) {
        out.printf("  %-12s %5d %22s %22s%s%n", st, 0, "-", "-", note);
      }
    }
    double ratio = nominalOverAugmented();
    if (Double.isFinite(ratio)) {
      out.printf("  NOMINAL / AUGMENTED final ||A_E⊥||: %.4g%n", ratio);
    } else if (meanDistE.get(Strategy.AUGMENTED) != null && meanDistE.get(Strategy.AUGMENTED) == 0) {
      Double nominal = meanDistE.get(Strategy.NOMINAL);
      out.println(nominal != null && nominal == 0
          ? "  NOMINAL / AUGMENTED final ||A_E⊥||: undefined (both stayed exactly in E)"
          : "  NOMINAL / AUGMENTED final ||A_E⊥||: infinite (AUGMENTED stayed exactly in E)");
    }
  }
}
