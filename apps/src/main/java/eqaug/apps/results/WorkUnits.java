package eqaug.apps.results;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.UsageException;
import eqaug.study.Study;
import eqaug.train.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command's work split into units, one per (experiment, run, strategy): each is a pure function of (seed, run)
 * (the study's parts), so any subset can be trained on any machine and the parts joined afterwards (issue 13).
 */
public final class WorkUnits {
  private WorkUnits() {}

  /** One (experiment, run, strategy) with its estimated arithmetic. */
  public record Unit(String experiment, int run, Strategy strategy, long mflop) {
    /** The stable id, e.g. perm/run003/AUGMENTED. */
    public String id() {
      return String.format("%s/run%03d/%s", experiment, run, strategy.name());
    }

    public Study.PartId part() {
      return new Study.PartId(run, strategy);
    }
  }

  /** Shard {@code index} of {@code count} (1-based), as --shard i/n names it. */
  public record Shard(int index, int count) {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,6})/([0-9]{1,6})");

    /** Parses "i/n" with 1 &lt;= i &lt;= n; anything else is refused in one line. */
    public static Shard parse(String text) {
      Matcher m = FORM.matcher(text);
      if (!m.matches()) {
        throw new UsageException("--shard must be i/n (e.g. 2/8), got '" + text + "'");
      }
      int i = Integer.parseInt(m.group(1));
      int n = Integer.parseInt(m.group(2));
      if (n < 1 || i < 1 || i > n) {
        throw new UsageException("--shard " + text + ": i must be between 1 and n, n at least 1");
      }
      return new Shard(i, n);
    }

    /** The shard's folder under the job's --out: shards/i-of-n. */
    public String folder() {
      return index + "-of-" + count;
    }

    @Override
    public String toString() {
      return index + "/" + count;
    }
  }

  /** The units of one experiment's protocol, in (run, strategy) order. */
  public static List<Unit> of(Experiment exp, Protocol protocol) {
    List<Unit> units = new ArrayList<>();
    for (int r = 0; r < protocol.runs(); r++) {
      for (Strategy s : ExperimentRunner.STRATEGIES) {
        units.add(new Unit(exp.name(), r, s, ExperimentRunner.partWork(exp, protocol, s)));
      }
    }
    return units;
  }

  /**
   * The units of shard {@code shard}: longest processing time first over the units sorted by cost (largest first)
   * then id, each to the shard with the least work so far, ties to the lowest shard. Deterministic, so every
   * shard of a job computes the same split. The result keeps the input's order.
   */
  public static List<Unit> select(List<Unit> units, Shard shard) {
    if (shard.count() > units.size()) {
      throw new UsageException("--shard " + shard + ": the command has only " + units.size()
          + " work units, so at most " + units.size() + " shards");
    }
    List<Unit> sorted = new ArrayList<>(units);
    sorted.sort(Comparator.comparingLong(Unit::mflop).reversed().thenComparing(Unit::id));
    long[] load = new long[shard.count()];
    List<Unit> mine = new ArrayList<>();
    for (Unit u : sorted) {
      int best = 0;
      for (int k = 1; k < load.length; k++) {
        if (load[k] < load[best]) {
          best = k;
        }
      }
      load[best] += u.mflop();
      if (best == shard.index() - 1) {
        mine.add(u);
      }
    }
    List<Unit> inOrder = new ArrayList<>(units);
    inOrder.retainAll(mine);
    return inOrder;
  }

  /** The lines --list-units prints: id and MFLOP per unit, then the total. */
  public static String listing(List<Unit> units) {
    StringBuilder sb = new StringBuilder();
    long total = 0;
    for (Unit u : units) {
      sb.append(u.id()).append(' ').append(u.mflop()).append(" MFLOP\n");
      total += u.mflop();
    }
    sb.append(units.size()).append(" units, ").append(total).append(" MFLOP in all\n");
    return sb.toString();
  }
}
