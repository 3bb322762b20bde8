package eqaug.bench;

import eqaug.apps.experiments.Workloads;
import eqaug.nn.ParameterLayout;
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

/** Pi_E of one layer (orbit averaging in place) and ||A - Pi_E A||, for every layer of the three experiments. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProjectionBenchmark {
  @Param({"perm/rho1", "perm/pool", "perm/dense1", "perm/dense2", "trans/rho1", "trans/rho2", "trans/pool",
      "trans/dense", "rot/rho1", "rot/rho2", "rot/rho3", "rot/rho4"})
  public String layer;

  private ParameterLayout.LayerView view;
  private float[] weights;

  @Setup(Level.Trial)
  public void setUp() {
    String[] p = layer.split("/");
    ParameterLayout layout = ParameterLayout.of(Workloads.setup(p[0]).arch());
    view = layout.layers().stream().filter(v -> v.name().equals(p[1])).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no such layer: " + layer));
    weights = GemmBenchmark.random(new SplittableRandom(1), layout.linearSize());
  }

  @Benchmark
  public float[] project() {
    view.orbits().project(weights, view.offset());
    return weights;
  }

  @Benchmark
  public double distanceToE() {
    return view.orbits().distanceSquaredToE(weights, view.offset());
  }
}
