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

  /**
   * Trains from a start given in double (a perturbed A^0 + ε u); engines that hold A in float round it to the
   * float start {@link #train} takes, a float64 engine keeps it.
   */
  default RunOutcome train(int run, Strategy strategy, double[] a0, RandomGenerator augRng, TrainingListener listener) {
    return train(run, strategy, rounded(a0), augRng, listener);
  }

  /** {@link #trainPaired} from starts given in double, rounded to float by engines that hold A in float. */
  default RunOutcome trainPaired(int run, Strategy strategy, double[] a0, double[] twinA0, RandomGenerator augRng,
      TrainingListener listener) {
    return trainPaired(run, strategy, rounded(a0), rounded(twinA0), augRng, listener);
  }

  private static float[] rounded(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  @Override
  void close();
}
