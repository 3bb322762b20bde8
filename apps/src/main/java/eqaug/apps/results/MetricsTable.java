package eqaug.apps.results;

import eqaug.train.EpochRecord;
import eqaug.train.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * metrics.csv read back: per strategy and run, the curve of (||A - A^0||, ||A_E-perp||) over epochs, and the
 * per-layer distances the authors' figure combines. Figures and the report are computed from this, so they
 * show exactly what the files hold.
 */
public final class MetricsTable {
  /**
   * One epoch of one run: totals over L (the authors' measure from the per-layer distances to E), and the
   * noise model's inputs: the step's gradient across E (NaN at the last epoch), the penalty's value, and the
   * paired distance across E (NaN unless paired).
   */
  public record Point(int epoch, double distInit, double distE, double authorsDistE, double loss, double accuracy,
      double gradDistE, double penalty, double pairDistE) {
    /** A point without the noise model's measurements. */
    public Point(int epoch, double distInit, double distE, double authorsDistE, double loss, double accuracy) {
      this(epoch, distInit, distE, authorsDistE, loss, accuracy, Double.NaN, 0, Double.NaN);
    }
  }

  /** strategy -> run -> points ordered by epoch. */
  private final Map<Strategy, Map<Integer, List<Point>>> curves = new LinkedHashMap<>();

  public static MetricsTable read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty() || !lines.get(0).equals(MetricsCsv.HEADER)) {
      throw new IOException(csv + ": not a metrics table (header should be " + MetricsCsv.HEADER + ")");
    }
    Map<String, double[]> fourth = new LinkedHashMap<>();
    Map<String, String[]> totals = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",", -1);
      if (f.length != MetricsCsv.FIELDS) {
        throw new IOException(csv + ": line " + (i + 1) + " has " + f.length + " fields, not " + MetricsCsv.FIELDS);
      }
      String key = f[0] + "," + f[1] + "," + f[2];
      if (f[3].equals("total")) {
        totals.put(key, f);
      } else {
        double d = Double.parseDouble(f[5]);
        fourth.computeIfAbsent(key, k -> new double[1])[0] += d * d * d * d;
      }
    }
    MetricsTable t = new MetricsTable();
    for (Map.Entry<String, String[]> e : totals.entrySet()) {
      String[] f = e.getValue();
      double[] q = fourth.get(e.getKey());
      t.add(Integer.parseInt(f[0]), Strategy.valueOf(f[1]), new Point(Integer.parseInt(f[2]), Double.parseDouble(f[4]),
          Double.parseDouble(f[5]), q == null ? 0 : Math.sqrt(q[0]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
          MetricsCsv.parseOptional(f[9]), Double.parseDouble(f[8]), MetricsCsv.parseOptional(f[10])));
    }
    return t;
  }

  public static MetricsTable of(List<EpochRecord> records) {
    MetricsTable t = new MetricsTable();
    for (EpochRecord r : records) {
      t.add(r.run(), r.strategy(), new Point(r.epoch(), r.totalDistInit(), r.totalDistE(), r.authorsDistE(), r.loss(),
          r.accuracy(), r.totalGradDistE(), r.penalty(), r.totalPairDistE()));
    }
    return t;
  }

  public void add(int run, Strategy s, Point p) {
    List<Point> curve = curves.computeIfAbsent(s, k -> new TreeMap<>()).computeIfAbsent(run, k -> new ArrayList<>());
    curve.add(p);
    curve.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
  }

  public List<Strategy> strategies() {
    return new ArrayList<>(curves.keySet());
  }

  public Map<Integer, List<Point>> runs(Strategy s) {
    return curves.getOrDefault(s, Map.of());
  }

  /** The mean over runs at each epoch that every run reached (a diverged run shortens the mean curve). */
  public List<Point> mean(Strategy s) {
    Map<Integer, List<Point>> runs = runs(s);
    if (runs.isEmpty()) {
      return List.of();
    }
    int epochs = Integer.MAX_VALUE;
    for (List<Point> c : runs.values()) {
      epochs = Math.min(epochs, c.size());
    }
    List<Point> mean = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      double di = 0;
      double de = 0;
      double da = 0;
      double lo = 0;
      double ac = 0;
      double gr = 0;
      double pe = 0;
      double pa = 0;
      for (List<Point> c : runs.values()) {
        Point p = c.get(e);
        gr += p.gradDistE();
        pe += p.penalty();
        pa += p.pairDistE();
        di += p.distInit();
        de += p.distE();
        da += p.authorsDistE();
        lo += p.loss();
        ac += p.accuracy();
      }
      int n = runs.size();
      mean.add(new Point(runs.values().iterator().next().get(e).epoch(), di / n, de / n, da / n, lo / n, ac / n,
          gr / n, pe / n, pa / n));
    }
    return mean;
  }

  /** The mean curve's last point, or null when the strategy has no runs. */
  public Point last(Strategy s) {
    List<Point> m = mean(s);
    return m.isEmpty() ? null : m.get(m.size() - 1);
  }

  /** The largest final ||A_E-perp|| over the runs of a strategy. */
  public double maxFinalDistE(Strategy s) {
    double max = 0;
    for (List<Point> c : runs(s).values()) {
      max = Math.max(max, c.get(c.size() - 1).distE());
    }
    return max;
  }
}
