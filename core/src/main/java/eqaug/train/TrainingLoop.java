package eqaug.train;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.hessian.EquivariantProjection;
import eqaug.nn.ParameterLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The training loop of the paper's §5, written once for every {@link Engine}: gradient descent
 * A <- A - lr * grad, one step per epoch. NOMINAL averages the mini-batch gradients over the data set;
 * AUGMENTED does so over N_aug passes, each mini-batch moved by one Haar-random g, drawn from the run's
 * stream in pass, then mini-batch order (or over every element of the {@link Augmentation}'s support, when exact);
 * EQUIVARIANT projects the nominal gradient onto E before the step. A penalty γ adds γ Pi_E-perp A to every
 * strategy's gradient before that projection.
 * Every epoch (0 = A^0 to epochs) is measured on the unaugmented data; a run whose loss or parameters stop
 * being finite ends there.
 */
public final class TrainingLoop {
  private final Engine engine;
  private final TrainConfig cfg;
  private final Group group;
  private final List<String> layerNames;

  public TrainingLoop(Engine engine, TrainConfig cfg) {
    this.engine = engine;
    this.cfg = cfg;
    this.group = engine.architecture().group();
    this.layerNames = layerNames(ParameterLayout.of(engine.architecture()));
  }

  static List<String> layerNames(ParameterLayout layout) {
    List<String> names = new ArrayList<>();
    for (ParameterLayout.LayerView v : layout.layers()) {
      names.add(v.name());
    }
    return List.copyOf(names);
  }

  /** Trains one run with one strategy from A^0, reporting every epoch (0 to epochs) to the listener. */
  public RunOutcome run(int run, Strategy strategy, float[] a0, RandomGenerator augRng, TrainingListener listener) {
    return run(run, strategy, e -> e.load(a0), null, null, augRng, listener);
  }

  /** The same from a start given in double (a perturbed A^0 + ε u, kept exactly by a float64 engine). */
  public RunOutcome run(int run, Strategy strategy, double[] a0, RandomGenerator augRng, TrainingListener listener) {
    return run(run, strategy, e -> e.load(a0), null, null, augRng, listener);
  }

  /**
   * Trains one run from A^0 and, in lockstep on {@code twin}, the same run from {@code twinA0} with the very same
   * draws (common random numbers): the records are A's, each with ||Pi_E-perp (A - A')|| against the twin's A'.
   * Their difference evolves by the dynamics alone, d <- d - lr (grad(A) - grad(A')), the sampling noise cancelling
   * to first order (docs/noise.md). {@code twin} must be another engine of the same architecture and protocol.
   */
  public RunOutcome runPaired(int run, Strategy strategy, float[] a0, Engine twin, float[] twinA0,
      RandomGenerator augRng, TrainingListener listener) {
    return runPaired(run, strategy, e -> e.load(a0), twin, e -> e.load(twinA0), augRng, listener);
  }

  /** The same from starts given in double. */
  public RunOutcome runPaired(int run, Strategy strategy, double[] a0, Engine twin, double[] twinA0,
      RandomGenerator augRng, TrainingListener listener) {
    return runPaired(run, strategy, e -> e.load(a0), twin, e -> e.load(twinA0), augRng, listener);
  }

  private RunOutcome runPaired(int run, Strategy strategy, java.util.function.Consumer<Engine> a0, Engine twin,
      java.util.function.Consumer<Engine> twinA0, RandomGenerator augRng, TrainingListener listener) {
    if (twin == null || twin == engine) {
      throw new IllegalArgumentException("a paired run needs a second engine");
    }
    return run(run, strategy, a0, twin, twinA0, augRng, listener);
  }

  /** {@code a0} and {@code twinA0} load each engine's start (float or double, without copying it first). */
  private RunOutcome run(int run, Strategy strategy, java.util.function.Consumer<Engine> a0, Engine twin,
      java.util.function.Consumer<Engine> twinA0, RandomGenerator augRng, TrainingListener listener) {
    long start = System.nanoTime();
    a0.accept(engine);
    if (twin != null) {
      twinA0.accept(twin);
    }
    int batches = engine.batches();
    int codeLength = group.codeLength();
    Augmentation aug = cfg.augmentation();
    boolean augmented = strategy == Strategy.AUGMENTED;
    // Exact: one pass per element of the support, every mini-batch moved by it, weighted by its probability.
    List<GroupElement> support = augmented && aug.exact() ? aug.support(group) : null;
    double[] probability = support == null ? null : aug.probabilities(group);
    int[] draws = !augmented ? null
        : new int[(support == null ? cfg.naug() : 1) * batches * codeLength];
    int[] code = new int[codeLength];
    double penalty = cfg.penalty();
    int epochs = cfg.epochs();
    for (int epoch = 0; epoch <= epochs; epoch++) {
      boolean last = epoch == epochs;
      boolean nominalGradient = !last && !augmented;
      for (Engine e : engines(twin)) {
        if (nominalGradient) {
          e.zeroGradient();
        }
        // The loss at A_epoch on the unaugmented data; for NOMINAL and EQUIVARIANT the same pass gives the gradient.
        if (e == engine || nominalGradient) {
          e.nominalPass(nominalGradient, 1f / batches);
          listener.onPass(nominalGradient);
        }
      }
      EpochRecord rec = record(run, strategy, epoch, engine.measure(), layerNames).withPenaltyWeight(penalty);
      if (!Double.isFinite(rec.loss()) || !Double.isFinite(rec.totalDistInit())) {
        String why = "run " + run + ", " + strategy + ", epoch " + epoch + ": the loss became "
            + rec.loss() + " (training diverged; metrics up to epoch " + (epoch - 1) + " are kept)";
        listener.onDiverged(run, strategy, epoch, why);
        return new RunOutcome(run, strategy, engine.parameters(), epoch - 1, why, seconds(start));
      }
      if (twin != null) {
        rec = rec.withPair(pairDistESquared(engine.parametersDouble(), twin.parametersDouble()));
      }
      if (!last && augmented) {
        for (Engine e : engines(twin)) {
          e.zeroGradient();
        }
        if (support == null) {
          // All of the epoch's draws first: the same sequence as drawing before each mini-batch, handed over at once.
          for (int d = 0; d < cfg.naug() * batches; d++) {
            aug.sample(group, augRng, code);
            System.arraycopy(code, 0, draws, d * codeLength, codeLength);
          }
          float weight = 1f / ((float) batches * cfg.naug());
          for (Engine e : engines(twin)) {
            e.augmentedPasses(draws, codeLength, cfg.naug(), weight, () -> listener.onPass(true));
          }
        } else {
          for (int p = 0; p < support.size(); p++) {
            int[] g = support.get(p).code();
            for (int b = 0; b < batches; b++) {
              System.arraycopy(g, 0, draws, b * codeLength, codeLength);
            }
            // Uniform weights as the sampled case writes them, so N_aug = |G| draws of each element once agree.
            float weight = aug.weights() == null ? 1f / ((float) batches * support.size())
                : (float) (probability[p] / batches);
            // The same weight unrounded, for the fp64 engine (1/12 or 1/72 are not floats).
            double exactWeight = aug.weights() == null ? 1.0 / ((double) batches * support.size())
                : probability[p] / batches;
            for (Engine e : engines(twin)) {
              e.augmentedPasses(draws, codeLength, 1, weight, exactWeight, () -> listener.onPass(true));
            }
          }
        }
      }
      if (!last) {
        // The E-perp part of the gradient the step uses, before any penalty or projection (the noise model's xi).
        rec = rec.withGradient(engine.gradientDistESquared());
      }
      listener.onEpoch(rec);
      if (listener.wantsParameters(epoch)) {
        listener.onParameters(epoch, engine.parametersDouble());
      }
      if (last) {
        break;
      }
      for (Engine e : engines(twin)) {
        if (penalty > 0) {
          e.addPenaltyGradient(penalty);
        }
        if (strategy == Strategy.EQUIVARIANT) {
          e.projectGradient();
        }
        e.step((float) cfg.lr());
      }
    }
    return new RunOutcome(run, strategy, engine.parameters(), epochs, null, seconds(start));
  }

  private List<Engine> engines(Engine twin) {
    return twin == null ? List.of(engine) : List.of(engine, twin);
  }

  /** Per linear layer ||Pi_E-perp (a - b)||^2, in double. */
  private double[] pairDistESquared(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = a[i] - b[i];
    }
    projection().ontoComplement(d);
    List<ParameterLayout.LayerView> views = ParameterLayout.of(engine.architecture()).layers();
    double[] out = new double[views.size()];
    for (int l = 0; l < out.length; l++) {
      ParameterLayout.LayerView v = views.get(l);
      double s = 0;
      for (int i = v.offset(); i < v.offset() + v.size(); i++) {
        s += d[i] * d[i];
      }
      out[l] = s;
    }
    return out;
  }

  private EquivariantProjection projection;

  private EquivariantProjection projection() {
    if (projection == null) {
      projection = new EquivariantProjection(ParameterLayout.of(engine.architecture()));
    }
    return projection;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The epoch's record from an engine's measurement: per-layer distances, and their totals over L. */
  static EpochRecord record(int run, Strategy strategy, int epoch, Engine.Measurement m, List<String> layerNames) {
    int layers = m.distInitSquared().length;
    double[] distInit = new double[layers];
    double[] distE = new double[layers];
    double sumInit = 0;
    double sumE = 0;
    for (int i = 0; i < layers; i++) {
      double di = m.distInitSquared()[i];
      double de = m.distESquared()[i];
      sumInit += di;
      sumE += de;
      distInit[i] = Math.sqrt(di);
      distE[i] = Math.sqrt(de);
    }
    return new EpochRecord(run, strategy, epoch, m.loss(), m.accuracy(), layerNames, distInit, distE,
        Math.sqrt(sumInit), Math.sqrt(sumE));
  }
}
