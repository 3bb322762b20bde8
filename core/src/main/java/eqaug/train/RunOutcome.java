package eqaug.train;

/** How one (run, strategy) ended: its final parameters, epochs completed, and the divergence if any. */
public record RunOutcome(int run, Strategy strategy, float[] finalParameters, int epochsCompleted,
    String divergence, double seconds) {
  public boolean diverged() {
    return divergence != null;
  }
}
