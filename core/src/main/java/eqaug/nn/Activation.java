package eqaug.nn;

/** A pointwise non-linearity; pointwise maps commute with permutations (the paper's Assumption 2). */
public record Activation(Kind kind) implements Stage {
  /** The leaky ReLU slope of App. C. */
  public static final float LEAKY_SLOPE = 0.01f;

  public enum Kind { LEAKY_RELU, TANH, SIGMOID }

  public static Activation leakyRelu() {
    return new Activation(Kind.LEAKY_RELU);
  }

  public static Activation tanh() {
    return new Activation(Kind.TANH);
  }
}
