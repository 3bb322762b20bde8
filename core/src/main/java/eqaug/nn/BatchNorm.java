package eqaug.nn;

/**
 * Batch normalisation with batch statistics, per channel over the batch and all positions, with a
 * trainable scale (1 at start) and shift (0 at start). Statistics over a channel's positions are
 * invariant under any permutation of them, so the layer is equivariant when one g acts on the whole batch.
 */
public record BatchNorm(String name, int channels, int positions) implements Stage {
  public static final double EPS = 1e-5;

  public BatchNorm {
    if (channels <= 0 || positions <= 0) {
      throw new IllegalArgumentException("batch norm needs positive channels and positions");
    }
  }

  public int dim() {
    return channels * positions;
  }
}
