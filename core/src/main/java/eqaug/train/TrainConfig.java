package eqaug.train;

/**
 * One training protocol: {@code epochs} full-batch gradient steps A <- A - lr * grad, gradients averaged over
 * mini-batches of {@code batch} samples (and, for AUGMENTED, over {@code naug} augmented passes drawn from
 * {@code augmentation}, or over its whole support when that is exact). With {@code penalty} γ > 0 every strategy
 * minimises R + γ/2 ||Pi_E-perp A||^2 (the paper's §6 proposal): the gradient gains γ Pi_E-perp A.
 */
public record TrainConfig(int epochs, double lr, int batch, int naug, double penalty, Augmentation augmentation) {
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
    if (!(penalty >= 0) || !Double.isFinite(penalty)) {
      throw new IllegalArgumentException("the penalty γ must be zero or positive and finite, got " + penalty);
    }
    if (augmentation == null) {
      throw new IllegalArgumentException("an augmentation is needed (Augmentation.HAAR for the paper's)");
    }
  }

  /** The paper's protocol: N_aug Haar draws on G, no penalty. */
  public TrainConfig(int epochs, double lr, int batch, int naug) {
    this(epochs, lr, batch, naug, 0, Augmentation.HAAR);
  }

  /** The same protocol with another mini-batch size. */
  public TrainConfig withBatch(int b) {
    return new TrainConfig(epochs, lr, b, naug, penalty, augmentation);
  }

  /** Whether AUGMENTED takes the augmented gradient exactly (every element of the support, {@code --naug all}). */
  public boolean exactAugmentation() {
    return augmentation.exact();
  }

  /** Augmented passes per AUGMENTED epoch on group G: N_aug, or the support's size when exact. */
  public long passes(eqaug.group.Group g) {
    return augmentation.exact() ? augmentation.supportSize(g) : naug;
  }
}
