package eqaug.apps.cli;

import eqaug.apps.results.ConfigJson;
import eqaug.apps.experiments.Experiment;
import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.results.DirectionFile;
import eqaug.apps.results.InitFile;
import eqaug.apps.results.SavedParameters;
import eqaug.nn.ParameterLayout;
import java.util.SortedSet;
import eqaug.apps.report.Figure;
import eqaug.apps.results.Json;
import eqaug.apps.results.MetricsCsv;
import eqaug.apps.results.MetricsTable;
import eqaug.apps.results.PriorResults;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.results.WorkUnits;
import eqaug.study.Study;
import eqaug.apps.report.Summary;
import eqaug.apps.experiments.UsageException;
import eqaug.backend.Backend;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One experiment trained into one results folder: config.json first (status "running"), then after every
 * finished (run, strategy) metrics.csv and config.json rewritten whole, and at the end the figure. A failure
 * leaves the finished runs on disk with the status saying what happened; {@code --resume} goes on from them.
 */
public final class ExperimentSession {
  private final ExperimentOptions options;
  private final Backend backend;
  /** --init's parameters, loaded and checked before any folder was made; null: A^0 from the seed. */
  private InitFile init;
  /** --perturb-along's direction file, or null (u drawn per run). */
  private DirectionFile along;

  ExperimentSession(ExperimentOptions options, Backend backend) {
    this.options = options;
    this.backend = backend;
  }

  /** Every run of this session starts from {@code init} (null: from the seed's A^0). */
  ExperimentSession startingFrom(InitFile init) {
    this.init = init;
    return this;
  }

  /** Every run of this session is perturbed along {@code along}'s direction (null: a random one per run). */
  ExperimentSession perturbedAlong(DirectionFile along) {
    this.along = along;
    return this;
  }

  /** --save-params's epochs for this protocol, or null when not asked. */
  private SortedSet<Integer> saveEpochs(Protocol protocol) {
    return options.saveParams == null ? null : SavedParameters.parseEpochs(options.saveParams, protocol.train().epochs());
  }

  /** The precision runs train at, as config.json's numerics records it (and saved files' dtype follows). */
  private String precision() {
    return options.precision().label();
  }

  record Result(ExperimentRunner.Outcome outcome, MetricsTable table, Summary summary) {
    static Result of(ExperimentRunner.Outcome o) {
      return new Result(o, MetricsTable.of(o.records), Summary.of(o.records, o.runs));
    }
  }

  Result run(Experiment exp, Protocol protocol, ResultsFolder folder, Progress progress, PrintStream out, boolean zoomPanel) {
    return run(exp, protocol, folder, progress, out, zoomPanel, null);
  }

  /** With {@code prior}, the folder's finished parts are kept and only the rest is trained. */
  Result run(Experiment exp, Protocol protocol, ResultsFolder folder, Progress progress, PrintStream out, boolean zoomPanel,
      PriorResults prior) {
    return run(exp, protocol, folder, progress, out, zoomPanel, prior, null, null);
  }

  /**
   * As above; with {@code shard}, only {@code selection} (the shard's parts, in order) is trained, config.json
   * names the shard, and no figure is drawn (that is the merge's, over all parts).
   */
  Result run(Experiment exp, Protocol protocol, ResultsFolder folder, Progress progress, PrintStream out, boolean zoomPanel,
      PriorResults prior, WorkUnits.Shard shard, List<Study.PartId> selection) {
    String started = prior == null ? Instant.now().toString() : prior.started;
    List<Object> resumed = new ArrayList<>();
    if (prior != null) {
      resumed.addAll(prior.resumed);
      resumed.add(Instant.now() + " after " + prior.parts.size() + " finished (run, strategy) parts");
    }
    int threads = options.threads();
    out.printf("%s%n  %d runs x 3 strategies, %d epochs, N_aug %s, lr %g, batch %d, %d samples, seed %d, %d thread%s%n",
        exp.title(), protocol.runs(), protocol.train().epochs(), naugLabel(exp, protocol), protocol.train().lr(),
        protocol.train().batch(), exp.data().size(), protocol.seed(), threads, threads == 1 ? "" : "s");
    if (!protocol.train().augmentation().isHaarOnG()) {
      out.printf("  AUGMENTED draws from %s; E and every metric are G's%n", protocol.train().augmentation().description());
    }
    if (protocol.train().penalty() > 0) {
      out.printf("  penalty γ/2 ||Pi_E-perp A||^2 with γ = %g on every strategy%n", protocol.train().penalty());
    }
    if (along != null) {
      out.printf("  every run starts at A^0 + ε u, ε = %g, u = Pi_E-perp of %s normalised (sha256 %s)%s%n",
          protocol.perturbation().epsilon(), along.path(), along.sha256(),
          protocol.perturbation().paired() ? ", paired with the unperturbed A^0 (same draws)" : "");
    } else if (protocol.perturbation() != null) {
      out.printf("  every run starts at A^0 + ε u, ε = %g, u a unit vector of E-perp%s%n", protocol.perturbation().epsilon(),
          protocol.perturbation().paired() ? ", paired with the unperturbed A^0 (same draws)" : "");
    }
    if (init != null) {
      out.printf("  every run starts from %s (||A0|| = %.4g, ||A0_E⊥|| = %.3g)%n", init.path(), init.norm(), init.distE());
    }
    if (prior == null) {
      // A resumed folder keeps its config (timings, divergences) until the runner rewrites it with them.
      write(folder, "config.json", config(exp, protocol, null, "running", started, resumed, shard));
    }
    SortedSet<Integer> saveEpochs = saveEpochs(protocol);
    SavedParameters saver = saveEpochs == null ? null
        : new SavedParameters(saveEpochs, precision(), ParameterLayout.of(exp.architecture()), folder);
    ExperimentRunner.Outcome outcome;
    ExperimentRunner.Outcome[] last = {null};
    try {
      outcome = ExperimentRunner.run(exp, protocol, backend, threads, options.parallelRuns(), options.precision(),
          progress, soFar -> {
            last[0] = soFar;
            save(folder, exp, protocol, soFar, "partial: interrupted after the runs in metrics.csv", started, resumed, shard);
          }, prior, selection, init, saver);
    } catch (RuntimeException | Error e) {
      if (last[0] != null) {
        // The parts saved so far stay in the config, so --resume can go on from them.
        try {
          write(folder, "config.json", config(exp, protocol, last[0], "failed: " + Main.describeFailure(e), started,
              resumed, shard));
        } catch (RuntimeException | Error ignored) {
          e.addSuppressed(ignored); // a full disk: config.json keeps its last whole version, which matches metrics.csv
        }
        if (!(e instanceof UsageException)) {
          throw new IllegalStateException(Main.describeFailure(e) + "; the finished parts are kept in " + folder.path()
              + ": repeat the command with --resume --out " + folder.path(), e);
        }
      } else if (prior == null) {
        // Nothing finished: leave no folder behind that would refuse the retry as "already holds results".
        if (saver != null) {
          saver.discardAll();
        }
        folder.discardIfEmpty("config.json", "metrics.csv");
      }
      throw e;
    }
    save(folder, exp, protocol, outcome, "complete", started, resumed, shard);
    MetricsTable table = MetricsTable.of(outcome.records);
    if (shard == null) {
      drawFigure(folder, table, exp.name(), exp.title(), zoomPanel, progress);
    }
    return new Result(outcome, table, Summary.of(outcome.records, outcome.runs));
  }

  /** N_aug as printed: the number, or "all (|G| = n, exact)". */
  static String naugLabel(Experiment exp, Protocol protocol) {
    return protocol.train().exactAugmentation()
        ? "all (" + protocol.train().passes(exp.architecture().group()) + " elements, exact)"
        : String.valueOf(protocol.train().naug());
  }

  /** figure.png and figure.svg of a complete table; a JVM that cannot draw gets a warning, not a failure. */
  static void drawFigure(ResultsFolder folder, MetricsTable table, String name, String title, boolean zoomPanel,
      Progress progress) {
    try {
      var panels = Figure.panels(table, title, zoomPanel);
      folder.write("figure.png", Figure.png(panels));
      folder.write("figure.svg", Figure.svg(panels));
    } catch (IOException | RuntimeException | LinkageError e) {
      // A JVM without java.desktop (e.g. a minimal jlink image) cannot draw; the numbers are already saved.
      progress.warn(name + ": the figure could not be drawn (" + e + "); metrics.csv and config.json are complete");
    }
  }

  private String config(Experiment exp, Protocol protocol, ExperimentRunner.Outcome outcome, String status, String started,
      List<Object> resumed, WorkUnits.Shard shard) {
    Map<String, Object> m = ConfigJson.build(exp, protocol, options.scale.name(), options.threads(), options.device, options.precision(),
        outcome, status, started);
    putShard(m, shard);
    putParameterFiles(m, protocol);
    if (outcome != null && options.saveParams != null) {
      m.put("saved_params", outcome.savedParams);
    }
    if (!resumed.isEmpty()) {
      m.put("resumed", resumed);
    }
    return Json.write(m);
  }

  /** The config.json this command writes, before any run: what a folder must match to be resumed by it. */
  Map<String, Object> expectedConfig(Experiment exp, Protocol protocol) {
    return expectedConfig(exp, protocol, null);
  }

  /** The same for a shard's folder: it names its shard, so a folder of another split is not continued. */
  Map<String, Object> expectedConfig(Experiment exp, Protocol protocol, WorkUnits.Shard shard) {
    Map<String, Object> m = ConfigJson.build(exp, protocol, options.scale.name(), options.threads(), options.device, options.precision(),
        null, "running", Instant.now().toString());
    putShard(m, shard);
    putParameterFiles(m, protocol);
    return m;
  }

  /**
   * --save-params's epochs and --init's checksum among the parameters (a resumed folder must have the same), and
   * where A^0 came from. Nothing is added without these options, so such folders' config.json is as before.
   */
  @SuppressWarnings("unchecked")
  private void putParameterFiles(Map<String, Object> m, Protocol protocol) {
    Map<String, Object> params = (Map<String, Object>) m.get("parameters");
    SortedSet<Integer> epochs = saveEpochs(protocol);
    if (epochs != null) {
      params.put("save_params", List.copyOf(epochs));
    }
    if (init != null) {
      params.put("init_sha256", init.sha256());
      m.put("init", init.describe());
    }
    if (along != null) {
      params.put("perturb_along_sha256", along.sha256());
      m.put("perturb_along", along.describe());
    }
  }

  private static void putShard(Map<String, Object> m, WorkUnits.Shard shard) {
    if (shard != null) {
      Map<String, Object> s = new java.util.LinkedHashMap<>();
      s.put("index", shard.index());
      s.put("count", shard.count());
      m.put("shard", s);
    }
  }

  private void save(ResultsFolder folder, Experiment exp, Protocol protocol, ExperimentRunner.Outcome soFar,
      String status, String started, List<Object> resumed, WorkUnits.Shard shard) {
    write(folder, "metrics.csv", MetricsCsv.format(soFar.records));
    write(folder, "config.json", config(exp, protocol, soFar, status, started, resumed, shard));
  }

  static void write(ResultsFolder folder, String name, String content) {
    try {
      folder.write(name, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder.path().resolve(name) + ": " + e.getMessage(), e);
    }
  }
}
