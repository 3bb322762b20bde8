package eqaug.backend;

import eqaug.data.Dataset;
import eqaug.kernel.Kernels;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Architecture;
import eqaug.nn.Network;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import eqaug.train.TrainingListener;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Training on this machine's CPU with the Vector API kernels. */
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
  public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads) {
    Kernels kernels = new VectorKernels(threads);
    Network net = new Network(arch, kernels, Trainer.rowsPerStep(cfg, data.size()));
    // The CPU engine runs core's one §5 loop.
    Trainer trainer = new Trainer(net, data, cfg);
    return new TrainingEngine() {
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
