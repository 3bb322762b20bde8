package eqaug.apps.cli;

import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.UsageException;
import eqaug.apps.report.Report;
import eqaug.apps.results.ConfigJson;
import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.results.Json;
import eqaug.apps.results.MetricsCsv;
import eqaug.apps.results.MetricsTable;
import eqaug.apps.results.PriorResults;
import eqaug.apps.results.ResultsFolder;
import eqaug.study.Study;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Joins the shards of a job (DIR/shards/i-of-n, written by a command with --shard i/n --out DIR) into the files
 * one machine would have written in DIR (issue 13): every shard's parts are verified against their recorded
 * checksums, and only when all are there exactly once and agree is anything written.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Join the shards in DIR/shards (from --shard i/n --out DIR) into DIR: metrics.csv (the same bytes",
        "as one machine's run), config.json with each shard's host, JVM, threads and seconds, the figure(s),",
        "and for reproduce the per-experiment folders and report.md. Missing, duplicated or inconsistent shards",
        "are named and nothing is written."})
final class MergeCommand implements Callable<Integer> {
  private static final List<String> REPRODUCED = List.of("perm", "trans", "rot");
  private static final String[] SAME = {"experiment", "scale", "parameters", "numerics", "data", "network"};

  @Parameters(index = "0", paramLabel = "DIR", description = "The job's folder, the --out its shards were given.")
  Path job;

  /** One shard as read: its folder, index and manifest. */
  private record ShardDir(Path dir, int index, int count, Map<String, Object> manifest) {
    String name() {
      return index + "/" + count;
    }
  }

  /** One experiment joined from the shards, ready to be written. */
  private record Joined(String name, Map<String, Object> config, String metrics, MetricsTable table, Protocol protocol,
      double meanNorm, double seconds) {}

  @Override
  public Integer call() {
    PrintStream out = System.out;
    List<ShardDir> shards = readShards();
    String command = String.valueOf(shards.get(0).manifest().get("command"));
    for (ShardDir s : shards) {
      if (!command.equals(String.valueOf(s.manifest().get("command")))) {
        throw new UsageException("shard " + s.name() + " is of '" + s.manifest().get("command") + "', shard "
            + shards.get(0).name() + " of '" + command + "'");
      }
    }
    Map<String, String> owner = new HashMap<>();
    for (ShardDir s : shards) {
      for (String id : units(s)) {
        String before = owner.putIfAbsent(id, s.name());
        if (before != null) {
          throw new UsageException("unit " + id + " is in shard " + before + " and in shard " + s.name()
              + " (a duplicated shard)");
        }
      }
    }
    boolean reproduce = command.equals("reproduce");
    List<String> experiments = reproduce ? REPRODUCED : List.of(command);
    List<Joined> joined = new ArrayList<>();
    for (String e : experiments) {
      joined.add(join(e, reproduce, shards));
    }
    if (owner.size() != joined.stream().mapToInt(j -> j.protocol().runs() * ExperimentRunner.STRATEGIES.size()).sum()) {
      throw new UsageException("the shards hold units of no " + command + " experiment");
    }
    // Everything is read and verified: now the files are written.
    List<Object> provenance = provenance(shards);
    try (ResultsFolder top = ResultsFolder.reopen(job, "DIR")) {
      List<Report.Section> sections = new ArrayList<>();
      double wall = 0;
      for (Joined j : joined) {
        j.config().put("shards", provenance);
        if (reproduce) {
          try (ResultsFolder sub = ResultsFolder.open(job.resolve(j.name()), "results folder")) {
            write(sub, j);
          }
        } else {
          write(top, j);
        }
        wall = Math.max(wall, j.seconds());
        @SuppressWarnings("unchecked")
        Map<String, Object> net = (Map<String, Object>) j.config().get("network");
        sections.add(new Report.Section(j.name(), String.valueOf(j.config().get("title")), j.protocol(),
            j.protocol().samples(), ((Number) net.get("dim_L")).longValue(), ((Number) net.get("dim_E")).longValue(),
            j.table(), j.meanNorm(), j.seconds(), true, asMap(j.config().get("data"))));
      }
      if (reproduce) {
        Map<String, Object> first = shards.get(0).manifest();
        Map<String, Object> cfg = joined.get(0).config();
        Map<String, Object> params = asMap(cfg.get("parameters"));
        @SuppressWarnings("unchecked")
        Map<String, Object> compute = (Map<String, Object>) cfg.get("compute");
        ReproduceCommand.writeTop(top, sections, String.valueOf(first.get("started")), wall, true,
            ExperimentOptions.Scale.valueOf(String.valueOf(cfg.get("scale"))),
            ((Number) compute.get("threads")).intValue(), String.valueOf(compute.get("device")),
            precisionOf(cfg), ((Number) params.get("seed")).longValue(), provenance);
      }
    }
    out.println("Merged " + shards.size() + " shards of " + command + " (" + owner.size() + " units) into " + job);
    return 0;
  }

  /** The shard folders, all of one count and every index there, each with a complete shard.json of its index. */
  private List<ShardDir> readShards() {
    Path dir = job.resolve("shards");
    if (!Files.isDirectory(dir)) {
      throw new UsageException("" + job + " holds no shards/ folder (run the command with --shard i/n --out "
          + job + " first)");
    }
    for (String name : new String[] {"config.json", "metrics.csv", "report.md"}) {
      if (Files.exists(job.resolve(name))) {
        throw new UsageException("" + job + " already holds results (" + name + "); nothing was written");
      }
    }
    TreeMap<Integer, Path> byIndex = new TreeMap<>();
    List<String> counts = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.sorted().toList()) {
        Matcher m = Shards.FOLDER.matcher(p.getFileName().toString());
        if (!m.matches() || !Files.isDirectory(p)) {
          throw new UsageException("" + p + " is not a shard folder (i-of-n)");
        }
        if (!counts.contains(m.group(2))) {
          counts.add(m.group(2));
        }
        byIndex.put(Integer.parseInt(m.group(1)), p);
      }
    } catch (IOException e) {
      throw new UsageException("cannot read " + dir + ": " + e.getMessage());
    }
    if (counts.size() != 1) {
      throw new UsageException("" + dir + " holds shards of " + (counts.isEmpty() ? "no count" : "different counts ("
          + String.join(", ", counts) + " ways)") + "; a job's shards must all come from one --shard i/n split");
    }
    int n = Integer.parseInt(counts.get(0));
    List<String> missing = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (!byIndex.containsKey(i)) {
        missing.add(i + "/" + n);
      }
    }
    if (!missing.isEmpty()) {
      throw new UsageException("shard" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
          + " missing in " + dir + " (run each with --shard i/" + n + " --out " + job + ")");
    }
    List<ShardDir> shards = new ArrayList<>();
    for (Map.Entry<Integer, Path> e : byIndex.entrySet()) {
      Path p = e.getValue();
      String name = e.getKey() + "/" + n;
      Map<String, Object> manifest;
      try {
        manifest = asMap(Json.read(Files.readString(p.resolve(Shards.MANIFEST))));
      } catch (IOException | RuntimeException e2) {
        throw new UsageException("shard " + name + ": cannot read " + p.resolve(Shards.MANIFEST) + " ("
            + e2.getMessage() + ")");
      }
      Map<String, Object> sh = asMap(manifest.get("shard"));
      if (!(sh.get("index") instanceof Number i && i.intValue() == e.getKey() && sh.get("count") instanceof Number c
          && c.intValue() == n)) {
        throw new UsageException("" + p + " holds shard " + sh.get("index") + "/" + sh.get("count")
            + ", not " + name + " (a moved or duplicated shard)");
      }
      if (!"complete".equals(manifest.get("status"))) {
        throw new UsageException("shard " + name + " is not finished (status " + manifest.get("status")
            + "); go on with it: repeat its command with --resume");
      }
      shards.add(new ShardDir(p, e.getKey(), n, manifest));
    }
    return shards;
  }

  private static List<String> units(ShardDir s) {
    if (!(s.manifest().get("units") instanceof List<?> l)) {
      throw new UsageException("shard " + s.name() + ": shard.json lists no units");
    }
    return l.stream().map(String::valueOf).toList();
  }

  /** Parses a unit id, experiment/runNNN/STRATEGY, of experiment e; null for another experiment. */
  private static Study.PartId part(ShardDir s, String id, String e) {
    String[] f = id.split("/");
    if (f.length != 3 || !f[1].matches("run[0-9]+")) {
      throw new UsageException("shard " + s.name() + ": malformed unit id '" + id + "'");
    }
    if (!f[0].equals(e)) {
      return null;
    }
    try {
      return new Study.PartId(Integer.parseInt(f[1].substring(3)), Strategy.valueOf(f[2]));
    } catch (IllegalArgumentException x) {
      throw new UsageException("shard " + s.name() + ": malformed unit id '" + id + "'");
    }
  }

  /** One experiment's parts from every shard, verified and put in (run, strategy) order. */
  private Joined join(String e, boolean reproduce, List<ShardDir> shards) {
    Map<Study.PartId, PriorResults.Part> parts = new HashMap<>();
    Map<Integer, Double> norms = new HashMap<>();
    Map<String, Object> base = null;
    ShardDir baseShard = null;
    Map<Strategy, Double> seconds = new LinkedHashMap<>();
    double wall = 0;
    for (ShardDir s : shards) {
      List<Study.PartId> order = new ArrayList<>();
      for (String id : units(s)) {
        Study.PartId p = part(s, id, e);
        if (p != null) {
          order.add(p);
        }
      }
      if (order.isEmpty()) {
        continue;
      }
      Path dir = reproduce ? s.dir().resolve(e) : s.dir();
      Map<String, Object> cfg;
      try {
        cfg = asMap(Json.read(Files.readString(dir.resolve("config.json"))));
      } catch (IOException | RuntimeException x) {
        throw new UsageException("shard " + s.name() + ": cannot read " + dir.resolve("config.json"));
      }
      if (base == null) {
        base = cfg;
        baseShard = s;
      } else {
        for (String key : SAME) {
          if (!Json.write(base.get(key)).equals(Json.write(cfg.get(key)))) {
            throw new UsageException("shards " + baseShard.name() + " and " + s.name() + " of " + e
                + " differ in their " + key + " (they are not shards of one job)");
          }
        }
      }
      int epochs = ((Number) asMap(cfg.get("parameters")).get("epochs")).intValue();
      PriorResults prior;
      try {
        prior = PriorResults.load(dir, cfg, epochs, order);
      } catch (UsageException x) {
        throw new UsageException("shard " + s.name() + ": " + x.getMessage().replaceFirst("^--resume: ", ""));
      }
      if (prior.parts.size() != order.size()) {
        throw new UsageException("shard " + s.name() + " of " + e + " holds " + prior.parts.size() + " of its "
            + order.size() + " parts; go on with it: repeat its command with --resume");
      }
      int j = -1;
      int lastRun = -1;
      for (PriorResults.Part p : prior.parts) {
        parts.put(new Study.PartId(p.run(), p.strategy()), p);
        if (p.run() != lastRun) {
          j++;
          lastRun = p.run();
          norms.put(p.run(), prior.initialNorms.get(j));
        }
      }
      if (cfg.get("timing") instanceof Map<?, ?> t && t.get("seconds_per_strategy") instanceof Map<?, ?> per) {
        for (Map.Entry<?, ?> x : per.entrySet()) {
          if (x.getValue() instanceof Number d) {
            seconds.merge(Strategy.valueOf(String.valueOf(x.getKey())), d.doubleValue(), Double::sum);
          }
        }
      }
      if (cfg.get("timing") instanceof Map<?, ?> t && t.get("wall_seconds") instanceof Number w) {
        wall = Math.max(wall, w.doubleValue());
      }
    }
    if (base == null) {
      throw new UsageException("no shard holds units of " + e);
    }
    Map<String, Object> params = asMap(base.get("parameters"));
    int runs = ((Number) params.get("runs")).intValue();
    ExperimentRunner.Outcome o = new ExperimentRunner.Outcome();
    List<String> absent = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      for (Strategy st : ExperimentRunner.STRATEGIES) {
        PriorResults.Part p = parts.get(new Study.PartId(r, st));
        if (p == null) {
          absent.add(String.format("%s/run%03d/%s", e, r, st.name()));
          continue;
        }
        o.records.addAll(p.records());
        int last = p.records().isEmpty() ? -1 : p.records().get(p.records().size() - 1).epoch();
        o.runs.add(new RunOutcome(p.run(), p.strategy(), null, last, p.divergence(), 0));
      }
      o.initialNorms.add(norms.getOrDefault(r, Double.NaN));
    }
    if (!absent.isEmpty() || parts.size() != runs * ExperimentRunner.STRATEGIES.size()) {
      throw new UsageException("" + (absent.isEmpty() ? "units outside the protocol's " + runs + " runs"
          : "unit" + (absent.size() > 1 ? "s " : " ") + String.join(", ", absent.subList(0, Math.min(3, absent.size())))
              + (absent.size() > 3 ? " and " + (absent.size() - 3) + " more" : ""))
          + " of " + e + " in no shard");
    }
    Map<String, Object> cfg = new LinkedHashMap<>(base);
    cfg.remove("shard");
    cfg.remove("resumed");
    cfg.put("status", "complete");
    cfg.put("started", shards.stream().map(s -> String.valueOf(s.manifest().get("started"))).sorted().findFirst()
        .orElse(""));
    Map<String, Object> compute = new LinkedHashMap<>(asMap(base.get("compute")));
    compute.put("engine", "see shards");
    cfg.put("compute", compute);
    Map<String, Object> timing = new LinkedHashMap<>();
    timing.put("wall_seconds", wall);
    Map<String, Object> per = new LinkedHashMap<>();
    for (Strategy st : ExperimentRunner.STRATEGIES) {
      if (seconds.containsKey(st)) {
        per.put(st.name(), seconds.get(st));
      }
    }
    timing.put("seconds_per_strategy", per);
    cfg.put("timing", timing);
    List<Object> diverged = new ArrayList<>();
    for (RunOutcome r : o.runs) {
      if (r.diverged()) {
        diverged.add(r.divergence());
      }
    }
    cfg.put("diverged", diverged);
    cfg.put("initial_norms", o.initialNorms);
    cfg.put("parts", ConfigJson.parts(o));
    Protocol protocol = new Protocol(runs, ((Number) params.get("samples")).intValue(),
        new TrainConfig(((Number) params.get("epochs")).intValue(), ((Number) params.get("lr")).doubleValue(),
            ((Number) params.get("batch")).intValue(), ((Number) params.get("naug")).intValue()),
        ((Number) params.get("seed")).longValue());
    double meanNorm = o.initialNorms.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new Joined(e, cfg, MetricsCsv.format(o.records), MetricsTable.of(o.records), protocol, meanNorm, wall);
  }

  /** Per shard where and how it ran: the provenance a merged config.json records. */
  private static List<Object> provenance(List<ShardDir> shards) {
    List<Object> list = new ArrayList<>();
    for (ShardDir s : shards) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shard", s.name());
      for (String key : new String[] {"host", "jvm", "threads", "started", "seconds"}) {
        m.put(key, s.manifest().get(key));
      }
      m.put("units", units(s).size());
      list.add(m);
    }
    return list;
  }

  private void write(ResultsFolder folder, Joined j) {
    ExperimentSession.write(folder, "metrics.csv", j.metrics());
    ExperimentSession.write(folder, "config.json", Json.write(j.config()));
    try (Progress progress = new Progress(j.name(), 1, System.err, true)) {
      ExperimentSession.drawFigure(folder, j.table(), j.name(), String.valueOf(j.config().get("title")), true, progress);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new UsageException("expected a JSON object, found " + o);
  }

  /** The precision a shard's config.json records (every shard has the same: numerics are compared). */
  private static eqaug.train.Precision precisionOf(Map<String, Object> cfg) {
    Object n = cfg.get("numerics") instanceof Map<?, ?> m ? m.get("precision") : null;
    try {
      return n == null ? eqaug.train.Precision.FP32 : eqaug.train.Precision.parse(String.valueOf(n));
    } catch (IllegalArgumentException e) {
      throw new UsageException("the shards' config.json: numerics." + e.getMessage());
    }
  }
}
