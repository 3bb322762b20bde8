package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.data.Dataset;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import eqaug.train.TrainingListener;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proposition 1: for A in E, grad R^aug(A) = Pi_E grad R(A). R^aug is computed exactly, as the uniform average
 * over every element g of G of the risk on the data moved by g (inputs by rho_X(g), targets by rho_Y(g)), on
 * a data set of 3 mini-batches; both gradients come from {@code Network.step}. The data carry no symmetry,
 * so grad R(A) is far from E and the statement is not trivial; away from E the two sides differ.
 */
class Proposition1Test {
  /**
   * The two sides agree in exact arithmetic; in float each moved sample's loss and gradient are the same
   * numbers summed in another order, so they differ by float roundoff (measured: at most 1.1e-6 of the
   * gradient's norm). 2e-5 leaves a margin of ~20; moving inputs but not targets, moving them by different
   * elements, or a wrong Pi_E errs by O(1) (compare the contrasts below, all above 5e-2).
   */
  private static final double TOL = 2e-5;

  private static final VectorKernels kernels = Fixtures.KERNELS;

  static Stream<Problem> problems() {
    return Fixtures.allProblems(400, 12, 4).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void augmentedGradientIsProjectedNominalGradientOnE(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.batch());
    float[] a = Fixtures.randomEquivariantParameters(layout, new SplittableRandom(401));

    float[] nominal = Fixtures.nominalGradient(net, p, a);
    float[] projected = Fixtures.projected(layout, nominal);
    float[] augmented = Fixtures.augmentedGradient(net, p, a);

    double size = Fixtures.norm(projected);
    assertTrue(size > 1e-3, "gradient too small to compare: " + size);
    double err = Fixtures.distance(augmented, projected) / size;
    assertTrue(err <= TOL, p.name() + ": ||grad R^aug - Pi_E grad R|| / ||Pi_E grad R|| = " + err);
    // Consequence used by Corollary 1: the augmented gradient at A in E lies in E.
    assertTrue(Fixtures.distanceToE(layout, augmented) <= TOL * size, "grad R^aug(A) not in E");

    // Not trivial: the nominal gradient is far from E.
    double offE = Fixtures.distanceToE(layout, nominal) / Fixtures.norm(nominal);
    assertTrue(offE > 5e-2, p.name() + ": nominal gradient is (nearly) in E: " + offE);
  }

  /** Away from E the identity fails: the proposition needs A in E. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void awayFromETheTwoSidesDiffer(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.batch());
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(402));
    float[] projected = Fixtures.projected(layout, Fixtures.nominalGradient(net, p, a));
    float[] augmented = Fixtures.augmentedGradient(net, p, a);
    double diff = Fixtures.distance(augmented, projected) / Fixtures.norm(projected);
    assertTrue(diff > 5e-2, p.name() + ": sides agree away from E too: " + diff);
  }

  /**
   * The trainer's AUGMENTED strategy, with the group draws scripted so that its N_aug = |C4| = 4 passes move
   * every mini-batch by each rotation once, takes the exact augmented gradient step; from A^0 in E this is
   * the EQUIVARIANT step (Proposition 1), and both equal the step computed here from Network.step.
   * Checks that the trainer moves inputs and (for segmentation) targets by the same g.
   */
  @Test
  void trainerAugmentedStepWithAllRotationsIsTheEquivariantStep() {
    Problem p = Fixtures.c4SegProblem(410, 12, 4);
    ParameterLayout layout = ParameterLayout.of(p.arch());
    Network net = new Network(p.arch(), kernels, p.batch());
    Dataset data = new Dataset("rand", p.x(), p.y(), p.size(), p.inDim(), p.outDim());
    double lr = 0.5;
    Trainer trainer = new Trainer(net, data, new TrainConfig(1, lr, p.batch(), 4));
    float[] a0 = Fixtures.randomEquivariantParameters(layout, new SplittableRandom(411));

    // Pass k draws rotation k for each of its 3 mini-batches: RotationGroup.sample asks nextInt(4).
    final class Script implements RandomGenerator {
      int calls;

      @Override
      public int nextInt(int bound) {
        assertEquals(4, bound);
        return calls++ / 3;
      }

      @Override
      public long nextLong() {
        throw new UnsupportedOperationException("only nextInt(4) is expected");
      }
    }
    Script script = new Script();
    RunOutcome aug = trainer.run(0, Strategy.AUGMENTED, a0, script, TrainingListener.NONE);
    assertEquals(12, script.calls, "one draw per mini-batch and pass");
    RunOutcome eqv = trainer.run(0, Strategy.EQUIVARIANT, a0, new SplittableRandom(1), TrainingListener.NONE);

    float[] stepAug = Fixtures.minus(aug.finalParameters(), a0);
    float[] stepEqv = Fixtures.minus(eqv.finalParameters(), a0);
    float[] expected = Fixtures.augmentedGradient(net, p, a0);
    for (int i = 0; i < expected.length; i++) {
      expected[i] *= (float) -lr;
    }
    double size = Fixtures.norm(expected);
    assertTrue(size > 1e-2, "step too small: " + size);
    assertTrue(Fixtures.distance(stepAug, expected) <= TOL * size,
        "trainer's augmented step vs exact augmented step: " + Fixtures.distance(stepAug, expected) / size);
    assertTrue(Fixtures.distance(stepAug, stepEqv) <= TOL * size,
        "augmented vs equivariant step: " + Fixtures.distance(stepAug, stepEqv) / size);
    assertTrue(Fixtures.distanceToE(layout, aug.finalParameters()) <= TOL * size, "augmented step left E");
    assertArrayEquals(Fixtures.projected(layout, eqv.finalParameters()), eqv.finalParameters(),
        "equivariant step left E");
  }
}
