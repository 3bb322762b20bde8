package eqaug.apps.results;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.UsageException;
import eqaug.study.Study;
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
public final class PriorResults {
  /** One finished (run, strategy): its epoch records and, when it diverged, why. */
  public record Part(int run, Strategy strategy, List<EpochRecord> records, String divergence) {}

  public final Path dir;
  final String status;
  public final String started;
  public final List<Part> parts;
  final Map<Strategy, Double> seconds;
  public final double wallSeconds;
  public final List<Object> resumed;
  /** ||A^0|| of each run the parts touch, in the order of those runs. */
  public final List<Double> initialNorms;
  /** The parts the folder's command trains, in order (a shard's); null: all of the protocol's. */
  private final List<Study.PartId> order;
  /** The parameter files (--save-params) of the kept parts, as config.json records them, each verified. */
  public final Map<Study.PartId, List<Object>> savedParams;

  private PriorResults(Path dir, String status, String started, List<Part> parts, Map<Strategy, Double> seconds,
      double wallSeconds, List<Object> resumed, List<Double> initialNorms, List<Study.PartId> order,
      Map<Study.PartId, List<Object>> savedParams) {
    this.savedParams = savedParams;
    this.order = order;
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
  public boolean complete(int runs) {
    return "complete".equals(status) && parts.size() == total(runs);
  }

  private int total(int runs) {
    return order == null ? runs * ExperimentRunner.STRATEGIES.size() : order.size();
  }

  /** The k-th part the folder's command commits, or null past the last. */
  private static Study.PartId expectedAt(List<Study.PartId> order, int k) {
    if (order != null) {
      return k < order.size() ? order.get(k) : null;
    }
    int n = ExperimentRunner.STRATEGIES.size();
    return new Study.PartId(k / n, ExperimentRunner.STRATEGIES.get(k % n));
  }

  /** The distinct runs of these parts, in order: the runs whose ||A^0|| a folder records. */
  private static List<Integer> runsOf(List<Part> parts) {
    List<Integer> runs = new ArrayList<>();
    for (Part p : parts) {
      if (runs.isEmpty() || runs.get(runs.size() - 1) != p.run()) {
        runs.add(p.run());
      }
    }
    return runs;
  }

  /**
   * Checks that this command draws the same A^0 for every run the folder keeps (its ||A^0|| is recorded):
   * a folder made with another generator or build would otherwise be continued from other start points.
   */
  public void verifyInitialNorms(Experiment exp, Protocol protocol) {
    verifyInitialNorms(exp, protocol, null);
  }

  /** As above for runs that start from {@code init} when it is given (--init). */
  public void verifyInitialNorms(Experiment exp, Protocol protocol, InitFile init) {
    List<Integer> keptRuns = runsOf(parts);
    Study study = ExperimentRunner.study(exp, protocol, init);
    for (int j = 0; j < keptRuns.size(); j++) {
      int r = keptRuns.get(j);
      double here = study.initialNorm(r);
      double there = j < initialNorms.size() ? initialNorms.get(j) : Double.NaN;
      if (Double.compare(here, there) != 0) {
        throw new UsageException("--resume: run " + r + " starts from another A0 here than in " + dir + " (||A0|| "
            + there + " there, " + here + " here): the folder was computed differently, so it cannot be continued");
      }
    }
  }

  /** The line a resumed command prints first. */
  public String resuming(int runs) {
    return "Resuming " + dir + ": " + parts.size() + " of " + total(runs)
        + " (run, strategy) parts are done";
  }

  /** Whether {@code dir} holds an experiment's config.json (a folder --resume can read). */
  public static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve("config.json"));
  }

  /**
   * Reads {@code dir}. {@code expected} is the config.json this command would write: its experiment, scale,
   * parameters and data must equal the folder's.
   */
  @SuppressWarnings("unchecked")
  public static PriorResults load(Path dir, Map<String, Object> expected, int epochs) {
    return load(dir, expected, epochs, null);
  }

  /** As above for a folder whose command trains only {@code order} (a shard's parts, in order; null: all). */
  @SuppressWarnings("unchecked")
  public static PriorResults load(Path dir, Map<String, Object> expected, int epochs, List<Study.PartId> order) {
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
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new UsageException("--resume: cannot read " + cfgPath + ": " + e.getMessage());
    }
    if (!Objects.equals(cfg.get("experiment"), expected.get("experiment"))) {
      throw new UsageException("--resume: " + dir + " holds results of '" + cfg.get("experiment") + "', not '"
          + expected.get("experiment") + "'");
    }
    // The expected values through the same writer and reader, so numbers compare as the file holds them.
    Map<String, Object> want = (Map<String, Object>) Json.read(Json.write(expected));
    if (cfg.get("parameters") instanceof Map<?, ?> had && !had.containsKey("augmentation")) {
      // Written before augmentation and penalty were options: the paper's Haar augmentation, no penalty.
      Map<String, Object> p = new java.util.LinkedHashMap<>((Map<String, Object>) had);
      p.put("augmentation", eqaug.train.Augmentation.HAAR.description());
      p.put("penalty", 0.0);
      cfg.put("parameters", p);
    }
    for (String key : new String[] {"scale", "parameters", "numerics", "data", "shard"}) {
      String diff = difference(key, want.get(key), cfg.get(key));
      if (diff != null) {
        throw new UsageException("--resume: " + dir + (key.equals("numerics")
            ? " was computed another way: " + diff + " (a resumed folder must keep its generator, engine and precision)"
            : " was run with a different protocol: " + diff + " (repeat the original command's options)"));
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
          for (Strategy st : Strategy.values()) {
            if (st.name().equals(e.getKey()) && e.getValue() instanceof Number d) {
              seconds.put(st, d.doubleValue());
            }
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
    double penaltyWeight = cfg.get("parameters") instanceof Map<?, ?> params && params.get("penalty") instanceof Number g
        ? g.doubleValue() : 0;
    List<Part> parts = readParts(dir.resolve("metrics.csv"), epochs, divergences, recordedParts(cfgPath, cfg, order),
        order, penaltyWeight);
    // Only the kept runs' ||A^0|| are taken (and verified); the others are recomputed when their runs are trained.
    int keptRuns = runsOf(parts).size();
    List<Double> keptNorms = new ArrayList<>(norms.subList(0, Math.min(norms.size(), keptRuns)));
    return new PriorResults(dir, String.valueOf(cfg.get("status")), String.valueOf(cfg.get("started")), parts,
        seconds, wall, resumed, keptNorms, order, savedParams(dir, cfg, parts));
  }

  /**
   * The parameter files config.json records for the kept parts, each checked to be there with its recorded
   * SHA-256: a kept part is not trained again, so its files must be the ones it wrote.
   */
  private static Map<Study.PartId, List<Object>> savedParams(Path dir, Map<String, Object> cfg, List<Part> parts) {
    Map<Study.PartId, List<Object>> out = new java.util.HashMap<>();
    if (!(cfg.get("saved_params") instanceof List<?> list)) {
      return out;
    }
    java.util.Set<Study.PartId> kept = new java.util.HashSet<>();
    parts.forEach(p -> kept.add(new Study.PartId(p.run(), p.strategy())));
    for (Object o : list) {
      Study.PartId id;
      String file;
      String sha;
      try {
        Map<?, ?> m = (Map<?, ?>) o;
        id = new Study.PartId(((Number) m.get("run")).intValue(), Strategy.valueOf((String) m.get("strategy")));
        file = (String) Objects.requireNonNull(m.get("file"));
        sha = (String) Objects.requireNonNull(m.get("sha256"));
      } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
        throw new UsageException("--resume: " + dir.resolve("config.json") + ": an entry of 'saved_params' is malformed");
      }
      if (!kept.contains(id)) {
        continue; // its part is trained again and writes its files again
      }
      Path p = dir.resolve(file).normalize();
      String have;
      try {
        if (!p.startsWith(dir.normalize())) {
          throw new IOException("outside the folder");
        }
        have = InitFile.sha256(Files.readAllBytes(p));
      } catch (IOException e) {
        throw new UsageException("--resume: " + p + ", saved by run " + id.run() + " " + id.strategy()
            + ", cannot be read (" + e.getClass().getSimpleName() + "); its part cannot be kept");
      }
      if (!have.equals(sha)) {
        throw new UsageException("--resume: " + p + " differs from what run " + id.run() + " " + id.strategy()
            + " saved (SHA-256); its part cannot be kept");
      }
      out.computeIfAbsent(id, k -> new ArrayList<>()).add(o);
    }
    return out;
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

  /** The finished parts as an outcome, without training (a complete folder in a resumed reproduction). */
  public ExperimentRunner.Outcome asOutcome() {
    ExperimentRunner.Outcome o = new ExperimentRunner.Outcome();
    for (Part p : parts) {
      o.records.addAll(p.records());
      int last = p.records().isEmpty() ? -1 : p.records().get(p.records().size() - 1).epoch();
      o.runs.add(new eqaug.train.RunOutcome(p.run(), p.strategy(), null, last, p.divergence(), 0));
    }
    o.seconds.putAll(seconds);
    o.initialNorms.addAll(initialNorms);
    for (Part p : parts) {
      o.savedParams.addAll(savedParams.getOrDefault(new Study.PartId(p.run(), p.strategy()), List.of()));
    }
    o.wallSeconds = wallSeconds;
    o.complete = true;
    return o;
  }

  /** What config.json says was committed: per part its run, strategy, row count and checksum, in order. */
  private record Recorded(int run, Strategy strategy, int rows, String sha256) {
    String name() {
      return "run " + run + " " + strategy;
    }
  }

  private static List<Recorded> recordedParts(Path cfgPath, Map<String, Object> cfg, List<Study.PartId> order) {
    Object p = cfg.get("parts");
    if (p == null && !"running".equals(cfg.get("status"))) {
      throw new UsageException("--resume: " + cfgPath + " records no checksums of its parts (written by an older eqaug "
          + "or edited), so what metrics.csv holds cannot be verified; start a new folder");
    }
    List<Recorded> out = new ArrayList<>();
    if (p == null) {
      return out; // interrupted before its first part: nothing is kept
    }
    if (!(p instanceof List<?> list)) {
      throw new UsageException("--resume: " + cfgPath + ": 'parts' is not a list");
    }
    for (Object o : list) {
      try {
        Map<?, ?> m = (Map<?, ?>) o;
        out.add(new Recorded(((Number) m.get("run")).intValue(), Strategy.valueOf((String) m.get("strategy")),
            ((Number) m.get("rows")).intValue(), (String) Objects.requireNonNull(m.get("sha256"))));
      } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
        throw new UsageException("--resume: " + cfgPath + ": part " + (out.size() + 1) + " of 'parts' is malformed");
      }
      Recorded r = out.get(out.size() - 1);
      int k = out.size() - 1;
      Study.PartId want = expectedAt(order, k);
      if (want == null) {
        throw new UsageException("--resume: " + cfgPath + ": part " + (k + 1) + " of 'parts' is " + r.name()
            + ", but only " + k + " parts are to be trained here");
      }
      if (r.run() != want.run() || r.strategy() != want.strategy()) {
        throw new UsageException("--resume: " + cfgPath + ": part " + (k + 1) + " of 'parts' is " + r.name()
            + ", where run " + want.run() + " " + want.strategy() + " should come");
      }
    }
    return out;
  }

  /** The lines of one (run, strategy) in metrics.csv: where they start (1-based line number) and the text. */
  private record Chunk(int run, String strategyField, int firstLine, List<String> lines) {
    String text() {
      StringBuilder sb = new StringBuilder();
      lines.forEach(l -> sb.append(l).append('\n'));
      return sb.toString();
    }
  }

  /**
   * The parts of metrics.csv, which the runner writes whole after every committed part: a prefix of the
   * (run, strategy) order, each with epochs 0..k, k below the protocol's epochs only for a diverged part.
   * Every part config.json records must be there with exactly the rows it had when it was committed (same
   * count and SHA-256); rows after them are only accepted as whole parts written just before an
   * interruption (metrics.csv is written before config.json), and are then dropped and trained again.
   */
  private static List<Part> readParts(Path csv, int epochs, List<String> divergences, List<Recorded> recorded,
      List<Study.PartId> order, double penaltyWeight) {
    List<Part> parts = new ArrayList<>();
    if (!Files.exists(csv)) {
      if (!recorded.isEmpty()) {
        throw new UsageException("--resume: " + csv + " is missing, but config.json records " + recorded.size()
            + " finished parts");
      }
      return parts;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UsageException("--resume: cannot read " + csv + ": " + e.getMessage());
    }
    if (lines.isEmpty() || !lines.get(0).equals(MetricsCsv.HEADER)) {
      throw new UsageException("--resume: " + csv + " does not start with the header " + MetricsCsv.HEADER);
    }
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      String[] f = line.split(",", 3);
      Chunk last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
      int run;
      try {
        run = Integer.parseInt(f[0]);
      } catch (NumberFormatException e) {
        throw new UsageException("--resume: " + csv + " line " + (i + 1) + ": unreadable run '" + f[0] + "'");
      }
      String strategy = f.length > 1 ? f[1] : "";
      if (last == null || last.run() != run || !last.strategyField().equals(strategy)) {
        last = new Chunk(run, strategy, i + 1, new ArrayList<>());
        chunks.add(last);
      }
      last.lines().add(line);
    }
    for (int k = 0; k < recorded.size(); k++) {
      Recorded r = recorded.get(k);
      String where = "--resume: " + csv + ": " + r.name() + " ";
      if (k >= chunks.size()) {
        throw new UsageException(where + "is recorded as finished in config.json but its rows are missing");
      }
      Chunk c = chunks.get(k);
      if (c.run() != r.run() || !c.strategyField().equals(r.strategy().name())) {
        throw new UsageException("--resume: " + csv + " line " + c.firstLine() + ": found run " + c.run() + " "
            + c.strategyField() + " where " + r.name() + " should come (rows missing or moved)");
      }
      if (c.lines().size() != r.rows()) {
        throw new UsageException(where + "has " + c.lines().size() + " rows, but " + r.rows()
            + " were recorded when it finished (rows " + (c.lines().size() < r.rows() ? "missing" : "added") + ")");
      }
      if (!MetricsCsv.sha256(c.text()).equals(r.sha256())) {
        throw new UsageException(where + "differs from what was recorded when it finished (checksum of its rows"
            + nonFinite(c) + "); its results cannot be trusted, so it is not resumed");
      }
    }
    List<String> kept = new ArrayList<>();
    for (int k = 0; k < recorded.size(); k++) {
      kept.addAll(chunks.get(k).lines());
    }
    parts.addAll(parse(csv, kept, 2, epochs, divergences, penaltyWeight));
    // Whole parts after the recorded ones are dropped (they are trained again, to the same numbers); anything
    // else after them is damage.
    if (chunks.size() > recorded.size()) {
      Chunk extra = chunks.get(recorded.size());
      List<String> rest = new ArrayList<>();
      for (int k = recorded.size(); k < chunks.size(); k++) {
        rest.addAll(chunks.get(k).lines());
      }
      try {
        List<Part> after = parse(csv, rest, extra.firstLine(), epochs, List.of(), penaltyWeight);
        int index = parts.size();
        for (Part p : after) {
          Study.PartId want = expectedAt(order, index);
          if (want == null || p.run() != want.run() || p.strategy() != want.strategy()
              || p.records().size() != epochs + 1) {
            throw new UsageException("not the next part");
          }
          index++;
        }
      } catch (UsageException e) {
        throw new UsageException("--resume: " + csv + " line " + extra.firstLine() + ": rows that config.json does not "
            + "record (added or damaged after the last finished part)");
      }
    }
    return parts;
  }

  private static String nonFinite(Chunk c) {
    for (int i = 0; i < c.lines().size(); i++) {
      String[] f = c.lines().get(i).split(",", -1);
      for (int j = 4; j < Math.min(f.length, 9); j++) { // the optional fields after penalty may be empty
        try {
          if (!Double.isFinite(Double.parseDouble(f[j]))) {
            return "; line " + (c.firstLine() + i) + " holds a non-finite value";
          }
        } catch (NumberFormatException e) {
          return "; line " + (c.firstLine() + i) + " holds an unreadable value";
        }
      }
    }
    return "";
  }

  /** Parts from rows in (run, strategy, epoch, layer) order; firstLine numbers them in messages. */
  private static List<Part> parse(Path csv, List<String> lines, int firstLine, int epochs, List<String> divergences,
      double penaltyWeight) {
    List<Part> parts = new ArrayList<>();
    List<String> layers = new ArrayList<>();
    List<Double> distInit = new ArrayList<>();
    List<Double> distE = new ArrayList<>();
    List<Double> grad = new ArrayList<>();
    List<Double> pair = new ArrayList<>();
    List<EpochRecord> records = new ArrayList<>();
    int run = -1;
    Strategy strategy = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String[] f = line.split(",", -1);
      String where = "--resume: " + csv + " line " + (firstLine + i) + ": ";
      if (f.length != MetricsCsv.FIELDS) {
        throw new UsageException(where + "expected " + MetricsCsv.FIELDS + " fields, found " + f.length);
      }
      int r;
      Strategy s;
      int epoch;
      double di;
      double de;
      double loss;
      double acc;
      double g;
      double pd;
      try {
        r = Integer.parseInt(f[0]);
        s = Strategy.valueOf(f[1]);
        epoch = Integer.parseInt(f[2]);
        di = Double.parseDouble(f[4]);
        de = Double.parseDouble(f[5]);
        loss = Double.parseDouble(f[6]);
        acc = Double.parseDouble(f[7]);
        Double.parseDouble(f[8]); // the penalty's value follows from dist_E and config.json's γ
        g = MetricsCsv.parseOptional(f[9]);
        pd = MetricsCsv.parseOptional(f[10]);
      } catch (IllegalArgumentException e) {
        throw new UsageException(where + "unreadable value (" + e.getMessage() + ")");
      }
      if (!(Double.isFinite(di) && Double.isFinite(de) && Double.isFinite(loss) && Double.isFinite(acc))) {
        throw new UsageException(where + "a non-finite value");
      }
      if (r != run || s != strategy) {
        if (strategy != null) {
          parts.add(finish(run, strategy, records, epochs, divergences, where));
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
        double[] gk = grad.stream().mapToDouble(Double::doubleValue).toArray();
        double[] pk = pair.stream().mapToDouble(Double::doubleValue).toArray();
        records.add(new EpochRecord(r, s, epoch, loss, acc, List.copyOf(layers), in, e, di, de, gk, g, penaltyWeight,
            pk, pd));
        layers.clear();
        distInit.clear();
        distE.clear();
        grad.clear();
        pair.clear();
      } else {
        layers.add(f[3]);
        distInit.add(di);
        distE.add(de);
        grad.add(g);
        pair.add(pd);
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
