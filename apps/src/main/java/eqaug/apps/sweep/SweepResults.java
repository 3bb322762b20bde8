package eqaug.apps.sweep;

import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.results.Json;
import eqaug.apps.results.MetricsTable;
import eqaug.train.Strategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The final epoch of every (point, run, strategy) of a sweep, read back from the points' own metrics.csv (so
 * sweep.csv holds exactly what they hold), and the means per point and strategy.
 */
public final class SweepResults {
  /** The last recorded epoch of one run of one strategy at one point; {@code full}: it reached the protocol's last epoch. */
  public record Row(SweepPlan.Point point, int run, Strategy strategy, int epoch, double distE, double distInit,
      double loss, double accuracy, double authorsDistE, double pairDistE, boolean full) {}

  /**
   * Means over the runs that reached the last epoch ({@code runs} of them); {@code short} runs ended earlier (they
   * diverged) and are left out of the means, as the experiment commands' summary leaves them out.
   */
  public record Mean(SweepPlan.Point point, Strategy strategy, int runs, int shortRuns, double distE, double distInit,
      double loss, double accuracy, double authorsDistE) {}

  private final SweepPlan plan;
  private final List<Row> rows;

  private SweepResults(SweepPlan plan, List<Row> rows) {
    this.plan = plan;
    this.rows = rows;
  }

  /** The rows of the points in {@code done} (complete points), in the sweep's order, each point's runs by run then strategy. */
  public static SweepResults read(Path dir, SweepPlan plan, List<SweepPlan.Point> done) {
    List<Row> rows = new ArrayList<>();
    for (SweepPlan.Point p : done) {
      Path folder = dir.resolve(p.folder());
      MetricsTable table;
      int epochs;
      try {
        table = MetricsTable.read(folder.resolve("metrics.csv"));
        Map<?, ?> cfg = (Map<?, ?>) Json.read(Files.readString(folder.resolve("config.json"), StandardCharsets.UTF_8));
        epochs = ((Number) ((Map<?, ?>) cfg.get("parameters")).get("epochs")).intValue();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the results of point " + p.name() + " in " + folder + ": "
            + e.getMessage(), e);
      }
      List<Row> own = new ArrayList<>();
      for (Strategy s : ExperimentRunner.STRATEGIES) {
        for (Map.Entry<Integer, List<MetricsTable.Point>> run : table.runs(s).entrySet()) {
          List<MetricsTable.Point> c = run.getValue();
          MetricsTable.Point last = c.get(c.size() - 1);
          own.add(new Row(p, run.getKey(), s, last.epoch(), last.distE(), last.distInit(), last.loss(), last.accuracy(),
              last.authorsDistE(), last.pairDistE(), last.epoch() == epochs));
        }
      }
      own.sort((a, b) -> a.run() != b.run() ? Integer.compare(a.run(), b.run())
          : Integer.compare(ExperimentRunner.STRATEGIES.indexOf(a.strategy()), ExperimentRunner.STRATEGIES.indexOf(b.strategy())));
      rows.addAll(own);
    }
    return new SweepResults(plan, rows);
  }

  public List<Row> rows() {
    return rows;
  }

  /** The header of sweep.csv: one column per swept option, then the run's final values. */
  public String header() {
    StringBuilder sb = new StringBuilder();
    plan.swept().keySet().forEach(o -> sb.append(o.column()).append(','));
    return sb.append("run,strategy,epoch,dist_E,dist_init,loss,accuracy,authors_dist_E,pair_dist_E").toString();
  }

  /**
   * sweep.csv: one row per (point, run, strategy), numbers as metrics.csv writes them (Double.toString; pair_dist_E,
   * the distance across E to the unperturbed twin of a --paired run, empty where metrics.csv has it empty).
   */
  public String csv() {
    StringBuilder sb = new StringBuilder(header()).append('\n');
    for (Row r : rows) {
      // An --augment-by spec may hold commas: quoted, as CSV readers expect.
      r.point().values().values().forEach(v -> sb.append(v.contains(",") ? "\"" + v + "\"" : v).append(','));
      sb.append(r.run()).append(',').append(r.strategy()).append(',').append(r.epoch()).append(',')
          .append(r.distE()).append(',').append(r.distInit()).append(',').append(r.loss()).append(',')
          .append(r.accuracy()).append(',').append(r.authorsDistE()).append(',');
      if (!Double.isNaN(r.pairDistE())) {
        sb.append(r.pairDistE());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The mean of each point and strategy present, in the sweep's order. */
  public List<Mean> means() {
    List<Mean> means = new ArrayList<>();
    for (SweepPlan.Point p : plan.points()) {
      for (Strategy s : ExperimentRunner.STRATEGIES) {
        Mean m = mean(p, s);
        if (m != null) {
          means.add(m);
        }
      }
    }
    return means;
  }

  /** The mean of one point and strategy, or null when it has no rows. */
  public Mean mean(SweepPlan.Point p, Strategy s) {
    int n = 0;
    int shortRuns = 0;
    double de = 0;
    double di = 0;
    double lo = 0;
    double ac = 0;
    double au = 0;
    for (Row r : rows) {
      if (r.point().index() != p.index() || r.strategy() != s) {
        continue;
      }
      if (!r.full()) {
        shortRuns++;
        continue;
      }
      n++;
      de += r.distE();
      di += r.distInit();
      lo += r.loss();
      ac += r.accuracy();
      au += r.authorsDistE();
    }
    if (n + shortRuns == 0) {
      return null;
    }
    return n == 0 ? new Mean(p, s, 0, shortRuns, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
        : new Mean(p, s, n, shortRuns, de / n, di / n, lo / n, ac / n, au / n);
  }

  /** The final ||A_E⊥|| of each full run of one point and strategy. */
  public List<Double> finalDistE(SweepPlan.Point p, Strategy s) {
    List<Double> d = new ArrayList<>();
    for (Row r : rows) {
      if (r.point().index() == p.index() && r.strategy() == s && r.full()) {
        d.add(r.distE());
      }
    }
    return d;
  }
}
