package eqaug.train;

import eqaug.data.Dataset;
import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.kernel.Kernels;
import eqaug.nn.Architecture;
import eqaug.nn.LossTally;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The CPU {@link Engine} of the §5 loop ({@link TrainingLoop}): A, A^0 and the gradient are float arrays, and
 * a pass runs the {@link Network} over whole mini-batches, several per network step. Its passes are public
 * for the tests and benchmarks that take the risk or its gradient at a given A: on the data as it is, with
 * Haar-random draws, or with the whole data set moved by one g.
 */
public final class Trainer implements Engine {
  private final Network net;
  private final Dataset data;
  private final TrainConfig cfg;
  private final ParameterLayout layout;
  private final Kernels kernels;
  private final FieldSpace inSpace;
  private final FieldSpace outSpace;
  private final boolean targetsMove;
  private final float[] xAug;
  private final float[] yAug;
  private final LossTally tally = new LossTally();
  /** Scratch for one group element and its gather maps, so augmentation allocates nothing. */
  private final int[] code;
  private final int[] xMap;
  private final int[] yMap;
  private final int batches;
  /** Mini-batches run together in one network step (same results, larger matrix products). */
  private final int batchesPerStep;
  private final List<String> layerNames;
  private final TrainingLoop loop;
  // The run in progress (Engine): A, A^0 and the gradient.
  private float[] a;
  private float[] a0;
  private float[] grad;

  public Trainer(Network net, Dataset data, TrainConfig cfg) {
    this.net = net;
    this.data = data;
    this.cfg = cfg;
    this.layout = net.layout();
    this.kernels = net.kernels();
    this.inSpace = net.architecture().input();
    this.outSpace = net.architecture().output();
    if (data.inputDim() != inSpace.dim() || data.targetDim() != outSpace.dim()) {
      throw new IllegalArgumentException("data set " + data.name() + " has inputs of " + data.inputDim()
          + " and targets of " + data.targetDim() + " values; the network expects " + inSpace.dim()
          + " and " + outSpace.dim());
    }
    int batch = Math.min(cfg.batch(), data.size());
    if (batch > net.maxBatch()) {
      throw new IllegalArgumentException("batch " + batch + " exceeds the network's " + net.maxBatch());
    }
    this.batchesPerStep = Math.max(1, net.maxBatch() / cfg.batch());
    int rows = Math.min(batchesPerStep * cfg.batch(), data.size());
    this.targetsMove = !outSpace.action().isTrivial();
    this.xAug = new float[rows * inSpace.dim()];
    this.yAug = targetsMove ? new float[rows * outSpace.dim()] : null;
    this.batches = (data.size() + cfg.batch() - 1) / cfg.batch();
    this.code = new int[inSpace.action().group().codeLength()];
    this.xMap = new int[inSpace.dim()];
    this.yMap = new int[outSpace.dim()];
    this.layerNames = TrainingLoop.layerNames(layout);
    this.loop = new TrainingLoop(this, cfg);
  }

  /** Rows a network should take per step for this protocol: whole mini-batches, about {@value #STEP_ROWS} rows. */
  public static int rowsPerStep(TrainConfig cfg, int samples) {
    return rowsPerStep(cfg, samples, STEP_ROWS);
  }

  /** Whole mini-batches of about {@code target} rows (a GPU wants more rows per product than a CPU). */
  public static int rowsPerStep(TrainConfig cfg, int samples, int target) {
    int perStep = Math.max(1, target / cfg.batch());
    return Math.min(perStep * cfg.batch(), Math.max(samples, 1));
  }

  /** Rows per network step: enough for the matrix products to run near peak, little memory. */
  public static final int STEP_ROWS = 256;

  /** Trains one run with one strategy from A^0 with the §5 loop, reporting every epoch (0 to epochs) to the listener. */
  public RunOutcome run(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener) {
    return loop.run(run, strategy, a0, augRng, listener);
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
    return net.architecture();
  }

  @Override
  public void load(float[] initial) {
    // A fresh A per run: the run's outcome keeps it.
    a = initial.clone();
    a0 = initial;
    if (grad == null || grad.length != a.length) {
      grad = new float[a.length];
    }
  }

  @Override
  public void zeroGradient() {
    Arrays.fill(grad, 0f);
  }

  @Override
  public void nominalPass(boolean gradient, float weight) {
    nominalPass(a, gradient ? grad : null, weight);
  }

  @Override
  public void augmentedPasses(int[] draws, int codeLength, int passes, float weight, Runnable afterPass) {
    for (int pass = 0; pass < passes; pass++) {
      movedPass(a, grad, weight, null, draws, pass * batches * codeLength);
      afterPass.run();
    }
  }

  @Override
  public void projectGradient() {
    layout.project(grad, kernels);
  }

  @Override
  public double[] gradientDistESquared() {
    List<ParameterLayout.LayerView> views = layout.layers();
    double[] d = new double[views.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = views.get(i).orbits().distanceSquaredToE(grad, views.get(i).offset(), kernels);
    }
    return d;
  }

  @Override
  public void addPenaltyGradient(double gamma) {
    for (ParameterLayout.LayerView v : layout.layers()) {
      v.orbits().addComplement(a, v.offset(), gamma, grad);
    }
  }

  @Override
  public void step(float lr) {
    kernels.axpy(-lr, grad, 0, a, 0, a.length);
  }

  @Override
  public Measurement measure() {
    return measurement(a, a0);
  }

  @Override
  public float[] parameters() {
    return a;
  }

  /** The number of mini-batches of one pass. */
  @Override
  public int batches() {
    return batches;
  }

  /** The number of mini-batches of one pass. */
  public int batchesPerPass() {
    return batches;
  }

  /** One pass over the data as it is; adds weight times each mini-batch's gradient to grad unless it is null. */
  public LossTally nominalPass(float[] a, float[] grad, float weight) {
    tally.reset();
    int in = data.inputDim();
    int out = data.targetDim();
    int step = batchesPerStep * cfg.batch();
    for (int from = 0; from < data.size(); from += step) {
      int rows = Math.min(step, data.size() - from);
      net.step(a, data.inputs(), from * in, data.targets(), from * out, rows, cfg.batch(), grad, weight, tally);
    }
    return tally;
  }

  /** One pass with each mini-batch moved by its own Haar-random group element (drawn in mini-batch order). */
  public LossTally augmentedPass(float[] a, float[] grad, float weight, RandomGenerator rng) {
    return movedPass(a, grad, weight, rng, null, 0);
  }

  /**
   * One pass with every mini-batch moved by the same group element g (inputs, and targets when they carry
   * an action): the risk on the data set moved by g, R(A; g data), and its gradient.
   */
  public LossTally movedPass(float[] a, float[] grad, float weight, GroupElement g) {
    System.arraycopy(g.code(), 0, code, 0, code.length);
    return movedPass(a, grad, weight, null, null, -1);
  }

  /**
   * A pass with mini-batch b moved by: a fresh draw from rng (when given), else the element at
   * draws[drawsOff + b * codeLength] (when draws are given), else the element already in {@link #code}.
   */
  private LossTally movedPass(float[] a, float[] grad, float weight, RandomGenerator rng, int[] draws, int drawsOff) {
    tally.reset();
    Group group = inSpace.action().group();
    int out = data.targetDim();
    int step = batchesPerStep * cfg.batch();
    for (int from = 0; from < data.size(); from += step) {
      int rows = Math.min(step, data.size() - from);
      for (int b = 0; b < rows; b += cfg.batch()) {
        if (rng != null) {
          group.sample(rng, code);
        } else if (draws != null) {
          System.arraycopy(draws, drawsOff + (from + b) / cfg.batch() * code.length, code, 0, code.length);
        }
        moveBatch(from + b, Math.min(cfg.batch(), rows - b), b);
      }
      float[] y = targetsMove ? yAug : data.targets();
      int yOff = targetsMove ? 0 : from * out;
      net.step(a, xAug, 0, y, yOff, rows, cfg.batch(), grad, weight, tally);
    }
    return tally;
  }

  /**
   * Writes rho_X(g) x (and rho_Y(g) y when Y carries an action), g the element in {@code code}, of samples
   * from..from+len to rows row..row+len of the scratch buffers.
   */
  private void moveBatch(int from, int len, int row) {
    int in = data.inputDim();
    inSpace.gather(code, xMap);
    for (int i = 0; i < len; i++) {
      kernels.gather(data.inputs(), (from + i) * in, xMap, xAug, (row + i) * in);
    }
    if (targetsMove) {
      int out = data.targetDim();
      outSpace.gather(code, yMap);
      for (int i = 0; i < len; i++) {
        kernels.gather(data.targets(), (from + i) * out, yMap, yAug, (row + i) * out);
      }
    }
  }

  /** The metrics of A against A^0 and E, with the loss and accuracy of the last nominal pass. */
  public EpochRecord measure(int run, Strategy strategy, int epoch, float[] a, float[] a0) {
    return TrainingLoop.record(run, strategy, epoch, measurement(a, a0), layerNames);
  }

  private Measurement measurement(float[] a, float[] a0) {
    List<ParameterLayout.LayerView> views = layout.layers();
    double[] distInit = new double[views.size()];
    double[] distE = new double[views.size()];
    for (int i = 0; i < views.size(); i++) {
      ParameterLayout.LayerView v = views.get(i);
      distInit[i] = kernels.sumSquaredDifference(a, v.offset(), a0, v.offset(), v.size());
      distE[i] = v.orbits().distanceSquaredToE(a, v.offset(), kernels);
    }
    return new Measurement(tally.loss(), tally.accuracy(), distInit, distE);
  }
}
