package eqaug.train;

import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.random.SplitMix64;

/**
 * Not a test: seconds per epoch of each strategy at fp32 and fp64 on Experiment 1's quick size (S_10,
 * 1000 graphs, batch 200, N_aug 10), the two precisions interleaved so that both see the same machine load.
 * Run: java --add-modules jdk.incubator.vector -cp core/target/classes:core/target/test-classes
 * eqaug.train.PrecisionBenchmark [rounds] [fp32 threads]
 */
public final class PrecisionBenchmark {
  private PrecisionBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Architecture arch = PaperNetworks.permutation(10);
    Dataset data = BlockErdosRenyi.generate(1000, 10, 0.5, 0.05, new SplitMix64(1));
    TrainConfig cfg = new TrainConfig(2, 1e-5, 200, 10);
    float[] a0 = Initializer.initialParameters(ParameterLayout.of(arch), new SplitMix64(2));
    System.out.printf("perm quick size, %d epochs per timing, fp32 on %d thread(s), fp64 on one%n", cfg.epochs(), threads);
    try (TrainingEngine e32 = new CpuBackend().open(arch, data, cfg, threads, Precision.FP32);
         TrainingEngine e64 = new CpuBackend().open(arch, data, cfg, threads, Precision.FP64)) {
      for (int r = 0; r < rounds; r++) {
        for (Strategy s : Strategy.values()) {
          double t32 = seconds(e32, s, a0) / cfg.epochs();
          double t64 = seconds(e64, s, a0) / cfg.epochs();
          System.out.printf("round %d %-11s fp32 %.3f s/epoch  fp64 %.3f s/epoch  ratio %.2f%n", r, s, t32, t64,
              t64 / t32);
        }
      }
    }
  }

  private static double seconds(TrainingEngine e, Strategy s, float[] a0) {
    long t0 = System.nanoTime();
    e.train(0, s, a0, new SplitMix64(3), TrainingListener.NONE);
    return (System.nanoTime() - t0) / 1e9;
  }
}
