package eqaug.apps.experiments;

import eqaug.kernel.VectorKernels;
import eqaug.nn.Architecture;
import eqaug.nn.ParameterLayout;
import eqaug.train.Precision;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;

/**
 * What a command will hold in memory, estimated before it allocates anything, so that options the heap
 * cannot serve (a huge --samples, --threads 1024 on a large network) are refused in one line instead of
 * failing with OutOfMemoryError after the results folder was made.
 */
public final class MemoryBudget {
  /** The largest Java array (a few entries below Integer.MAX_VALUE on every JVM). */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;
  /** Share of the heap a plan may use: the rest is for the JVM, metrics, figures and garbage. */
  static final double USABLE = 0.8;

  private MemoryBudget() {}

  /**
   * Refuses a data set of {@code samples} samples of {@code valuesPerSample} floats that no array can index
   * or that alone fills most of the heap; called before the data is made or read.
   */
  public static void checkData(String what, long samples, long valuesPerSample) {
    long values = samples * valuesPerSample;
    if (values > MAX_ARRAY) {
      throw new UsageException("--samples " + samples + " is too large: " + what + " would hold " + values
          + " values, more than one Java array can index (at most " + MAX_ARRAY / valuesPerSample + " samples)");
    }
    long bytes = 4 * values;
    if (bytes > USABLE * heap() / 2) {
      throw new UsageException("--samples " + samples + " needs " + gib(bytes) + " for " + what + " alone, more than "
          + "half of the usable heap (" + gib(heap()) + "): lower --samples, or raise -Xmx through EQAUG_JAVA_OPTS");
    }
  }

  /** Bytes one engine needs to train this architecture with these threads (CPU), beside the shared data. */
  static long engineBytes(Architecture arch, TrainConfig cfg, int samples, int threads, boolean cpu) {
    ParameterLayout layout = ParameterLayout.of(arch);
    long params = layout.size();
    // A, its gradient, A^0 and the run's copies, and the orbit table of every weight entry (ints).
    long parameterBytes = 4L * params * 6;
    long rows = Trainer.rowsPerStep(cfg, samples);
    // The network's activations and their gradients (two arrays per stage boundary, as wide as the stage's
    // input), and batch norm's normalised copy.
    long width = arch.input().dim();
    long widths = 2 * width;
    for (var s : arch.stages()) {
      if (s instanceof eqaug.nn.Linear l) {
        width = l.out().dim();
      } else if (s instanceof eqaug.nn.BatchNorm) {
        widths += width;
      }
      widths += 2 * width;
    }
    long activationBytes = 4L * rows * widths;
    // The packing buffers are a few MiB each: G1 stores such arrays in whole heap regions, which can take up to
    // twice their size (measured: 128 extra threads cost ~870 MiB of peak heap for 4.1 MiB of buffers each).
    long scratch = cpu ? 2L * threads * VectorKernels.scratchBytesPerThread() : 0;
    return parameterBytes + activationBytes + scratch;
  }

  /**
   * Bytes of one fp64 engine: A, A^0, the gradient, the network's spare gradient and its transposed W and V
   * (six parameter vectors of doubles), the run's float copies, and the double network's buffers (activations, tangents and their gradients, four per stage
   * boundary; batch norm's two normalised copies; no packing buffers, one thread).
   */
  static long float64EngineBytes(Architecture arch, TrainConfig cfg, int samples) {
    long params = ParameterLayout.of(arch).size();
    long rows = Trainer.rowsPerStep(cfg, samples);
    long width = arch.input().dim();
    long widths = 4 * width;
    for (var s : arch.stages()) {
      if (s instanceof eqaug.nn.Linear l) {
        width = l.out().dim();
      } else if (s instanceof eqaug.nn.BatchNorm) {
        widths += 2 * width;
      }
      widths += 4 * width;
    }
    return 8L * params * 6 + 4L * params * 2 + 8L * rows * widths;
  }

  /** Refuses a plan whose engines do not fit the heap, naming the options that set their size. */
  public static void checkTraining(Experiment exp, Protocol protocol, int threads, int parallelRuns, boolean cpu) {
    checkTraining(exp, protocol, threads, parallelRuns, cpu, Precision.FP32);
  }

  /** As above, for engines that train at {@code precision}. */
  public static void checkTraining(Experiment exp, Protocol protocol, int threads, int parallelRuns, boolean cpu,
      Precision precision) {
    int engines = Math.max(1, Math.min(parallelRuns, protocol.runs()));
    long data = 4L * exp.data().size() * (exp.data().inputDim() + exp.data().targetDim());
    long perEngine = precision == Precision.FP64
        ? float64EngineBytes(exp.architecture(), protocol.train(), exp.data().size())
        : engineBytes(exp.architecture(), protocol.train(), exp.data().size(), threads, cpu);
    long need = data + engines * perEngine;
    if (need > USABLE * heap()) {
      throw new UsageException(exp.name() + " needs about " + gib(need) + " of heap with --threads " + threads
          + (engines > 1 ? " and --parallel-runs " + engines : "") + ", more than the " + gib((long) (USABLE * heap()))
          + " usable here (-Xmx " + gib(heap()) + "): lower --threads" + (engines > 1 ? " or --parallel-runs" : "")
          + ", or raise -Xmx through EQAUG_JAVA_OPTS");
    }
  }

  /**
   * Refuses a thread count whose packing buffers alone would take most of the heap (for commands such as
   * bench that build their engines from paper-size workloads).
   */
  public static void checkThreads(String command, int threads) {
    long need = 2L * threads * VectorKernels.scratchBytesPerThread();
    if (need > USABLE * heap() / 2) {
      throw new UsageException(command + " with --threads " + threads + " needs " + gib(need) + " for the matrix "
          + "kernels' buffers alone, more than half of the " + gib((long) (USABLE * heap())) + " usable here: lower "
          + "--threads, or raise -Xmx through EQAUG_JAVA_OPTS");
    }
  }

  public static long heap() {
    return Runtime.getRuntime().maxMemory();
  }

  public static String gib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
