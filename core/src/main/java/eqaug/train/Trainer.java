package eqaug.train;

import eqaug.data.Dataset;
import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.kernel.Kernels;
import eqaug.nn.LossTally;
import eqaug.nn.Network;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Gradient descent A <- A - lr * grad for the strategies of the paper's §5, on one data set:
 * NOMINAL averages the mini-batch gradients over the data set; AUGMENTED does so over N_aug passes, each
 * mini-batch moved by one Haar-random g (inputs, and targets when the output space carries an action);
 * EQUIVARIANT projects the nominal gradient onto E before the step. One step per epoch.
 */
public final class Trainer {
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
  private final List<String> layerNames = new ArrayList<>();

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
    for (ParameterLayout.LayerView v : layout.layers()) {
      layerNames.add(v.name());
    }
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

  /** Trains one run with one strategy from A^0, reporting every epoch (0 to epochs) to the listener. */
  public RunOutcome run(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener) {
    long start = System.nanoTime();
    float[] a = a0.clone();
    float[] grad = new float[a.length];
    int epochs = cfg.epochs();
    for (int epoch = 0; epoch <= epochs; epoch++) {
      boolean last = epoch == epochs;
      boolean nominalGradient = !last && strategy != Strategy.AUGMENTED;
      if (nominalGradient) {
        java.util.Arrays.fill(grad, 0f);
      }
      // The loss at A_epoch on the unaugmented data; for NOMINAL and EQUIVARIANT the same pass gives the gradient.
      nominalPass(a, nominalGradient ? grad : null, 1f / batches);
      listener.onPass(nominalGradient);
      EpochRecord rec = measure(run, strategy, epoch, a, a0);
      if (!Double.isFinite(rec.loss()) || !Double.isFinite(rec.totalDistInit())) {
        String why = "run " + run + ", " + strategy + ", epoch " + epoch + ": the loss became "
            + rec.loss() + " (training diverged; metrics up to epoch " + (epoch - 1) + " are kept)";
        listener.onDiverged(run, strategy, epoch, why);
        return new RunOutcome(run, strategy, a, epoch - 1, why, seconds(start));
      }
      listener.onEpoch(rec);
      if (last) {
        break;
      }
      if (strategy == Strategy.AUGMENTED) {
        java.util.Arrays.fill(grad, 0f);
        float weight = 1f / ((float) batches * cfg.naug());
        for (int pass = 0; pass < cfg.naug(); pass++) {
          augmentedPass(a, grad, weight, augRng);
          listener.onPass(true);
        }
      } else if (strategy == Strategy.EQUIVARIANT) {
        layout.project(grad);
      }
      kernels.axpy((float) -cfg.lr(), grad, 0, a, 0, a.length);
    }
    return new RunOutcome(run, strategy, a, epochs, null, seconds(start));
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
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
    return movedPass(a, grad, weight, rng, null);
  }

  /**
   * One pass with every mini-batch moved by the same group element g (inputs, and targets when they carry
   * an action): the risk on the data set moved by g, R(A; g data), and its gradient.
   */
  public LossTally movedPass(float[] a, float[] grad, float weight, GroupElement g) {
    return movedPass(a, grad, weight, null, g.code());
  }

  private LossTally movedPass(float[] a, float[] grad, float weight, RandomGenerator rng, int[] fixed) {
    tally.reset();
    Group group = inSpace.action().group();
    int out = data.targetDim();
    int step = batchesPerStep * cfg.batch();
    if (fixed != null) {
      System.arraycopy(fixed, 0, code, 0, code.length);
    }
    for (int from = 0; from < data.size(); from += step) {
      int rows = Math.min(step, data.size() - from);
      for (int b = 0; b < rows; b += cfg.batch()) {
        if (fixed == null) {
          group.sample(rng, code);
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
    List<ParameterLayout.LayerView> views = layout.layers();
    double[] distInit = new double[views.size()];
    double[] distE = new double[views.size()];
    double sumInit = 0;
    double sumE = 0;
    for (int i = 0; i < views.size(); i++) {
      ParameterLayout.LayerView v = views.get(i);
      double di = kernels.sumSquaredDifference(a, v.offset(), a0, v.offset(), v.size());
      double de = v.orbits().distanceSquaredToE(a, v.offset());
      sumInit += di;
      sumE += de;
      distInit[i] = Math.sqrt(di);
      distE[i] = Math.sqrt(de);
    }
    return new EpochRecord(run, strategy, epoch, tally.loss(), tally.accuracy(), layerNames,
        distInit, distE, Math.sqrt(sumInit), Math.sqrt(sumE));
  }
}
