package eqaug.train;

/**
 * One training protocol: {@code epochs} full-batch gradient steps A <- A - lr * grad, gradients averaged over
 * mini-batches of {@code batch} samples (and, for AUGMENTED, over {@code naug} augmented passes).
 */
public record TrainConfig(int epochs, double lr, int batch, int naug) {
  public TrainConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
    }
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    }
    if (naug < 1) {
      throw new IllegalArgumentException("N_aug must be at least 1, got " + naug);
    }
  }
}
