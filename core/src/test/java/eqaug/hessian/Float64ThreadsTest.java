package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.HessianFixtures.Problem;
import eqaug.kernel.DoubleKernels;
import eqaug.kernel.ScalarDoubleKernels;
import eqaug.kernel.VectorDoubleKernels;
import eqaug.nn.PaperNetworks;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Float64Network's risk, gradient, Hessian-vector product and kink distance are bitwise the same on the
 * scalar twin, on the Vector API kernels with one thread and with two (products large enough to be split
 * between them), and through the original constructor: the paper's three networks (leaky ReLU, tanh, sigmoid,
 * batch norm, both losses), nominal risk and the exact C4 average.
 */
class Float64ThreadsTest {
  static Stream<Problem> problems() {
    // Sizes chosen so that every layer's products exceed the kernels' parallel threshold.
    return Stream.of(
        HessianFixtures.problem(PaperNetworks.permutation(6), 21, 40, 20),
        HessianFixtures.problem(PaperNetworks.translation(4), 22, 16, 8),
        HessianFixtures.problem(PaperNetworks.rotation(4), 23, 16, 8));
  }

  /** Everything one evaluation returns, as raw bits. */
  private static long[] evaluate(AugmentedRisk risk, double[] a, double[] v) {
    double[] grad = new double[risk.dim()];
    double[] hv = new double[risk.dim()];
    double value = risk.gradient(a, grad);
    risk.hessianVector(a, v, hv);
    long[] bits = new long[2 * risk.dim() + 2];
    bits[0] = Double.doubleToRawLongBits(value);
    bits[1] = Double.doubleToRawLongBits(risk.kinkDistance());
    for (int i = 0; i < risk.dim(); i++) {
      bits[2 + i] = Double.doubleToRawLongBits(grad[i]);
      bits[2 + risk.dim() + i] = Double.doubleToRawLongBits(hv[i]);
    }
    return bits;
  }

  private static void assertSame(long[] expected, long[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        throw new AssertionError(what + ": word " + i + " is " + Double.longBitsToDouble(actual[i])
            + " against " + Double.longBitsToDouble(expected[i]));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void scalarVectorAndTwoThreadsGiveTheSameBits(Problem p) {
    check(p, AugmentedRisk.nominal(p.arch(), p.data(), p.batch()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void theExactGroupAverageToo(Problem p) {
    if (p.arch().group().order() > 4) {
      // S_6 has 720 elements, Z_4 x Z_4 16: the C4 average suffices to check the loop over elements.
      return;
    }
    check(p, AugmentedRisk.exact(p.arch(), p.data(), p.batch(), 4));
  }

  private static void check(Problem p, AugmentedRisk base) {
    double[] a = HessianFixtures.randomParameters(base.network().layout(), new SplittableRandom(31));
    double[] v = HessianFixtures.gaussian(base.dim(), new SplittableRandom(32));
    long[] reference = evaluate(base.withKernels(new ScalarDoubleKernels()), a, v);
    assertTrue(Double.longBitsToDouble(reference[0]) > 0, "a positive risk");
    assertSame(reference, evaluate(base, a, v), p.name() + ": the default constructor");
    try (DoubleKernels one = new VectorDoubleKernels(1); DoubleKernels two = new VectorDoubleKernels(2)) {
      assertSame(reference, evaluate(base.withKernels(one), a, v), p.name() + ": " + one.name());
      AugmentedRisk parallel = base.withKernels(two);
      assertEquals(2, parallel.network().kernels().threads());
      assertSame(reference, evaluate(parallel, a, v), p.name() + ": " + two.name());
      // Again on the same network: buffers left from the first pass must not matter.
      assertSame(reference, evaluate(parallel, a, v), p.name() + ": " + two.name() + ", second time");
    }
  }
}
