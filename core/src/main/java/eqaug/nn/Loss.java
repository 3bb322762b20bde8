package eqaug.nn;

/** A loss on the network's last (pre-activation) output; every one here is invariant (Assumption 3). */
public sealed interface Loss permits Loss.SigmoidBce, Loss.SoftmaxCrossEntropy {
  int dim();

  /**
   * Sigmoid followed by binary cross-entropy, averaged over the positions of each channel and summed
   * over channels (App. C.3's pixelwise loss per mask; one channel of one position is App. C.1's BCE).
   * Computed from the logits, which is the same function and stable for large |z|.
   */
  record SigmoidBce(int channels, int positions) implements Loss {
    @Override
    public int dim() {
      return channels * positions;
    }
  }

  /** Softmax followed by cross-entropy against one-hot targets, computed on the logits. */
  record SoftmaxCrossEntropy(int classes) implements Loss {
    @Override
    public int dim() {
      return classes;
    }
  }
}
