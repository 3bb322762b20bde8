package eqaug.tornado;

import eqaug.backend.TrainingEngine;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
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
import eqaug.tornado.cl.ClException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The device check scripts/gpu-check.sh runs on a GPU machine ({@code java -cp apps.jar eqaug.tornado.GpuCheck
 * [P:D]}): lists devices; says which matrix product {@link GemmChoice} picks and why; checks every build of
 * the product against a double-precision reference at Experiment 2's shapes (the engine's 2000 rows and the
 * paper's 250) and times each; then times every strategy of the three paper experiments at paper size (1 and 3
 * epochs, so the cost of one more epoch is measured apart from setup) with the chosen product and with the
 * fp32 one, and extrapolates the whole paper protocol (30 runs x 50 epochs each) from those. An entry point,
 * so it prints; exit code 1 when a check fails. {@code --smoke} runs the same steps at toy sizes (a test runs
 * it on PoCL, so the script's code path is exercised without a GPU).
 */
public final class GpuCheck {
  private static final int RUNS = 30;
  private static final int EPOCHS = 50;

  private GpuCheck() {}

  public static void main(String[] args) {
    System.exit(check(args) ? 0 : 1);
  }

  /** Runs the check ({@code [P:D] [--smoke]}); true when every product passed. */
  static boolean check(String[] args) {
    boolean smoke = List.of(args).contains("--smoke");
    String selection = List.of(args).stream().filter(a -> !a.startsWith("--")).findFirst().orElse(null);
    OpenClBackend backend = new OpenClBackend();
    backend.describeDevices().forEach(System.out::println);
    OpenClBackend chosen = (OpenClBackend) (selection != null ? backend.select(selection) : backend);
    ClDevice device = chosen.device();
    System.out.println("checking opencl:" + device.selection() + " (" + device.name().trim() + ")");
    boolean ok = true;
    String choice;
    try (ClContext ctx = new ClContext(device)) {
      DeviceKernels k = new DeviceKernels(ctx);
      choice = DeviceKernels.GEMM_VARIANTS[k.gemmVariant()].name();
      System.out.println("matrix product: " + k.gemmDescription());
      // Experiment 2's layer: 32 channels of 14 x 14 (smoke: 4 channels of 6 x 6).
      int d = smoke ? 144 : 6272;
      int px = smoke ? 36 : 196;
      for (int r : smoke ? new int[] {100} : new int[] {DeviceEngine.DEVICE_STEP_ROWS, 250}) {
        String rd = r + "x" + d;
        ok &= shape(ctx, k, r, d, d, false, true, "forward  Y = X W^T  (" + rd + " . " + d + "x" + d + "^T)");
        ok &= shape(ctx, k, r, d, d, false, false, "backward dX = dY W  (" + rd + " . " + d + "x" + d + ")");
        ok &= shape(ctx, k, d, d, r, true, false, "backward dW += dY^T X (" + d + "x" + r + " . " + rd + ")");
        ok &= shape(ctx, k, r, d, px, false, true, "forward  rho1        (" + r + "x" + px + " . " + d + "x" + px + "^T)");
      }
    }
    List<String> policies = new ArrayList<>(List.of("auto"));
    if (!choice.startsWith("fp32")) {
      policies.add("fp32");
    }
    for (String policy : policies) {
      System.setProperty("eqaug.gemm", policy);
      double hours = 0;
      for (Workload w : workloads(smoke)) {
        hours += protocol(chosen, w, policy);
      }
      System.out.printf(Locale.ROOT, "whole paper protocol, EQAUG_GEMM=%s, one run at a time: %.2f GPU-hours%n",
          policy, hours);
    }
    System.clearProperty("eqaug.gemm");
    System.out.println(ok ? "GPU CHECK PASSED" : "GPU CHECK FAILED");
    return ok;
  }

  /**
   * Checks and times every build of the product at one shape; prints the chosen build's line in the format
   * gpu-check.sh compares with torch.mm, the others indented below it.
   */
  private static boolean shape(ClContext ctx, DeviceKernels k, int m, int n, int kk, boolean ta, boolean tb, String what) {
    SplittableRandom rng = new SplittableRandom(1);
    float[] a = GemmChoice.uniform(rng, m * kk);
    float[] b = GemmChoice.uniform(rng, kk * n);
    int lda = ta ? m : kk;
    int ldb = tb ? kk : n;
    boolean ok = true;
    List<String> others = new ArrayList<>();
    String mine = null;
    try (ClBuffer da = ctx.buffer("a", 4L * a.length); ClBuffer db = ctx.buffer("b", 4L * b.length);
         ClBuffer dc = ctx.buffer("c", 4L * m * n)) {
      da.write(a);
      db.write(b);
      for (int v = 0; v < DeviceKernels.GEMM_VARIANTS.length; v++) {
        String name = DeviceKernels.GEMM_VARIANTS[v].name();
        try {
          k.buildGemm(v);
        } catch (ClException e) {
          others.add("    " + name + ": does not build (" + e.getMessage().lines().findFirst().orElse("") + ")");
          continue;
        }
        k.fill(dc, 0, m * n, 0f);
        k.gemm(v, ta, tb, m, n, kk, da, 0, lda, db, 0, ldb, 0f, dc, 0, n);
        ctx.finish();
        int reps = 10;
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
          k.gemm(v, ta, tb, m, n, kk, da, 0, lda, db, 0, ldb, 0f, dc, 0, n);
        }
        ctx.finish();
        double ms = (System.nanoTime() - t0) / 1e6 / reps;
        float[] c = dc.readFloats(0, m * n);
        double worst = worstError(a, b, c, m, n, kk, lda, ldb, ta, tb, new SplittableRandom(2));
        boolean pass = worst <= 1e-5;
        ok &= pass;
        String line = String.format(Locale.ROOT, "%9.3f ms  %8.1f GFLOP/s  max error %.1e of sum|ab|  %s", ms,
            2.0 * m * n * kk / ms / 1e6, worst, pass ? "ok" : "FAILED");
        if (v == k.gemmVariant()) {
          mine = String.format(Locale.ROOT, "gemm %-48s %s  [%s]", what, line, name);
        } else {
          others.add(String.format(Locale.ROOT, "    %-44s %s", name, line));
        }
      }
    }
    System.out.println(mine);
    others.forEach(System.out::println);
    return ok;
  }

  /** Largest |c - ref| / sum |a b| over 64 random entries, ref in double. */
  private static double worstError(float[] a, float[] b, float[] c, int m, int n, int kk, int lda, int ldb,
      boolean ta, boolean tb, SplittableRandom rng) {
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
      double e = Math.abs(c[i * n + j] - ref) / mag;
      worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
    }
    return worst;
  }

  /** A paper experiment at its size: architecture, data (synthetic where the real set is not on the machine), batch. */
  private record Workload(String name, Architecture arch, Dataset data, int batch) {}

  private static List<Workload> workloads(boolean smoke) {
    SplittableRandom rng = new SplittableRandom(2);
    int side = smoke ? 6 : 14;
    int size = smoke ? 60 : 10_000;
    float[] x = new float[size * side * side];
    float[] y = new float[size * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextFloat();
    }
    for (int i = 0; i < size; i++) {
      y[i * 10 + rng.nextInt(10)] = 1;
    }
    return List.of(
        new Workload("Experiment 1 (" + (smoke ? 50 : 1000) + " graphs, batch 200)", PaperNetworks.permutation(smoke ? 5 : 10),
            BlockErdosRenyi.generate(smoke ? 50 : 1000, smoke ? 5 : 10, 0.5, 0.05, new SplittableRandom(3)), 200),
        new Workload("Experiment 2 (" + size + " " + side + "x" + side + " images, batch 25)", PaperNetworks.translation(side),
            new Dataset("synthetic images", x, y, size, side * side, 10), 25),
        new Workload("Experiment 3 (" + (smoke ? 40 : 3000) + " " + side + "x" + side + " shapes, batch 25)",
            PaperNetworks.rotation(side), Shapes.generate(smoke ? 40 : 3000, side, new SplittableRandom(4)), 25));
  }

  /**
   * Times one run of each strategy over 1 and over 3 epochs (N_aug 25), prints them, and returns the hours
   * 30 runs of 50 epochs take one after another: per strategy, the 1-epoch run plus 49 times the measured cost
   * of one more epoch ((t3 - t1) / 2).
   */
  private static double protocol(OpenClBackend backend, Workload w, String policy) {
    double perRun = 0;
    StringBuilder line = new StringBuilder();
    for (Strategy s : Strategy.values()) {
      double t1 = run(backend, w, s, 1);
      double t3 = run(backend, w, s, 3);
      double epoch = Math.max(0, (t3 - t1) / 2);
      perRun += t1 + (EPOCHS - 1) * epoch;
      line.append(String.format(Locale.ROOT, "  %s %.2f s/epoch (1-epoch run %.2f s)", s, epoch, t1));
    }
    double hours = RUNS * perRun / 3600;
    System.out.printf(Locale.ROOT, "%s, EQAUG_GEMM=%s:%s; one paper run %.0f s, 30 runs %.2f h%n", w.name(), policy,
        line, perRun, hours);
    return hours;
  }

  private static double run(OpenClBackend backend, Workload w, Strategy s, int epochs) {
    TrainConfig cfg = new TrainConfig(epochs, 1e-5, w.batch(), 25);
    float[] a0 = Initializer.initialParameters(ParameterLayout.of(w.arch()), new SplittableRandom(3));
    try (TrainingEngine e = backend.open(w.arch(), w.data(), cfg, 1)) {
      long t0 = System.nanoTime();
      e.train(0, s, a0, new SplittableRandom(4), TrainingListener.NONE);
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
