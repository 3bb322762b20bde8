package eqaug.bench;

import eqaug.apps.experiments.Workloads;
import eqaug.group.Group;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Architecture;
import eqaug.space.FieldSpace;
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
 * Augmenting one mini-batch: draw a Haar-random g, build its gather maps on X (and Y where Y carries an
 * action), and move every sample of the batch. Run with -prof gc to see that nothing is allocated.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GatherBenchmark {
  @Param({"perm", "trans", "rot"})
  public String experiment;

  private VectorKernels kernels;
  private FieldSpace in;
  private FieldSpace out;
  private Group group;
  private int batch;
  private int[] code;
  private int[] xMap;
  private int[] yMap;
  private float[] x;
  private float[] y;
  private float[] xOut;
  private float[] yOut;
  private final SplittableRandom rng = new SplittableRandom(7);

  @Setup(Level.Trial)
  public void setUp() {
    Workloads.Setup s = Workloads.setup(experiment);
    Architecture arch = s.arch();
    in = arch.input();
    out = arch.output();
    group = arch.group();
    batch = s.batch();
    code = new int[group.codeLength()];
    xMap = new int[in.dim()];
    yMap = new int[out.dim()];
    SplittableRandom r = new SplittableRandom(1);
    x = GemmBenchmark.random(r, batch * in.dim());
    y = GemmBenchmark.random(r, batch * out.dim());
    xOut = new float[x.length];
    yOut = new float[y.length];
    kernels = new VectorKernels(1);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  @Benchmark
  public float[] augmentOneMiniBatch() {
    group.sample(rng, code);
    in.gather(code, xMap);
    for (int i = 0; i < batch; i++) {
      kernels.gather(x, i * in.dim(), xMap, xOut, i * in.dim());
    }
    if (!out.action().isTrivial()) {
      out.gather(code, yMap);
      for (int i = 0; i < batch; i++) {
        kernels.gather(y, i * out.dim(), yMap, yOut, i * out.dim());
      }
    }
    return xOut;
  }
}
