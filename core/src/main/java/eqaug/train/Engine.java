package eqaug.train;

import eqaug.nn.Architecture;

/**
 * What differs between the hardware that runs the one §5 loop ({@link TrainingLoop}): where A, A^0, the
 * gradient and the data live, and how a pass, the projection onto E, the step and the distances are computed.
 * Everything about strategies, draws, their order, divergence and records is the loop's. An engine holds one
 * run at a time; calls come from one thread.
 */
public interface Engine {
  /** The network this engine trains (its layout is {@code ParameterLayout.of(architecture())}). */
  Architecture architecture();

  /** The mini-batches of one pass over the data set. */
  int batches();

  /** Starts a run: A := A^0, and A^0 is kept for the distances ||A - A^0||. */
  void load(float[] a0);

  /**
   * Starts a run from a start given in double (a perturbed A^0 + ε u): engines that hold A in float round it, as
   * {@link #load(float[])} of the rounded values; a float64 engine keeps it exactly.
   */
  default void load(double[] a0) {
    float[] f = new float[a0.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a0[i];
    }
    load(f);
  }

  /** grad := 0. */
  void zeroGradient();

  /**
   * One pass over the data set as it is, at A: adds weight times each mini-batch's gradient to grad when
   * {@code gradient}; the loss and accuracy it tallies are those {@link #measure} reports.
   */
  void nominalPass(boolean gradient, float weight);

  /**
   * {@code passes} passes, each mini-batch moved by its own group element (inputs, and targets when they carry
   * an action), adding weight times each mini-batch's gradient to grad. {@code draws} holds the elements' codes
   * in pass, then mini-batch order, {@code codeLength} ints each; {@code afterPass} runs after each pass.
   */
  void augmentedPasses(int[] draws, int codeLength, int passes, float weight, Runnable afterPass);

  /**
   * The same with the weight also in double, for engines that compute in double: exact augmentation's weights
   * 1/(batches |G|) and p(g)/batches are mostly not float values. Float engines use {@code weight}.
   */
  default void augmentedPasses(int[] draws, int codeLength, int passes, float weight, double exactWeight,
      Runnable afterPass) {
    augmentedPasses(draws, codeLength, passes, weight, afterPass);
  }

  /**
   * Per linear layer, ||Pi_E-perp grad_k||^2 = ||grad_k - Pi_E grad_k||^2 of the gradient as it is now: the
   * E-perp part that the step will move A by (the sampling noise of AUGMENTED's gradient, docs/noise.md).
   */
  double[] gradientDistESquared();

  /** grad += γ Pi_E-perp A on the linear layers: the gradient of the penalty γ/2 ||Pi_E-perp A||^2. */
  void addPenaltyGradient(double gamma);

  /** grad := Pi_E grad on the linear layers (the EQUIVARIANT strategy, Lemma 3). */
  void projectGradient();

  /** A := A - lr * grad. */
  void step(float lr);

  /** The loss and accuracy of the last nominal pass and, per linear layer, ||A_k - A^0_k||^2 and ||A_k - Pi_E A_k||^2. */
  Measurement measure();

  /** A as it is now (read back from where it lives); the caller may keep it. */
  float[] parameters();

  /** A as it is now at the engine's own precision (a float32 engine's values, widened exactly). */
  default double[] parametersDouble() {
    float[] a = parameters();
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  /** One epoch's measurement, squared per-layer distances in the layout's layer order. */
  record Measurement(double loss, double accuracy, double[] distInitSquared, double[] distESquared) {}
}
