package eqaug.train;

/** How training reports what it does; core never prints. Implementations must be cheap. */
public interface TrainingListener {
  /** Metrics of one epoch (epoch 0 is A^0). */
  void onEpoch(EpochRecord record);

  /** One pass over the data set finished: forward and backward when {@code withGradient}, else forward only. */
  default void onPass(boolean withGradient) {}

  /** A run ended early: its loss or parameters stopped being finite. */
  default void onDiverged(int run, Strategy strategy, int epoch, String reason) {}

  TrainingListener NONE = r -> {};
}
