package eqaug.apps.experiments;

import eqaug.train.TrainConfig;

/** How many runs of which training protocol, at which data-set size, with which seed. */
public record Protocol(int runs, int samples, TrainConfig train, long seed) {
  public Protocol {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
    }
  }

  /** The same protocol with another mini-batch size. */
  public Protocol withBatch(int batch) {
    return new Protocol(runs, samples, train.withBatch(batch), seed);
  }
}
