package eqaug.backend;

import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainingListener;
import java.util.random.RandomGenerator;

/** Trains runs of one experiment (architecture, data, protocol) on one backend's hardware. */
public interface TrainingEngine extends AutoCloseable {
  /** What computes, for results and logs (e.g. "cpu: vector(256-bit, 2 threads)"). */
  String describe();

  RunOutcome train(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener);

  /**
   * Trains from a0 and, in lockstep with the same draws, from twinA0 (TrainingLoop#runPaired); the records are
   * a0's, each with its distance to the twin across E. Engines that cannot hold two runs refuse.
   */
  default RunOutcome trainPaired(int run, Strategy strategy, float[] a0, float[] twinA0, RandomGenerator augRng,
      TrainingListener listener) {
    throw new UnsupportedOperationException(describe() + " cannot train paired runs (--paired); use --device cpu");
  }

  @Override
  void close();
}
