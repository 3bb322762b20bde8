package eqaug.paper;

import eqaug.kernel.VectorKernels;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.LossTally;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small networks and data sets shared by the tests of the paper's claims. Every network has a
 * batch norm; between them they cover all three groups, equivariant and invariant outputs, both losses
 * and all three activations. Data are random and carry no symmetry, so the nominal gradient is not in E.
 */
final class Fixtures {
  /** The kernels these tests share: one thread, so there is no worker to stop. */
  static final VectorKernels KERNELS = new VectorKernels(1);

  private Fixtures() {}

  /** A network together with data for it: {@code size} samples, mini-batches of {@code batch}. */
  record Problem(String name, Architecture arch, float[] x, float[] y, int size, int batch) {
    Group group() {
      return arch.group();
    }

    int inDim() {
      return arch.input().dim();
    }

    int outDim() {
      return arch.output().dim();
    }

    int batches() {
      return (size + batch - 1) / batch;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  // ------------------------------------------------------------------ architectures

  /** C4 on n x n: 1 -> 3 channels (rho), leaky ReLU, BN(3, n^2), 3 -> 2 channels (rho); pixelwise BCE on 2 masks. */
  static Architecture c4Segmentation(int n) {
    RotationGroup c4 = new RotationGroup();
    FieldSpace in = new FieldSpace(c4.onGrid(n), 1);
    FieldSpace hidden = new FieldSpace(c4.onGrid(n), 3);
    FieldSpace out = new FieldSpace(c4.onGrid(n), 2);
    return new Architecture("c4-seg", in, -0.5f, List.of(
        new Linear("conv1", in, hidden, Init.gaussian(1.0 / n)),
        Activation.leakyRelu(),
        new BatchNorm("bn", 3, n * n),
        new Linear("conv2", hidden, out, Init.gaussian(1.0 / (n * Math.sqrt(3))))),
        new Loss.SigmoidBce(2, n * n));
  }

  /**
   * C4 on n x n, invariant: 1 -> 3 channels (rho), leaky ReLU, pool to 4 trivial channels, tanh, BN(4),
   * dense 4 -> 3; softmax cross-entropy over 3 classes.
   */
  static Architecture c4Classifier(int n) {
    RotationGroup c4 = new RotationGroup();
    FieldSpace in = new FieldSpace(c4.onGrid(n), 1);
    FieldSpace hidden = new FieldSpace(c4.onGrid(n), 3);
    FieldSpace pooled = new FieldSpace(c4.trivialAction(1), 4);
    FieldSpace out = new FieldSpace(c4.trivialAction(1), 3);
    return new Architecture("c4-cls", in, -0.5f, List.of(
        new Linear("conv", in, hidden, Init.gaussian(1.0 / n)),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(0.5)),
        Activation.tanh(),
        new BatchNorm("bn", 4, 1),
        new Linear("dense", pooled, out, Init.gaussian(0.5))),
        new Loss.SoftmaxCrossEntropy(3));
  }

  /** Z_n x Z_n on n x n: 1 -> 3 channels, leaky ReLU, BN(3, n^2), 3 -> 2 channels; pixelwise BCE on 2 masks. */
  static Architecture translationSegmentation(int n) {
    TranslationGroup t = new TranslationGroup(n);
    FieldSpace in = new FieldSpace(t.onGrid(), 1);
    FieldSpace hidden = new FieldSpace(t.onGrid(), 3);
    FieldSpace out = new FieldSpace(t.onGrid(), 2);
    return new Architecture("shift-seg", in, -0.5f, List.of(
        new Linear("conv1", in, hidden, Init.gaussian(1.0 / n)),
        Activation.leakyRelu(),
        new BatchNorm("bn", 3, n * n),
        new Linear("conv2", hidden, out, Init.gaussian(1.0 / (n * Math.sqrt(3))))),
        new Loss.SigmoidBce(2, n * n));
  }

  /**
   * S_n on n x n adjacency matrices, invariant: 1 -> 2 channels (rho on (R^n)^{⊗2}), leaky ReLU, pool to
   * 3 trivial channels, BN(3), sigmoid, dense 3 -> 1; BCE on one label.
   */
  static Architecture graphClassifier(int n) {
    SymmetricGroup s = new SymmetricGroup(n);
    FieldSpace in = new FieldSpace(s.onTensors(2), 1);
    FieldSpace hidden = new FieldSpace(s.onTensors(2), 2);
    FieldSpace pooled = new FieldSpace(s.trivialAction(1), 3);
    FieldSpace out = new FieldSpace(s.trivialAction(1), 1);
    return new Architecture("sn-graph", in, -0.5f, List.of(
        new Linear("rho", in, hidden, Init.gaussian(1.0 / n)),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(0.5)),
        new BatchNorm("bn", 3, 1),
        new Activation(Activation.Kind.SIGMOID),
        new Linear("dense", pooled, out, Init.gaussian(1.0))),
        new Loss.SigmoidBce(1, 1));
  }

  // ------------------------------------------------------------------ problems (network + data)

  static Problem c4SegProblem(long seed, int size, int batch) {
    Architecture a = c4Segmentation(4);
    SplittableRandom rng = new SplittableRandom(seed);
    return new Problem("C4 segmentation 4x4", a, uniform(rng, size * a.input().dim()),
        bits(rng, size * a.output().dim(), 0.4), size, batch);
  }

  static Problem c4ClsProblem(long seed, int size, int batch) {
    Architecture a = c4Classifier(4);
    SplittableRandom rng = new SplittableRandom(seed);
    return new Problem("C4 classifier 4x4", a, uniform(rng, size * a.input().dim()),
        oneHot(rng, size, 3), size, batch);
  }

  static Problem shiftSegProblem(long seed, int size, int batch) {
    Architecture a = translationSegmentation(3);
    SplittableRandom rng = new SplittableRandom(seed);
    return new Problem("Z3xZ3 segmentation 3x3", a, uniform(rng, size * a.input().dim()),
        bits(rng, size * a.output().dim(), 0.5), size, batch);
  }

  static Problem graphProblem(long seed, int size, int batch) {
    Architecture a = graphClassifier(4);
    SplittableRandom rng = new SplittableRandom(seed);
    return new Problem("S4 graphs", a, adjacency(rng, size, 4), bits(rng, size, 0.5), size, batch);
  }

  static List<Problem> allProblems(long seed, int size, int batch) {
    return List.of(c4SegProblem(seed, size, batch), c4ClsProblem(seed + 1, size, batch),
        shiftSegProblem(seed + 2, size, batch), graphProblem(seed + 3, size, batch));
  }

  // ------------------------------------------------------------------ random data and parameters

  static float[] uniform(SplittableRandom rng, int len) {
    float[] v = new float[len];
    for (int i = 0; i < len; i++) {
      v[i] = (float) rng.nextDouble();
    }
    return v;
  }

  static float[] bits(SplittableRandom rng, int len, double p) {
    float[] v = new float[len];
    for (int i = 0; i < len; i++) {
      v[i] = rng.nextDouble() < p ? 1f : 0f;
    }
    return v;
  }

  static float[] oneHot(SplittableRandom rng, int size, int classes) {
    float[] v = new float[size * classes];
    for (int s = 0; s < size; s++) {
      v[s * classes + rng.nextInt(classes)] = 1f;
    }
    return v;
  }

  /** Symmetric 0/1 adjacency matrices of simple graphs (zero diagonal), row-major n x n. */
  static float[] adjacency(SplittableRandom rng, int size, int n) {
    float[] v = new float[size * n * n];
    for (int s = 0; s < size; s++) {
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          float e = rng.nextDouble() < 0.5 ? 1f : 0f;
          v[s * n * n + i * n + j] = e;
          v[s * n * n + j * n + i] = e;
        }
      }
    }
    return v;
  }

  /**
   * A generic parameter vector, not in E: Gaussian weights scaled by 1/sqrt(fan-in) (so activations stay of
   * order one), batch-norm scales around 1 and shifts around 0, all random so their gradients are generic.
   */
  static float[] randomParameters(ParameterLayout layout, SplittableRandom rng) {
    float[] a = new float[layout.size()];
    for (ParameterLayout.LayerView v : layout.layers()) {
      double std = 1.0 / Math.sqrt(v.layer().cols());
      for (int i = 0; i < v.size(); i++) {
        a[v.offset() + i] = (float) (std * rng.nextGaussian());
      }
    }
    for (ParameterLayout.NormView n : layout.norms()) {
      int c = n.norm().channels();
      for (int i = 0; i < c; i++) {
        a[n.offset() + i] = (float) (1 + 0.3 * rng.nextGaussian());
        a[n.offset() + c + i] = (float) (0.3 * rng.nextGaussian());
      }
    }
    return a;
  }

  /** A random parameter vector in E: {@link #randomParameters} followed by Pi_E. */
  static float[] randomEquivariantParameters(ParameterLayout layout, SplittableRandom rng) {
    float[] a = randomParameters(layout, rng);
    layout.project(a);
    return a;
  }

  // ------------------------------------------------------------------ group actions on data and on L

  /** rho(g) applied to each of {@code count} vectors of the space: a fresh array. */
  static float[] act(FieldSpace space, GroupElement g, float[] v, int count) {
    int[] map = space.gather(g);
    int d = space.dim();
    float[] out = new float[count * d];
    for (int s = 0; s < count; s++) {
      for (int i = 0; i < d; i++) {
        out[s * d + i] = v[s * d + map[i]];
      }
    }
    return out;
  }

  /** rho-bar(g) A: every linear layer transformed, batch-norm parameters (acted on trivially) copied. */
  static float[] rhoBar(ParameterLayout layout, GroupElement g, float[] a) {
    float[] out = a.clone();
    for (ParameterLayout.LayerView v : layout.layers()) {
      v.orbits().transform(a, v.offset(), g, out, v.offset());
    }
    return out;
  }

  // ------------------------------------------------------------------ gradients of risks

  /**
   * Adds weight times the gradient of the empirical risk (the mean over mini-batches of the mini-batch mean
   * loss, as the trainer defines it) on data (x, y) to grad.
   */
  static void addRiskGradient(Network net, Problem p, float[] a, float[] x, float[] y, float[] grad,
      double weight, LossTally tally) {
    int batches = p.batches();
    for (int b = 0; b < batches; b++) {
      int from = b * p.batch();
      int len = Math.min(p.batch(), p.size() - from);
      net.step(a, x, from * p.inDim(), y, from * p.outDim(), len, grad, (float) (weight / batches), tally);
    }
  }

  /** The gradient of the nominal risk R at A. */
  static float[] nominalGradient(Network net, Problem p, float[] a) {
    float[] grad = new float[a.length];
    addRiskGradient(net, p, a, p.x(), p.y(), grad, 1.0, new LossTally());
    return grad;
  }

  /**
   * The gradient of the exact augmented risk R^aug at A: the Haar (uniform) average over every g of G of the
   * gradient of the risk on the data moved by g, inputs by rho_X(g) and targets by rho_Y(g).
   */
  static float[] augmentedGradient(Network net, Problem p, float[] a) {
    List<GroupElement> elements = p.group().elements();
    float[] grad = new float[a.length];
    LossTally tally = new LossTally();
    for (GroupElement g : elements) {
      float[] xg = act(p.arch().input(), g, p.x(), p.size());
      float[] yg = act(p.arch().output(), g, p.y(), p.size());
      addRiskGradient(net, p, a, xg, yg, grad, 1.0 / elements.size(), tally);
    }
    return grad;
  }

  /** The empirical risk R at A. */
  static double risk(Network net, Problem p, float[] a) {
    LossTally tally = new LossTally();
    addRiskGradient(net, p, a, p.x(), p.y(), null, 1.0, tally);
    return tally.loss();
  }

  // ------------------------------------------------------------------ norms

  static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return Math.sqrt(s);
  }

  static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  static double maxAbs(float[] v) {
    double m = 0;
    for (float f : v) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }

  /** ||A - Pi_E A|| over the linear layers, computed here from a projected copy (not from distanceSquaredToE). */
  static double distanceToE(ParameterLayout layout, float[] a) {
    float[] p = a.clone();
    layout.project(p);
    return distance(a, p);
  }

  /** Lemma 2's Haar average of rho-bar(g) A over every g, in double: Pi_E computed without orbit tables. */
  static double[] reynolds(ParameterLayout layout, Group group, float[] a) {
    List<GroupElement> elements = group.elements();
    double[] sum = new double[a.length];
    for (GroupElement g : elements) {
      float[] t = rhoBar(layout, g, a);
      for (int i = 0; i < a.length; i++) {
        sum[i] += t[i];
      }
    }
    for (int i = 0; i < a.length; i++) {
      sum[i] /= elements.size();
    }
    return sum;
  }

  static float[] projected(ParameterLayout layout, float[] a) {
    float[] p = a.clone();
    layout.project(p);
    return p;
  }

  static float[] minus(float[] a, float[] b) {
    float[] d = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }
}
