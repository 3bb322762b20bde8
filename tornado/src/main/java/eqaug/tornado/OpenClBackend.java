package eqaug.tornado;

import eqaug.backend.Backend;
import eqaug.backend.TrainingEngine;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.train.Precision;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.TrainingLoop;
import eqaug.train.TrainingListener;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.cl.ClDevice;
import eqaug.tornado.cl.ClPlatform;
import eqaug.tornado.cl.ClPlatforms;
import eqaug.tornado.cl.OpenClLibrary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The GPU backend ({@code --device opencl}, or {@code opencl:P:D} for device D of platform P): training runs
 * core's one §5 loop ({@link TrainingLoop}) over a {@link DeviceEngine} on an OpenCL device, found through ServiceLoader by core's {@link Backend}.
 * Without a selection it takes the first GPU, else the first device.
 */
public final class OpenClBackend implements Backend {
  private final String selection;

  /** The ServiceLoader constructor: no selection. */
  public OpenClBackend() {
    this("");
  }

  private OpenClBackend(String selection) {
    this.selection = selection;
  }

  @Override
  public String name() {
    return "opencl";
  }

  @Override
  public String description() {
    return "an OpenCL device (first GPU, else first device; opencl:P:D picks one), OpenCL C kernels via java.lang.foreign";
  }

  @Override
  public Optional<String> unavailableReason() {
    String why = OpenClLibrary.unavailableReason();
    if (why != null) {
      return Optional.of(why);
    }
    try {
      ClDevice d = ClPlatforms.select(selection);
      // EQAUG_GEMM is checked here so a bad value stops the command before any results folder is made.
      if (GemmChoice.fromEnvironment() == GemmChoice.Policy.TF32X3 && !GemmChoice.nvidia(d)) {
        return Optional.of("EQAUG_GEMM=3xtf32 needs an NVIDIA GPU (tensor cores through inline PTX, sm_80 or newer); "
            + d.name().trim() + " is not one");
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** fp32 only: the device kernels, buffers and the step are float32 (fp64 is refused by core's Backend.refuses). */
  @Override
  public Set<Precision> precisions() {
    return Set.of(Precision.FP32);
  }

  @Override
  public Backend select(String sel) {
    return new OpenClBackend(sel);
  }

  /** The device this backend's selection names. */
  public ClDevice device() {
    return ClPlatforms.select(selection);
  }

  @Override
  public List<String> describeDevices() {
    String why = OpenClLibrary.unavailableReason();
    if (why != null) {
      return List.of("opencl: " + why);
    }
    List<ClPlatform> platforms = ClPlatforms.list();
    if (platforms.isEmpty()) {
      return List.of("opencl: " + OpenClLibrary.LIBRARY + " loads but finds no platform (no ICD registered; "
          + "see OCL_ICD_VENDORS)");
    }
    List<String> lines = new ArrayList<>();
    for (ClPlatform p : platforms) {
      lines.add(p.describe());
      if (p.devices().isEmpty()) {
        lines.add("  (no devices)");
      }
      for (ClDevice d : p.devices()) {
        lines.add("  " + d.describe());
      }
    }
    return lines;
  }

  @Override
  public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads) {
    ClDevice device = device();
    ClContext ctx = new ClContext(device);
    try {
      DeviceKernels kernels = new DeviceKernels(ctx);
      return engine(ctx, kernels, new DeviceEngine(kernels, arch, data, cfg), cfg);
    } catch (RuntimeException | Error e) {
      ctx.close();
      throw e;
    }
  }

  /** The §5 loop over a device engine; closing it closes the context (and everything made in it). */
  static TrainingEngine engine(ClContext ctx, DeviceKernels kernels, DeviceEngine engine, TrainConfig cfg) {
    ClDevice device = ctx.device();
    TrainingLoop loop = new TrainingLoop(engine, cfg);
    return new TrainingEngine() {
      @Override
      public String describe() {
        return "opencl:" + device.selection() + ": " + device.name().trim() + " ("
            + (kernels.fp64() ? "double" : "float") + " reductions, gemm " + kernels.gemmDescription() + ")";
      }

      @Override
      public RunOutcome train(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener) {
        return loop.run(run, strategy, a0, augRng, listener);
      }

      @Override
      public void close() {
        ctx.close();
      }
    };
  }
}
