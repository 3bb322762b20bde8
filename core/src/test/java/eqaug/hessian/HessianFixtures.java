package eqaug.hessian;

import eqaug.data.Dataset;
import eqaug.group.RotationGroup;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;
import eqaug.space.FieldSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Tiny networks with data for the Hessian tests: one per stage kind (each adds that stage to a linear
 * model), a mixed one with every kind, and the paper's three networks at a small size. Data are random and
 * carry no symmetry; 11 samples in mini-batches of 4, so the last mini-batch is shorter.
 */
final class HessianFixtures {
  private HessianFixtures() {}

  record Problem(String name, Architecture arch, Dataset data, int batch) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final RotationGroup C4 = new RotationGroup();

  private static FieldSpace grid(int channels) {
    return new FieldSpace(C4.onGrid(3), channels);
  }

  private static FieldSpace trivial(int dim) {
    return new FieldSpace(C4.trivialAction(1), dim);
  }

  private static Linear linear(String name, FieldSpace in, FieldSpace out) {
    return new Linear(name, in, out, Init.gaussian(0.3));
  }

  /** grid -> 2 channels, the given stages, -> one logit; BCE. */
  private static Architecture around(String name, List<Stage> middle) {
    List<Stage> stages = new ArrayList<>();
    stages.add(linear("l1", grid(1), grid(2)));
    stages.addAll(middle);
    stages.add(linear("l2", grid(2), trivial(1)));
    return new Architecture(name, grid(1), -0.5f, stages, new Loss.SigmoidBce(1, 1));
  }

  /** Networks that each isolate one stage kind, on C4 acting on a 3 x 3 grid. */
  static List<Problem> stageProblems() {
    List<Problem> out = new ArrayList<>();
    out.add(problem(new Architecture("linear+bce", grid(1), -0.5f,
        List.of(linear("l1", grid(1), trivial(1))), new Loss.SigmoidBce(1, 1)), 1));
    out.add(problem(around("leaky-relu", List.of(Activation.leakyRelu())), 2));
    out.add(problem(around("sigmoid", List.of(new Activation(Activation.Kind.SIGMOID))), 3));
    out.add(problem(around("tanh", List.of(Activation.tanh())), 4));
    out.add(problem(around("batch-norm", List.of(new BatchNorm("bn", 2, 9))), 5));
    out.add(problem(new Architecture("softmax-ce", grid(1), -0.5f,
        List.of(linear("l1", grid(1), grid(2)), Activation.tanh(), linear("l2", grid(2), trivial(3))),
        new Loss.SoftmaxCrossEntropy(3)), 6));
    out.add(problem(new Architecture("pixelwise-bce", grid(1), -0.5f,
        List.of(linear("l1", grid(1), grid(2)), Activation.tanh(), linear("l2", grid(2), grid(2))),
        new Loss.SigmoidBce(2, 9)), 7));
    out.add(problem(mixed(), 8));
    return out;
  }

  /** Every stage kind in one network, dim 274: sigmoid, batch norm, tanh, leaky ReLU, softmax CE. */
  static Architecture mixed() {
    return new Architecture("mixed", grid(1), -0.5f, List.of(
        linear("l1", grid(1), grid(2)),
        new Activation(Activation.Kind.SIGMOID),
        new BatchNorm("bn1", 2, 9),
        linear("l2", grid(2), trivial(4)),
        Activation.tanh(),
        linear("l3", trivial(4), trivial(4)),
        Activation.leakyRelu(),
        new BatchNorm("bn2", 4, 1),
        linear("l4", trivial(4), trivial(3))), new Loss.SoftmaxCrossEntropy(3));
  }

  /** The paper's networks (App. C) at small n: S_4 on 4 x 4 adjacency, Z_3 x Z_3 and C4 on 3 x 3 and 4 x 4 grids. */
  static List<Problem> paperProblems() {
    return List.of(
        problem(PaperNetworks.permutation(4), 11),
        problem(PaperNetworks.translation(3), 12),
        problem(PaperNetworks.rotation(4), 13));
  }

  static Problem problem(Architecture arch, long seed) {
    return problem(arch, seed, 11, 4);
  }

  /** size random samples (inputs uniform on [0, 1), targets as the loss expects) in mini-batches of batch. */
  static Problem problem(Architecture arch, long seed, int size, int batch) {
    SplittableRandom rng = new SplittableRandom(seed);
    int in = arch.input().dim();
    int out = arch.output().dim();
    float[] x = new float[size * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
    }
    float[] y = new float[size * out];
    if (arch.loss() instanceof Loss.SoftmaxCrossEntropy) {
      for (int s = 0; s < size; s++) {
        y[s * out + rng.nextInt(out)] = 1;
      }
    } else {
      for (int i = 0; i < y.length; i++) {
        y[i] = rng.nextBoolean() ? 1 : 0;
      }
    }
    return new Problem(arch.name(), arch, new Dataset(arch.name(), x, y, size, in, out), batch);
  }

  /** Generic parameters: weights N(0, 1/fan-in), batch-norm scales 1 +- 0.3 and shifts +- 0.3. */
  static double[] randomParameters(ParameterLayout layout, SplittableRandom rng) {
    double[] a = new double[layout.size()];
    for (ParameterLayout.LayerView v : layout.layers()) {
      double std = 1.0 / Math.sqrt(v.layer().cols());
      for (int i = 0; i < v.size(); i++) {
        a[v.offset() + i] = std * rng.nextGaussian();
      }
    }
    for (ParameterLayout.NormView n : layout.norms()) {
      int c = n.norm().channels();
      for (int i = 0; i < c; i++) {
        a[n.offset() + i] = 1 + 0.3 * rng.nextGaussian();
        a[n.offset() + c + i] = 0.3 * rng.nextGaussian();
      }
    }
    return a;
  }

  static double[] gaussian(int n, SplittableRandom rng) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  static double dot(double[] a, double[] b) {
    return Lanczos.dot(a, b);
  }

  static double norm(double[] a) {
    return Lanczos.norm(a);
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  /**
   * The central difference of the exact double gradient with Richardson extrapolation,
   * (4 D(eps/2) - D(eps)) / 3 with D(e) = (grad(a + e v) - grad(a - e v)) / (2 e): D alone has an O(eps^2)
   * truncation error (measured: 1.6e-6 of max |H| at eps 1e-5, falling 4x per halving), this one O(eps^4).
   */
  static double[] centralDifference(AugmentedRisk risk, double[] a, double[] v, double eps) {
    double[] coarse = difference(risk, a, v, eps);
    double[] fine = difference(risk, a, v, eps / 2);
    double[] out = new double[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (4 * fine[i] - coarse[i]) / 3;
    }
    return out;
  }

  private static double[] difference(AugmentedRisk risk, double[] a, double[] v, double eps) {
    int n = a.length;
    double[] plus = a.clone();
    double[] minus = a.clone();
    for (int i = 0; i < n; i++) {
      plus[i] += eps * v[i];
      minus[i] -= eps * v[i];
    }
    double[] gp = new double[n];
    double[] gm = new double[n];
    risk.gradient(plus, gp);
    risk.gradient(minus, gm);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = (gp[i] - gm[i]) / (2 * eps);
    }
    return out;
  }
}
