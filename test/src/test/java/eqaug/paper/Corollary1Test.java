package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.kernel.VectorKernels;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import eqaug.train.Initializer;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corollary 1 (E is invariant under the augmented gradient flow), for gradient descent with a finite step:
 * from A^0 in E, descent on the exact augmented risk (every step averages the gradient over all of G) stays in
 * E up to float rounding, and follows the equivariant descent (Proposition 1, "the dynamics are identical").
 * Nominal descent from the same A^0 leaves E by orders of magnitude more.
 */
class Corollary1Test {
  private static final int STEPS = 20;

  private static final VectorKernels kernels = Fixtures.KERNELS;

  static Stream<Problem> problems() {
    return Fixtures.allProblems(500, 12, 4).stream();
  }

  private static void descend(float[] a, float[] grad, double lr) {
    for (int i = 0; i < a.length; i++) {
      a[i] -= (float) (lr * grad[i]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void augmentedDescentStaysInE(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.batch());
    float[] a0 = Initializer.initialParameters(layout, new SplittableRandom(501));
    // Large enough that A travels 10-40% of |A^0| in 20 steps (and the risk drops), small enough to stay stable.
    double lr = 0.5;

    float[] aug = a0.clone();
    float[] eqv = a0.clone();
    float[] nom = a0.clone();
    for (int step = 0; step < STEPS; step++) {
      descend(aug, Fixtures.augmentedGradient(net, p, aug), lr);
      descend(eqv, Fixtures.projected(layout, Fixtures.nominalGradient(net, p, eqv)), lr);
      descend(nom, Fixtures.nominalGradient(net, p, nom), lr);
    }

    double moved = Fixtures.distance(aug, a0);
    double augOffE = Fixtures.distanceToE(layout, aug);
    double nomOffE = Fixtures.distanceToE(layout, nom);
    double nomMoved = Fixtures.distance(nom, a0);
    // The descent does something: A moved by at least 1% of |A^0| and the risk went down.
    assertTrue(moved >= 1e-2 * Fixtures.norm(a0), p.name() + ": A moved only " + moved);
    assertTrue(Fixtures.risk(net, p, aug) < Fixtures.risk(net, p, a0), p.name() + ": risk did not decrease");
    // Each step adds float rounding of the gradient (~1e-7 of it) off E; the flow does not blow it up over
    // 20 steps (measured: at most 8e-7 of the distance travelled).
    assertTrue(augOffE <= 1e-5 * moved, p.name() + ": ||A - Pi_E A|| / ||A - A^0|| = " + augOffE / moved);
    assertTrue(Fixtures.distance(aug, eqv) <= 1e-4 * moved,
        p.name() + ": augmented and equivariant descent differ by " + Fixtures.distance(aug, eqv) / moved);
    assertTrue(nomOffE >= 1e-2 * nomMoved, p.name() + ": nominal descent stayed near E: " + nomOffE / nomMoved);
    // Several orders of magnitude between the two (measured: ~1e-7 against ~0.5).
    assertTrue(augOffE / moved <= 1e-4 * (nomOffE / nomMoved), p.name() + ": contrast with nominal too small");
  }
}
