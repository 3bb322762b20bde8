package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.kernel.VectorKernels;
import eqaug.nn.LossTally;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written float backward pass is the gradient of the function the forward pass computes, and that
 * function is the paper's eq. (1) with batch norm and the loss: every coordinate of {@code Network.step}'s
 * gradient (all linear weights, all batch-norm scales and shifts) is checked against central finite
 * differences of an independent double-precision evaluation ({@link DoubleReference}).
 */
class GradientCheckTest {
  /**
   * FD step in double. Central differences err by h^2/6 |f'''| (truncation) plus ~1e-16 |f| / h (rounding).
   * With h = 1e-3 the truncation alone reached 6e-5 relative on these networks (tanh and a batch norm over 6
   * samples are strongly curved); with h = 2e-4 it is ~25x smaller, below the float error, and rounding is ~1e-12.
   */
  private static final double H = 2e-4;

  /**
   * Accept |g - fd| <= TOL (|fd| + 0.01 max|fd|). The float gradient is exact arithmetic on float values: unit
   * roundoff 6e-8, grown by sums of up to 48 terms and by batch norm's 1/std, gives a few 1e-6 relative
   * (measured worst 4.5e-6); 2e-4 leaves a margin of ~40, while a wrong backward formula (a missing
   * batch-norm term, a transposed product, a wrong activation derivative, a wrong 1/batch) errs by O(1).
   * The floor 0.01 max|fd| spares coordinates whose gradient is ~0 a relative accuracy float cannot give.
   */
  private static final double TOL = 2e-4;

  private static final VectorKernels kernels = Fixtures.KERNELS;

  static Stream<Problem> problems() {
    // One mini-batch of 6 samples (batch norm couples them): the checked function is the mini-batch mean loss.
    return Stream.of(
        Fixtures.c4ClsProblem(11, 6, 6),    // leaky ReLU, pooling, tanh, BN(4), softmax CE over 3 classes
        Fixtures.c4SegProblem(12, 6, 6),    // leaky ReLU, BN(3 channels x 16 positions), BCE over 2 x 16
        Fixtures.shiftSegProblem(13, 6, 6), // the same shape with translations on 3 x 3
        Fixtures.graphProblem(14, 6, 6));   // S_4 on adjacency, pooling, BN(3), sigmoid, BCE on one label
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void floatBackwardMatchesDoubleFiniteDifferences(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.batch());
    DoubleReference ref = new DoubleReference(p.arch());
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(100));

    float[] grad = new float[a.length];
    LossTally tally = new LossTally();
    net.step(a, p.x(), 0, p.y(), 0, p.size(), grad, 1f, tally);

    double[] base = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      base[i] = a[i];
    }
    BitSet baseSigns = new BitSet();
    double refLoss = ref.loss(base, p.x(), p.y(), p.size(), baseSigns);
    // The reference is the same function: the float forward (double accumulation) agrees to float precision.
    assertEquals(refLoss, tally.loss(), 1e-5 * Math.abs(refLoss), p.name() + ": double reference loss vs Network loss");

    double[] fd = new double[a.length];
    boolean[] kink = new boolean[a.length];
    int kinks = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      double[] q = base.clone();
      BitSet plusSigns = new BitSet();
      BitSet minusSigns = new BitSet();
      q[i] = base[i] + H;
      double lp = ref.loss(q, p.x(), p.y(), p.size(), plusSigns);
      q[i] = base[i] - H;
      double lm = ref.loss(q, p.x(), p.y(), p.size(), minusSigns);
      fd[i] = (lp - lm) / (2 * H);
      // A leaky-ReLU input changing sign within +-h makes the difference quotient straddle a kink: skip it.
      kink[i] = !plusSigns.equals(baseSigns) || !minusSigns.equals(baseSigns);
      if (kink[i]) {
        kinks++;
      } else {
        scale = Math.max(scale, Math.abs(fd[i]));
      }
    }
    assertTrue(kinks <= a.length / 100, kinks + " of " + a.length + " coordinates straddle a kink");
    assertTrue(scale > 1e-3, "gradient scale " + scale);

    double worst = 0;
    int worstAt = -1;
    int significant = 0;
    for (int i = 0; i < a.length; i++) {
      if (kink[i]) {
        continue;
      }
      double err = Math.abs(grad[i] - fd[i]) / (Math.abs(fd[i]) + 1e-2 * scale);
      if (err > worst) {
        worst = err;
        worstAt = i;
      }
      if (Math.abs(fd[i]) > 1e-2 * scale) {
        significant++;
      }
    }
    assertTrue(worst <= TOL, String.format("%s: worst |g - fd| / (|fd| + 0.01 max|fd|) = %.3g at parameter %d"
        + " (float backward %.7g, finite difference %.7g)", p.name(), worst, worstAt, grad[worstAt], fd[worstAt]));
    // Most coordinates carry a gradient above the floor, so for them the check is a relative one.
    assertTrue(significant >= a.length / 2, significant + " of " + a.length + " coordinates above the floor");
    // Every batch-norm scale and shift was among the checked coordinates.
    for (ParameterLayout.NormView n : layout.norms()) {
      for (int i = n.offset(); i < n.offset() + 2 * n.norm().channels(); i++) {
        assertTrue(!kink[i], "batch-norm parameter " + i + " straddles a kink and was not checked");
      }
    }
  }
}
