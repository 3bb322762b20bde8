package eqaug.nn;

/** Running loss and accuracy over mini-batches; reused across batches so a pass allocates nothing. */
public final class LossTally {
  /** An empty tally. */
  public LossTally() {}

  private double lossSum;
  private int batches;
  private double correct;
  private long counted;

  public void reset() {
    lossSum = 0;
    batches = 0;
    correct = 0;
    counted = 0;
  }

  void addBatch(double meanLoss, double correctEntries, long entries) {
    lossSum += meanLoss;
    batches++;
    correct += correctEntries;
    counted += entries;
  }

  /** The average over mini-batches of the mini-batch mean loss (the risk whose gradient training follows). */
  public double loss() {
    return batches == 0 ? Double.NaN : lossSum / batches;
  }

  /** The fraction of predictions (labels, or mask pixels) that are right. */
  public double accuracy() {
    return counted == 0 ? Double.NaN : correct / counted;
  }
}
