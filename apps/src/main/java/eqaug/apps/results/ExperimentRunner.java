package eqaug.apps.results;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.Protocol;

import eqaug.backend.Backend;
import eqaug.nn.ParameterLayout;
import eqaug.study.Study;
import eqaug.study.StudyListener;
import eqaug.study.StudyResults;
import eqaug.train.EpochRecord;
import eqaug.train.Precision;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's {@link Study} for the command line: progress counted in arithmetic, divergences as warnings,
 * and after each committed (run, strategy) the results so far handed to a checkpoint, so an interrupted command
 * keeps what it finished.
 */
public final class ExperimentRunner {
  public static final List<Strategy> STRATEGIES = Study.ALL_STRATEGIES;

  /** Where a running experiment reports its progress (the command line's bar, or nothing). */
  public interface Progress {
    /** {@code mflop} more arithmetic done. */
    void step(long mflop);

    /** What is being trained now. */
    void message(String text);

    /** A line that must be seen (a diverged run). */
    void warn(String text);
  }

  /** What has been computed so far. */
  public static final class Outcome {
    public final List<EpochRecord> records = new ArrayList<>();
    public final List<RunOutcome> runs = new ArrayList<>();
    public final Map<Strategy, Double> seconds = new EnumMap<>(Strategy.class);
    /** ||A^0|| over the linear layers, per run: the scale that "rounding level" refers to. */
    public final List<Double> initialNorms = new ArrayList<>();
    /** config.json's "saved_params": per committed part, the parameter files it wrote (--save-params). */
    public final List<Object> savedParams = new ArrayList<>();
    public String engine = "";
    public double wallSeconds;
    public boolean complete;
  }

  public interface Checkpoint {
    void save(Outcome soFar);
  }

  private ExperimentRunner() {}

  /**
   * Arithmetic of one pass over the data in MFLOP: 2 flops per weight and sample forward, 4 more backward.
   * Progress is counted in this unit so that the ETA holds across experiments of very different cost.
   */
  public static long passMflop(Experiment exp, boolean withGradient) {
    double forward = 2.0 * ParameterLayout.of(exp.architecture()).linearSize() * exp.data().size();
    return Math.max(1, Math.round((withGradient ? 3 : 1) * forward / 1e6));
  }

  /** Work of the whole protocol in MFLOP: per epoch one nominal pass (with gradient except for AUGMENTED), the final evaluation, and N_aug augmented passes per AUGMENTED epoch. */
  public static long work(Experiment exp, Protocol protocol) {
    TrainConfig cfg = protocol.train();
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    long nominal = cfg.epochs() * train + eval;
    long augmented = (cfg.epochs() + 1L) * eval + cfg.epochs() * cfg.passes(exp.architecture().group()) * train;
    // A paired run trains its unperturbed twin in lockstep: the gradient passes twice.
    int twins = protocol.perturbation() != null && protocol.perturbation().paired() ? 2 : 1;
    return protocol.runs() * twins * (2 * nominal + augmented);
  }

  public static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, Progress progress,
      Checkpoint checkpoint) {
    return run(exp, protocol, backend, threads, 1, progress, checkpoint, null);
  }

  /** Work of one (run, strategy) in MFLOP, as {@link #work} counts it. */
  public static long partWork(Experiment exp, Protocol protocol, Strategy s) {
    TrainConfig cfg = protocol.train();
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    int twins = protocol.perturbation() != null && protocol.perturbation().paired() ? 2 : 1;
    return twins * (s == Strategy.AUGMENTED
        ? (cfg.epochs() + 1L) * eval + cfg.epochs() * cfg.passes(exp.architecture().group()) * train
        : cfg.epochs() * train + eval);
  }

  /** The study an experiment's protocol describes. */
  static Study study(Experiment exp, Protocol protocol) {
    return study(exp, protocol, null);
  }

  /** The same, every run starting from {@code init}'s parameters when it is given. */
  public static Study study(Experiment exp, Protocol protocol, InitFile init) {
    Study s = new Study(exp.architecture(), exp.data(), protocol.train(), protocol.runs(), protocol.seed(), STRATEGIES)
        .withPerturbation(protocol.perturbation());
    return init == null ? s : s.withStart(run -> init.parameters());
  }

  /**
   * Trains every run; with parallelRuns > 1, that many runs at once, each on its own engine (a GPU is not
   * filled by one run). Results are committed in (run, strategy) order whatever finishes first, so the
   * files are the same as with one run at a time. With {@code prior} (a resumed folder), its parts are taken as
   * they are and only the rest is trained.
   */
  public static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, int parallelRuns,
      Progress progress, Checkpoint checkpoint, PriorResults prior) {
    return run(exp, protocol, backend, threads, parallelRuns, progress, checkpoint, prior, null);
  }

  /** As above, training only {@code selection} (a shard's parts, in (run, strategy) order; null: all). */
  public static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, int parallelRuns,
      Progress progress, Checkpoint checkpoint, PriorResults prior, List<Study.PartId> selection) {
    return run(exp, protocol, backend, threads, parallelRuns, Precision.FP32, progress, checkpoint, prior, selection,
        null, null);
  }

  /**
   * As above, at {@code precision} (one the backend supports), every run starting from {@code init} when it is
   * given (else from the seed's A^0), and A written at {@code save}'s epochs when it is given.
   */
  public static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, int parallelRuns,
      Precision precision, Progress progress, Checkpoint checkpoint, PriorResults prior, List<Study.PartId> selection,
      InitFile init, SavedParameters save) {
    Study.Resume resume = null;
    if (prior != null) {
      List<StudyResults.Part> parts = new ArrayList<>();
      for (PriorResults.Part p : prior.parts) {
        int last = p.records().isEmpty() ? -1 : p.records().get(p.records().size() - 1).epoch();
        parts.add(new StudyResults.Part(p.run(), p.strategy(), p.records(),
            new RunOutcome(p.run(), p.strategy(), null, last, p.divergence(), 0)));
      }
      // The norms were checked against this build's A^0 before any training.
      resume = new Study.Resume(parts, prior.initialNorms);
    }
    Study study = study(exp, protocol, init);
    StudyResults done = study.run(new Study.Execution(backend, threads, parallelRuns, precision),
        new Listener(exp, protocol, progress, checkpoint, prior, save), resume,
        selection == null ? study.parts() : selection);
    return outcome(done, prior, save);
  }

  /** The command's view of a study's results: a resumed folder's timings and saved parameter files added. */
  private static Outcome outcome(StudyResults r, PriorResults prior, SavedParameters save) {
    Outcome out = new Outcome();
    if (prior != null) {
      out.seconds.putAll(prior.seconds);
    }
    for (StudyResults.Part p : r.parts()) {
      out.records.addAll(p.records());
      out.runs.add(p.outcome());
      out.seconds.merge(p.strategy(), p.outcome().seconds(), Double::sum);
      if (save != null) {
        // A part kept from the resumed folder was not trained now: its files are the ones recorded there.
        List<Object> files = save.entries(p.run(), p.strategy());
        out.savedParams.addAll(!files.isEmpty() || prior == null ? files
            : prior.savedParams.getOrDefault(new Study.PartId(p.run(), p.strategy()), List.of()));
      }
    }
    out.initialNorms.addAll(r.initialNorms());
    out.engine = r.engine();
    out.wallSeconds = (prior == null ? 0 : prior.wallSeconds) + r.wallSeconds();
    out.complete = r.complete();
    return out;
  }

  /** Progress in MFLOP per pass, a diverged part's remaining work counted as done, and checkpoints. */
  private static final class Listener implements StudyListener {
    private final Experiment exp;
    private final Protocol protocol;
    private final Progress progress;
    private final Checkpoint checkpoint;
    private final PriorResults prior;
    private final SavedParameters save;
    private final long train;
    private final long eval;
    /** Work seen per (run, strategy); each part is trained on one thread. */
    private final long[] seen;

    Listener(Experiment exp, Protocol protocol, Progress progress, Checkpoint checkpoint, PriorResults prior,
        SavedParameters save) {
      this.save = save;
      this.exp = exp;
      this.protocol = protocol;
      this.progress = progress;
      this.checkpoint = checkpoint;
      this.prior = prior;
      this.train = passMflop(exp, true);
      this.eval = passMflop(exp, false);
      this.seen = new long[protocol.runs() * STRATEGIES.size()];
    }

    @Override
    public void partStarted(int run, Strategy s) {
      progress.message(exp.name() + " run " + (run + 1) + "/" + protocol.runs() + " " + s);
    }

    @Override
    public void pass(int run, Strategy s, boolean withGradient) {
      long w = withGradient ? train : eval;
      seen[run * STRATEGIES.size() + STRATEGIES.indexOf(s)] += w;
      progress.step(w);
    }

    @Override
    public void diverged(int run, Strategy s, int epoch, String reason) {
      progress.warn(exp.name() + ": " + reason);
    }

    @Override
    public void partFinished(StudyResults.Part part) {
      long expected = partWork(exp, protocol, part.strategy());
      long done = seen[part.run() * STRATEGIES.size() + STRATEGIES.indexOf(part.strategy())];
      if (done < expected) {
        progress.step(expected - done); // a diverged run ends early; its remaining work counts as done
      }
    }

    @Override
    public boolean wantsParameters(int run, Strategy s, int epoch) {
      return save != null && save.wants(epoch);
    }

    @Override
    public void parameters(int run, Strategy s, int epoch, double[] a) {
      save.save(run, s, epoch, a);
    }

    @Override
    public void committed(StudyResults soFar) {
      checkpoint.save(outcome(soFar, prior, save));
    }
  }
}
