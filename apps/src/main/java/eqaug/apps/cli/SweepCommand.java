package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.UsageException;
import eqaug.apps.report.Figure;
import eqaug.apps.results.InitFile;
import eqaug.apps.results.Json;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.results.RunInfo;
import eqaug.apps.results.SavedParameters;
import eqaug.apps.sweep.SweepFigure;
import eqaug.apps.sweep.SweepPlan;
import eqaug.apps.sweep.SweepReport;
import eqaug.apps.sweep.SweepResults;
import eqaug.apps.sweep.SweptOption;
import eqaug.apps.sweep.Support;
import eqaug.backend.Backend;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * eqaug sweep (issue 12, item 4): an experiment command over the cartesian product of comma-separated values of
 * --naug, --penalty, --precision, --lr and --perturb. Each point is trained by the experiment command itself (its
 * option checks, config.json, metrics.csv and resume rules) into DIR/points/NAME; the sweep writes sweep.json,
 * sweep.csv, the figure and report.md around them (docs/sweep.md).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Trains an experiment at every combination of comma-separated values of",
        "--naug, --penalty, --precision, --lr and --perturb (first option slowest),",
        "each point a normal results folder DIR/points/NAME made by the experiment",
        "command; writes sweep.json, sweep.csv (a row per point, run and strategy),",
        "figure.png/.svg (final ||A_E-perp|| against each swept number, log-log, with",
        "the 1/sqrt(N_aug) noise line) and report.md. Other options (--runs, --epochs,",
        "--samples, --scale, --seed, --threads, ...) go to every point unchanged.",
        "Example:  eqaug sweep rot --naug 1,4,all --precision fp32,fp64",
        "Details: docs/sweep.md."})
final class SweepCommand implements Callable<Integer> {
  static final String NOT_STARTED = "not started";
  static final String COMPLETE = "complete";
  static final String PARTIAL = "partial";
  static final String RUNNING = "running";

  @Parameters(arity = "1..*", paramLabel = "EXPERIMENT",
      description = {"perm, trans or rot, then any of its options (single values)."})
  List<String> inner = new ArrayList<>();

  @Option(names = "--naug", paramLabel = "LIST", description = "N_aug values: positive integers or 'all'.")
  String naug;

  @Option(names = "--penalty", paramLabel = "LIST", description = "Penalty weights gamma >= 0.")
  String penalty;

  @Option(names = "--precision", paramLabel = "LIST", description = "fp32, fp64 or both.")
  String precision;

  @Option(names = "--lr", paramLabel = "LIST", description = "Learning rates tau > 0.")
  String lr;

  @Option(names = "--perturb", paramLabel = "LIST", description = "Perturbation sizes epsilon >= 0.")
  String perturb;

  @Option(names = "--augment-by", paramLabel = "LIST",
      description = "--augment-by specs separated by ';' ('G': Haar on G), e.g. 'G;r2;e:2,r2:3'.")
  String augmentBy;

  @Option(names = "--out", paramLabel = "DIR", description = "Sweep folder (default: a new one under results/).")
  Path out;

  @Option(names = "--resume", description = "Go on with the sweep in --out DIR: complete points are kept, an "
      + "interrupted one resumed, the rest trained; repeat the sweep's options.")
  boolean resume;

  @Option(names = {"-q", "--quiet"}, description = "No line per point.")
  boolean quiet;

  /**
   * What the checks before any folder found: how many elements --naug all averages over (|G|, where the figure
   * draws it) and the experiment's title.
   */
  private record Checked(Support support, String title) {}

  @Override
  public Integer call() {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    String experiment = inner.get(0);
    if (experiment.startsWith("-")) {
      throw new UsageException("the experiment comes first (eqaug sweep perm|trans|rot [options]), got '"
          + experiment + "'");
    }
    StabilityCommand.experimentCommand(experiment); // an unknown experiment is refused here
    List<String> passArguments = new ArrayList<>(inner.subList(1, inner.size()));
    if (augmentBy != null && !augmentBy.contains(";")) {
      // One spec is not a list: every point draws from it, as any other option passed on to the command.
      passArguments.add("--augment-by");
      passArguments.add(augmentBy);
      augmentBy = null;
    }
    passArguments = List.copyOf(passArguments);
    Map<String, String> passThrough = passThrough(experiment, passArguments);
    Map<SweptOption, String> lists = new EnumMap<>(SweptOption.class);
    put(lists, SweptOption.NAUG, naug);
    put(lists, SweptOption.PENALTY, penalty);
    put(lists, SweptOption.PRECISION, precision);
    put(lists, SweptOption.LR, lr);
    put(lists, SweptOption.PERTURB, perturb);
    put(lists, SweptOption.AUGMENT_BY, augmentBy);
    if (augmentBy != null && naug != null && naug.contains(SweptOption.ALL)) {
      // 'all' would average over a different support at every point; the figure places it at one.
      throw new UsageException("--naug all cannot be swept together with a list of --augment-by specs; sweep each "
          + "--augment-by separately (a single spec is passed on to every point)");
    }
    SweepPlan plan = new SweepPlan(experiment, lists, passArguments, passThrough);
    if (resume && out == null) {
      throw new UsageException("--resume needs --out DIR, the folder of the interrupted sweep");
    }
    if (!resume) {
      refuseUsed(out);
    }
    Checked checked = check(plan); // every point's options, the data and the memory, before any folder is made
    List<SweepPlan.Point> points = plan.points();
    try (ResultsFolder folder = resume ? ResultsFolder.reopen(out, "--out")
        : out == null ? ResultsFolder.createDefault("sweep-" + experiment) : ResultsFolder.open(out, "--out");
         ResumeHint hint = new ResumeHint(folder.path(), "eqaug sweep", stderr)) {
      Path dir = folder.path();
      if (!resume) {
        refuseUsed(dir); // again under the lock
      }
      String started = Instant.now().toString();
      List<Object> resumed = new ArrayList<>();
      List<String> status = new ArrayList<>();
      for (SweepPlan.Point p : points) {
        status.add(resume ? pointStatus(dir.resolve(p.folder())) : NOT_STARTED);
      }
      if (resume) {
        Map<?, ?> stored = readSweepJson(dir);
        String diff = plan.difference(stored);
        if (diff != null) {
          throw new UsageException("--resume: " + dir + " holds another sweep: " + diff + " (repeat the sweep's "
              + "options)");
        }
        if (stored.get("started") instanceof String s) {
          started = s;
        }
        if (stored.get("resumed") instanceof List<?> l) {
          resumed.addAll(l);
        }
        if (COMPLETE.equals(stored.get("status")) && status.stream().allMatch(COMPLETE::equals)) {
          stdout.println(dir + " is complete: nothing to resume");
          SweepReport.print(stdout, SweepResults.read(dir, plan, points), checked.title() + " sweep — results in " + dir);
          return 0;
        }
        resumed.add(Instant.now() + " with " + status.stream().filter(COMPLETE::equals).count() + " of "
            + points.size() + " points complete");
      }
      SweepJson json = new SweepJson(folder, plan, started, resumed, status);
      json.write(RUNNING);
      boolean[] ran = {false};
      for (SweepPlan.Point p : points) {
        String where = "point " + (p.index() + 1) + "/" + points.size();
        String before = status.get(p.index());
        if (!quiet) {
          stderr.println(where + ": " + p.name() + (before.equals(COMPLETE) ? " (complete, kept)"
              : before.equals(NOT_STARTED) ? "" : " (resuming)"));
        }
        if (before.equals(COMPLETE)) {
          continue;
        }
        status.set(p.index(), RUNNING);
        json.write(RUNNING);
        try {
          runPoint(plan, p, dir.resolve(p.folder()), !before.equals(NOT_STARTED));
        } catch (RuntimeException | Error e) {
          fail(folder, json, status, p, e, ran[0]);
          if (e instanceof UsageException) {
            throw new UsageException(where + " (" + p.name() + "): " + e.getMessage());
          }
          Throwable cause = e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
          throw new IllegalStateException(Main.describeFailure(cause) + " in " + where + " (" + p.name()
              + "); the finished points and parts are kept in " + dir + ": repeat the sweep with --resume --out "
              + dir, e);
        }
        ran[0] = true;
        status.set(p.index(), COMPLETE);
        json.write(RUNNING);
        write(folder, "sweep.csv", SweepResults.read(dir, plan, complete(points, status)).csv());
      }
      SweepResults results = SweepResults.read(dir, plan, points);
      write(folder, "sweep.csv", results.csv());
      List<String> notes = new ArrayList<>();
      boolean figure = drawFigure(folder, plan, results, checked, notes, stderr);
      String evidence = eqaug.apps.sweep.SweepEvidence.read(dir, points).markdown();
      write(folder, "report.md", SweepReport.markdown(plan, results, checked.title(), checked.support(), figure, notes)
          + evidence);
      json.write(COMPLETE);
      SweepReport.print(stdout, results, checked.title() + " sweep — results in " + dir);
    }
    return 0;
  }

  private static void put(Map<SweptOption, String> lists, SweptOption o, String list) {
    if (list != null) {
      lists.put(o, list);
    }
  }

  /** The points whose status is complete. */
  private static List<SweepPlan.Point> complete(List<SweepPlan.Point> points, List<String> status) {
    return points.stream().filter(p -> status.get(p.index()).equals(COMPLETE)).toList();
  }

  /**
   * The experiment command's own options, read by its own parser (so an option it does not know is refused in its
   * words), by their longest name; those a sweep decides itself are refused.
   */
  static Map<String, String> passThrough(String experiment, List<String> arguments) {
    CommandLine.ParseResult pr = parse(StabilityCommand.experimentCommand(experiment), arguments);
    Map<String, String> m = new LinkedHashMap<>();
    for (CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
      String name = o.longestName();
      if (name.equals("--shard") || name.equals("--list-units")) {
        throw new UsageException(name + " does not apply to a sweep (its points are trained one after another "
            + "into DIR/points/)");
      }
      m.put(name, o.arity().max() == 0 ? "true" : String.join(" ", o.originalStringValues()));
    }
    return m;
  }

  private static CommandLine.ParseResult parse(ExperimentCommand cmd, List<String> arguments) {
    try {
      return new CommandLine(cmd).parseArgs(arguments.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new UsageException(cmd.name() + ": " + e.getMessage() + " (see 'eqaug " + cmd.name() + " --help')");
    }
  }

  /** The experiment command of one point, its options parsed as the experiment command parses them. */
  private static ExperimentCommand command(SweepPlan plan, SweepPlan.Point p, Path folder, boolean resume) {
    ExperimentCommand cmd = StabilityCommand.experimentCommand(plan.experiment());
    List<String> args = new ArrayList<>(plan.passArguments());
    args.addAll(p.arguments());
    args.addAll(List.of("--out", folder.toString(), "-q"));
    if (resume) {
      args.add("--resume");
    }
    parse(cmd, args);
    return cmd;
  }

  /**
   * Every point's options through the experiment command's parser and checks, and the data, --init and the memory
   * once, so that what would stop a point later stops the sweep now, before anything is written.
   */
  private static Checked check(SweepPlan plan) {
    Experiment exp = null;
    Support support = null;
    for (SweepPlan.Point p : plan.points()) {
      ExperimentCommand cmd = command(plan, p, Path.of(p.folder()), false);
      ExperimentOptions o = cmd.options;
      Protocol protocol = cmd.protocol();
      if (o.saveParams != null) {
        SavedParameters.parseEpochs(o.saveParams, protocol.train().epochs());
      }
      Backend backend = Main.backend(o.device, o.precision());
      if (exp == null) {
        exp = cmd.create(protocol); // the swept options do not change the data, so it is made once
        if (o.init != null) {
          InitFile.load(o.init, exp);
        }
      }
      protocol = ExperimentCommand.fitToData(protocol, exp, o);
      ExperimentCommand.refuseUnlistable(exp, protocol);
      // What --naug all enumerates: G, or the subgroup or listed elements of --augment-by.
      eqaug.train.Augmentation aug = protocol.train().augmentation();
      long size = aug.supportSize(exp.architecture().group());
      support = aug.isHaarOnG() ? Support.ofGroup(size) : new Support(size, aug.subgroup() != null ? "|H|" : "|supp μ|");
      MemoryBudget.checkTraining(exp, protocol, o.threads(), o.parallelRuns(), backend.name().equals("cpu"),
          o.precision());
    }
    return new Checked(support, exp.title());
  }

  /** A point trained by its experiment command into its folder, its text set aside and its progress quiet. */
  private static void runPoint(SweepPlan plan, SweepPlan.Point p, Path folder, boolean resume) {
    ExperimentCommand cmd = command(plan, p, folder, resume);
    cmd.stdout = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    cmd.call();
  }

  /**
   * After a point failed: the status in sweep.json, or, when a new sweep has no results at all yet, its files
   * and folders removed, so that the same command can be repeated without --resume.
   */
  private void fail(ResultsFolder folder, SweepJson json, List<String> status, SweepPlan.Point p, Throwable e,
      boolean ran) {
    Path points = folder.path().resolve("points");
    if (!resume && !ran && !anyResults(points)) {
      try {
        Files.deleteIfExists(points);
        folder.discardIfEmpty("sweep.json", "sweep.csv");
        return;
      } catch (IOException notEmpty) {
        // something else is in points/: keep the folder, with sweep.json saying what happened
      }
    }
    status.set(p.index(), "failed: " + Main.describeFailure(e));
    try {
      json.write("failed: point " + p.name() + " failed");
    } catch (RuntimeException | Error again) {
      e.addSuppressed(again); // a full disk: sweep.json keeps its last whole version
    }
  }

  /** Whether any point folder holds an experiment's config.json. */
  private static boolean anyResults(Path points) {
    if (!Files.isDirectory(points)) {
      return false;
    }
    try (var s = Files.list(points)) {
      return s.anyMatch(q -> Files.isRegularFile(q.resolve("config.json")));
    } catch (IOException e) {
      return true;
    }
  }

  /** A point's state from its folder: complete, partial (config.json, not complete) or not started. */
  static String pointStatus(Path folder) {
    Path cfg = folder.resolve("config.json");
    if (!Files.isRegularFile(cfg)) {
      return NOT_STARTED;
    }
    try {
      Object o = Json.read(Files.readString(cfg, StandardCharsets.UTF_8));
      if (o instanceof Map<?, ?> m && COMPLETE.equals(m.get("status"))) {
        return COMPLETE;
      }
    } catch (IOException | RuntimeException e) {
      // unreadable: the experiment command's --resume says what is wrong with it
    }
    return PARTIAL;
  }

  /** Without --resume, a folder that holds a sweep's or an experiment's results is refused, as the experiment commands do. */
  private static void refuseUsed(Path dir) {
    ResultsFolder.refuseUnusable(dir, "--out");
    if (dir == null) {
      return;
    }
    for (String name : new String[] {"sweep.json", "sweep.csv", "points"}) {
      if (Files.exists(dir.resolve(name))) {
        throw new UsageException("--out " + dir + " already holds results (" + name + "); choose another --out so "
            + "they are not overwritten, or add --resume to continue them");
      }
    }
  }

  private static Map<?, ?> readSweepJson(Path dir) {
    Path f = dir.resolve("sweep.json");
    if (!Files.isRegularFile(f)) {
      throw new UsageException("--resume: " + dir + " holds no sweep.json, so there is no sweep to resume");
    }
    try {
      if (Json.read(Files.readString(f, StandardCharsets.UTF_8)) instanceof Map<?, ?> m) {
        return m;
      }
      throw new IllegalArgumentException("not a JSON object");
    } catch (IOException | RuntimeException e) {
      throw new UsageException("--resume: cannot read " + f + ": " + e.getMessage());
    }
  }

  /** figure.png and figure.svg, when some swept number has two values; a JVM that cannot draw gets a warning. */
  private static boolean drawFigure(ResultsFolder folder, SweepPlan plan, SweepResults results, Checked checked,
      List<String> notes, PrintStream stderr) {
    try {
      var panels = SweepFigure.panels(plan, results, checked.support(), plan.experiment(), notes);
      if (panels.isEmpty()) {
        return false;
      }
      folder.write("figure.png", Figure.png(panels));
      folder.write("figure.svg", Figure.svg(panels));
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      stderr.println("warning: the sweep's figure could not be drawn (" + e + "); sweep.csv and report.md are complete");
      notes.add("The figure could not be drawn here (" + e + ").");
      return false;
    }
  }

  private static void write(ResultsFolder folder, String name, String content) {
    ExperimentSession.write(folder, name, content);
  }

  /** sweep.json, rewritten whole after every change of a point's status. */
  private static final class SweepJson {
    private final ResultsFolder folder;
    private final SweepPlan plan;
    private final String started;
    private final List<Object> resumed;
    private final List<String> status;

    SweepJson(ResultsFolder folder, SweepPlan plan, String started, List<Object> resumed, List<String> status) {
      this.folder = folder;
      this.plan = plan;
      this.started = started;
      this.resumed = resumed;
      this.status = status;
    }

    void write(String sweepStatus) {
      Map<String, Object> m = plan.json(sweepStatus, started, status, RunInfo.version());
      if (!resumed.isEmpty()) {
        m.put("resumed", resumed);
      }
      SweepCommand.write(folder, "sweep.json", Json.write(m));
    }
  }
}
