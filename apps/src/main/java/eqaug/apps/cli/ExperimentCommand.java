package eqaug.apps.cli;

import eqaug.apps.experiments.AugmentBy;
import eqaug.apps.experiments.Experiment;
import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.results.DirectionFile;
import eqaug.apps.results.InitFile;
import eqaug.apps.results.SavedParameters;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.results.PriorResults;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.experiments.UsageException;
import eqaug.backend.Backend;
import eqaug.train.TrainConfig;
import eqaug.apps.results.WorkUnits;
import eqaug.study.Study;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * One experiment end to end: check the options and the results folder, build the data, train every run
 * and strategy with progress, write config.json, metrics.csv (after every finished run, atomically) and the
 * figure, and print the summary table.
 */
abstract class ExperimentCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions options = new ExperimentOptions();

  /** Where the command's text goes (null: System.out); a sweep runs its points with their text set aside. */
  PrintStream stdout;

  /** The protocol of the chosen scale, before the user's overrides. */
  abstract Protocol defaults(ExperimentOptions.Scale scale);

  abstract Experiment create(Protocol protocol);

  abstract String name();

  /** Whether the figure gets the paper's second, zoomed panel. */
  boolean zoomPanel() {
    return true;
  }

  Protocol protocol() {
    return protocol(defaults(options.scale), options);
  }

  /** The scale's protocol with the options the user gave. */
  static Protocol protocol(Protocol d, ExperimentOptions options) {
    options.validate();
    TrainConfig t = d.train();
    Integer naug = options.naug();
    boolean exact = naug != null && naug < 0;
    return new Protocol(
        ExperimentOptions.or(options.runs, d.runs()),
        ExperimentOptions.or(options.samples, d.samples()),
        new TrainConfig(
            ExperimentOptions.or(options.epochs, t.epochs()),
            ExperimentOptions.or(options.lr, t.lr()),
            ExperimentOptions.or(options.batch, t.batch()),
            naug == null || exact ? t.naug() : naug, // exact: N_aug is not used
            ExperimentOptions.or(options.penalty, 0.0),
            t.augmentation().exactly(exact)),
        options.seed,
        options.perturbation());
  }

  /**
   * The protocol fitted to the experiment's group: --augment-by's distribution parsed against G (E and the metrics
   * stay G's), and --naug all refused when the distribution's support is too large to enumerate.
   */
  static Protocol fitToGroup(Protocol protocol, Experiment exp, ExperimentOptions options) {
    if (options.augmentBy != null) {
      TrainConfig t = protocol.train();
      eqaug.train.Augmentation aug = AugmentBy.parse(options.augmentBy, exp).exactly(t.exactAugmentation());
      protocol = protocol.withTrain(new TrainConfig(t.epochs(), t.lr(), t.batch(), t.naug(), t.penalty(), aug));
    }
    refuseUnlistable(exp, protocol);
    return protocol;
  }

  /** --naug all on a group too large to enumerate is refused in one line, naming |G| and the limit. */
  static void refuseUnlistable(Experiment exp, Protocol protocol) {
    eqaug.train.Augmentation aug = protocol.train().augmentation();
    if (aug.exact() && aug.supportSize(exp.architecture().group()) > eqaug.train.Augmentation.MAX_EXACT) {
      throw new UsageException(eqaug.train.Augmentation.tooLarge(
          aug.subgroup() != null ? aug.subgroup() : exp.architecture().group()));
    }
  }

  /**
   * --perturb-along's file, read and checked for {@code exp}'s network before any folder is made (null without the
   * option). A command that takes ExperimentOptions and trains must apply it with {@link #perturbedAlong} or
   * refuse the option, never ignore it.
   */
  static DirectionFile directionFile(ExperimentOptions options, Experiment exp) {
    return options.perturbAlong == null ? null : DirectionFile.load(options.perturbAlong, exp);
  }

  /** The protocol with its perturbation along {@code along}'s direction (unchanged when it is null). */
  static Protocol perturbedAlong(Protocol protocol, DirectionFile along) {
    return along == null ? protocol : protocol.withPerturbation(protocol.perturbation().along(along.direction()));
  }

  /** The protocol's work less what a resumed folder has done (the progress bar counts only what is left). */
  static long remainingWork(Experiment exp, Protocol protocol, PriorResults prior) {
    long work = ExperimentRunner.work(exp, protocol);
    if (prior != null) {
      for (PriorResults.Part p : prior.parts) {
        work -= ExperimentRunner.partWork(exp, protocol, p.strategy());
      }
    }
    return Math.max(1, work);
  }

  /**
   * The protocol fitted to the data that was made or read: a --batch larger than the data set is refused; a
   * scale's default batch larger than a small data set becomes the data set's size (and is recorded so).
   */
  static Protocol fitToData(Protocol protocol, Experiment exp, ExperimentOptions options) {
    protocol = fitToGroup(protocol, exp, options);
    int n = exp.data().size();
    if (protocol.train().batch() <= n) {
      return protocol;
    }
    if (options.batch != null) {
      throw new UsageException("--batch " + options.batch + " is larger than the data set (" + n + " samples of "
          + exp.name() + "); use --batch " + n + " or less");
    }
    return protocol.withBatch(n);
  }

  @Override
  public Integer call() {
    PrintStream out = stdout != null ? stdout : System.out;
    Protocol protocol = protocol();
    WorkUnits.Shard shard = options.shard();
    if (options.listUnits) {
      if (options.precision() != eqaug.train.Precision.FP32) {
        Main.supporting(options.device, options.precision()); // a job planned at fp64 must not reach a GPU
      }
      Experiment exp = create(protocol);
      List<WorkUnits.Unit> units = WorkUnits.of(exp, fitToData(protocol, exp, options));
      out.print(WorkUnits.listing(shard == null ? units : WorkUnits.select(units, shard)));
      return 0;
    }
    Backend backend = Main.backend(options.device, options.precision());
    if (shard != null) {
      Shards.refuseOtherCounts(options.out, shard);
    }
    Path dir = shard == null ? options.out : Shards.folder(options.out, shard);
    if (!options.resume) {
      ResultsFolder.refuseUnusable(dir, "--out");
    }
    if (options.saveParams != null) {
      SavedParameters.parseEpochs(options.saveParams, protocol.train().epochs()); // refused before any folder is made
    }
    Experiment exp = create(protocol); // data problems surface before any folder is made
    protocol = fitToData(protocol, exp, options);
    InitFile init = options.init == null ? null : InitFile.load(options.init, exp);
    DirectionFile along = directionFile(options, exp);
    protocol = perturbedAlong(protocol, along);
    if (shard != null) {
      return callShard(exp, protocol, backend, shard, dir, out);
    }
    MemoryBudget.checkTraining(exp, protocol, options.threads(), options.parallelRuns(), backend.name().equals("cpu"),
        options.precision());
    ExperimentSession session = new ExperimentSession(options, backend).startingFrom(init).perturbedAlong(along);
    try (ResultsFolder folder = options.resume ? ResultsFolder.reopen(options.out, "--out")
        : options.out == null ? ResultsFolder.createDefault(name()) : ResultsFolder.open(options.out, "--out")) {
      PriorResults prior = null;
      if (options.resume) {
        // Read under the lock, so no other command is changing the folder meanwhile.
        prior = PriorResults.load(options.out, session.expectedConfig(exp, protocol), protocol.train().epochs());
        prior.verifyInitialNorms(exp, protocol, init);
        if (prior.complete(protocol.runs())) {
          out.println(options.out + " is complete: nothing to resume");
          return 0;
        }
      }
      ExperimentSession.Result result;
      try (Progress progress = new Progress(exp.name(), remainingWork(exp, protocol, prior), System.err, options.quiet);
           ResumeHint hint = new ResumeHint(folder.path(), "eqaug " + name(), System.err)) {
        if (prior != null) {
          out.println(prior.resuming(protocol.runs()));
        }
        if (init != null && init.warning() != null) {
          progress.warn(init.warning());
        }
        if (along != null && along.warning() != null) {
          progress.warn(along.warning());
        }
        result = session.run(exp, protocol, folder, progress, out, zoomPanel(), prior);
      }
      result.summary().print(out, exp.title() + " — results in " + folder.path());
      String drift = eqaug.apps.report.Report.augmentedDrift(result.table(), protocol, options.precision(),
          result.outcome().initialNorms.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
      if (drift != null) {
        out.println("  " + drift);
      }
    }
    return 0;
  }

  /** One shard of the job: its units trained into DIR/shards/i-of-n, with shard.json saying which. */
  private int callShard(Experiment exp, Protocol protocol, Backend backend, WorkUnits.Shard shard, Path dir,
      PrintStream out) {
    List<WorkUnits.Unit> units = WorkUnits.select(WorkUnits.of(exp, protocol), shard);
    List<Study.PartId> selection = units.stream().map(WorkUnits.Unit::part).toList();
    MemoryBudget.checkTraining(exp, protocol, options.threads(), options.parallelRuns(), backend.name().equals("cpu"),
        options.precision());
    ExperimentSession session = new ExperimentSession(options, backend); // --init and --shard are not combined
    try (ResultsFolder folder = options.resume ? ResultsFolder.reopen(dir, "--out") : ResultsFolder.open(dir, "--out")) {
      PriorResults prior = null;
      double before = 0;
      String started = Instant.now().toString();
      if (options.resume) {
        prior = PriorResults.load(dir, session.expectedConfig(exp, protocol, shard), protocol.train().epochs(),
            selection);
        prior.verifyInitialNorms(exp, protocol);
        before = prior.wallSeconds;
        started = prior.started;
        if (prior.complete(protocol.runs())) {
          out.println(dir + " is complete: nothing to resume");
          return 0;
        }
      }
      long work = 0;
      for (WorkUnits.Unit u : units) {
        work += u.mflop();
      }
      if (prior != null) {
        work = Math.max(1, work - (ExperimentRunner.work(exp, protocol) - remainingWork(exp, protocol, prior)));
      }
      Shards.writeManifest(folder, name(), shard, units, options.threads(), started, before, "running");
      long t0 = System.nanoTime();
      ExperimentSession.Result result;
      try (Progress progress = new Progress(exp.name() + " " + shard, Math.max(1, work), System.err, options.quiet);
           ResumeHint hint = new ResumeHint(options.out, "eqaug " + name(), System.err)) {
        if (prior != null) {
          out.println(prior.resuming(protocol.runs()));
        }
        result = session.run(exp, protocol, folder, progress, out, zoomPanel(), prior, shard, selection);
      }
      Shards.writeManifest(folder, name(), shard, units, options.threads(), started,
          before + (System.nanoTime() - t0) / 1e9, "complete");
      out.println("Shard " + shard + " of " + exp.name() + ": " + units.size() + " units ("
          + result.outcome().runs.size() + " parts) in " + folder.path() + "; when every shard is done: eqaug merge "
          + options.out);
    }
    return 0;
  }
}
