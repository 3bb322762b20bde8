package eqaug.tornado;

import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.ParameterLayout;
import eqaug.space.FieldSpace;
import eqaug.train.Engine;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import eqaug.train.TrainingLoop;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.graph.DataTransferMode;
import eqaug.tornado.graph.ExecutionPlan;
import eqaug.tornado.graph.TaskGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL {@link Engine} of the §5 loop ({@link TrainingLoop}): the data set, parameters, A^0 and the
 * gradient stay in device buffers for the whole run; per epoch only the tally (two numbers per mini-batch) and
 * a few partial sums per layer come back. The loop draws the group elements on the host; only their gather
 * maps are uploaded: those of all N_aug passes of an epoch at once where they fit in {@link #MAP_UPLOAD_BYTES},
 * so the host waits for the device once per epoch (the metrics) and not at every step. Work is organised as
 * task graphs run by execution plans: the draws' upload, a nominal step, an augmented step, the projection,
 * the update, and the metrics.
 */
public final class DeviceEngine implements Engine {
  private final Architecture arch;
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
  /** Scratch for one draw's code and gather maps. */
  private final int[] code;
  private final int[] xMap;
  private final int[] yMap;
  /** Passes whose gather maps are uploaded together. */
  private final int passesPerUpload;
  private final ExecutionPlan upload;
  private final ExecutionPlan uploadDraws;
  private final ExecutionPlan nominalStep;
  private final ExecutionPlan augmentedStep;
  private final ExecutionPlan project;
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
  private float lr;

  public DeviceEngine(DeviceKernels kernels, Architecture arch, Dataset data, TrainConfig cfg) {
    this(kernels, arch, data, cfg, MAP_UPLOAD_BYTES);
  }

  /** With a budget for the gather maps uploaded at once (tests force one pass per upload). */
  DeviceEngine(DeviceKernels kernels, Architecture arch, Dataset data, TrainConfig cfg, long mapUploadBytes) {
    ClContext ctx = kernels.context();
    this.k = kernels;
    this.data = data;
    this.cfg = cfg;
    this.net = new DeviceNetwork(kernels, arch, Trainer.rowsPerStep(cfg, data.size(), DEVICE_STEP_ROWS));
    this.layout = net.layout();
    this.inSpace = arch.input();
    this.outSpace = arch.output();
    this.inputShift = arch.inputShift();
    this.arch = arch;
    this.code = new int[arch.group().codeLength()];
    this.xMap = new int[inSpace.dim()];
    this.yMap = new int[outSpace.dim()];
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
    project = plan(ctx, new TaskGraph("project onto E")
        .task("project onto E", () -> {
          for (int i = 0; i < orbits.size(); i++) {
            k.orbitProject(net.grad(), layout.layers().get(i).offset(), orbits.get(i));
          }
        }));
    update = plan(ctx, new TaskGraph("update")
        .task("step", () -> k.axpy(-lr, net.grad(), 0, net.params(), 0, layout.size())));
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

  @Override
  public Architecture architecture() {
    return arch;
  }

  @Override
  public int batches() {
    return batches;
  }

  @Override
  public void load(float[] a0Values) {
    upload.execute();
    net.params().write(a0Values);
    a0.write(a0Values);
  }

  @Override
  public void zeroGradient() {
    k.fill(net.grad(), 0, layout.size(), 0f);
  }

  @Override
  public void augmentedPasses(int[] draws, int codeLength, int passes, float w, Runnable afterPass) {
    for (int pass = 0; pass < passes; pass += passesPerUpload) {
      int chunk = Math.min(passesPerUpload, passes - pass);
      gatherMaps(draws, codeLength, pass, chunk);
      uploadDraws.enqueue();
      for (int p = 0; p < chunk; p++) {
        augmentedPass(w, p);
        afterPass.run();
      }
    }
  }

  @Override
  public void projectGradient() {
    project.enqueue();
  }

  /** On the host from the read-back gradient: once per epoch, small beside the epoch's passes. */
  @Override
  public double[] gradientDistESquared() {
    float[] g = net.grad().readFloats(0, layout.linearSize());
    double[] d = new double[layout.layers().size()];
    for (int i = 0; i < d.length; i++) {
      ParameterLayout.LayerView v = layout.layers().get(i);
      d[i] = v.orbits().distanceSquaredToE(g, v.offset());
    }
    return d;
  }

  /** On the host, as the CPU engine computes it: A and grad read back, grad written again (once per epoch). */
  @Override
  public void addPenaltyGradient(double gamma) {
    float[] a = net.params().readFloats(0, layout.linearSize());
    float[] g = net.grad().readFloats(0, layout.linearSize());
    for (ParameterLayout.LayerView v : layout.layers()) {
      v.orbits().addComplement(a, v.offset(), gamma, g);
    }
    net.grad().write(g);
  }

  @Override
  public void step(float lr) {
    this.lr = lr;
    update.enqueue();
  }

  /** The parameters on the device now. */
  @Override
  public float[] parameters() {
    return net.params().readFloats(0, layout.size());
  }

  /** Queues one pass over the data as it is (gradient into grad when asked). */
  @Override
  public void nominalPass(boolean gradient, float w) {
    wantGrad = gradient;
    weight = w;
    for (from = 0; from < data.size(); from += stepRows) {
      rows = Math.min(stepRows, data.size() - from);
      nominalStep.enqueue();
    }
  }

  /**
   * The gather maps of passes first..first+passes of an epoch's draws (pass, then mini-batch order, the loop's
   * order) into the host buffers that {@link #uploadDraws} sends.
   */
  private void gatherMaps(int[] draws, int codeLength, int first, int passes) {
    int in = inSpace.dim();
    int out = outSpace.dim();
    for (int s = 0; s < passes * batches; s++) {
      System.arraycopy(draws, (first * batches + s) * codeLength, code, 0, codeLength);
      inSpace.gather(code, xMap);
      System.arraycopy(xMap, 0, xMapHost, s * in, in);
      if (targetsMove) {
        outSpace.gather(code, yMap);
        System.arraycopy(yMap, 0, yMapHost, s * out, out);
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

  /** The distances of the device's parameters to A^0 and E, with the loss and accuracy of the last nominal pass. */
  @Override
  public Measurement measure() {
    metrics.execute();
    int layers = layout.layers().size();
    double[] distInit = new double[layers];
    double[] distE = new double[layers];
    for (int i = 0; i < layers; i++) {
      distInit[i] = sum(partialsHost, partialStart[2 * i], partialStart[2 * i + 1]);
      distE[i] = sum(partialsHost, partialStart[2 * i + 1], partialStart[2 * i + 2]);
    }
    double loss = 0;
    double correct = 0;
    long entries = 0;
    for (int b = 0; b < batches; b++) {
      loss += tallyHost[2 * b];
      correct += tallyHost[2 * b + 1];
      entries += net.entries(Math.min(cfg.batch(), data.size() - b * cfg.batch()));
    }
    return new Measurement(loss / batches, correct / entries, distInit, distE);
  }

  private static double sum(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s;
  }
}
