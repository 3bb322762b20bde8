package eqaug.apps.cli;

import eqaug.apps.results.Json;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.experiments.MnistSource;
import eqaug.apps.results.RunInfo;
import eqaug.apps.experiments.UsageException;
import eqaug.apps.experiments.Workloads;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.kernel.Kernels;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.train.Initializer;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Speed on this machine: matrix products against OpenBLAS, and seconds per epoch.",
        "Prints the matrix kernel's GFLOP/s at the experiments' shapes (next to OpenBLAS through numpy when",
        "python3 has numpy), and seconds per pass and per epoch of each experiment and strategy at the",
        "paper's data sizes (a pass is timed on part of the data and scaled; it says so).",
        "With --jvm: the same under each given JVM, one child process each, in one side-by-side table."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(names = "--threads", paramLabel = "T", description = "Threads (default: all ${sys:eqaug.cpus} cores).")
  Integer threads;

  @Option(names = "--quick", description = "Shorter measurements (noisier).")
  boolean quick;

  @Option(names = "--no-openblas", description = "Skip the numpy/OpenBLAS comparison.")
  boolean noOpenBlas;

  @Option(names = "--profile", description = {"Also time every kernel call of each experiment's passes (wall clock) and "
      + "print where a pass spends its time."})
  boolean profile;

  @Option(names = "--experiment", split = ",", paramLabel = "NAME",
      description = "Only these experiments' products and epochs: perm, trans, rot (default: all three).")
  List<String> experiments;

  @Option(names = "--jvm", arity = "0..1", paramLabel = "PATH", fallbackValue = "all",
      description = {"Run the bench under this java (or JDK folder), in a child process; repeat it to compare JVMs "
          + "side by side, ratios to the first. Alone or as 'all': every JDK 17+ found (JAVA_HOME, PATH, "
          + "/usr/lib/jvm, /opt), oldest first. No OpenBLAS column."})
  List<String> jvms;

  @Override
  public Integer call() throws Exception {
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (t < 1) {
      throw new UsageException("--threads must be a positive integer, got " + t);
    }
    MemoryBudget.checkThreads("bench", t);
    List<String> names = Workloads.setups().stream().map(Workloads.Setup::name).toList();
    List<String> only = experiments == null ? names : experiments;
    for (String e : only) {
      if (!names.contains(e)) {
        throw new UsageException("--experiment: unknown experiment '" + e + "' (one of " + String.join(", ", names) + ")");
      }
    }
    if (jvms != null) {
      return compareJvms(t, only);
    }
    PrintStream out = System.out;
    double minSeconds = quick ? 0.15 : 0.6;
    List<Workloads.Shape> shapes = Workloads.shapes().stream().filter(s -> only.contains(s.experiment())).toList();
    List<Double> ours = new ArrayList<>();
    try (VectorKernels k = new VectorKernels(t)) {
      if (!json) {
        out.printf("eqaug bench: %s, %d thread%s, %s%n%n", RunInfo.jvm(), t, t == 1 ? "" : "s", k.name());
      }
      // Warm up on every shape first, so that no measurement includes the JIT compiling the kernels.
      for (Workloads.Shape s : shapes) {
        gemmGflops(k, s, quick ? 0.02 : 0.1);
      }
      for (Workloads.Shape s : shapes) {
        ours.add(gemmGflops(k, s, minSeconds));
      }
    }
    List<Double> blas = noOpenBlas ? null : openBlas(shapes, t, minSeconds);
    if (!json) {
      out.println("Matrix products (C = op(A) op(B); m x k times k x n; rows as the engine runs them):");
      out.printf("  %-6s %-7s %-12s %6s %6s %6s %10s %12s %7s%n", "exp", "layer", "product", "m", "k", "n", "GFLOP/s",
          blas == null ? "" : "OpenBLAS", blas == null ? "" : "ratio");
      for (int i = 0; i < shapes.size(); i++) {
        Workloads.Shape s = shapes.get(i);
        String b = blas == null ? "" : String.format("%12.1f %7.2f", blas.get(i), ours.get(i) / blas.get(i));
        out.printf("  %-6s %-7s %-12s %6d %6d %6d %10.1f %s%n", s.experiment(), s.layer(), s.op(), s.m(), s.k(), s.n(),
            ours.get(i), b);
      }
      if (blas == null && !noOpenBlas) {
        out.println("  (no OpenBLAS comparison: python3 with numpy was not found)");
      }
      out.println();
    }
    List<Map<String, Object>> epochs = new ArrayList<>();
    List<Map<String, Object>> profiles = new ArrayList<>();
    try (VectorKernels k = new VectorKernels(t)) {
      for (Workloads.Setup s : Workloads.setups()) {
        if (!only.contains(s.name())) {
          continue;
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
          if (shapes.get(i).experiment().equals(s.name())) {
            rates.put(shapes.get(i).layer() + " " + shapes.get(i).op(), ours.get(i));
          }
        }
        epochs.addAll(epochTimes(k, s, quick, rates, json ? null : out));
        if (profile) {
          if (!json) {
            out.printf("%n%s, where a pass spends its time (wall clock per kernel call):%n", s.name());
          }
          profiles.addAll(passProfile(k, s, quick, json ? null : out));
          if (!json) {
            out.println();
          }
        }
      }
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("jvm", RunInfo.jvm());
      m.put("java_vendor", System.getProperty("java.vendor"));
      m.put("java_version", System.getProperty("java.runtime.version"));
      m.put("threads", t);
      List<Map<String, Object>> gemm = new ArrayList<>();
      for (int i = 0; i < shapes.size(); i++) {
        Workloads.Shape s = shapes.get(i);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("m", s.m());
        g.put("k", s.k());
        g.put("n", s.n());
        g.put("gflops", round(ours.get(i)));
        g.put("experiment", s.experiment());
        g.put("layer", s.layer());
        g.put("product", s.op());
        if (blas != null) {
          g.put("openblas_gflops", round(blas.get(i)));
        }
        gemm.add(g);
      }
      m.put("gemm", gemm);
      m.put("epochs", epochs);
      if (profile) {
        m.put("profile", profiles);
      }
      out.print(Json.write(m));
    }
    return 0;
  }

  /** The bench under each --jvm in turn (children run one at a time), printed side by side. */
  private int compareJvms(int threads, List<String> only) {
    List<JvmComparison.Jvm> list = JvmComparison.resolve(jvms);
    List<String> args = new ArrayList<>(List.of("--json", "--no-openblas", "--threads", String.valueOf(threads),
        "--experiment", String.join(",", only)));
    if (quick) {
      args.add("--quick");
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JvmComparison.Jvm j = list.get(i);
      System.err.printf("eqaug bench: [%d/%d] Java %d, %s ...%n", i + 1, list.size(), j.release(), j.java());
      long t0 = System.nanoTime();
      results.add(JvmComparison.run(j, args));
      System.err.printf("eqaug bench: [%d/%d] done in %.0f s%n", i + 1, list.size(), (System.nanoTime() - t0) / 1e9);
    }
    Map<String, Object> cmp = JvmComparison.compare(list, results, threads, quick);
    if (json) {
      System.out.print(Json.write(cmp));
    } else {
      JvmComparison.print(cmp, System.out);
    }
    return 0;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** The median GFLOP/s over five timed repetitions, each at least minSeconds long, after warming up. */
  static double gemmGflops(VectorKernels k, Workloads.Shape s, double minSeconds) {
    SplittableRandom rng = new SplittableRandom(1);
    float[] a = random(rng, s.m() * s.k());
    float[] b = random(rng, s.k() * s.n());
    float[] c = new float[s.m() * s.n()];
    int lda = s.transA() ? s.m() : s.k();
    int ldb = s.transB() ? s.k() : s.n();
    Runnable op = () -> k.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
    int reps = repetitionsFor(op, minSeconds);
    double[] gflops = new double[5];
    for (int i = 0; i < gflops.length; i++) {
      long t0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        op.run();
      }
      gflops[i] = s.flop() * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }
    Arrays.sort(gflops);
    return gflops[2];
  }

  private static int repetitionsFor(Runnable op, double minSeconds) {
    long t0 = System.nanoTime();
    int reps = 0;
    while (System.nanoTime() - t0 < minSeconds * 0.5e9 || reps < 2) {
      op.run();
      reps++;
    }
    double each = (System.nanoTime() - t0) / 1e9 / reps;
    return Math.max(1, (int) Math.ceil(minSeconds / each));
  }

  static float[] random(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() - 0.5);
    }
    return v;
  }

  /**
   * Seconds per pass and per epoch at the paper's data size: passes are timed on part of the data (synthetic
   * inputs of the right shape for MNIST) and scaled linearly; an epoch adds the per-epoch metrics and, for
   * EQUIVARIANT, the projection; AUGMENTED runs N_aug = 25 augmented passes and one evaluation pass. Each
   * pass's effective GFLOP/s (its products' flop, {@link Network#products}, over the pass's time) stands
   * beside its products' own: the flop-weighted rate of the products as the GEMM bench measured them
   * ({@code rates}, "layer op" to GFLOP/s; products it did not measure, the small dense heads, are left out of
   * that rate only). Timing starts after the JIT has settled: warm-up rounds (each pass kind, the metrics and the
   * projection) for at least a second (three without --quick) and, when a round is short, at least 40 of
   * them: the first dozens of Experiment 1 passes run 2-50x slower than the steady state.
   */
  static List<Map<String, Object>> epochTimes(VectorKernels k, Workloads.Setup s, boolean quick,
      Map<String, Double> rates, PrintStream out) {
    TimedKernels timed = new TimedKernels(k, false); // records the products to replay; times nothing
    Rig rig = new Rig(s, timed, quick);
    Trainer trainer = rig.trainer;
    ParameterLayout layout = rig.layout;
    float[] a0 = rig.a0;
    float[] a = rig.a;
    float[] grad = rig.grad;
    SplittableRandom rng = rig.rng;
    float w = rig.weight;
    float[] projected = rig.projected;
    int measured = rig.samples();
    int reps = rig.warmUp(quick);
    PassTiming trainT = timePass(timed, reps, () -> trainer.nominalPass(a, grad, w));
    PassTiming augT = timePass(timed, reps, () -> trainer.augmentedPass(a, grad, w, rng));
    PassTiming evalT = timePass(timed, reps, () -> trainer.nominalPass(a, null, w));
    double train = trainT.seconds();
    double aug = augT.seconds();
    double eval = evalT.seconds();
    // The metrics and the projection take milliseconds: a median of more of them.
    int fewReps = Math.max(reps, quick ? 9 : 15);
    double metrics = median(fewReps, () -> trainer.measure(0, Strategy.NOMINAL, 1, a, a0));
    double project = median(fewReps, () -> layout.project(projected, k));
    double scale = (double) s.samples() / measured;
    double trainPass = train * scale;
    double augPass = aug * scale;
    double evalPass = eval * scale;
    Map<Strategy, Double> epoch = new LinkedHashMap<>();
    epoch.put(Strategy.NOMINAL, trainPass + metrics);
    epoch.put(Strategy.AUGMENTED, 25 * augPass + evalPass + metrics);
    epoch.put(Strategy.EQUIVARIANT, trainPass + project + metrics);
    String scaled = measured == s.samples() ? "measured on all " + s.samples() + " samples"
        : "scaled from " + measured + " of " + s.samples() + " samples";
    double trainFlop = passFlop(s, true);
    double evalFlop = passFlop(s, false);
    double trainProducts = productsGflops(s, true, rates);
    double evalProducts = productsGflops(s, false, rates);
    if (out != null) {
      out.printf("%s (%s): pass with gradient %.3f s, augmented pass %.3f s, forward-only pass %.3f s; metrics %.3f s, "
          + "projection %.3f s%n", s.name(), scaled, trainPass, augPass, evalPass, metrics, project);
      out.printf("  effective GFLOP/s (%.2f GFLOP per pass with gradient, %.2f forward-only): pass with gradient %.1f, "
          + "augmented %.1f, forward-only %.1f; its products alone %.1f and %.1f (%.0f %%, %.0f %%, %.0f %% of that)%n",
          trainFlop / 1e9, evalFlop / 1e9, trainFlop / trainPass / 1e9, trainFlop / augPass / 1e9,
          evalFlop / evalPass / 1e9, trainProducts, evalProducts, 100 * trainFlop / trainPass / 1e9 / trainProducts,
          100 * trainFlop / augPass / 1e9 / trainProducts, 100 * evalFlop / evalPass / 1e9 / evalProducts);
      out.printf("  the same products replayed back to back, alternating with the passes: %.1f, %.1f, %.1f GFLOP/s; "
          + "the passes at %.0f %%, %.0f %%, %.0f %% of that (medians of each round's ratio, %d round%s)%n",
          trainFlop / (trainT.productsSeconds() * scale) / 1e9, trainFlop / (augT.productsSeconds() * scale) / 1e9,
          evalFlop / (evalT.productsSeconds() * scale) / 1e9, 100 * trainT.share(), 100 * augT.share(), 100 * evalT.share(),
          reps, reps == 1 ? ": noise, not a measurement; run without --quick" : "s");
      for (Map.Entry<Strategy, Double> e : epoch.entrySet()) {
        out.printf("  %-12s %8.2f s per epoch%s%n", e.getKey(), e.getValue(), e.getKey() == Strategy.AUGMENTED ? " (N_aug 25)" : "");
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<Strategy, Double> e : epoch.entrySet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("experiment", s.name());
      m.put("strategy", e.getKey().name());
      m.put("seconds", Math.round(e.getValue() * 1000) / 1000.0);
      double pass = e.getKey() == Strategy.AUGMENTED ? augPass : trainPass;
      PassTiming pt = e.getKey() == Strategy.AUGMENTED ? augT : trainT;
      m.put("pass_seconds", Math.round(pass * 1000) / 1000.0);
      m.put("pass_gflop", round(trainFlop / 1e9));
      m.put("pass_gflops", round(trainFlop / pass / 1e9));
      m.put("products_gflops", round(trainProducts));
      m.put("replayed_products_gflops", round(trainFlop / (pt.productsSeconds() * scale) / 1e9));
      m.put("share_of_replayed_products", Math.round(pt.share() * 1000) / 1000.0);
      m.put("samples", s.samples());
      m.put("note", scaled);
      rows.add(m);
    }
    return rows;
  }

  /**
   * A pass kind's median time, and the median time of the same matrix products replayed back to back (recorded
   * from one pass, run between the passes), and the median over rounds of their ratio: the share of its products'
   * rate a pass runs at, measured so that both sides of each ratio see the machine's load of the same moment.
   */
  record PassTiming(double seconds, double productsSeconds, double share) {}

  static PassTiming timePass(TimedKernels timed, int reps, Runnable pass) {
    timed.startRecording();
    pass.run();
    List<Runnable> products = timed.stopRecording();
    double[] passes = new double[reps];
    double[] replays = new double[reps];
    double[] ratios = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      pass.run();
      long t1 = System.nanoTime();
      for (Runnable p : products) {
        p.run();
      }
      long t2 = System.nanoTime();
      passes[i] = (t1 - t0) / 1e9;
      replays[i] = (t2 - t1) / 1e9;
      ratios[i] = replays[i] / passes[i];
    }
    return new PassTiming(median(passes), median(replays), median(ratios));
  }

  private static double median(double[] v) {
    double[] t = v.clone();
    Arrays.sort(t);
    return t[t.length / 2];
  }

  /**
   * One experiment's network and trainer on part of its data (all of it for perm; synthetic 14x14 images stand
   * in for MNIST), with A, A^0 and a gradient buffer: what the epoch timing and the profile run passes on.
   */
  static final class Rig {
    private final int samples;
    final Trainer trainer;
    final ParameterLayout layout;
    final float[] a0;
    final float[] a;
    final float[] grad;
    final float[] projected;
    final SplittableRandom rng = new SplittableRandom(3);
    final float weight;
    final Kernels kernels;

    Rig(Workloads.Setup s, Kernels k, boolean quick) {
      kernels = k;
      samples = switch (s.name()) {
        case "perm" -> s.samples();
        case "trans" -> quick ? 250 : 1000;
        default -> quick ? 250 : 500;
      };
      Dataset data = switch (s.name()) {
        case "perm" -> BlockErdosRenyi.generate(samples, 10, 0.5, 0.05, new SplittableRandom(1));
        case "rot" -> Shapes.generate(samples, 14, new SplittableRandom(1));
        default -> syntheticImages(samples);
      };
      TrainConfig cfg = new TrainConfig(1, 1e-5, s.batch(), 25);
      Network net = new Network(s.arch(), k, Trainer.rowsPerStep(cfg, samples));
      trainer = new Trainer(net, data, cfg);
      layout = net.layout();
      a0 = Initializer.initialParameters(layout, new SplittableRandom(2));
      a = a0.clone();
      grad = new float[a.length];
      projected = grad.clone();
      weight = 1f / trainer.batchesPerPass();
    }

    /** The samples a pass runs on (the paper's data set is this many times larger: scale by it). */
    int samples() {
      return samples;
    }

    /**
     * Runs rounds of every pass kind, the metrics and the projection until the JIT has settled (at least a second,
     * three without quick, and at least 40 rounds when a round is short: the first dozens of Experiment 1 passes
     * run 2-50x slower than the steady state); returns how many repetitions make a median of about a second's
     * passes (0.3 s with quick; fewer, and at least one, for long passes).
     */
    int warmUp(boolean quick) {
      long warmEnd = System.nanoTime() + (long) ((quick ? 1.0 : 3.0) * 1e9);
      long passes = 0;
      long t0 = System.nanoTime();
      int rounds = 0;
      int minRounds = 2;
      do {
        long r0 = System.nanoTime();
        trainer.nominalPass(a, grad, weight);
        trainer.augmentedPass(a, grad, weight, rng);
        trainer.nominalPass(a, null, weight);
        trainer.measure(0, Strategy.NOMINAL, 1, a, a0);
        layout.project(projected, kernels);
        passes += 3;
        if (rounds++ == 1 && System.nanoTime() - r0 < 200_000_000L) {
          minRounds = 40; // short passes: the JIT wants more calls, not only more time
        }
      } while (System.nanoTime() < warmEnd || rounds < minRounds);
      double each = (System.nanoTime() - t0) / 1e9 / passes;
      return (int) Math.max(quick ? 1 : 3, Math.min(quick ? 9 : 15, (quick ? 0.3 : 1.0) / each)) | 1;
    }
  }

  /**
   * Where each pass kind of one experiment spends its time: every kernel call timed (wall clock, including a
   * matrix product's wait for its other threads), summed over repeated passes after the warm-up, per pass; what
   * no kernel call covers (batch norm, the loss, the input's shift, the augmentation's draws and gather maps) is
   * the rest. Rows as JSON objects: experiment, pass, kind, calls and ms per pass, share of the pass, GFLOP/s.
   */
  static List<Map<String, Object>> passProfile(VectorKernels k, Workloads.Setup s, boolean quick, PrintStream out) {
    TimedKernels timed = new TimedKernels(k);
    Rig rig = new Rig(s, timed, quick);
    int reps = Math.max(rig.warmUp(quick), quick ? 9 : 15);
    Map<String, String> labels = new LinkedHashMap<>();
    int rows = Math.min(s.rows(), rig.samples());
    for (Network.Product p : Network.products(s.arch(), rows, true)) {
      boolean ta = p.op().equals("grad_weight");
      boolean tb = p.op().equals("forward");
      labels.put(TimedKernels.gemmKind(ta, tb, p.m(), p.k(), p.n()),
          String.format("%s %s %dx%d * %dx%d", p.layer(), p.op(), p.m(), p.k(), p.k(), p.n()));
    }
    double scale = (double) s.samples() / rig.samples();
    Map<String, Runnable> kinds = new LinkedHashMap<>();
    kinds.put("pass with gradient", () -> rig.trainer.nominalPass(rig.a, rig.grad, rig.weight));
    kinds.put("augmented pass", () -> rig.trainer.augmentedPass(rig.a, rig.grad, rig.weight, rig.rng));
    kinds.put("forward-only pass", () -> rig.trainer.nominalPass(rig.a, null, rig.weight));
    List<Map<String, Object>> result = new ArrayList<>();
    for (Map.Entry<String, Runnable> kind : kinds.entrySet()) {
      timed.reset();
      long total = 0;
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        kind.getValue().run();
        total += System.nanoTime() - t0;
      }
      double passMs = total / 1e6 / reps * scale;
      if (out != null) {
        out.printf("  %s: %.2f ms per pass (mean of %d%s)%n", kind.getKey(), passMs, reps,
            scale == 1 ? "" : String.format(", scaled from %d of %d samples", rig.samples(), s.samples()));
        out.printf("    %-58s %7s %9s %6s %8s%n", "kernel call", "calls", "ms", "share", "GFLOP/s");
      }
      double covered = 0;
      for (Map.Entry<String, TimedKernels.Tally> e : timed.tallies().entrySet()) {
        TimedKernels.Tally t = e.getValue();
        double ms = t.nanos / 1e6 / reps * scale;
        covered += ms;
        String label = e.getKey();
        if (label.startsWith("gemm ")) {
          boolean fused = label.endsWith(TimedKernels.LEAKY_RELU);
          String product = fused ? label.substring(0, label.length() - TimedKernels.LEAKY_RELU.length()) : label;
          label = labels.getOrDefault(product, product) + (fused ? TimedKernels.LEAKY_RELU : "");
        }
        double gflops = t.flop > 0 ? t.flop / (t.nanos / 1e9) / 1e9 : Double.NaN;
        result.add(profileRow(s.name(), kind.getKey(), label, (double) t.calls / reps * scale, ms, ms / passMs, gflops));
        if (out != null) {
          out.printf("    %-58s %7.0f %9.3f %5.1f%% %8s%n", label, (double) t.calls / reps * scale, ms, 100 * ms / passMs,
              t.flop > 0 ? String.format("%.1f", gflops) : "");
        }
      }
      double rest = passMs - covered;
      result.add(profileRow(s.name(), kind.getKey(), "rest", Double.NaN, rest, rest / passMs, Double.NaN));
      if (out != null) {
        out.printf("    %-58s %7s %9.3f %5.1f%%%n", "the rest (batch norm, loss, shift, draws)", "", rest, 100 * rest / passMs);
      }
    }
    return result;
  }

  private static Map<String, Object> profileRow(String experiment, String pass, String kind, double calls, double ms,
      double share, double gflops) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment", experiment);
    m.put("pass", pass);
    m.put("kind", kind);
    if (!Double.isNaN(calls)) {
      m.put("calls", round(calls));
    }
    m.put("ms", Math.round(ms * 1000) / 1000.0);
    m.put("share", Math.round(share * 1000) / 1000.0);
    if (!Double.isNaN(gflops)) {
      m.put("gflops", round(gflops));
    }
    return m;
  }

  /** The products' flop of one pass over the paper's data set (linear in the samples). */
  static double passFlop(Workloads.Setup s, boolean gradient) {
    double f = 0;
    for (Network.Product p : Network.products(s.arch(), 1, gradient)) {
      f += p.flop();
    }
    return f * s.samples();
  }

  /** The products' own GFLOP/s in a pass: their flop over the time each takes at its measured rate. */
  static double productsGflops(Workloads.Setup s, boolean gradient, Map<String, Double> rates) {
    double flop = 0;
    double seconds = 0;
    for (Network.Product p : Network.products(s.arch(), s.rows(), gradient)) {
      Double r = rates.get(p.layer() + " " + p.op());
      if (r != null) {
        flop += p.flop();
        seconds += p.flop() / (r * 1e9);
      }
    }
    return seconds > 0 ? flop / seconds / 1e9 : Double.NaN;
  }

  private static Dataset syntheticImages(int n) {
    SplittableRandom rng = new SplittableRandom(4);
    float[] x = new float[n * 196];
    float[] y = new float[n * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
    }
    for (int i = 0; i < n; i++) {
      y[i * 10 + rng.nextInt(10)] = 1;
    }
    return new Dataset("synthetic 14x14 images", x, y, n, 196, 10);
  }

  private static double median(int reps, Runnable r) {
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[reps / 2];
  }

  /** OpenBLAS's float32 GFLOP/s at the same shapes and thread count, through numpy; null when unavailable. */
  static List<Double> openBlas(List<Workloads.Shape> shapes, int threads, double minSeconds) {
    String python = MnistSource.findOnPath("python3");
    if (python == null) {
      return null;
    }
    StringBuilder spec = new StringBuilder();
    for (Workloads.Shape s : shapes) {
      spec.append(s.m()).append(' ').append(s.k()).append(' ').append(s.n()).append(' ')
          .append(s.transA() ? 1 : 0).append(' ').append(s.transB() ? 1 : 0).append('\n');
    }
    String script = String.join("\n",
        "import sys, time",
        "import numpy as np",
        "rng = np.random.default_rng(1)",
        "for line in sys.stdin.read().split('\\n'):",
        "    if not line.strip(): continue",
        "    m, k, n, ta, tb = map(int, line.split())",
        "    a = (rng.random((k, m) if ta else (m, k), dtype=np.float32) - 0.5)",
        "    b = (rng.random((n, k) if tb else (k, n), dtype=np.float32) - 0.5)",
        "    A = a.T if ta else a",
        "    B = b.T if tb else b",
        "    t0 = time.perf_counter(); reps = 0",
        "    while time.perf_counter() - t0 < " + (minSeconds * 0.5) + " or reps < 2:",
        "        A @ B; reps += 1",
        "    each = (time.perf_counter() - t0) / reps; reps = max(1, int(" + minSeconds + " / each + 0.999))",
        "    res = []",
        "    for i in range(5):",
        "        t0 = time.perf_counter()",
        "        for r in range(reps): A @ B",
        "        res.append(2.0 * m * k * n * reps / (time.perf_counter() - t0) / 1e9)",
        "    print(sorted(res)[2], flush=True)",
        "");
    try {
      Path file = Files.createTempFile("eqaug-openblas", ".py");
      try {
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder(python, file.toString()).redirectErrorStream(false);
        Map<String, String> env = pb.environment();
        env.remove("OPENBLAS_CORETYPE");
        env.remove("OPENBLAS_L2_SIZE");
        env.put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        env.put("OMP_NUM_THREADS", String.valueOf(threads));
        Process p = pb.start();
        p.getOutputStream().write(spec.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          return null;
        }
        List<Double> out = new ArrayList<>();
        for (String line : text.strip().split("\n")) {
          out.add(Double.parseDouble(line.trim()));
        }
        return out.size() == shapes.size() ? out : null;
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
