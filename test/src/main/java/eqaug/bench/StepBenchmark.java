package eqaug.bench;

import eqaug.apps.experiments.Workloads;
import eqaug.kernel.VectorKernels;
import eqaug.nn.LossTally;
import eqaug.nn.Network;
import eqaug.train.Initializer;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One network step of training as the CPU engine runs it (several mini-batches: forward, loss, backward,
 * gradient accumulated): the steady state of an epoch. Run with -prof gc: it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StepBenchmark {
  @Param({"perm", "trans", "rot"})
  public String experiment;

  @Param({"2"})
  public int threads;

  private VectorKernels kernels;
  private Network net;
  private int rows;
  private int batch;
  private float[] a;
  private float[] grad;
  private float[] x;
  private float[] y;
  private final LossTally tally = new LossTally();

  @Setup(Level.Trial)
  public void setUp() {
    Workloads.Setup s = Workloads.setup(experiment);
    batch = s.batch();
    rows = Trainer.rowsPerStep(new TrainConfig(1, 1e-5, batch, 1), s.samples());
    kernels = new VectorKernels(threads);
    net = new Network(s.arch(), kernels, rows);
    a = Initializer.initialParameters(net.layout(), new SplittableRandom(2));
    grad = new float[a.length];
    SplittableRandom rng = new SplittableRandom(1);
    x = GemmBenchmark.random(rng, rows * s.arch().input().dim());
    y = new float[rows * s.arch().output().dim()];
    for (int i = 0; i < y.length; i += 3) {
      y[i] = 1;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  @Benchmark
  public float[] trainingStep() {
    tally.reset();
    net.step(a, x, 0, y, 0, rows, batch, grad, 1e-3f, tally);
    return grad;
  }
}
