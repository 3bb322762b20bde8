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

  @Override
  void close();
}
