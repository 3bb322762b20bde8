package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.results.PriorResults;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.experiments.UsageException;
import eqaug.backend.Backend;
import eqaug.train.TrainConfig;
import java.io.PrintStream;
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
    return new Protocol(
        ExperimentOptions.or(options.runs, d.runs()),
        ExperimentOptions.or(options.samples, d.samples()),
        new TrainConfig(
            ExperimentOptions.or(options.epochs, t.epochs()),
            ExperimentOptions.or(options.lr, t.lr()),
            ExperimentOptions.or(options.batch, t.batch()),
            ExperimentOptions.or(options.naug, t.naug())),
        options.seed);
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
    PrintStream out = System.out;
    Protocol protocol = protocol();
    Backend backend = Main.backend(options.device);
    if (!options.resume) {
      ResultsFolder.refuseUnusable(options.out, "--out");
    }
    Experiment exp = create(protocol); // data problems surface before any folder is made
    protocol = fitToData(protocol, exp, options);
    MemoryBudget.checkTraining(exp, protocol, options.threads(), options.parallelRuns(), backend.name().equals("cpu"));
    ExperimentSession session = new ExperimentSession(options, backend);
    try (ResultsFolder folder = options.resume ? ResultsFolder.reopen(options.out, "--out")
        : options.out == null ? ResultsFolder.createDefault(name()) : ResultsFolder.open(options.out, "--out")) {
      PriorResults prior = null;
      if (options.resume) {
        // Read under the lock, so no other command is changing the folder meanwhile.
        prior = PriorResults.load(options.out, session.expectedConfig(exp, protocol), protocol.train().epochs());
        prior.verifyInitialNorms(exp, protocol);
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
        result = session.run(exp, protocol, folder, progress, out, zoomPanel(), prior);
      }
      result.summary().print(out, exp.title() + " — results in " + folder.path());
    }
    return 0;
  }
}
