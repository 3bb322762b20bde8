package eqaug.tornado;

import eqaug.backend.TrainingEngine;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.Initializer;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.TrainingListener;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.cl.ClDevice;
import java.util.SplittableRandom;

/**
 * The device check scripts/gpu-check.sh runs on a GPU machine ({@code java -cp apps.jar eqaug.tornado.GpuCheck
 * [P:D]}): lists devices, checks the matrix kernel against a double-precision reference at Experiment 2's
 * shapes, times it there, and times one paper-scale epoch of Experiment 2 (10000 synthetic 14 x 14 images,
 * batch 25, N_aug 25) per strategy. An entry point, so it prints; exit code 1 when a check fails.
 */
public final class GpuCheck {
  private GpuCheck() {}

  public static void main(String[] args) {
    OpenClBackend backend = new OpenClBackend();
    backend.describeDevices().forEach(System.out::println);
    OpenClBackend chosen = (OpenClBackend) (args.length > 0 ? backend.select(args[0]) : backend);
    ClDevice device = chosen.device();
    System.out.println("checking opencl:" + device.selection() + " (" + device.name().trim() + ")");
    boolean ok;
    try (ClContext ctx = new ClContext(device)) {
      DeviceKernels k = new DeviceKernels(ctx);
      ok = gemm(ctx, k, 250, 6272, 6272, false, true, "forward  Y = X W^T  (250x6272 . 6272x6272^T)");
      ok &= gemm(ctx, k, 250, 6272, 6272, false, false, "backward dX = dY W  (250x6272 . 6272x6272)");
      ok &= gemm(ctx, k, 6272, 6272, 250, true, false, "backward dW += dY^T X (6272x250 . 250x6272)");
      ok &= gemm(ctx, k, 250, 6272, 196, false, true, "forward  rho1        (250x196 . 6272x196^T)");
    }
    for (Strategy s : Strategy.values()) {
      epoch(chosen, s);
    }
    System.out.println(ok ? "GPU CHECK PASSED" : "GPU CHECK FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static boolean gemm(ClContext ctx, DeviceKernels k, int m, int n, int kk, boolean ta, boolean tb, String what) {
    SplittableRandom rng = new SplittableRandom(1);
    float[] a = new float[m * kk];
    float[] b = new float[kk * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    int lda = ta ? m : kk;
    int ldb = tb ? kk : n;
    try (ClBuffer da = ctx.buffer("a", 4L * a.length); ClBuffer db = ctx.buffer("b", 4L * b.length);
         ClBuffer dc = ctx.buffer("c", 4L * m * n)) {
      da.write(a);
      db.write(b);
      k.fill(dc, 0, m * n, 0f);
      k.gemm(ta, tb, m, n, kk, da, 0, lda, db, 0, ldb, 0f, dc, 0, n);
      ctx.finish();
      int reps = 10;
      long t0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        k.gemm(ta, tb, m, n, kk, da, 0, lda, db, 0, ldb, 0f, dc, 0, n);
      }
      ctx.finish();
      double ms = (System.nanoTime() - t0) / 1e6 / reps;
      float[] c = dc.readFloats(0, m * n);
      double worst = 0;
      for (int probe = 0; probe < 64; probe++) {
        int i = rng.nextInt(m);
        int j = rng.nextInt(n);
        double ref = 0;
        double mag = 0;
        for (int p = 0; p < kk; p++) {
          double x = ta ? a[p * lda + i] : a[i * lda + p];
          double y = tb ? b[j * ldb + p] : b[p * ldb + j];
          ref += x * y;
          mag += Math.abs(x * y);
        }
        worst = Math.max(worst, Math.abs(c[i * n + j] - ref) / mag);
      }
      boolean pass = worst <= 1e-4;
      System.out.printf("gemm %-48s %9.3f ms  %8.1f GFLOP/s  max error %.1e of sum|ab|  %s%n", what, ms,
          2.0 * m * n * kk / ms / 1e6, worst, pass ? "ok" : "FAILED");
      return pass;
    }
  }



  private static void epoch(OpenClBackend backend, Strategy s) {
    int side = 14;
    int size = 10_000;
    SplittableRandom rng = new SplittableRandom(2);
    float[] x = new float[size * side * side];
    float[] y = new float[size * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextFloat();
    }
    for (int i = 0; i < size; i++) {
      y[i * 10 + rng.nextInt(10)] = 1;
    }
    Architecture arch = PaperNetworks.translation(side);
    Dataset data = new Dataset("synthetic 14x14", x, y, size, side * side, 10);
    TrainConfig cfg = new TrainConfig(1, 1e-5, 25, 25);
    float[] a0 = Initializer.initialParameters(new ParameterLayout(arch), new SplittableRandom(3));
    try (TrainingEngine e = backend.open(arch, data, cfg, 1)) {
      long t0 = System.nanoTime();
      e.train(0, s, a0, new SplittableRandom(4), TrainingListener.NONE);
      double sec = (System.nanoTime() - t0) / 1e9;
      System.out.printf("Experiment 2 paper-scale epoch (10000 images, batch 25, N_aug 25), %-11s %8.2f s"
          + " (two nominal passes%s)%n", s, sec, s == Strategy.AUGMENTED ? " + 25 augmented passes" : "");
    }
  }
}
