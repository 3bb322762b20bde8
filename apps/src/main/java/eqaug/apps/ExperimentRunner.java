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
    /** ||A^0|| over the linear layers, per run: the scale that "rounding level" refers to. */
    final List<Double> initialNorms = new ArrayList<>();
    String engine = "";
    double wallSeconds;
    boolean complete;
  }

  interface Checkpoint {
    void save(Outcome soFar);
  }

  private ExperimentRunner() {}

  /**
   * Arithmetic of one pass over the data in MFLOP: 2 flops per weight and sample forward, 4 more backward.
   * Progress is counted in this unit so that the ETA holds across experiments of very different cost.
   */
  static long passMflop(Experiment exp, boolean withGradient) {
    double forward = 2.0 * new ParameterLayout(exp.architecture()).linearSize() * exp.data().size();
    return Math.max(1, Math.round((withGradient ? 3 : 1) * forward / 1e6));
  }

  /** Work of the whole protocol in MFLOP: per epoch one nominal pass (with gradient except for AUGMENTED), the final evaluation, and N_aug augmented passes per AUGMENTED epoch. */
  static long work(Experiment exp, Protocol protocol) {
    TrainConfig cfg = protocol.train();
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    long nominal = cfg.epochs() * train + eval;
    long augmented = (cfg.epochs() + 1L) * eval + (long) cfg.epochs() * cfg.naug() * train;
    return protocol.runs() * (2 * nominal + augmented);
  }

  static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, Progress progress,
      Checkpoint checkpoint) {
    Outcome out = new Outcome();
    long start = System.nanoTime();
    ParameterLayout layout = new ParameterLayout(exp.architecture());
    RandomStreams streams = new RandomStreams(protocol.seed());
    TrainConfig cfg = protocol.train();
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    try (TrainingEngine engine = backend.open(exp.architecture(), exp.data(), protocol.train(), threads)) {
      out.engine = engine.describe();
      for (int run = 0; run < protocol.runs(); run++) {
        float[] a0 = Initializer.initialParameters(layout, streams.init(run));
        double sq = 0;
        for (int i = 0; i < layout.linearSize(); i++) {
          sq += (double) a0[i] * a0[i];
        }
        out.initialNorms.add(Math.sqrt(sq));
        for (Strategy s : STRATEGIES) {
          progress.message(exp.name() + " run " + (run + 1) + "/" + protocol.runs() + " " + s);
          long expected = s == Strategy.AUGMENTED
              ? (cfg.epochs() + 1L) * eval + (long) cfg.epochs() * cfg.naug() * train
              : cfg.epochs() * train + eval;
          long[] seen = {0};
          TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpoch(EpochRecord record) {
              out.records.add(record);
            }

            @Override
            public void onPass(boolean withGradient) {
              long w = withGradient ? train : eval;
              seen[0] += w;
              progress.step(w);
            }

            @Override
            public void onDiverged(int r, Strategy st, int epoch, String reason) {
              progress.warn(exp.name() + ": " + reason);
            }
          };
          RunOutcome result = engine.train(run, s, a0, streams.augment(run), listener);
          if (seen[0] < expected) {
            progress.step(expected - seen[0]); // a diverged run ends early; its remaining work counts as done
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
