package eqaug.study;

import eqaug.train.EpochRecord;
import eqaug.train.Strategy;

/**
 * What a {@link Study} reports while it trains. With several runs at once, calls about different runs come from
 * different threads; {@link #committed} calls never overlap. Implementations must be cheap.
 */
public interface StudyListener {
  /** Training of (run, strategy) starts. */
  default void partStarted(int run, Strategy strategy) {}

  /** One pass over the data set finished: forward and backward when {@code withGradient}, else forward only. */
  default void pass(int run, Strategy strategy, boolean withGradient) {}

  /** Metrics of one epoch (epoch 0 is A^0). */
  default void epoch(EpochRecord record) {}

  /** Whether {@link #parameters} should receive A of (run, strategy) at this epoch (0 = A^0). */
  default boolean wantsParameters(int run, Strategy strategy, int epoch) {
    return false;
  }

  /** A of (run, strategy) at an epoch asked for, at the engine's precision; the listener may keep the array. */
  default void parameters(int run, Strategy strategy, int epoch, double[] a) {}

  /** A part ended early: its loss or parameters stopped being finite. */
  default void diverged(int run, Strategy strategy, int epoch, String reason) {}

  /** A part finished, in whatever order parts finish. */
  default void partFinished(StudyResults.Part part) {}

  /**
   * Parts were committed: {@code soFar} holds every part up to the latest one in (run, strategy) order, whatever
   * finished first. The place to checkpoint; a resumed study's earlier parts are committed first, before training.
   */
  default void committed(StudyResults soFar) {}

  StudyListener NONE = new StudyListener() {};
}
