package eqaug.backend;

import eqaug.data.Dataset;
import eqaug.kernel.Kernels;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Architecture;
import eqaug.nn.Network;
import eqaug.train.Float64Trainer;
import eqaug.train.Precision;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import eqaug.train.TrainingListener;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Training on this machine's CPU: at fp32 with the Vector API kernels ({@link Trainer}), at fp64 with the
 * double-precision network of eqaug.hessian ({@link Float64Trainer}, one thread).
 */
public final class CpuBackend implements Backend {
  /** The service constructor (ServiceLoader, module or class path). */
  public CpuBackend() {}

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String description() {
    return "this machine's CPU, Vector API kernels";
  }

  @Override
  public java.util.List<String> describeDevices() {
    int cores = Runtime.getRuntime().availableProcessors();
    return java.util.List.of("cpu: " + cores + " core" + (cores == 1 ? "" : "s") + ", "
        + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit float vectors, "
        + System.getProperty("os.arch") + ", Java " + Runtime.version());
  }

  @Override
  public Optional<String> unavailableReason() {
    return Optional.empty();
  }

  @Override
  public Set<Precision> precisions() {
    return Set.of(Precision.FP32, Precision.FP64);
  }

  @Override
  public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads, Precision precision) {
    if (precision == Precision.FP32) {
      return open(arch, data, cfg, threads);
    }
    // The double kernels fix their summation order, so the numbers do not depend on threads or vector width.
    eqaug.kernel.DoubleKernels kernels = eqaug.kernel.DoubleKernels.create(threads);
    Float64Trainer trainer = new Float64Trainer(arch, data, cfg, kernels);
    return new TrainingEngine() {
      private Float64Trainer twin;

      @Override
      public RunOutcome train(int run, Strategy strategy, double[] a0, RandomGenerator augRng,
          TrainingListener listener) {
        return trainer.run(run, strategy, a0, augRng, listener);
      }

      @Override
      public RunOutcome trainPaired(int run, Strategy strategy, double[] a0, double[] twinA0, RandomGenerator augRng,
          TrainingListener listener) {
        if (twin == null) {
          twin = new Float64Trainer(arch, data, cfg, kernels);
        }
        return trainer.runPaired(run, strategy, a0, twin, twinA0, augRng, listener);
      }

      @Override
      public RunOutcome trainPaired(int run, Strategy strategy, float[] a0, float[] twinA0, RandomGenerator augRng,
          TrainingListener listener) {
        if (twin == null) {
          twin = new Float64Trainer(arch, data, cfg, kernels);
        }
        return trainer.runPaired(run, strategy, a0, twin, twinA0, augRng, listener);
      }

      @Override
      public String describe() {
        return "cpu: float64 (double kernels, " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
      }

      @Override
      public RunOutcome train(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener) {
        return trainer.run(run, strategy, a0, augRng, listener);
      }

      @Override
      public void close() {
        kernels.close();
      }
    };
  }

  @Override
  public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads) {
    Kernels kernels = new VectorKernels(threads);
    Network net = new Network(arch, kernels, Trainer.rowsPerStep(cfg, data.size()));
    // The CPU engine runs core's one §5 loop.
    Trainer trainer = new Trainer(net, data, cfg);
    return new TrainingEngine() {
      private Trainer twin;

      @Override
      public RunOutcome trainPaired(int run, Strategy strategy, float[] a0, float[] twinA0, RandomGenerator augRng,
          TrainingListener listener) {
        if (twin == null) {
          // Its own network (activations, scratch); the kernels' threads are shared, the two step in turn.
          twin = new Trainer(new Network(arch, kernels, Trainer.rowsPerStep(cfg, data.size())), data, cfg);
        }
        return trainer.runPaired(run, strategy, a0, twin, twinA0, augRng, listener);
      }

      @Override
      public String describe() {
        return "cpu: " + kernels.name();
      }

      @Override
      public RunOutcome train(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener) {
        return trainer.run(run, strategy, a0, augRng, listener);
      }

      @Override
      public void close() {
        kernels.close();
      }
    };
  }
}
