package eqaug.hessian;

import eqaug.data.Dataset;
import eqaug.kernel.DoubleKernels;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import java.util.SplittableRandom;

/**
 * Not a test: the cost of one float64 gradient and one exact Hessian-vector product of the nominal risk at
 * Experiment 1's paper size (n = 10, dim L = 526,880, 1000 graphs in mini-batches of 200), on
 * {@code DoubleKernels.create(threads)}. Run: java --add-modules jdk.incubator.vector
 * -cp core/target/classes:core/target/test-classes eqaug.hessian.HvpBenchmark [n] [samples] [batch] [threads]
 * [reps] (without the module, the scalar twin runs).
 */
public final class HvpBenchmark {
  private HvpBenchmark() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    int reps = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    Architecture arch = PaperNetworks.permutation(n);
    SplittableRandom rng = new SplittableRandom(1);
    int in = arch.input().dim();
    float[] x = new float[samples * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextBoolean() ? 1 : 0;
    }
    float[] y = new float[samples];
    for (int i = 0; i < samples; i++) {
      y[i] = rng.nextBoolean() ? 1 : 0;
    }
    DoubleKernels kernels = DoubleKernels.create(threads);
    AugmentedRisk risk = AugmentedRisk.nominal(arch, new Dataset("bench", x, y, samples, in, 1), batch)
        .withKernels(kernels);
    System.out.println("kernels " + kernels.name());
    double[] a = HessianFixtures.randomParameters(risk.network().layout(), rng);
    double[] v = HessianFixtures.gaussian(risk.dim(), rng);
    double[] out = new double[risk.dim()];
    System.out.printf("perm n=%d: dim L = %d, parameters %d, %d samples, batch %d, rows per pass %d%n", n,
        risk.network().layout().linearSize(), risk.dim(), samples, batch, risk.network().maxRows());
    System.out.printf("network buffers: %.1f MiB%n", risk.network().bufferDoubles() * 8 / 1048576.0);
    for (int rep = 0; rep < reps; rep++) {
      long t0 = System.nanoTime();
      risk.gradient(a, out);
      long t1 = System.nanoTime();
      risk.hessianVector(a, v, out);
      long t2 = System.nanoTime();
      System.out.printf("rep %d: gradient %.3f s, HVP %.3f s, ratio %.2f%n", rep, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
          (double) (t2 - t1) / (t1 - t0));
    }
    Runtime rt = Runtime.getRuntime();
    System.out.printf("heap in use after the runs: %.1f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    kernels.close();
  }
}
