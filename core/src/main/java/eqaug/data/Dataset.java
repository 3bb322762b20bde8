package eqaug.data;

/**
 * A finite data set D: {@code size} inputs of {@code inputDim} values and targets of {@code targetDim}
 * values, row-major. Targets are 0/1 labels or masks for BCE and one-hot vectors for cross-entropy.
 */
public record Dataset(String name, float[] inputs, float[] targets, int size, int inputDim, int targetDim) {
  public Dataset {
    if (size < 1) {
      throw new IllegalArgumentException("data set " + name + " is empty");
    }
    if (inputs.length != (long) size * inputDim || targets.length != (long) size * targetDim) {
      throw new IllegalArgumentException("data set " + name + ": arrays do not match " + size + " samples");
    }
  }

  /** The mean of the targets: the fraction of positive labels (or mask pixels) for 0/1 targets. */
  public double meanTarget() {
    double s = 0;
    for (float t : targets) {
      s += t;
    }
    return s / targets.length;
  }
}
