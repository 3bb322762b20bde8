package eqaug.tornado;

import eqaug.data.Dataset;
import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.nn.Architecture;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import eqaug.train.EpochRecord;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import eqaug.train.TrainingListener;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.graph.DataTransferMode;
import eqaug.tornado.graph.ExecutionPlan;
import eqaug.tornado.graph.TaskGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@link Trainer}'s semantics on the device: the data set, parameters, A^0 and the gradient stay in device
 * buffers for the whole run; per epoch only the tally (two numbers per mini-batch) and a few partial sums per
 * layer come back. Group elements are drawn on the host in mini-batch order from the run's augRng, exactly as
 * the CPU trainer draws them, and only their gather maps are uploaded: those of all N_aug passes of an epoch
 * at once where they fit in {@link #MAP_UPLOAD_BYTES}, so the host waits for the device once per epoch (the
 * metrics) and not at every step. Work is organised as task graphs run by execution plans: the draws'
 * upload, a nominal step, an augmented step, the update, and the metrics.
 */
public final class DeviceTrainer {
  private final DeviceKernels k;
  private final DeviceNetwork net;
  private final Dataset data;
  private final TrainConfig cfg;
  private final ParameterLayout layout;
  private final FieldSpace inSpace;
  private final FieldSpace outSpace;
  private final boolean targetsMove;
  private final float inputShift;
  private final int batches;
  private final int stepRows;
  private final List<String> layerNames = new ArrayList<>();
  private final List<DeviceOrbits> orbits = new ArrayList<>();
  private final ClBuffer x;
  private final ClBuffer y;
  private final ClBuffer yAug;
  private final ClBuffer xMaps;
  private final ClBuffer yMaps;
  private final ClBuffer a0;
  private final ClBuffer tally;
  private final ClBuffer partials;
  private final int[] partialStart;
  private final int[] xMapHost;
  private final int[] yMapHost;
  /** Passes whose gather maps are uploaded together. */
  private final int passesPerUpload;
  private final ExecutionPlan upload;
  private final ExecutionPlan uploadDraws;
  private final ExecutionPlan nominalStep;
  private final ExecutionPlan augmentedStep;
  private final ExecutionPlan update;
  private final ExecutionPlan metrics;
  private double[] tallyHost;
  private double[] partialsHost;
  // The cursor the step graphs read when they run.
  private int from;
  private int rows;
  /** Row of the uploaded gather maps that the step's first mini-batch uses. */
  private int map0;
  /** Gather maps uploaded at once (bytes): a whole epoch's draws at the paper's sizes (Experiment 2: 7.8 MB). */
  static final long MAP_UPLOAD_BYTES = 64L << 20;
  /**
   * Rows per network step on the device: a 250-row product fills under one wave of an H200's 132
   * multiprocessors with 64x64 tiles; 2000 rows (80 mini-batches of 25) keep it busy.
   */
  static final int DEVICE_STEP_ROWS = 2000;
  private float weight;
  private boolean wantGrad;
  private Strategy strategy;

  public DeviceTrainer(DeviceKernels kernels, Architecture arch, Dataset data, TrainConfig cfg) {
    this(kernels, arch, data, cfg, MAP_UPLOAD_BYTES);
  }

  /** With a budget for the gather maps uploaded at once (tests force one pass per upload). */
  DeviceTrainer(DeviceKernels kernels, Architecture arch, Dataset data, TrainConfig cfg, long mapUploadBytes) {
    ClContext ctx = kernels.context();
    this.k = kernels;
    this.data = data;
    this.cfg = cfg;
    this.net = new DeviceNetwork(kernels, arch, Trainer.rowsPerStep(cfg, data.size(), DEVICE_STEP_ROWS));
    this.layout = net.layout();
    this.inSpace = arch.input();
    this.outSpace = arch.output();
    this.inputShift = arch.inputShift();
    if (data.inputDim() != inSpace.dim() || data.targetDim() != outSpace.dim()) {
      throw new IllegalArgumentException("data set " + data.name() + " has inputs of " + data.inputDim()
          + " and targets of " + data.targetDim() + " values; the network expects " + inSpace.dim()
          + " and " + outSpace.dim());
    }
    int batchesPerStep = Math.max(1, net.maxBatch() / cfg.batch());
    this.stepRows = batchesPerStep * cfg.batch();
    int maxRows = Math.min(stepRows, data.size());
    this.targetsMove = !outSpace.action().isTrivial();
    this.batches = (data.size() + cfg.batch() - 1) / cfg.batch();
    x = ctx.buffer("data.inputs", 4L * data.inputs().length);
    y = ctx.buffer("data.targets", 4L * data.targets().length);
    yAug = ctx.buffer("targets.augmented", 4L * maxRows * data.targetDim());
    long bytesPerPass = 4L * batches * (inSpace.dim() + (targetsMove ? outSpace.dim() : 0));
    this.passesPerUpload = (int) Math.max(1, Math.min(cfg.naug(), mapUploadBytes / bytesPerPass));
    xMapHost = new int[passesPerUpload * batches * inSpace.dim()];
    yMapHost = new int[targetsMove ? passesPerUpload * batches * outSpace.dim() : 1];
    xMaps = ctx.buffer("maps.inputs", 4L * xMapHost.length);
    yMaps = ctx.buffer("maps.targets", 4L * yMapHost.length);
    a0 = ctx.buffer("a0", 4L * layout.size());
    tally = ctx.buffer("tally", 2L * k.accBytes() * batches);
    partialStart = new int[2 * layout.layers().size() + 1];
    int p = 0;
    for (ParameterLayout.LayerView v : layout.layers()) {
      layerNames.add(v.name());
      DeviceOrbits o = DeviceOrbits.upload(ctx, v.name(), v.orbits());
      orbits.add(o);
      int i = orbits.size() - 1;
      partialStart[2 * i] = p;
      p += DeviceKernels.REDUCE_GROUPS;
      partialStart[2 * i + 1] = p;
      p += o.partialCount();
    }
    partialStart[partialStart.length - 1] = p;
    partials = ctx.buffer("partials", (long) k.accBytes() * p);
    upload = plan(ctx, new TaskGraph("upload")
        .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, data::inputs)
        .transferToDevice(DataTransferMode.FIRST_EXECUTION, y, data::targets));
    nominalStep = plan(ctx, new TaskGraph("nominal step")
        .task("load inputs", () -> k.loadRows(x, from * data.inputDim(), rows * data.inputDim(), inputShift, net.input()))
        .task("network step", () -> net.step(rows, cfg.batch(), y, from * data.targetDim(), weight, wantGrad, tally,
            from / cfg.batch())));
    uploadDraws = plan(ctx, new TaskGraph("augmentation draws")
        .transferIntsToDevice(DataTransferMode.EVERY_EXECUTION, xMaps, () -> xMapHost)
        .transferIntsToDevice(DataTransferMode.EVERY_EXECUTION, yMaps, () -> yMapHost));
    augmentedStep = plan(ctx, new TaskGraph("augmented step")
        .task("move inputs", () -> k.gatherRows(x, from, data.inputDim(), xMaps, map0, cfg.batch(), rows, inputShift,
            net.input()))
        .task("move targets", () -> {
          if (targetsMove) {
            k.gatherRows(y, from, data.targetDim(), yMaps, map0, cfg.batch(), rows, 0f, yAug);
          }
        })
        .task("network step", () -> net.step(rows, cfg.batch(), targetsMove ? yAug : y,
            targetsMove ? 0 : from * data.targetDim(), weight, true, tally, from / cfg.batch())));
    update = plan(ctx, new TaskGraph("update")
        .task("project onto E", () -> {
          if (strategy == Strategy.EQUIVARIANT) {
            for (int i = 0; i < orbits.size(); i++) {
              k.orbitProject(net.grad(), layout.layers().get(i).offset(), orbits.get(i));
            }
          }
        })
        .task("step", () -> k.axpy((float) -cfg.lr(), net.grad(), 0, net.params(), 0, layout.size())));
    TaskGraph m = new TaskGraph("metrics");
    for (int i = 0; i < orbits.size(); i++) {
      int layer = i;
      ParameterLayout.LayerView v = layout.layers().get(i);
      m.task("distance to A0 " + v.name(), () -> k.sumSquaredDifference(net.params(), v.offset(), a0, v.offset(),
          v.size(), partials, partialStart[2 * layer]));
      m.task("distance to E " + v.name(), () -> k.orbitDistance(net.params(), v.offset(), orbits.get(layer),
          partials, partialStart[2 * layer + 1]));
    }
    metrics = plan(ctx, m
        .task("read partials", () -> partialsHost = k.readAcc(partials, partialStart[partialStart.length - 1]))
        .task("read tally", () -> tallyHost = k.readAcc(tally, 2 * batches)));
  }

  private static ExecutionPlan plan(ClContext ctx, TaskGraph g) {
    return new ExecutionPlan(ctx, g.snapshot());
  }

  public DeviceNetwork network() {
    return net;
  }

  /** Trains one run from A^0 like {@link Trainer#run}, reporting every epoch (0 to epochs) to the listener. */
  public RunOutcome run(int run, Strategy strategy, float[] a0Values, RandomGenerator augRng, TrainingListener listener) {
    long start = System.nanoTime();
    this.strategy = strategy;
    upload.execute();
    net.params().write(a0Values);
    a0.write(a0Values);
    int epochs = cfg.epochs();
    for (int epoch = 0; epoch <= epochs; epoch++) {
      boolean last = epoch == epochs;
      boolean nominalGradient = !last && strategy != Strategy.AUGMENTED;
      if (nominalGradient) {
        k.fill(net.grad(), 0, layout.size(), 0f);
      }
      nominalPass(nominalGradient, 1f / batches);
      listener.onPass(nominalGradient);
      EpochRecord rec = measure(run, strategy, epoch);
      if (!Double.isFinite(rec.loss()) || !Double.isFinite(rec.totalDistInit())) {
        String why = "run " + run + ", " + strategy + ", epoch " + epoch + ": the loss became "
            + rec.loss() + " (training diverged; metrics up to epoch " + (epoch - 1) + " are kept)";
        listener.onDiverged(run, strategy, epoch, why);
        return new RunOutcome(run, strategy, parameters(), epoch - 1, why, seconds(start));
      }
      listener.onEpoch(rec);
      if (last) {
        break;
      }
      if (strategy == Strategy.AUGMENTED) {
        k.fill(net.grad(), 0, layout.size(), 0f);
        float w = 1f / ((float) batches * cfg.naug());
        for (int pass = 0; pass < cfg.naug(); pass += passesPerUpload) {
          int passes = Math.min(passesPerUpload, cfg.naug() - pass);
          drawMaps(passes, augRng);
          uploadDraws.enqueue();
          for (int p = 0; p < passes; p++) {
            augmentedPass(w, p);
            listener.onPass(true);
          }
        }
      }
      update.enqueue();
    }
    return new RunOutcome(run, strategy, parameters(), epochs, null, seconds(start));
  }

  /** The parameters on the device now. */
  public float[] parameters() {
    return net.params().readFloats(0, layout.size());
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Queues one pass over the data as it is (gradient into grad when asked). */
  public void nominalPass(boolean gradient, float w) {
    wantGrad = gradient;
    weight = w;
    for (from = 0; from < data.size(); from += stepRows) {
      rows = Math.min(stepRows, data.size() - from);
      nominalStep.enqueue();
    }
  }

  /**
   * Draws one Haar-random g per mini-batch for {@code passes} passes, in pass and mini-batch order (the CPU
   * trainer's order), into the host gather maps.
   */
  private void drawMaps(int passes, RandomGenerator rng) {
    Group group = inSpace.action().group();
    int in = inSpace.dim();
    int out = outSpace.dim();
    for (int s = 0; s < passes * batches; s++) {
      GroupElement g = group.sample(rng);
      System.arraycopy(inSpace.gather(g), 0, xMapHost, s * in, in);
      if (targetsMove) {
        System.arraycopy(outSpace.gather(g), 0, yMapHost, s * out, out);
      }
    }
  }

  /** Queues augmented pass {@code pass} of the uploaded draws (each mini-batch moved by its own g). */
  private void augmentedPass(float w, int pass) {
    weight = w;
    for (from = 0; from < data.size(); from += stepRows) {
      rows = Math.min(stepRows, data.size() - from);
      map0 = pass * batches + from / cfg.batch();
      augmentedStep.enqueue();
    }
  }

  /** The metrics of the device's parameters against A^0 and E, with the loss and accuracy of the last pass. */
  public EpochRecord measure(int run, Strategy s, int epoch) {
    metrics.execute();
    int layers = layout.layers().size();
    double[] distInit = new double[layers];
    double[] distE = new double[layers];
    double sumInit = 0;
    double sumE = 0;
    for (int i = 0; i < layers; i++) {
      double di = sum(partialsHost, partialStart[2 * i], partialStart[2 * i + 1]);
      double de = sum(partialsHost, partialStart[2 * i + 1], partialStart[2 * i + 2]);
      sumInit += di;
      sumE += de;
      distInit[i] = Math.sqrt(di);
      distE[i] = Math.sqrt(de);
    }
    double loss = 0;
    double correct = 0;
    long entries = 0;
    for (int b = 0; b < batches; b++) {
      loss += tallyHost[2 * b];
      correct += tallyHost[2 * b + 1];
      entries += net.entries(Math.min(cfg.batch(), data.size() - b * cfg.batch()));
    }
    return new EpochRecord(run, s, epoch, loss / batches, correct / entries, layerNames, distInit, distE,
        Math.sqrt(sumInit), Math.sqrt(sumE));
  }

  private static double sum(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s;
  }
}
