package eqaug.apps;

import eqaug.backend.Backend;
import eqaug.backend.TrainingEngine;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RandomStreams;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.TrainingListener;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every (run, strategy) of one experiment: run r draws A^0 from its own stream, and the three
 * strategies start from it. After each (run, strategy) the results so far are handed to a checkpoint, so an
 * interrupted command keeps what it finished.
 */
final class ExperimentRunner {
  static final List<Strategy> STRATEGIES = List.of(Strategy.NOMINAL, Strategy.AUGMENTED, Strategy.EQUIVARIANT);

  /** What has been computed so far. */
  static final class Outcome {
    final List<EpochRecord> records = new ArrayList<>();
    final List<RunOutcome> runs = new ArrayList<>();
    final Map<Strategy, Double> seconds = new EnumMap<>(Strategy.class);
    String engine = "";
    double wallSeconds;
    boolean complete;
  }

  interface Checkpoint {
    void save(Outcome soFar);
  }

  private ExperimentRunner() {}

  /** Passes over the data one (run, strategy) makes: one per epoch and the final evaluation, plus N_aug per epoch. */
  static long passes(TrainConfig cfg, Strategy s) {
    long p = cfg.epochs() + 1L;
    return s == Strategy.AUGMENTED ? p + (long) cfg.epochs() * cfg.naug() : p;
  }

  static long passes(Protocol protocol) {
    long per = 0;
    for (Strategy s : STRATEGIES) {
      per += passes(protocol.train(), s);
    }
    return per * protocol.runs();
  }

  static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, Progress progress,
      Checkpoint checkpoint) {
    Outcome out = new Outcome();
    long start = System.nanoTime();
    ParameterLayout layout = new ParameterLayout(exp.architecture());
    RandomStreams streams = new RandomStreams(protocol.seed());
    try (TrainingEngine engine = backend.open(exp.architecture(), exp.data(), protocol.train(), threads)) {
      out.engine = engine.describe();
      for (int run = 0; run < protocol.runs(); run++) {
        float[] a0 = Initializer.initialParameters(layout, streams.init(run));
        for (Strategy s : STRATEGIES) {
          progress.message(exp.name() + " run " + (run + 1) + "/" + protocol.runs() + " " + s);
          long expected = passes(protocol.train(), s);
          long[] seen = {0};
          TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpoch(EpochRecord record) {
              out.records.add(record);
            }

            @Override
            public void onPass() {
              seen[0]++;
              progress.step();
            }

            @Override
            public void onDiverged(int r, Strategy st, int epoch, String reason) {
              progress.warn(exp.name() + ": " + reason);
            }
          };
          RunOutcome result = engine.train(run, s, a0, streams.augment(run), listener);
          for (long i = seen[0]; i < expected; i++) {
            progress.step();
          }
          out.runs.add(result);
          out.seconds.merge(s, result.seconds(), Double::sum);
          out.wallSeconds = (System.nanoTime() - start) / 1e9;
          checkpoint.save(out);
        }
      }
    }
    out.complete = true;
    out.wallSeconds = (System.nanoTime() - start) / 1e9;
    return out;
  }
}
