package eqaug.bench;

import eqaug.apps.experiments.Workloads;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Network;
import eqaug.train.Initializer;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import eqaug.train.TrainingListener;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full-batch epoch of each strategy of each experiment at the paper's data-set size (1000 graphs, 10,000
 * synthetic 14x14 images standing in for MNIST, 3000 shapes) and N_aug 25: Trainer.run with one epoch, which
 * also evaluates and measures A^0 and A^1. Long: an AUGMENTED epoch of Experiment 2 is 25 passes over 10,000
 * images, so these run once each after one warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 1)
@Fork(1)
public class EpochBenchmark {
  @Param({"perm", "trans", "rot"})
  public String experiment;

  @Param({"NOMINAL", "AUGMENTED", "EQUIVARIANT"})
  public Strategy strategy;

  @Param({"2"})
  public int threads;

  private VectorKernels kernels;
  private Trainer trainer;
  private float[] a0;

  @Setup(Level.Trial)
  public void setUp() {
    Workloads.Setup s = Workloads.setup(experiment);
    SplittableRandom rng = new SplittableRandom(1);
    Dataset data = switch (experiment) {
      case "perm" -> BlockErdosRenyi.generate(s.samples(), 10, 0.5, 0.05, rng);
      case "rot" -> Shapes.generate(s.samples(), 14, rng);
      default -> images(s.samples(), rng);
    };
    TrainConfig cfg = new TrainConfig(1, 1e-5, s.batch(), 25);
    kernels = new VectorKernels(threads);
    Network net = new Network(s.arch(), kernels, Trainer.rowsPerStep(cfg, data.size()));
    trainer = new Trainer(net, data, cfg);
    a0 = Initializer.initialParameters(net.layout(), new SplittableRandom(2));
  }

  private static Dataset images(int n, SplittableRandom rng) {
    float[] x = GemmBenchmark.random(rng, n * 196);
    float[] y = new float[n * 10];
    for (int i = 0; i < n; i++) {
      x[i] += 0.5f;
      y[i * 10 + rng.nextInt(10)] = 1;
    }
    return new Dataset("synthetic images", x, y, n, 196, 10);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  @Benchmark
  public RunOutcome epoch() {
    return trainer.run(0, strategy, a0, new SplittableRandom(3), TrainingListener.NONE);
  }
}
