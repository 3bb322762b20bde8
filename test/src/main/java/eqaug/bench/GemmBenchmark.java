package eqaug.bench;

import eqaug.apps.experiments.Workloads;
import eqaug.kernel.VectorKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The three matrix products of training (forward Y = X W^T, dX = dY W, dW = dY^T X) for every layer of the
 * three experiments, at the paper's mini-batch and at the rows the CPU engine runs per step. A shape is
 * "experiment/layer/product/rows"; GFLOP/s = 2 m k n / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmBenchmark {
  @Param({
      "perm/rho1/forward/200", "perm/rho1/grad_input/200", "perm/rho1/grad_weight/200",
      "perm/pool/forward/200", "perm/pool/grad_input/200", "perm/pool/grad_weight/200",
      "perm/dense1/forward/200", "perm/dense1/grad_input/200", "perm/dense1/grad_weight/200",
      "perm/dense2/forward/200", "perm/dense2/grad_input/200", "perm/dense2/grad_weight/200",
      "trans/rho1/forward/25", "trans/rho1/grad_input/25", "trans/rho1/grad_weight/25",
      "trans/rho1/forward/250", "trans/rho1/grad_input/250", "trans/rho1/grad_weight/250",
      "trans/rho2/forward/25", "trans/rho2/grad_input/25", "trans/rho2/grad_weight/25",
      "trans/rho2/forward/250", "trans/rho2/grad_input/250", "trans/rho2/grad_weight/250",
      "trans/pool/forward/25", "trans/pool/grad_input/25", "trans/pool/grad_weight/25",
      "trans/pool/forward/250", "trans/pool/grad_input/250", "trans/pool/grad_weight/250",
      "trans/dense/forward/250", "trans/dense/grad_input/250", "trans/dense/grad_weight/250",
      "rot/rho1/forward/25", "rot/rho1/grad_input/25", "rot/rho1/grad_weight/25",
      "rot/rho1/forward/250", "rot/rho1/grad_input/250", "rot/rho1/grad_weight/250",
      "rot/rho2/forward/25", "rot/rho2/grad_input/25", "rot/rho2/grad_weight/25",
      "rot/rho2/forward/250", "rot/rho2/grad_input/250", "rot/rho2/grad_weight/250",
      "rot/rho3/forward/25", "rot/rho3/grad_input/25", "rot/rho3/grad_weight/25",
      "rot/rho3/forward/250", "rot/rho3/grad_input/250", "rot/rho3/grad_weight/250",
      "rot/rho4/forward/25", "rot/rho4/grad_input/25", "rot/rho4/grad_weight/25",
      "rot/rho4/forward/250", "rot/rho4/grad_input/250", "rot/rho4/grad_weight/250"})
  public String shape;

  @Param({"2"})
  public int threads;

  private VectorKernels kernels;
  private Workloads.Shape s;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup(Level.Trial)
  public void setUp() {
    String[] p = shape.split("/");
    s = Workloads.shapes(true).stream()
        .filter(x -> x.experiment().equals(p[0]) && x.layer().equals(p[1]) && x.op().equals(p[2])
            && (x.op().equals("grad_weight") ? x.k() : x.m()) == Integer.parseInt(p[3]))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no such shape: " + shape));
    SplittableRandom rng = new SplittableRandom(1);
    a = random(rng, s.m() * s.k());
    b = random(rng, s.k() * s.n());
    c = new float[s.m() * s.n()];
    kernels = new VectorKernels(threads);
  }

  static float[] random(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() - 0.5);
    }
    return v;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  @Benchmark
  public float[] product() {
    int lda = s.transA() ? s.m() : s.k();
    int ldb = s.transB() ? s.k() : s.n();
    kernels.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
    return c;
  }
}
