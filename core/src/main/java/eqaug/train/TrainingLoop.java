package eqaug.train;

import eqaug.group.Group;
import eqaug.nn.ParameterLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The training loop of the paper's §5, written once for every {@link Engine}: gradient descent
 * A <- A - lr * grad, one step per epoch. NOMINAL averages the mini-batch gradients over the data set;
 * AUGMENTED does so over N_aug passes, each mini-batch moved by one Haar-random g, drawn from the run's
 * stream in pass, then mini-batch order; EQUIVARIANT projects the nominal gradient onto E before the step.
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
    long start = System.nanoTime();
    engine.load(a0);
    int batches = engine.batches();
    int codeLength = group.codeLength();
    int[] draws = strategy == Strategy.AUGMENTED ? new int[cfg.naug() * batches * codeLength] : null;
    int[] code = new int[codeLength];
    int epochs = cfg.epochs();
    for (int epoch = 0; epoch <= epochs; epoch++) {
      boolean last = epoch == epochs;
      boolean nominalGradient = !last && strategy != Strategy.AUGMENTED;
      if (nominalGradient) {
        engine.zeroGradient();
      }
      // The loss at A_epoch on the unaugmented data; for NOMINAL and EQUIVARIANT the same pass gives the gradient.
      engine.nominalPass(nominalGradient, 1f / batches);
      listener.onPass(nominalGradient);
      EpochRecord rec = record(run, strategy, epoch, engine.measure(), layerNames);
      if (!Double.isFinite(rec.loss()) || !Double.isFinite(rec.totalDistInit())) {
        String why = "run " + run + ", " + strategy + ", epoch " + epoch + ": the loss became "
            + rec.loss() + " (training diverged; metrics up to epoch " + (epoch - 1) + " are kept)";
        listener.onDiverged(run, strategy, epoch, why);
        return new RunOutcome(run, strategy, engine.parameters(), epoch - 1, why, seconds(start));
      }
      listener.onEpoch(rec);
      if (listener.wantsParameters(epoch)) {
        listener.onParameters(epoch, engine.parametersDouble());
      }
      if (last) {
        break;
      }
      if (strategy == Strategy.AUGMENTED) {
        engine.zeroGradient();
        // All of the epoch's draws first: the same sequence as drawing before each mini-batch, handed over at once.
        for (int d = 0; d < cfg.naug() * batches; d++) {
          group.sample(augRng, code);
          System.arraycopy(code, 0, draws, d * codeLength, codeLength);
        }
        float weight = 1f / ((float) batches * cfg.naug());
        engine.augmentedPasses(draws, codeLength, cfg.naug(), weight, () -> listener.onPass(true));
      } else if (strategy == Strategy.EQUIVARIANT) {
        engine.projectGradient();
      }
      engine.step((float) cfg.lr());
    }
    return new RunOutcome(run, strategy, engine.parameters(), epochs, null, seconds(start));
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
