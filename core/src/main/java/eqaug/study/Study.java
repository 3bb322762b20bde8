package eqaug.study;

import eqaug.backend.Backend;
import eqaug.backend.CpuBackend;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.ParameterLayout;
import eqaug.train.Initializer;
import eqaug.train.Perturbation;
import eqaug.train.Precision;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.util.HashSet;
import java.util.List;

/**
 * A study of the paper's §5 on one architecture and data set: {@code runs} runs, each from its own A^0
 * (drawn from the seed's init stream and projected onto E, or given by a {@link StartPoint}), trained with each
 * strategy by gradient descent.
 * Every (run, strategy) is a pure function of (seed, run), so results do not depend on threads, on runs
 * trained at once, or on resuming. In a few lines:
 * <pre>{@code
 * Study study = new Study(arch, data, new TrainConfig(epochs, lr, batch, naug), runs, seed);
 * StudyResults results = study.run();
 * results.record(0, Strategy.AUGMENTED, epochs).totalDistE();
 * }</pre>
 */
public record Study(Architecture architecture, Dataset data, TrainConfig train, int runs, long seed,
    List<Strategy> strategies, StartPoint start, Perturbation perturbation) {
  /** The paper's three strategies, in the order their parts are committed within a run. */
  public static final List<Strategy> ALL_STRATEGIES =
      List.of(Strategy.NOMINAL, Strategy.AUGMENTED, Strategy.EQUIVARIANT);

  /**
   * Given start points: run r's A^0 in the layout's flat order, instead of {@link Initializer}'s draw (e.g.
   * parameters saved earlier, or brought from another program). It must be a pure function of the run, so that
   * every (run, strategy) stays a pure function of (seed, run).
   */
  @FunctionalInterface
  public interface StartPoint {
    float[] initialParameters(int run);
  }

  public Study {
    if (runs < 1) {
      throw new IllegalArgumentException("a study needs at least one run, got " + runs);
    }
    strategies = List.copyOf(strategies);
    if (strategies.isEmpty() || new HashSet<>(strategies).size() != strategies.size()) {
      throw new IllegalArgumentException("a study needs distinct strategies, got " + strategies);
    }
    if (data.inputDim() != architecture.input().dim() || data.targetDim() != architecture.output().dim()) {
      throw new IllegalArgumentException("data set " + data.name() + " has inputs of " + data.inputDim()
          + " and targets of " + data.targetDim() + " values; " + architecture.name() + " expects "
          + architecture.input().dim() + " and " + architecture.output().dim());
    }
  }

  /** All three strategies. */
  public Study(Architecture architecture, Dataset data, TrainConfig train, int runs, long seed) {
    this(architecture, data, train, runs, seed, ALL_STRATEGIES);
  }

  /** Each run from its A^0 drawn from the seed's init stream (§5). */
  public Study(Architecture architecture, Dataset data, TrainConfig train, int runs, long seed,
      List<Strategy> strategies) {
    this(architecture, data, train, runs, seed, strategies, null, null);
  }

  /** The same study with every run starting from {@code start}'s A^0 (null: the seed's draw again). */
  public Study withStart(StartPoint start) {
    return new Study(architecture, data, train, runs, seed, strategies, start, perturbation);
  }

  /**
   * The same study with every run starting from A^0 + ε u instead (u from the run's perturbation stream, the same
   * for every strategy); with {@code paired}, each part also trains the unperturbed A^0 in lockstep (null: none).
   */
  public Study withPerturbation(Perturbation perturbation) {
    return new Study(architecture, data, train, runs, seed, strategies, start, perturbation);
  }

  /**
   * Where and how a study trains: a backend, its threads, how many runs train at once (each on its own engine),
   * and the precision it computes in (one the backend supports).
   */
  public record Execution(Backend backend, int threads, int parallelRuns, Precision precision) {
    public Execution {
      if (threads < 1 || parallelRuns < 1) {
        throw new IllegalArgumentException("threads and parallel runs must be at least 1, got " + threads + " and "
            + parallelRuns);
      }
      java.util.Optional<String> refused = backend.refuses(precision);
      if (refused.isPresent()) {
        throw new IllegalArgumentException(refused.get());
      }
    }

    /** At fp32, the precision of every backend. */
    public Execution(Backend backend, int threads, int parallelRuns) {
      this(backend, threads, parallelRuns, Precision.FP32);
    }

    /** This machine's CPU with all its cores, one run at a time. */
    public static Execution cpu() {
      return new Execution(new CpuBackend(), Runtime.getRuntime().availableProcessors(), 1);
    }
  }

  /** One (run, strategy) of a study: the unit of work that is a pure function of (seed, run). */
  public record PartId(int run, Strategy strategy) {}

  /** Every part of this study in (run, strategy) order, the order in which parts are committed. */
  public List<PartId> parts() {
    List<PartId> all = new java.util.ArrayList<>();
    for (int r = 0; r < runs; r++) {
      for (Strategy s : strategies) {
        all.add(new PartId(r, s));
      }
    }
    return all;
  }

  /**
   * Parts finished earlier (a resumed study): the first of the parts to train in (run, strategy) order, and
   * ||A^0|| of every run they touch, in the order of those runs. They are taken as they are; only the parts after
   * them are trained.
   */
  public record Resume(List<StudyResults.Part> parts, List<Double> initialNorms) {
    public Resume {
      parts = List.copyOf(parts);
      initialNorms = List.copyOf(initialNorms);
    }
  }

  /** The study's random streams (data, A^0 and draws per run). */
  public RandomStreams streams() {
    return new RandomStreams(seed);
  }

  /** Run r's A^0: the unperturbed start, moved by ε u when the study is perturbed (u given, or run r's draw). */
  public float[] initialParameters(int run) {
    if (perturbation == null) {
      return unperturbedParameters(run);
    }
    double[] exact = initialParametersExact(run);
    float[] a = new float[exact.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) exact[i];
    }
    return a;
  }

  /**
   * Run r's perturbed A^0 in double, A^0 + ε u before any rounding to float: what an fp64 engine starts from, so
   * that a perturbation smaller than float32's ulp of the weights keeps its direction. Rounded to float it is
   * {@link #initialParameters}. Null when the study is not perturbed.
   */
  public double[] initialParametersExact(int run) {
    if (perturbation == null) {
      return null;
    }
    float[] a0 = unperturbedParameters(run);
    double[] u = perturbation.direction(ParameterLayout.of(architecture), () -> streams().perturb(run));
    double[] a = new double[a0.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = a0[i] + perturbation.epsilon() * u[i];
    }
    return a;
  }

  /** Whether each part also trains the unperturbed start in lockstep (common random numbers). */
  public boolean paired() {
    return perturbation != null && perturbation.paired();
  }

  /** Run r's A^0 before any perturbation: the given start point's (a copy), else drawn from the seed's init stream. */
  public float[] unperturbedParameters(int run) {
    ParameterLayout layout = ParameterLayout.of(architecture);
    if (start == null) {
      return Initializer.initialParameters(layout, streams().init(run));
    }
    float[] given = start.initialParameters(run);
    if (given == null || given.length != layout.size()) {
      throw new IllegalArgumentException("the start point of run " + run + " has " + (given == null ? "no"
          : given.length) + " parameters; " + architecture.name() + " has " + layout.size());
    }
    return given.clone();
  }

  /** ||A^0|| of run r over the linear layers: the scale that distances are compared with. */
  public double initialNorm(int run) {
    return linearNorm(ParameterLayout.of(architecture), initialParameters(run));
  }

  /** ||A|| over the linear layers L. */
  public static double linearNorm(ParameterLayout layout, float[] a) {
    double sq = 0;
    for (int i = 0; i < layout.linearSize(); i++) {
      sq += (double) a[i] * a[i];
    }
    return Math.sqrt(sq);
  }

  /** Trains every part on this machine's CPU, reporting nothing. */
  public StudyResults run() {
    return run(Execution.cpu(), StudyListener.NONE);
  }

  /** Trains every part. */
  public StudyResults run(Execution execution, StudyListener listener) {
    return run(execution, listener, null);
  }

  /** Trains the parts after {@code resume}'s (all when it is null). */
  public StudyResults run(Execution execution, StudyListener listener, Resume resume) {
    return run(execution, listener, resume, parts());
  }

  /**
   * Trains only {@code selected} (distinct parts of this study, in (run, strategy) order), after {@code resume}'s
   * (which are the first of them). Each part is the same as in a run of the whole study, so disjoint selections
   * trained anywhere join into the whole study's results.
   */
  public StudyResults run(Execution execution, StudyListener listener, Resume resume, List<PartId> selected) {
    return new StudyRun(this, execution, listener, resume, selected).run();
  }
}
