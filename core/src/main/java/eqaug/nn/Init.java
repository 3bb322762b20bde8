package eqaug.nn;

/**
 * How a linear layer's weights are drawn before the projection onto E: independent Gaussians, or one
 * Gaussian per channel pair copied to every position of that block (the pooling layers of App. C).
 */
public record Init(Kind kind, double std) {
  public enum Kind { GAUSSIAN, BLOCK_CONSTANT }

  public Init {
    if (!(std > 0) || !Double.isFinite(std)) {
      throw new IllegalArgumentException("init standard deviation must be positive and finite: " + std);
    }
  }

  public static Init gaussian(double std) {
    return new Init(Kind.GAUSSIAN, std);
  }

  public static Init blockConstant(double std) {
    return new Init(Kind.BLOCK_CONSTANT, std);
  }
}
