package eqaug.apps;

import eqaug.train.EpochRecord;
import eqaug.train.Strategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an experiment folder already holds, read back from its config.json and metrics.csv: the finished
 * (run, strategy) parts, in the order they were committed, with how each ended. {@code --resume} trains only
 * the parts after them; since every run is a pure function of (seed, run), the continued folder ends with the
 * same numbers as an uninterrupted run. Anything that does not fit the command (another experiment, another
 * protocol or data set, a damaged table) is refused in one line before any work.
 */
final class PriorResults {
  /** One finished (run, strategy): its epoch records and, when it diverged, why. */
  record Part(int run, Strategy strategy, List<EpochRecord> records, String divergence) {}

  final Path dir;
  final String status;
  final String started;
  final List<Part> parts;
  final Map<Strategy, Double> seconds;
  final double wallSeconds;
  final List<Object> resumed;
  final List<Double> initialNorms;

  private PriorResults(Path dir, String status, String started, List<Part> parts, Map<Strategy, Double> seconds,
      double wallSeconds, List<Object> resumed, List<Double> initialNorms) {
    this.dir = dir;
    this.status = status;
    this.started = started;
    this.parts = parts;
    this.seconds = seconds;
    this.wallSeconds = wallSeconds;
    this.resumed = resumed;
    this.initialNorms = initialNorms;
  }

  /** Whether the folder's command finished (its config says so and every part is there). */
  boolean complete(int runs) {
    return "complete".equals(status) && parts.size() == runs * ExperimentRunner.STRATEGIES.size();
  }

  /** The line a resumed command prints first. */
  String resuming(int runs) {
    return "Resuming " + dir + ": " + parts.size() + " of " + runs * ExperimentRunner.STRATEGIES.size()
        + " (run, strategy) parts are done";
  }

  /** Whether {@code dir} holds an experiment's config.json (a folder --resume can read). */
  static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve("config.json"));
  }

  /**
   * Reads {@code dir}. {@code expected} is the config.json this command would write: its experiment, scale,
   * parameters and data must equal the folder's.
   */
  @SuppressWarnings("unchecked")
  static PriorResults load(Path dir, Map<String, Object> expected, int epochs) {
    Path cfgPath = dir.resolve("config.json");
    if (!Files.isRegularFile(cfgPath)) {
      throw new UsageException("--resume: " + dir + " holds no config.json, so there is nothing to resume");
    }
    Map<String, Object> cfg;
    try {
      Object parsed = Json.read(Files.readString(cfgPath, StandardCharsets.UTF_8));
      if (!(parsed instanceof Map)) {
        throw new IllegalArgumentException("not a JSON object");
      }
      cfg = (Map<String, Object>) parsed;
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--resume: cannot read " + cfgPath + ": " + e.getMessage());
    }
    if (!Objects.equals(cfg.get("experiment"), expected.get("experiment"))) {
      throw new UsageException("--resume: " + dir + " holds results of '" + cfg.get("experiment") + "', not '"
          + expected.get("experiment") + "'");
    }
    // The expected values through the same writer and reader, so numbers compare as the file holds them.
    Map<String, Object> want = (Map<String, Object>) Json.read(Json.write(expected));
    for (String key : new String[] {"scale", "parameters", "data"}) {
      String diff = difference(key, want.get(key), cfg.get(key));
      if (diff != null) {
        throw new UsageException("--resume: " + dir + " was run with a different protocol: " + diff
            + " (repeat the original command's options)");
      }
    }
    Map<Strategy, Double> seconds = new EnumMap<>(Strategy.class);
    double wall = 0;
    if (cfg.get("timing") instanceof Map<?, ?> timing) {
      if (timing.get("wall_seconds") instanceof Number w) {
        wall = w.doubleValue();
      }
      if (timing.get("seconds_per_strategy") instanceof Map<?, ?> per) {
        for (Map.Entry<?, ?> e : per.entrySet()) {
          if (e.getValue() instanceof Number d) {
            seconds.put(Strategy.valueOf(String.valueOf(e.getKey())), d.doubleValue());
          }
        }
      }
    }
    List<String> divergences = new ArrayList<>();
    if (cfg.get("diverged") instanceof List<?> l) {
      l.forEach(x -> divergences.add(String.valueOf(x)));
    }
    List<Object> resumed = cfg.get("resumed") instanceof List<?> r ? new ArrayList<>(r) : new ArrayList<>();
    List<Double> norms = new ArrayList<>();
    if (cfg.get("initial_norms") instanceof List<?> l) {
      l.forEach(x -> norms.add(x instanceof Number d ? d.doubleValue() : Double.NaN));
    }
    List<Part> parts = readParts(dir.resolve("metrics.csv"), epochs, divergences);
    return new PriorResults(dir, String.valueOf(cfg.get("status")), String.valueOf(cfg.get("started")), parts,
        seconds, wall, resumed, norms);
  }

  /** Null when equal; else the first differing entry, as "parameters.epochs is 50 there, 20 here". */
  private static String difference(String path, Object want, Object have) {
    if (want instanceof Map<?, ?> w && have instanceof Map<?, ?> h) {
      for (Map.Entry<?, ?> e : w.entrySet()) {
        String d = difference(path + "." + e.getKey(), e.getValue(), h.get(e.getKey()));
        if (d != null) {
          return d;
        }
      }
      for (Object k : h.keySet()) {
        if (!w.containsKey(k)) {
          return path + "." + k + " is " + h.get(k) + " there and absent here";
        }
      }
      return null;
    }
    // Numbers by value: a folder written before Gson holds the double 3.0 as "3", which reads back as a Long.
    boolean same = want instanceof Number w && have instanceof Number h ? Json.sameNumber(w, h)
        : Objects.equals(want, have);
    return same ? null : path + " is " + show(have) + " there, " + show(want) + " here";
  }

  private static String show(Object v) {
    return v instanceof Number n ? Json.show(n) : String.valueOf(v);
  }

  /** The finished experiment as the command's result, without training (a complete folder in a resumed reproduction). */
  ExperimentSession.Result asResult() {
    ExperimentRunner.Outcome o = new ExperimentRunner.Outcome();
    for (Part p : parts) {
      o.records.addAll(p.records());
      int last = p.records().isEmpty() ? -1 : p.records().get(p.records().size() - 1).epoch();
      o.runs.add(new eqaug.train.RunOutcome(p.run(), p.strategy(), null, last, p.divergence(), 0));
    }
    o.seconds.putAll(seconds);
    o.initialNorms.addAll(initialNorms);
    o.wallSeconds = wallSeconds;
    o.complete = true;
    return new ExperimentSession.Result(o, MetricsTable.of(o.records), Summary.of(o.records, o.runs));
  }

  /**
   * The parts of metrics.csv, which the runner writes whole after every committed part: a prefix of the
   * (run, strategy) order, each with epochs 0..k, k below the protocol's epochs only for a diverged part.
   */
  private static List<Part> readParts(Path csv, int epochs, List<String> divergences) {
    List<Part> parts = new ArrayList<>();
    if (!Files.exists(csv)) {
      return parts;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("--resume: cannot read " + csv + ": " + e.getMessage());
    }
    if (lines.isEmpty() || !lines.get(0).equals(MetricsCsv.HEADER)) {
      throw new UsageException("--resume: " + csv + " does not start with the header " + MetricsCsv.HEADER);
    }
    List<String> layers = new ArrayList<>();
    List<Double> distInit = new ArrayList<>();
    List<Double> distE = new ArrayList<>();
    List<EpochRecord> records = new ArrayList<>();
    int run = -1;
    Strategy strategy = null;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      String where = "--resume: " + csv + " line " + (i + 1) + ": ";
      if (f.length != 8) {
        throw new UsageException(where + "expected 8 fields, found " + f.length);
      }
      int r;
      Strategy s;
      int epoch;
      double di;
      double de;
      double loss;
      double acc;
      try {
        r = Integer.parseInt(f[0]);
        s = Strategy.valueOf(f[1]);
        epoch = Integer.parseInt(f[2]);
        di = Double.parseDouble(f[4]);
        de = Double.parseDouble(f[5]);
        loss = Double.parseDouble(f[6]);
        acc = Double.parseDouble(f[7]);
      } catch (IllegalArgumentException e) {
        throw new UsageException(where + "unreadable value (" + e.getMessage() + ")");
      }
      if (r != run || s != strategy) {
        if (strategy != null) {
          parts.add(finish(run, strategy, records, epochs, divergences, where));
        }
        int index = parts.size();
        int wantRun = index / ExperimentRunner.STRATEGIES.size();
        Strategy wantStrategy = ExperimentRunner.STRATEGIES.get(index % ExperimentRunner.STRATEGIES.size());
        if (r != wantRun || s != wantStrategy) {
          throw new UsageException(where + "found run " + r + " " + s + " where run " + wantRun + " " + wantStrategy
              + " should come");
        }
        run = r;
        strategy = s;
        records = new ArrayList<>();
      }
      int wantEpoch = records.size();
      if (epoch != wantEpoch) {
        throw new UsageException(where + "found epoch " + epoch + " where epoch " + wantEpoch + " should come");
      }
      if (f[3].equals("total")) {
        double[] in = distInit.stream().mapToDouble(Double::doubleValue).toArray();
        double[] e = distE.stream().mapToDouble(Double::doubleValue).toArray();
        records.add(new EpochRecord(r, s, epoch, loss, acc, List.copyOf(layers), in, e, di, de));
        layers.clear();
        distInit.clear();
        distE.clear();
      } else {
        layers.add(f[3]);
        distInit.add(di);
        distE.add(de);
      }
    }
    if (!layers.isEmpty()) {
      throw new UsageException("--resume: " + csv + " ends inside an epoch (no 'total' row)");
    }
    if (strategy != null) {
      parts.add(finish(run, strategy, records, epochs, divergences, "--resume: " + csv + " at its end: "));
    }
    return parts;
  }

  private static Part finish(int run, Strategy s, List<EpochRecord> records, int epochs, List<String> divergences,
      String where) {
    String prefix = "run " + run + ", " + s + ",";
    String why = divergences.stream().filter(d -> d.startsWith(prefix)).findFirst().orElse(null);
    int last = records.size() - 1;
    if (last > epochs || (last < epochs && why == null)) {
      throw new UsageException(where + "run " + run + " " + s + " has epochs 0.." + last + ", not 0.." + epochs
          + (last < epochs ? " and config.json records no divergence for it" : ""));
    }
    return new Part(run, s, List.copyOf(records), why);
  }
}
