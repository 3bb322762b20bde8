package eqaug.hessian;

import eqaug.hessian.HessianFixtures.Problem;
import eqaug.kernel.DoubleKernels;
import eqaug.kernel.VectorDoubleKernels;
import eqaug.nn.PaperNetworks;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Run in a child JVM by {@link Float64WidthTest} at one -Deqaug.vectorBits: prints the double kernels' name,
 * then a SHA-256 of the raw bits of the double kernels' outputs (GEMM at ragged shapes with every transpose
 * and beta, leaky ReLU and kink distance at ragged lengths) and of Float64Network's risk, gradient and
 * Hessian-vector product on the paper's three networks, on two threads. Widths that agree print the same
 * lines after the first.
 */
public final class Float64WidthProbe {
  private Float64WidthProbe() {}

  private static final class Hash {
    private final MessageDigest md;
    private final ByteBuffer buf = ByteBuffer.allocate(8);

    Hash() throws Exception {
      md = MessageDigest.getInstance("SHA-256");
    }

    void add(double v) {
      md.update(buf.clear().putLong(0, Double.doubleToRawLongBits(v)).array());
    }

    void add(double[] v) {
      for (double x : v) {
        add(x);
      }
    }

    String hex() {
      return HexFormat.of().formatHex(md.digest());
    }
  }

  public static void main(String[] args) throws Exception {
    try (DoubleKernels k = new VectorDoubleKernels(2)) {
      System.out.println("kernels " + k.name());
      SplittableRandom rng = new SplittableRandom(42);
      Hash gemm = new Hash();
      int[] sizes = {1, 3, 7, 17, 33, 130};
      int[] depths = {1, 5, 255, 257, 600};
      for (int m : sizes) {
        for (int n : sizes) {
          for (int d : depths) {
            for (int t = 0; t < 4; t++) {
              boolean ta = (t & 1) != 0;
              boolean tb = (t & 2) != 0;
              int lda = (ta ? m : d) + 3;
              int ldb = (tb ? d : n) + 2;
              int ldc = n + 1;
              double[] a = HessianFixtures.gaussian((ta ? d : m) * lda + 1, rng);
              double[] b = HessianFixtures.gaussian((tb ? n : d) * ldb + 2, rng);
              double[] c = HessianFixtures.gaussian(m * ldc + 1, rng);
              double beta = (m + n + d) % 3 == 0 ? 0 : (m + n + d) % 3 == 1 ? 1 : 0.3;
              k.gemm(ta, tb, m, n, d, a, 1, lda, b, 2, ldb, beta, c, 1, ldc);
              gemm.add(c);
            }
          }
        }
      }
      System.out.println("dgemm " + gemm.hex());

      Hash elem = new Hash();
      for (int len = 0; len < 100; len++) {
        double[] x = HessianFixtures.gaussian(len + 3, rng);
        double[] g = HessianFixtures.gaussian(len + 2, rng);
        double[] out = new double[len + 1];
        k.leakyRelu(0.01, x, 3, g, 2, out, 1, len);
        elem.add(out);
        elem.add(k.kinkDistance(x, 1, g, 0, len));
      }
      System.out.println("delementwise " + elem.hex());

      Problem[] problems = {
          HessianFixtures.problem(PaperNetworks.permutation(6), 21, 40, 20),
          HessianFixtures.problem(PaperNetworks.translation(4), 22, 16, 8),
          HessianFixtures.problem(PaperNetworks.rotation(4), 23, 16, 8)};
      for (Problem p : problems) {
        AugmentedRisk risk = AugmentedRisk.nominal(p.arch(), p.data(), p.batch()).withKernels(k);
        double[] a = HessianFixtures.randomParameters(risk.network().layout(), new SplittableRandom(31));
        double[] v = HessianFixtures.gaussian(risk.dim(), new SplittableRandom(32));
        double[] grad = new double[risk.dim()];
        double[] hv = new double[risk.dim()];
        Hash h = new Hash();
        h.add(risk.gradient(a, grad));
        risk.hessianVector(a, v, hv);
        h.add(grad);
        h.add(hv);
        h.add(risk.kinkDistance());
        System.out.println("float64-" + p.name() + " " + h.hex());
      }
    }
  }
}
