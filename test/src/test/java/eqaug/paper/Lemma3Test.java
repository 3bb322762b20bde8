package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import eqaug.space.FieldSpace;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lemma 3: Phi_A(rho_X(g) x) = rho_Y(g) Phi_{rho-bar(g)^-1 A}(x) for every A in L and g in G, and in
 * particular Phi_A is equivariant for A in E. Checked on the network's logits for a whole batch (batch norm
 * with batch statistics is equivariant when one g moves every sample), for every element of the group.
 */
class Lemma3Test {
  /**
   * Both sides are the same real number computed by float sums in a different order (the permutation
   * reorders each dot product), so they differ by a few float roundoffs of the logits' scale (measured:
   * at most 4e-7 relative). 1e-5 leaves a margin of 25; a wrong action, a wrong inverse or a wrong rho-bar
   * errs by O(1) (see {@link #theLemmaIsNotVacuous}, above 1e-2).
   */
  private static final double TOL = 1e-5;

  private static final VectorKernels kernels = Fixtures.KERNELS;

  static Stream<Problem> problems() {
    return Fixtures.allProblems(200, 5, 5).stream();
  }

  private static double relativeError(float[] expected, float[] actual) {
    return Fixtures.distance(expected, actual) / Fixtures.norm(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void movingTheInputIsMovingTheLayers(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.size());
    Group group = p.group();
    FieldSpace xSpace = p.arch().input();
    FieldSpace ySpace = p.arch().output();
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(201));
    assertTrue(Fixtures.distanceToE(layout, a) > 0.1 * Fixtures.norm(a), "A should be far from E");

    List<GroupElement> elements = group.elements();
    assertEquals(group.order(), elements.size());
    for (GroupElement g : elements) {
      float[] lhs = net.logits(a, Fixtures.act(xSpace, g, p.x(), p.size()), 0, p.size());
      float[] aInv = Fixtures.rhoBar(layout, group.inverse(g), a);
      float[] rhs = Fixtures.act(ySpace, g, net.logits(aInv, p.x(), 0, p.size()), p.size());
      double err = relativeError(lhs, rhs);
      assertTrue(err <= TOL, p.name() + ", g = " + g + ": relative error " + err);
    }
  }

  /**
   * The lemma is not an identity that holds whatever the layers: A is not in E, so Phi_A itself is not
   * equivariant, and for rotations (where g != g^-1) moving the layers by rho-bar(g) instead of its inverse fails.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void theLemmaIsNotVacuous(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.size());
    Group group = p.group();
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(202));
    double worstEquivariance = 0;
    double worstWrongInverse = 0;
    boolean anyNonInvolution = false;
    for (GroupElement g : group.elements()) {
      float[] lhs = net.logits(a, Fixtures.act(p.arch().input(), g, p.x(), p.size()), 0, p.size());
      float[] plain = Fixtures.act(p.arch().output(), g, net.logits(a, p.x(), 0, p.size()), p.size());
      worstEquivariance = Math.max(worstEquivariance, relativeError(lhs, plain));
      if (!group.inverse(g).equals(g)) {
        anyNonInvolution = true;
        float[] wrong = Fixtures.act(p.arch().output(), g,
            net.logits(Fixtures.rhoBar(layout, g, a), p.x(), 0, p.size()), p.size());
        worstWrongInverse = Math.max(worstWrongInverse, relativeError(lhs, wrong));
      }
    }
    assertTrue(worstEquivariance > 1e-2, p.name() + ": Phi_A with A not in E looks equivariant ("
        + worstEquivariance + ")");
    assertTrue(anyNonInvolution);
    assertTrue(worstWrongInverse > 1e-2, p.name() + ": rho-bar(g) A works as well as rho-bar(g)^-1 A ("
        + worstWrongInverse + ")");
  }

  /** The "in particular" part: for A in E (after Pi_E), Phi_A(rho_X(g) x) = rho_Y(g) Phi_A(x). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void networksWithLayersInEAreEquivariant(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.size());
    float[] a = Fixtures.randomEquivariantParameters(layout, new SplittableRandom(203));
    float[] out = net.logits(a, p.x(), 0, p.size());
    for (GroupElement g : p.group().elements()) {
      float[] moved = net.logits(a, Fixtures.act(p.arch().input(), g, p.x(), p.size()), 0, p.size());
      double err = relativeError(Fixtures.act(p.arch().output(), g, out, p.size()), moved);
      assertTrue(err <= TOL, p.name() + ", g = " + g + ": relative error " + err);
      // Lemma 1: A in E is fixed by every rho-bar(g).
      assertTrue(java.util.Arrays.equals(a, Fixtures.rhoBar(layout, g, a)), "rho-bar(" + g + ") moves A in E");
    }
  }
}
