package eqaug.apps;

import eqaug.backend.Backend;
import eqaug.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * One experiment end to end: check the options and the results folder, build the data, train every run
 * and strategy with progress, write config.json and metrics.csv (after every finished run, atomically) and
 * print the summary table.
 */
abstract class ExperimentCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions options = new ExperimentOptions();

  /** The protocol of the chosen scale, before the user's overrides. */
  abstract Protocol defaults(ExperimentOptions.Scale scale);

  abstract Experiment create(Protocol protocol);

  abstract String name();

  Protocol protocol() {
    options.validate();
    Protocol d = defaults(options.scale);
    TrainConfig t = d.train();
    return new Protocol(
        ExperimentOptions.or(options.runs, d.runs()),
        d.samples(),
        new TrainConfig(
            ExperimentOptions.or(options.epochs, t.epochs()),
            ExperimentOptions.or(options.lr, t.lr()),
            ExperimentOptions.or(options.batch, t.batch()),
            ExperimentOptions.or(options.naug, t.naug())),
        options.seed);
  }

  @Override
  public Integer call() {
    PrintStream out = System.out;
    Protocol protocol = protocol();
    Backend backend = Main.backend(options.device);
    ResultsFolder folder = options.out == null
        ? ResultsFolder.createDefault(name())
        : ResultsFolder.open(options.out, "--out");
    Experiment exp = create(protocol);
    Summary summary = runInto(exp, protocol, backend, folder, out);
    summary.print(out, exp.title() + " — results in " + folder.path());
    return 0;
  }

  /** Trains and writes one experiment's results into the folder; shared with reproduce. */
  Summary runInto(Experiment exp, Protocol protocol, Backend backend, ResultsFolder folder, PrintStream out) {
    Instant started = Instant.now();
    int threads = options.threads();
    String scale = options.scale.name();
    out.printf("%s%n  %d runs x 3 strategies, %d epochs, N_aug %d, lr %g, batch %d, %d samples, seed %d, %d thread%s%n",
        exp.title(), protocol.runs(), protocol.train().epochs(), protocol.train().naug(), protocol.train().lr(),
        protocol.train().batch(), exp.data().size(), protocol.seed(), threads, threads == 1 ? "" : "s");
    write(folder, "config.json", Json.write(ConfigJson.build(exp, protocol, scale, threads, options.device, null, "running", started)));
    ExperimentRunner.Outcome outcome;
    try (Progress progress = new Progress(exp.name(), ExperimentRunner.passes(protocol), System.err, options.quiet)) {
      outcome = ExperimentRunner.run(exp, protocol, backend, threads, progress, soFar -> save(folder, exp, protocol, soFar, "partial", started));
    } catch (RuntimeException e) {
      write(folder, "config.json", Json.write(ConfigJson.build(exp, protocol, scale, threads, options.device, null,
          "failed: " + e, started)));
      throw e;
    }
    save(folder, exp, protocol, outcome, "complete", started);
    return Summary.of(outcome.records, outcome.runs);
  }

  private void save(ResultsFolder folder, Experiment exp, Protocol protocol, ExperimentRunner.Outcome soFar,
      String status, Instant started) {
    write(folder, "metrics.csv", MetricsCsv.format(soFar.records));
    Map<String, Object> cfg = ConfigJson.build(exp, protocol, options.scale.name(), options.threads(), options.device,
        soFar, status, started);
    write(folder, "config.json", Json.write(cfg));
  }

  static void write(ResultsFolder folder, String name, String content) {
    try {
      folder.write(name, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder.path().resolve(name) + ": " + e.getMessage(), e);
    }
  }
}
