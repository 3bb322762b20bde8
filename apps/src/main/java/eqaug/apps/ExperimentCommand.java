package eqaug.apps;

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

  @Override
  public Integer call() {
    PrintStream out = System.out;
    Protocol protocol = protocol();
    Backend backend = Main.backend(options.device);
    if (!options.resume) {
      ResultsFolder.refuseUnusable(options.out, "--out");
    }
    Experiment exp = create(protocol); // data problems surface before any folder is made
    ExperimentSession session = new ExperimentSession(options, backend);
    PriorResults prior = null;
    if (options.resume) {
      prior = PriorResults.load(options.out, session.expectedConfig(exp, protocol), protocol.train().epochs());
      if (prior.complete(protocol.runs())) {
        out.println(options.out + " is complete: nothing to resume");
        return 0;
      }
    }
    ResultsFolder folder = options.resume ? ResultsFolder.reopen(options.out, "--out")
        : options.out == null ? ResultsFolder.createDefault(name()) : ResultsFolder.open(options.out, "--out");
    ExperimentSession.Result result;
    try (Progress progress = new Progress(exp.name(), remainingWork(exp, protocol, prior), System.err, options.quiet)) {
      if (prior != null) {
        out.println(prior.resuming(protocol.runs()));
      }
      result = session.run(exp, protocol, folder, progress, out, zoomPanel(), prior);
    }
    result.summary().print(out, exp.title() + " — results in " + folder.path());
    return 0;
  }
}
