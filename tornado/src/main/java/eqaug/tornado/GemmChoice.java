package eqaug.tornado;

import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.cl.ClDevice;
import eqaug.tornado.cl.ClException;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which build of gemm.cl training uses on a device, and why. {@code EQAUG_GEMM} (or {@code -Deqaug.gemm})
 * sets the policy: {@code fp32} (fma kernels), {@code 3xtf32} (tensor cores, NVIDIA only; an error
 * elsewhere), or {@code auto} (the default): on an NVIDIA GPU the tensor-core kernel is built, checked
 * against a double-precision product and timed against the fp32 kernel once, and used only when it builds,
 * passes and is clearly faster; everywhere else fp32. The choice is recorded with every run.
 */
public record GemmChoice(int variant, String reason) {
  /** How the product is chosen. */
  public enum Policy { AUTO, FP32, TF32X3 }

  /** Largest error of the tensor-core product relative to sum |a b| that counts as float32 accuracy. */
  static final double MAX_RELATIVE_ERROR = 1e-5;
  /** How much faster the tensor-core product must be for auto to take it (timing noise must not flip it). */
  static final double MIN_SPEEDUP = 1.1;

  /** The policy {@code -Deqaug.gemm} or else {@code EQAUG_GEMM} names; auto when neither is set. */
  public static Policy fromEnvironment() {
    String v = System.getProperty("eqaug.gemm");
    return parse(v != null ? v : System.getenv("EQAUG_GEMM"));
  }

  public static Policy parse(String v) {
    if (v == null || v.isBlank()) {
      return Policy.AUTO;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> Policy.AUTO;
      case "fp32" -> Policy.FP32;
      case "3xtf32" -> Policy.TF32X3;
      default -> throw new IllegalArgumentException("EQAUG_GEMM must be auto, fp32 or 3xtf32, got '" + v + "'");
    };
  }

  /** Whether the device is an NVIDIA GPU, whose OpenCL compiler takes the inline PTX of the tensor-core kernel. */
  static boolean nvidia(ClDevice d) {
    return d.gpu() && (d.vendor() + " " + d.name()).toUpperCase(Locale.ROOT).contains("NVIDIA");
  }

  /**
   * Choices made in this process, by device and policy: measured once, so every engine on a device (several
   * runs at once, the experiments of one reproduction) uses the same product, even when timings would differ
   * under their load.
   */
  private static final Map<String, GemmChoice> MADE = new ConcurrentHashMap<>();

  static GemmChoice choose(DeviceKernels k, Policy policy) {
    ClDevice d = k.context().device();
    String key = d.selection() + " " + d.name().trim() + " " + policy;
    GemmChoice made = MADE.get(key);
    if (made != null) {
      return made;
    }
    GemmChoice c = measure(k, policy);
    MADE.putIfAbsent(key, c);
    return MADE.get(key);
  }

  private static GemmChoice measure(DeviceKernels k, Policy policy) {
    ClDevice d = k.context().device();
    String device = d.name().trim();
    int tc = DeviceKernels.GEMM_TENSOR_CORES;
    switch (policy) {
      case FP32:
        return new GemmChoice(DeviceKernels.GEMM_DEFAULT, "EQAUG_GEMM=fp32");
      case TF32X3: {
        if (!nvidia(d)) {
          throw new IllegalArgumentException("EQAUG_GEMM=3xtf32 needs an NVIDIA GPU (tensor cores through inline PTX, "
              + "sm_80 or newer); " + device + " is not one");
        }
        String failed = build(k, tc);
        if (failed != null) {
          throw new IllegalArgumentException("EQAUG_GEMM=3xtf32: the tensor-core kernel does not build on " + device
              + ": " + failed);
        }
        double err = relativeError(k, tc);
        if (!(err <= MAX_RELATIVE_ERROR)) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, "EQAUG_GEMM=3xtf32: the tensor-core product on %s"
              + " is off by %.1e of sum|ab| (limit %.0e)", device, err, MAX_RELATIVE_ERROR));
        }
        return new GemmChoice(tc, String.format(Locale.ROOT, "EQAUG_GEMM=3xtf32, error %.1e of sum|ab|", err));
      }
      default: {
        if (!nvidia(d)) {
          return new GemmChoice(DeviceKernels.GEMM_DEFAULT, "auto: tensor cores are used on NVIDIA GPUs only");
        }
        // Every tensor-core build that compiles and is float32-accurate, timed against the fp32 kernel.
        StringBuilder why = new StringBuilder("auto:");
        int best = DeviceKernels.GEMM_DEFAULT;
        double bestSpeedup = 1;
        for (int v = 0; v < DeviceKernels.GEMM_VARIANTS.length; v++) {
          DeviceKernels.GemmVariant gv = DeviceKernels.GEMM_VARIANTS[v];
          if (!gv.tensorCores()) {
            continue;
          }
          String failed = build(k, v);
          if (failed != null) {
            why.append(String.format(Locale.ROOT, " [%s: does not build: %s]", gv.name(), failed));
            continue;
          }
          double err = relativeError(k, v);
          if (!(err <= MAX_RELATIVE_ERROR)) {
            why.append(String.format(Locale.ROOT, " [%s: off by %.1e of sum|ab|]", gv.name(), err));
            continue;
          }
          double speedup = speedup(k, DeviceKernels.GEMM_DEFAULT, v);
          why.append(String.format(Locale.ROOT, " [%s: %.2fx fp32 at 2048^3, error %.1e]", gv.name(), speedup, err));
          if (speedup > bestSpeedup) {
            best = v;
            bestSpeedup = speedup;
          }
        }
        return bestSpeedup >= MIN_SPEEDUP ? new GemmChoice(best, why.toString())
            : new GemmChoice(DeviceKernels.GEMM_DEFAULT, why.toString());
      }
    }
  }

  /** Null when the variant builds, else the first line of the compiler's complaint. */
  private static String build(DeviceKernels k, int variant) {
    try {
      k.buildGemm(variant);
      return null;
    } catch (ClException e) {
      String msg = String.valueOf(e.getMessage());
      // The log follows the call and code; keep the first line that says something.
      for (String line : msg.split("\n")) {
        if (line.toLowerCase(Locale.ROOT).contains("error")) {
          return line.trim();
        }
      }
      return msg.lines().findFirst().orElse(msg);
    }
  }

  /**
   * Largest |c - ref| / sum |a b| of one product at an awkward size (not a multiple of the blocks, both
   * transposes that training uses most), ref in double.
   */
  static double relativeError(DeviceKernels k, int variant) {
    int m = 300;
    int n = 200;
    int kk = 700;
    SplittableRandom rng = new SplittableRandom(11);
    float[] a = uniform(rng, m * kk);
    float[] b = uniform(rng, n * kk);
    ClContext ctx = k.context();
    try (ClBuffer da = ctx.buffer("check.a", 4L * a.length); ClBuffer db = ctx.buffer("check.b", 4L * b.length);
         ClBuffer dc = ctx.buffer("check.c", 4L * m * n)) {
      da.write(a);
      db.write(b);
      // C = A B^T: the forward product's shape.
      k.gemm(variant, false, true, m, n, kk, da, 0, kk, db, 0, kk, 0f, dc, 0, n);
      float[] c = dc.readFloats(0, m * n);
      double worst = 0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double ref = 0;
          double mag = 0;
          for (int p = 0; p < kk; p++) {
            double x = (double) a[i * kk + p] * b[j * kk + p];
            ref += x;
            mag += Math.abs(x);
          }
          double e = Math.abs(c[i * n + j] - ref) / mag;
          worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
        }
      }
      return worst;
    }
  }

  /** {@code n} values uniform in [-1, 1). */
  static float[] uniform(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** Time of variant {@code base} over time of variant {@code other} on a 2048^3 product (best of 5 each). */
  static double speedup(DeviceKernels k, int base, int other) {
    int s = 2048;
    ClContext ctx = k.context();
    try (ClBuffer da = ctx.buffer("time.a", 4L * s * s); ClBuffer db = ctx.buffer("time.b", 4L * s * s);
         ClBuffer dc = ctx.buffer("time.c", 4L * s * s)) {
      k.fill(da, 0, s * s, 0.5f);
      k.fill(db, 0, s * s, 0.25f);
      double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
      int[] variants = {base, other};
      for (int rep = 0; rep < 6; rep++) {
        for (int v = 0; v < 2; v++) {
          ctx.finish();
          long t0 = System.nanoTime();
          k.gemm(variants[v], false, true, s, s, s, da, 0, s, db, 0, s, 0f, dc, 0, s);
          ctx.finish();
          // The first round warms up (first launch, clocks).
          if (rep > 0) {
            best[v] = Math.min(best[v], System.nanoTime() - t0);
          }
        }
      }
      return best[0] / best[1];
    }
  }
}
