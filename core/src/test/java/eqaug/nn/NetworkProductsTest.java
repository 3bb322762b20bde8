package eqaug.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eqaug.kernel.Kernels;
import eqaug.train.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Network#products} lists exactly the matrix products a step runs (the bench's flop counts). */
class NetworkProductsTest {
  /** Runs a delegate's kernels and records every product. */
  private static final class Plain implements Kernels {
    final Kernels k;
    final List<String> calls = new ArrayList<>();

    Plain(Kernels k) {
      this.k = k;
    }

    @Override
    public String name() {
      return "plain " + k.name();
    }

    @Override
    public int threads() {
      return k.threads();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int kk, float[] a, int aOff, int lda,
        float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
      calls.add(m + "x" + kk + "x" + n);
      k.gemm(transA, transB, m, n, kk, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int len) {
      k.leakyRelu(slope, x, xOff, y, yOff, len);
    }

    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
      k.leakyReluBackward(slope, x, xOff, dy, dyOff, dx, dxOff, len);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
      k.axpy(alpha, x, xOff, y, yOff, len);
    }

    @Override
    public void gather(float[] src, int srcOff, int[] map, float[] dst, int dstOff) {
      k.gather(src, srcOff, map, dst, dstOff);
    }

    @Override
    public double sumSquaredDifference(float[] a, int aOff, float[] b, int bOff, int len) {
      return k.sumSquaredDifference(a, aOff, b, bOff, len);
    }

    @Override
    public double sumSquares(float[] a, int off, int len) {
      return k.sumSquares(a, off, len);
    }

    @Override
    public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
      return k.dot(a, aOff, b, bOff, len);
    }

    @Override
    public void close() {}
  }

  private static float[] random(SplittableRandom rng, int n, boolean labels) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = labels ? (rng.nextBoolean() ? 1 : 0) : (float) rng.nextDouble();
    }
    return v;
  }

  @Test
  void productsAreTheOnesAStepRuns() {
    for (Architecture arch : List.of(PaperNetworks.permutation(5), PaperNetworks.translation(6))) {
      int rows = 9;
      Plain k = new Plain(new eqaug.kernel.ScalarKernels());
      Network net = new Network(arch, k, rows);
      SplittableRandom rng = new SplittableRandom(3);
      float[] a = Initializer.initialParameters(net.layout(), rng);
      float[] x = random(rng, rows * arch.input().dim(), false);
      float[] y = random(rng, rows * arch.output().dim(), true);
      for (boolean gradient : new boolean[] {false, true}) {
        k.calls.clear();
        net.step(a, x, 0, y, 0, rows, 3, gradient ? new float[a.length] : null, 1f, new LossTally());
        List<String> listed = new ArrayList<>();
        for (Network.Product p : Network.products(arch, rows, gradient)) {
          listed.add(p.m() + "x" + p.k() + "x" + p.n());
        }
        assertEquals(k.calls, listed, arch.name() + " gradient=" + gradient);
      }
    }
    // Experiment 1 by hand: 1000 graphs of 10 nodes, forward 2 * 1000 * (100*3200 + 3200*64 + 64*32 + 32*1), the
    // weight gradients as much again, the input gradients of all but the first layer.
    double perPass = 0;
    for (Network.Product p : Network.products(PaperNetworks.permutation(10), 1000, true)) {
      perPass += p.flop();
    }
    double fwd = 2.0 * 1000 * (100 * 3200 + 3200 * 64 + 64 * 32 + 32);
    double in = 2.0 * 1000 * (3200 * 64 + 64 * 32 + 32);
    assertEquals(2 * fwd + in, perPass, 0.0);
  }
}
