package eqaug.train;

/** How training reports what it does; core never prints. Implementations must be cheap. */
public interface TrainingListener {
  /** Metrics of one epoch (epoch 0 is A^0). */
  void onEpoch(EpochRecord record);

  /** One pass over the data set finished: forward and backward when {@code withGradient}, else forward only. */
  default void onPass(boolean withGradient) {}

  /** A run ended early: its loss or parameters stopped being finite. */
  default void onDiverged(int run, Strategy strategy, int epoch, String reason) {}

  /** Whether {@link #onParameters} should receive A at this epoch (0 = A^0); asked once per epoch. */
  default boolean wantsParameters(int epoch) {
    return false;
  }

  /**
   * A at an epoch this listener asked for, after that epoch's measurement, in the layout's order and at the
   * engine's precision (float32 engines give exact float values); the listener may keep the array.
   */
  default void onParameters(int epoch, double[] a) {}

  TrainingListener NONE = r -> {};
}
