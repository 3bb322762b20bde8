package eqaug.apps.experiments;

import eqaug.train.Perturbation;
import eqaug.train.TrainConfig;

/**
 * How many runs of which training protocol, at which data-set size, with which seed, and from which start: the
 * seed's A^0, or A^0 moved off E by a perturbation (null: none).
 */
public record Protocol(int runs, int samples, TrainConfig train, long seed, Perturbation perturbation) {
  /** From the seed's A^0. */
  public Protocol(int runs, int samples, TrainConfig train, long seed) {
    this(runs, samples, train, seed, null);
  }

  public Protocol {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
    }
  }

  /** The same protocol with another training configuration. */
  public Protocol withTrain(TrainConfig t) {
    return new Protocol(runs, samples, t, seed, perturbation);
  }

  /** The same protocol from another start (null: A^0 itself). */
  public Protocol withPerturbation(Perturbation p) {
    return new Protocol(runs, samples, train, seed, p);
  }

  /** The same protocol with another mini-batch size. */
  public Protocol withBatch(int batch) {
    return new Protocol(runs, samples, train.withBatch(batch), seed, perturbation);
  }
}
