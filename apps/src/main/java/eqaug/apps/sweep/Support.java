package eqaug.apps.sweep;

/**
 * What --naug all averages over: every element of G (the paper's augmentation, Haar on G), or of --augment-by's
 * subgroup H, or its listed elements; {@code size} is where the figure draws N_aug = all, {@code symbol} how it is
 * named there ("|G|", "|H|" or "|supp μ|").
 */
public record Support(long size, String symbol) {
  /** The paper's augmentation: every element of G. */
  public static Support ofGroup(long order) {
    return new Support(order, "|G|");
  }

  /** Whether it is all of G, so that the exact average has no bias off E, only rounding. */
  public boolean isG() {
    return symbol.equals("|G|");
  }
}
