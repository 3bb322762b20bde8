package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.PermutationExperiment;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.UsageException;
import eqaug.apps.results.ConfigJson;
import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.results.InitFile;
import eqaug.apps.results.Json;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.results.RunInfo;
import eqaug.apps.stability.StabilityCsv;
import eqaug.apps.stability.StabilityFigure;
import eqaug.apps.stability.StabilityPoint;
import eqaug.apps.stability.StabilityReport;
import eqaug.backend.Backend;
import eqaug.hessian.Float64Network;
import eqaug.hessian.StabilityAnalysis;
import eqaug.nn.ParameterLayout;
import eqaug.study.Study;
import eqaug.study.StudyListener;
import eqaug.train.EpochRecord;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Is E stable under augmented training (§4.2)? Trains EQUIVARIANT — by Proposition 1 the augmented flow
 * restricted to E — and at the chosen epochs computes the extreme eigenvalues of the augmented risk's Hessian on
 * E⊥ and on E, writing stability.csv, points.csv, least-stable.csv, the figure and report.md point by point.
 */
@Command(name = "stability", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Is E stable under augmented training? (paper §4.2) Trains EQUIVARIANT (the",
        "augmented flow restricted to E, Proposition 1) and, at A^0 and the epochs of",
        "--at, computes the extreme eigenvalues of the augmented risk's Hessian on",
        "E-perp and on E (float64, exact Hessian-vector products, Lanczos) with",
        "residual bounds, the verdict per point and where the least stable",
        "direction lives.",
        "Quick defaults (a few minutes on 2 cores):",
        "  perm  = " + StabilityCommand.PERM_QUICK,
        "  trans = " + StabilityCommand.TRANS_QUICK,
        "  rot   = " + StabilityCommand.ROT_QUICK,
        "--scale paper: the paper's network, data and training protocol (perm: 10",
        "runs, --at 0,20,50, K 3, 40 steps, 10 draws; trans and rot: 1 run, 250",
        "samples, --at 0,50; see docs/stability.md for what fits in memory).",
        "Shared with the experiment commands; refused here: --naug, --device other",
        "than cpu, --resume, --shard, --list-units, --parallel-runs, --save-params."})
final class StabilityCommand implements Callable<Integer> {
  static final String PERM_QUICK = "1 run, 20 epochs, 1000 graphs, --at 0,20, K 2, 20 steps, 4 draws";
  static final String TRANS_QUICK = "1 run, 5 epochs, 100 digits, --at 0,5, K 1, 8 steps, 2 draws";
  static final String ROT_QUICK = "1 run, 5 epochs, 25 images, --at 0,5, K 1, 8 steps, all of C4";
  /** The largest group whose every element --draws all averages over. */
  static final long MAX_EXACT = 5000;

  @Parameters(index = "0", paramLabel = "perm|trans|rot", description = "The experiment whose network and data are analysed.")
  String experiment;

  @Mixin
  ExperimentOptions options = new ExperimentOptions();

  @Option(names = "--at", paramLabel = "EPOCHS",
      description = "Comma-separated epochs to analyse (0 = A^0; 'last' = the final epoch).")
  String at;

  @Option(names = "--eigenvalues", paramLabel = "K", description = "Eigenvalues computed at each end of each block.")
  Integer k;

  @Option(names = "--lanczos-steps", paramLabel = "M", description = "Lanczos steps per block (memory: M + 3 + 2K vectors).")
  Integer steps;

  @Option(names = "--draws", paramLabel = "M|all",
      description = {"How H^aug averages over G: 'all' = every element (refused above " + MAX_EXACT + "),",
          "M = that many Haar draws, fixed per run."})
  String draws;

  @Option(names = "--only-runs", paramLabel = "LIST",
      description = {"Analyse only these runs of the --runs (comma-separated run numbers, e.g. the runs whose",
          "AUGMENTED drift accelerates); each is the same run as in a study of all of them."})
  String onlyRuns;

  @Option(names = "--density", paramLabel = "PROBES",
      description = {"Also estimate the spectral density of H^aug on E-perp by stochastic Lanczos quadrature with",
          "this many probes (each --lanczos-steps products): density.csv and a figure panel."})
  Integer densityProbes;

  @Option(names = "--trace", paramLabel = "PROBES",
      description = "Also estimate tr(H^aug on E-perp) by Hutchinson's estimator with this many probes.")
  Integer traceProbes;

  @Option(names = "--save-vectors",
      description = "Write the unit Ritz vector of the smallest eigenvalue on E-perp and on E at every point to "
          + "vectors/run-R/epoch-K-E-perp-min.npz and -E-min.npz (layout: docs/params.md, <f8), listed in "
          + "vectors.csv; perm/trans/rot --perturb EPS --perturb-along FILE start along one.")
  boolean saveVectors;

  @Option(names = "--nodes", paramLabel = "N",
      description = "perm only: nodes per graph, even, 4 to 10 (default 10; S_6 has 720 elements, so --draws all fits).")
  Integer nodes;

  /** The analysis settings of one experiment and scale, before the user's overrides. */
  record Plan(Protocol protocol, String at, int k, int steps, String draws) {}

  static ExperimentCommand experimentCommand(String name) {
    return switch (name == null ? "" : name) {
      case "perm" -> new PermCommand();
      case "trans" -> new TransCommand();
      case "rot" -> new RotCommand();
      default -> throw new UsageException("unknown experiment '" + name + "' (experiments: perm, trans, rot)");
    };
  }

  static Plan defaults(String name, ExperimentOptions.Scale scale) {
    boolean quick = scale == ExperimentOptions.Scale.quick;
    return switch (name) {
      case "perm" -> quick
          ? new Plan(new Protocol(1, 1000, new TrainConfig(20, 1e-5, 200, 1), 1), "0,last", 2, 20, "4")
          : new Plan(new Protocol(10, 1000, new TrainConfig(50, 1e-5, 200, 1), 1), "0,20,50", 3, 40, "10");
      case "trans" -> quick
          ? new Plan(new Protocol(1, 100, new TrainConfig(5, 1e-5, 25, 1), 1), "0,last", 1, 8, "2")
          : new Plan(new Protocol(1, 250, new TrainConfig(50, 1e-5, 25, 1), 1), "0,50", 2, 12, "8");
      case "rot" -> quick
          ? new Plan(new Protocol(1, 25, new TrainConfig(5, 1e-5, 25, 1), 1), "0,last", 1, 8, "all")
          : new Plan(new Protocol(1, 250, new TrainConfig(50, 1e-5, 25, 1), 1), "0,50", 2, 12, "all");
      default -> throw new UsageException("unknown experiment '" + name + "' (experiments: perm, trans, rot)");
    };
  }

  /** The epochs of --at: distinct, ascending, each within 0..epochs ('last' = epochs). */
  static List<Integer> parseAt(String text, int epochs) {
    return List.copyOf(eqaug.apps.results.SavedParameters.parseEpochs("--at", text, epochs));
  }

  /** The runs of --only-runs (all of 0..runs-1 without it), distinct and ascending. */
  static List<Integer> parseRuns(String text, int runs) {
    if (text == null) {
      return java.util.stream.IntStream.range(0, runs).boxed().toList();
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (String part : text.split(",", -1)) {
      int r;
      try {
        r = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--only-runs takes comma-separated run numbers, got '" + text + "'");
      }
      if (r < 0 || r >= runs) {
        throw new UsageException("--only-runs " + text + ": run " + r + " is outside 0.." + (runs - 1)
            + " (--runs is " + runs + ")");
      }
      set.add(r);
    }
    return List.copyOf(set);
  }

  /** 0 for the exact average over G, else the number of Haar draws. */
  static int parseDraws(String text, Experiment exp) {
    if (text.equals("all")) {
      long order = exp.architecture().group().order();
      if (order > MAX_EXACT) {
        throw new UsageException("--draws all: " + exp.architecture().group().name() + " has "
            + (order == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : order) + " elements, more than the "
            + MAX_EXACT + " an exact average may take; give a number of Haar draws instead");
      }
      return 0;
    }
    try {
      int m = Integer.parseInt(text);
      if (m >= 1 && m <= 100_000) {
        return m;
      }
    } catch (NumberFormatException ignored) {
      // the message below says what is accepted
    }
    throw new UsageException("--draws takes 'all' or a number of Haar draws from 1 to 100000, got '" + text + "'");
  }

  /** Options of the experiment commands that mean nothing here are refused, not silently ignored. */
  private void refuseInapplicable() {
    if (options.naug != null) {
      throw new UsageException("--naug does not apply: stability trains EQUIVARIANT; --draws sets how H^aug averages");
    }
    if (!options.device.equals("cpu")) {
      throw new UsageException("--device " + options.device + ": the stability analysis runs on the CPU only");
    }
    if (options.penalty != null || options.perturb != null || options.perturbAlong != null || options.paired
        || options.augmentBy != null) {
      throw new UsageException("--penalty, --perturb, --perturb-along, --paired and --augment-by do not apply to stability (it analyses the "
          + "unpenalised H^aug on EQUIVARIANT's trajectory); use them with perm, trans, rot or sweep");
    }
    if (options.saveParams != null) {
      throw new UsageException("--save-params does not apply to stability: save the points with an experiment "
          + "command's --save-params and analyse them here with --init FILE --at 0");
    }
    if (options.resume || options.shard != null || options.listUnits || options.parallelRuns != null) {
      throw new UsageException("--resume, --shard, --list-units and --parallel-runs do not apply to stability "
          + "(its files are rewritten after every point, so an interrupted run keeps the points it computed)");
    }
  }

  @Override
  public Integer call() {
    PrintStream out = System.out;
    ExperimentCommand cmd = experimentCommand(experiment);
    refuseInapplicable();
    if (nodes != null) {
      if (!(cmd instanceof PermCommand perm)) {
        throw new UsageException("--nodes applies to perm only, not " + experiment);
      }
      PermutationExperiment.checkNodes(nodes);
      perm.nodes = nodes;
    }
    Plan plan = defaults(experiment, options.scale);
    Protocol protocol = ExperimentCommand.protocol(plan.protocol(), options);
    List<Integer> epochs = parseAt(at == null ? plan.at() : at, protocol.train().epochs());
    int kk = k == null ? plan.k() : k;
    int mm = steps == null ? plan.steps() : steps;
    if (kk < 1 || kk > 100) {
      throw new UsageException("--eigenvalues must be from 1 to 100, got " + kk);
    }
    if (mm < 2 * kk || mm > 10_000) {
      throw new UsageException("--lanczos-steps must be from 2K = " + 2 * kk + " to 10000, got " + mm);
    }
    int density = densityProbes == null ? 0 : densityProbes;
    int trace = traceProbes == null ? 0 : traceProbes;
    if (density < 0 || density > 10_000 || trace < 0 || trace > 100_000) {
      throw new UsageException("--density takes 0 to 10000 probes and --trace 0 to 100000, got "
          + (density < 0 || density > 10_000 ? "--density " + density : "--trace " + trace));
    }
    List<Integer> selectedRuns = parseRuns(onlyRuns, protocol.runs());
    ResultsFolder.refuseUnusable(options.out, "--out");
    Experiment exp = cmd.create(protocol);
    protocol = ExperimentCommand.fitToData(protocol, exp, options);
    InitFile init = options.init == null ? null : InitFile.load(options.init, exp);
    int drawCount = parseDraws(draws == null ? plan.draws() : draws, exp);
    Backend backend = Main.backend("cpu");
    int threads = options.threads();
    MemoryBudget.checkThreads("stability", threads);
    ParameterLayout layout = ParameterLayout.of(exp.architecture());
    checkMemory(exp, layout, protocol, mm, kk);
    StabilityAnalysis.Options analysis = new StabilityAnalysis.Options(kk, mm, drawCount, MAX_EXACT, 0,
        density, trace);
    int elements = drawCount == 0 ? (int) exp.architecture().group().order() : drawCount;
    long hvpMflop = Math.max(1, Math.round(2.5 * ExperimentRunner.passMflop(exp, true)));
    long perPoint = (long) (mm + 2 * kk) * (elements + 1) + ((long) density * mm + trace) * elements;
    long work = selectedRuns.size() * (protocol.train().epochs() * ExperimentRunner.passMflop(exp, true)
        + ExperimentRunner.passMflop(exp, false)) + selectedRuns.size() * epochs.size() * perPoint * hvpMflop;
    String average = drawCount == 0 ? "exact average over all " + elements + " elements of "
        + exp.architecture().group().name() : drawCount + " Haar draws of " + exp.architecture().group().name()
        + " (fixed per run)";
    out.printf(Locale.ROOT, "%s — stability of E%n  EQUIVARIANT training: %d run%s, %d epochs, lr %g, batch %d, %d "
            + "samples, seed %d, %s; analysed at epochs %s: %d eigenvalues at each end, %d Lanczos steps, H^aug = %s%n",
        exp.title(), protocol.runs(), protocol.runs() == 1 ? "" : "s", protocol.train().epochs(),
        protocol.train().lr(), protocol.train().batch(), exp.data().size(), protocol.seed(),
        options.precision().label(), epochs, kk, mm, average);
    if (init != null) {
      out.println("  every run starts from --init " + init.path() + " (||A0|| = " + init.norm() + ")");
      if (init.warning() != null) {
        System.err.println("warning: " + init.warning());
      }
    }
    String started = Instant.now().toString();
    long t0 = System.nanoTime();
    try (ResultsFolder folder = options.out == null ? ResultsFolder.createDefault("stability-" + experiment)
        : ResultsFolder.open(options.out, "--out")) {
      Recorder rec = new Recorder(folder, exp, protocol, epochs, kk, mm, average, started, layout, t0);
      rec.analysisDensity = density;
      rec.init = init;
      rec.selectedRuns = selectedRuns;
      rec.precision = options.precision();
      rec.analysisTrace = trace;
      rec.vectors = saveVectors ? new eqaug.apps.stability.SavedVectors(folder, layout) : null;
      rec.writeConfig("running");
      try (Progress progress = new Progress("stability " + experiment, Math.max(1, work), System.err, options.quiet)) {
        Study fresh = new Study(exp.architecture(), exp.data(), protocol.train(), protocol.runs(), protocol.seed(),
            List.of(Strategy.EQUIVARIANT));
        Study study = init == null ? fresh : fresh.withStart(run -> init.parameters());
        RandomStreams streams = study.streams();
        final Protocol p = protocol;
        try {
          List<Study.PartId> parts = selectedRuns.stream().map(r -> new Study.PartId(r, Strategy.EQUIVARIANT)).toList();
          study.run(new Study.Execution(backend, threads, 1, options.precision()), new StudyListener() {
            @Override
            public void pass(int run, Strategy s, boolean withGradient) {
              progress.step(ExperimentRunner.passMflop(exp, withGradient));
            }

            @Override
            public void epoch(EpochRecord r) {
              rec.lastRecord = r;
            }

            @Override
            public void diverged(int run, Strategy s, int epoch, String reason) {
              rec.diverged.add(reason);
              progress.warn(reason + "; later points of run " + run + " are not analysed");
            }

            @Override
            public boolean wantsParameters(int run, Strategy s, int epoch) {
              return epochs.contains(epoch);
            }

            @Override
            public void parameters(int run, Strategy s, int epoch, double[] a) {
              progress.message("run " + run + ", epoch " + epoch);
              long start = System.nanoTime();
              StabilityAnalysis.Options o = new StabilityAnalysis.Options(analysis.k(), analysis.steps(),
                  analysis.haarDraws(), analysis.maxExactElements(), streams.hessian(run).nextLong(),
                  analysis.densityProbes(), analysis.traceProbes());
              StabilityAnalysis.Point point = StabilityAnalysis.analyse(exp.architecture(), exp.data(),
                  p.train().batch(), a, o, threads, n -> progress.step(n * hvpMflop));
              if (rec.vectors != null) {
                rec.vectors.save(run, epoch, point);
              }
              // The points are kept for the tables; their 4K Ritz vectors (dim L doubles each) are not.
              StabilityPoint sp = new StabilityPoint(run, epoch, rec.lastRecord.loss(), rec.lastRecord.accuracy(),
                  point.withoutVectors(), (System.nanoTime() - start) / 1e9);
              rec.add(sp);
              progress.message("");
              printPoint(out, sp, p);
            }
          }, null, parts);
        } catch (RuntimeException | Error e) {
          rec.writeConfig("failed: " + Main.describeFailure(e));
          if (rec.points.isEmpty()) {
            folder.discardIfEmpty("config.json");
          }
          throw e;
        }
      }
      rec.finish();
      out.println("Results in " + folder.path() + " (stability.csv, points.csv, least-stable.csv, figure.png, report.md"
          + (saveVectors ? ", vectors.csv and vectors/" : "") + ")");
    }
    return 0;
  }

  private static void printPoint(PrintStream out, StabilityPoint p, Protocol protocol) {
    StabilityAnalysis.Point a = p.analysis();
    out.printf(Locale.ROOT, "  run %d, epoch %d: on E⊥ λ_min %.4g ± %.2g, λ_max %.4g ± %.2g; on E λ_min %.4g ± %.2g, "
            + "λ_max %.4g ± %.2g: %s; growth over %d steps %.6g; curvature check along the λ_min vectors "
            + "(gradient differences) %.4g on E⊥, %.4g on E (%.0f s)%n",
        p.run(), p.epoch(), a.complement().lambdaMin(), a.complement().result().smallest().get(0).residual(),
        a.complement().lambdaMax(), a.complement().result().largest().get(0).residual(), a.equivariant().lambdaMin(),
        a.equivariant().result().smallest().get(0).residual(), a.equivariant().lambdaMax(),
        a.equivariant().result().largest().get(0).residual(), p.verdict().words, protocol.train().epochs(),
        p.growthFactor(protocol.train().lr(), protocol.train().epochs()), a.curvatureCheckPerp(), a.curvatureCheckE(),
        p.seconds());
  }

  /**
   * Lanczos's m + 3 vectors, the 2K Ritz vectors, four for the point and the gradient-difference checks, the two
   * float64 networks (buffers for a pass of up to {@link eqaug.hessian.AugmentedRisk#PASS_ROWS} rows) and the
   * float32 training engine must fit the heap; refused in one line before any training.
   */
  private static void checkMemory(Experiment exp, ParameterLayout layout, Protocol protocol, int steps, int k) {
    long vectors = steps + 3L + 2L * k + 4;
    int rows = Math.min(exp.data().size(), Math.max(1, eqaug.hessian.AugmentedRisk.PASS_ROWS / protocol.train().batch())
        * protocol.train().batch());
    long network = new Float64Network(exp.architecture(), rows).bufferDoubles() * 8L;
    long bytes = vectors * layout.size() * 8L + 2 * network + 4L * layout.size() * 4L;
    long heap = MemoryBudget.heap();
    if (bytes > 0.8 * heap) {
      throw new UsageException(String.format(Locale.ROOT, "the analysis needs about %s (%d vectors of %d doubles, the "
              + "float64 networks and the trainer) but the heap is %s: lower --lanczos-steps or --eigenvalues, or "
              + "raise the heap through EQAUG_JAVA_OPTS (e.g. -Xmx20g)",
          MemoryBudget.gib(bytes), vectors, layout.size(), MemoryBudget.gib(heap)));
    }
  }

  /** The points so far and the files they are rewritten into after each one. */
  private static final class Recorder {
    final ResultsFolder folder;
    final Experiment exp;
    final Protocol protocol;
    final List<Integer> at;
    final int k;
    final int steps;
    final String average;
    final String started;
    final ParameterLayout layout;
    final long t0;
    final List<StabilityPoint> points = new ArrayList<>();
    final List<String> diverged = new ArrayList<>();
    List<Integer> selectedRuns = List.of();
    int analysisDensity;
    int analysisTrace;
    InitFile init;
    eqaug.apps.stability.SavedVectors vectors;
    eqaug.train.Precision precision = eqaug.train.Precision.FP32;
    EpochRecord lastRecord;

    Recorder(ResultsFolder folder, Experiment exp, Protocol protocol, List<Integer> at, int k, int steps,
        String average, String started, ParameterLayout layout, long t0) {
      this.folder = folder;
      this.exp = exp;
      this.protocol = protocol;
      this.at = at;
      this.k = k;
      this.steps = steps;
      this.average = average;
      this.started = started;
      this.layout = layout;
      this.t0 = t0;
    }

    void add(StabilityPoint p) {
      points.add(p);
      ExperimentSession.write(folder, "stability.csv", StabilityCsv.ritz(points));
      ExperimentSession.write(folder, "points.csv",
          StabilityCsv.points(points, protocol.train().lr(), protocol.train().epochs()));
      ExperimentSession.write(folder, "least-stable.csv", StabilityCsv.weights(points));
      if (vectors != null) {
        ExperimentSession.write(folder, "vectors.csv", vectors.csv());
      }
      if (p.analysis().densityPerp() != null) {
        ExperimentSession.write(folder, "density.csv", StabilityCsv.density(points));
      }
      ExperimentSession.write(folder, "report.md", report());
      writeConfig("partial: interrupted after the points in points.csv");
    }

    String report() {
      StabilityReport.Setup s = new StabilityReport.Setup(exp.name(), exp.title(), protocol.runs(),
          protocol.train().epochs(), protocol.train().lr(), protocol.train().batch(), exp.data().size(),
          protocol.seed(), precision.label(), at, k, steps, average, layout.linearSize(), layout.equivariantDim(),
          (System.nanoTime() - t0) / 1e9);
      StringBuilder md = new StringBuilder("# eqaug stability: ").append(exp.title()).append("\n\n");
      md.append(StabilityReport.markdown(s, points));
      for (String d : diverged) {
        md.append("Training diverged: ").append(d).append(".\n\n");
      }
      return md.toString();
    }

    void writeConfig(String status) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("command", "stability");
      m.put("experiment", exp.name());
      m.put("title", exp.title());
      m.put("status", status);
      m.put("started", started);
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("runs", protocol.runs());
      params.put("analysed_runs", selectedRuns);
      params.put("epochs", protocol.train().epochs());
      params.put("lr", protocol.train().lr());
      params.put("batch", protocol.train().batch());
      params.put("seed", protocol.seed());
      params.put("samples", exp.data().size());
      params.put("strategies", List.of(Strategy.EQUIVARIANT.name()));
      m.put("parameters", params);
      if (init != null) {
        m.put("init", init.describe());
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("at", at);
      a.put("eigenvalues_per_end", k);
      a.put("lanczos_steps", steps);
      a.put("h_aug", average);
      a.put("precision", "fp64");
      a.put("density_probes", analysisDensity);
      a.put("trace_probes", analysisTrace);
      a.put("points_done", points.size());
      if (vectors != null) {
        a.put("save_vectors", true);
      }
      m.put("analysis", a);
      m.put("numerics", ConfigJson.numerics("cpu", precision));
      m.put("versions", RunInfo.describe());
      m.put("data", exp.dataStats());
      Map<String, Object> timing = new LinkedHashMap<>();
      timing.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
      timing.put("peak_heap_mib", RunInfo.peakHeapMiB());
      m.put("timing", timing);
      m.put("diverged", diverged);
      if (vectors != null) {
        m.put("vectors", vectors.entries());
      }
      ExperimentSession.write(folder, "config.json", Json.write(m));
    }

    void finish() {
      writeConfig("complete");
      ExperimentSession.write(folder, "report.md", report());
      if (!points.isEmpty()) {
        try {
          var panels = StabilityFigure.panels(exp.title(), points);
          folder.write("figure.png", StabilityFigure.png(panels));
          folder.write("figure.svg", StabilityFigure.svg(panels));
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
          System.err.println("warning: the figure could not be drawn (" + e + "); the CSV files are complete");
        }
      }
    }
  }
}
