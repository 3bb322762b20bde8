package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.HessianFixtures.Problem;
import eqaug.kernel.ScalarKernels;
import eqaug.nn.LossTally;
import eqaug.nn.Network;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float32 training network and the float64 evaluation compute the same risk and gradient: they agree
 * within float32 accuracy, on every test network (so the double passes batch, centre and average as training does).
 */
class Float32AgreementTest {
  static Stream<Problem> problems() {
    return Stream.concat(HessianFixtures.stageProblems().stream(), HessianFixtures.paperProblems().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void floatGradientAgreesWithDoubleGradient(Problem p) {
    AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch());
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), new SplittableRandom(81));
    float[] af = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      af[i] = (float) a[i];
      a[i] = af[i]; // both at exactly the same point
    }
    double[] g64 = new double[a.length];
    double r64 = risk.gradient(a, g64);
    Network net = new Network(p.arch(), new ScalarKernels(), p.batch());
    float[] g32 = new float[a.length];
    LossTally tally = new LossTally();
    int size = p.data().size();
    int batches = (size + p.batch() - 1) / p.batch();
    int in = p.data().inputDim();
    int out = p.data().targetDim();
    for (int from = 0; from < size; from += p.batch()) {
      int len = Math.min(p.batch(), size - from);
      net.step(af, p.data().inputs(), from * in, p.data().targets(), from * out, len, g32, 1f / batches, tally);
    }
    double err = 0;
    for (int i = 0; i < a.length; i++) {
      err += (g32[i] - g64[i]) * (g32[i] - g64[i]);
    }
    err = Math.sqrt(err);
    double rel = err / HessianFixtures.norm(g64);
    assertTrue(rel < 1e-4, p.name() + ": float32 gradient differs from float64 by " + rel + " relative");
    assertTrue(rel > 1e-12, p.name() + ": float32 and float64 should not agree to the last bit (" + rel + ")");
    assertTrue(Math.abs(tally.loss() - r64) <= 1e-5 * Math.abs(r64), p.name() + ": risk " + tally.loss() + " vs " + r64);
  }
}
