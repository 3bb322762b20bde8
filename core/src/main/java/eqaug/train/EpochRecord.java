package eqaug.train;

import java.util.List;

/**
 * What is recorded of one run at one epoch (0 = A^0): for each linear layer ||A_k - A^0_k|| and
 * ||A_k - Pi_E A_k||, their totals over L, and the loss and accuracy on the (unaugmented) data set.
 */
public record EpochRecord(
    int run, Strategy strategy, int epoch, double loss, double accuracy,
    List<String> layers, double[] distInit, double[] distE, double totalDistInit, double totalDistE) {

  /** The quantity the authors' Figure 1 plots as ||A_E-perp||: sqrt(sum_k ||A_k,E-perp||^4) (see DESIGN.md). */
  public double authorsDistE() {
    double s = 0;
    for (double d : distE) {
      s += d * d * d * d;
    }
    return Math.sqrt(s);
  }
}
