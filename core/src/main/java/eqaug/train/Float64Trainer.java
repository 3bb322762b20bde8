package eqaug.train;

import eqaug.data.Dataset;
import eqaug.group.Group;
import eqaug.hessian.EquivariantProjection;
import eqaug.hessian.Float64Network;
import eqaug.nn.Architecture;
import eqaug.nn.Loss;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import eqaug.space.OrbitTable;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The CPU {@link Engine} of the §5 loop ({@link TrainingLoop}) in double precision ({@link Precision#FP64}):
 * A, A^0, the gradient, every activation ({@link Float64Network}), the projection Pi_E of Lemma 3
 * ({@link EquivariantProjection}), the step and the distances are doubles. It takes the same passes as the
 * float {@link Trainer}: mini-batches of the protocol's size with their own batch-norm statistics, and for
 * AUGMENTED each mini-batch moved by its drawn element (inputs by rho_X(g), targets by rho_Y(g) when they carry
 * an action). The data stay float (they are float32 values) and A^0 arrives as float and is widened exactly,
 * so both precisions start from the same point with the same draws.
 *
 * <p>The {@link Engine} API hands weights and the learning rate over as float; where they are the loop's
 * 1/batches, 1/(batches N_aug) and (float) lr, this engine uses the exact values 1.0/batches,
 * 1.0/(batches N_aug) and the protocol's double lr, so no float32 rounding enters the double dynamics.
 * Single-threaded: results do not depend on the number of threads.
 */
public final class Float64Trainer implements Engine {
  private final Architecture arch;
  private final Dataset data;
  private final TrainConfig cfg;
  private final Float64Network net;
  private final ParameterLayout layout;
  private final EquivariantProjection pi;
  private final FieldSpace inSpace;
  private final FieldSpace outSpace;
  private final boolean targetsMove;
  private final int batches;
  /** Rows per network pass: whole mini-batches, as the float trainer's steps. */
  private final int stepRows;
  private final float[] xAug;
  private final float[] yAug;
  private final int[] code;
  private final int[] xMap;
  private final int[] yMap;
  private final double[] logits;
  /** Per linear layer: the orbit of each position pair (a, b) at a * d_in + b, its size, and its first pair. */
  private final int[][] orbitOf;
  private final int[][] orbitSize;
  private final int[][] orbitFirst;
  private final TrainingLoop loop;
  // The run in progress: A, A^0, the gradient, and the last nominal pass's loss and accuracy.
  private double[] a;
  private double[] a0;
  private double[] grad;
  private double loss = Double.NaN;
  private double accuracy = Double.NaN;

  public Float64Trainer(Architecture arch, Dataset data, TrainConfig cfg) {
    this(arch, data, cfg, null);
  }

  /**
   * On the given double kernels (e.g. {@code DoubleKernels.create(threads)}, which the caller closes); null: one
   * thread. The numbers are the same bits for any kernels and threads.
   */
  public Float64Trainer(Architecture arch, Dataset data, TrainConfig cfg, eqaug.kernel.DoubleKernels kernels) {
    this.arch = arch;
    this.data = data;
    this.cfg = cfg;
    this.inSpace = arch.input();
    this.outSpace = arch.output();
    if (data.inputDim() != inSpace.dim() || data.targetDim() != outSpace.dim()) {
      throw new IllegalArgumentException("data set " + data.name() + " has inputs of " + data.inputDim()
          + " and targets of " + data.targetDim() + " values; the network expects " + inSpace.dim()
          + " and " + outSpace.dim());
    }
    int maxRows = Trainer.rowsPerStep(cfg, data.size());
    this.net = kernels == null ? new Float64Network(arch, maxRows) : new Float64Network(arch, maxRows, kernels);
    this.layout = net.layout();
    this.pi = new EquivariantProjection(layout);
    this.stepRows = Math.max(1, maxRows / cfg.batch()) * cfg.batch();
    this.batches = (data.size() + cfg.batch() - 1) / cfg.batch();
    this.targetsMove = !outSpace.action().isTrivial();
    this.xAug = new float[maxRows * inSpace.dim()];
    this.yAug = targetsMove ? new float[maxRows * outSpace.dim()] : null;
    this.code = new int[arch.group().codeLength()];
    this.xMap = new int[inSpace.dim()];
    this.yMap = new int[outSpace.dim()];
    this.logits = new double[maxRows * outSpace.dim()];
    List<ParameterLayout.LayerView> views = layout.layers();
    this.orbitOf = new int[views.size()][];
    this.orbitSize = new int[views.size()][];
    this.orbitFirst = new int[views.size()][];
    for (int l = 0; l < views.size(); l++) {
      OrbitTable t = views.get(l).orbits();
      int dIn = t.in().positions();
      int dOut = t.out().positions();
      orbitOf[l] = new int[dIn * dOut];
      orbitSize[l] = new int[t.orbitsPerChannelPair()];
      orbitFirst[l] = new int[t.orbitsPerChannelPair()];
      Arrays.fill(orbitFirst[l], -1);
      for (int a = 0; a < dOut; a++) {
        for (int b = 0; b < dIn; b++) {
          int o = t.orbitOf(a, b);
          orbitOf[l][a * dIn + b] = o;
          orbitSize[l][o]++;
          if (orbitFirst[l][o] < 0) {
            orbitFirst[l][o] = a * dIn + b;
          }
        }
      }
    }
    this.loop = new TrainingLoop(this, cfg);
  }

  /** Trains one run with one strategy from A^0 with the §5 loop, reporting every epoch (0 to epochs) to the listener. */
  public RunOutcome run(int run, Strategy strategy, float[] initial, RandomGenerator augRng, TrainingListener listener) {
    return loop.run(run, strategy, initial, augRng, listener);
  }
  /** The same from a start given in double (a perturbed A^0 + ε u). */
  public RunOutcome run(int run, Strategy strategy, double[] a0, RandomGenerator augRng, TrainingListener listener) {
    return loop.run(run, strategy, a0, augRng, listener);
  }

  /** {@link TrainingLoop#runPaired} from starts given in double. */
  public RunOutcome runPaired(int run, Strategy strategy, double[] a0, Engine twin, double[] twinA0,
      RandomGenerator augRng, TrainingListener listener) {
    return loop.runPaired(run, strategy, a0, twin, twinA0, augRng, listener);
  }

  /** {@link TrainingLoop#runPaired}: this engine trains from a0, {@code twin} from twinA0, with the same draws. */
  public RunOutcome runPaired(int run, Strategy strategy, float[] a0, Engine twin, float[] twinA0,
      RandomGenerator augRng, TrainingListener listener) {
    return loop.runPaired(run, strategy, a0, twin, twinA0, augRng, listener);
  }


  @Override
  public Architecture architecture() {
    return arch;
  }

  @Override
  public int batches() {
    return batches;
  }

  @Override
  public void load(float[] initial) {
    double[] d = new double[initial.length];
    for (int i = 0; i < initial.length; i++) {
      d[i] = initial[i];
    }
    load(d);
  }

  /** A start kept exactly: a perturbation below float32's ulp of the weights keeps its direction. */
  @Override
  public void load(double[] initial) {
    a0 = initial.clone();
    a = a0.clone();
    if (grad == null || grad.length != a.length) {
      grad = new double[a.length];
    }
    loss = Double.NaN;
    accuracy = Double.NaN;
  }

  @Override
  public void zeroGradient() {
    Arrays.fill(grad, 0);
  }

  @Override
  public void nominalPass(boolean gradient, float weight) {
    // The loop's 1f/batches stands for 1/batches (class comment).
    double w = weight == 1f / batches ? 1.0 / batches : weight;
    double lossSum = 0;
    double correct = 0;
    long counted = 0;
    int in = data.inputDim();
    int out = data.targetDim();
    for (int from = 0; from < data.size(); from += stepRows) {
      int rows = Math.min(stepRows, data.size() - from);
      lossSum += net.pass(a, null, data.inputs(), from * in, data.targets(), from * out, rows, cfg.batch(), w,
          gradient ? grad : null, null);
      net.copyOutputs(rows, logits);
      correct += correct(data.targets(), from * out, rows);
      counted += arch.loss() instanceof Loss.SigmoidBce ? (long) rows * out : rows;
    }
    loss = lossSum / batches;
    accuracy = counted == 0 ? Double.NaN : correct / counted;
  }

  /** Right predictions among {@code rows} samples, as the float network counts them. */
  private double correct(float[] y, int yOff, int rows) {
    int width = outSpace.dim();
    double right = 0;
    if (arch.loss() instanceof Loss.SigmoidBce) {
      for (int i = 0; i < rows * width; i++) {
        if ((logits[i] > 0) == (y[yOff + i] > 0.5)) {
          right++;
        }
      }
      return right;
    }
    for (int s = 0; s < rows; s++) {
      int base = s * width;
      int argmax = 0;
      int label = 0;
      for (int c = 1; c < width; c++) {
        if (logits[base + c] > logits[base + argmax]) {
          argmax = c;
        }
        if (y[yOff + base + c] > y[yOff + base + label]) {
          label = c;
        }
      }
      if (argmax == label) {
        right++;
      }
    }
    return right;
  }

  @Override
  public void augmentedPasses(int[] draws, int codeLength, int passes, float weight, Runnable afterPass) {
    // The loop's 1f/(batches N_aug) stands for 1/(batches N_aug) (class comment).
    double w = weight == 1f / ((float) batches * passes) ? 1.0 / ((double) batches * passes) : weight;
    augmentedPasses(draws, codeLength, passes, weight, w, afterPass);
  }

  @Override
  public void augmentedPasses(int[] draws, int codeLength, int passes, float weight, double exactWeight,
      Runnable afterPass) {
    double w = exactWeight;
    Group group = arch.group();
    if (codeLength != group.codeLength()) {
      throw new IllegalArgumentException("codes of " + codeLength + " ints; " + group.name() + " has "
          + group.codeLength());
    }
    int out = data.targetDim();
    for (int pass = 0; pass < passes; pass++) {
      int drawsOff = pass * batches * codeLength;
      for (int from = 0; from < data.size(); from += stepRows) {
        int rows = Math.min(stepRows, data.size() - from);
        for (int b = 0; b < rows; b += cfg.batch()) {
          System.arraycopy(draws, drawsOff + (from + b) / cfg.batch() * codeLength, code, 0, codeLength);
          moveBatch(from + b, Math.min(cfg.batch(), rows - b), b);
        }
        float[] y = targetsMove ? yAug : data.targets();
        int yOff = targetsMove ? 0 : from * out;
        net.pass(a, null, xAug, 0, y, yOff, rows, cfg.batch(), w, grad, null);
      }
      afterPass.run();
    }
  }

  /** rho_X(g) x (and rho_Y(g) y when Y carries an action) of samples from..from+len into rows row.. of the scratch. */
  private void moveBatch(int from, int len, int row) {
    int in = data.inputDim();
    float[] x = data.inputs();
    inSpace.gather(code, xMap);
    for (int i = 0; i < len; i++) {
      int src = (from + i) * in;
      int dst = (row + i) * in;
      for (int j = 0; j < in; j++) {
        xAug[dst + j] = x[src + xMap[j]];
      }
    }
    if (targetsMove) {
      int out = data.targetDim();
      float[] y = data.targets();
      outSpace.gather(code, yMap);
      for (int i = 0; i < len; i++) {
        int src = (from + i) * out;
        int dst = (row + i) * out;
        for (int j = 0; j < out; j++) {
          yAug[dst + j] = y[src + yMap[j]];
        }
      }
    }
  }

  @Override
  public void projectGradient() {
    pi.ontoE(grad);
  }

  @Override
  public double[] gradientDistESquared() {
    List<ParameterLayout.LayerView> views = layout.layers();
    double[] d = new double[views.size()];
    for (int l = 0; l < d.length; l++) {
      d[l] = distanceSquaredToE(grad, l, views.get(l));
    }
    return d;
  }

  @Override
  public void addPenaltyGradient(double gamma) {
    double[] perp = a.clone();
    pi.ontoComplement(perp);
    for (int i = 0; i < layout.linearSize(); i++) {
      grad[i] += gamma * perp[i];
    }
  }

  @Override
  public void step(float lr) {
    // The loop's (float) lr stands for the protocol's lr (class comment).
    double tau = lr == (float) cfg.lr() ? cfg.lr() : lr;
    for (int i = 0; i < a.length; i++) {
      a[i] -= tau * grad[i];
    }
  }

  @Override
  public Measurement measure() {
    List<ParameterLayout.LayerView> views = layout.layers();
    double[] distInit = new double[views.size()];
    double[] distE = new double[views.size()];
    for (int l = 0; l < views.size(); l++) {
      ParameterLayout.LayerView v = views.get(l);
      double di = 0;
      for (int i = v.offset(); i < v.offset() + v.size(); i++) {
        double d = a[i] - a0[i];
        di += d * d;
      }
      distInit[l] = di;
      distE[l] = distanceSquaredToE(a, l, v);
    }
    return new Measurement(loss, accuracy, distInit, distE);
  }

  /**
   * ||A_k - Pi_E A_k||^2 of layer k of a (A, or the gradient): per channel pair and orbit, the squared deviations from the orbit mean,
   * taken relative to the orbit's first entry r (mean(A - r) = mean(A) - r), so that an orbit of equal entries
   * gives exactly 0, as the float measurement does, instead of the rounding of its mean.
   */
  private double distanceSquaredToE(double[] a, int l, ParameterLayout.LayerView v) {
    OrbitTable t = v.orbits();
    int dIn = t.in().positions();
    int dOut = t.out().positions();
    int cols = t.in().dim();
    int[] of = orbitOf[l];
    double[] sums = new double[orbitSize[l].length];
    double total = 0;
    for (int co = 0; co < t.out().channels(); co++) {
      for (int ci = 0; ci < t.in().channels(); ci++) {
        int base = v.offset() + co * dOut * cols + ci * dIn;
        Arrays.fill(sums, 0);
        for (int p = 0; p < dOut * dIn; p++) {
          int o = of[p];
          int f = orbitFirst[l][o];
          sums[o] += a[base + p / dIn * cols + p % dIn] - a[base + f / dIn * cols + f % dIn];
        }
        for (int p = 0; p < dOut * dIn; p++) {
          int o = of[p];
          int f = orbitFirst[l][o];
          double d = a[base + p / dIn * cols + p % dIn] - a[base + f / dIn * cols + f % dIn]
              - sums[o] / orbitSize[l][o];
          total += d * d;
        }
      }
    }
    return total;
  }

  /** A rounded to float (the engine's own values are {@link #parametersDouble}). */
  @Override
  public float[] parameters() {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  @Override
  public double[] parametersDouble() {
    return a.clone();
  }
}
