package eqaug.apps.cli;

import eqaug.apps.experiments.UsageException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every experiment command shares. A value left unset takes the chosen scale's default. */
final class ExperimentOptions {
  enum Scale { quick, paper }

  @Option(names = "--scale", paramLabel = "quick|paper",
      description = "quick (default): a documented short protocol; paper: the full protocol of App. C.")
  Scale scale = Scale.quick;

  @Option(names = "--runs", paramLabel = "N", description = "Independent runs (random A^0 each).")
  Integer runs;

  @Option(names = "--epochs", paramLabel = "N", description = "Gradient steps (one full-batch step per epoch).")
  Integer epochs;

  @Option(names = "--naug", paramLabel = "N|all",
      description = {"Augmented passes per AUGMENTED epoch (N_aug); 'all': the exact augmented gradient, every",
          "element of G applied to every mini-batch (|G| passes; C4: 4, Z_14xZ_14: 196, S_N for perm --nodes <= 7)."})
  String naug;

  @Option(names = "--penalty", paramLabel = "GAMMA",
      description = {"Add GAMMA/2 ||Pi_E-perp A||^2 to every strategy's risk (default 0: none); its value is the",
          "'penalty' column of metrics.csv."})
  Double penalty;

  @Option(names = "--perturb", paramLabel = "EPS",
      description = {"Start every run from A^0 + EPS u, u a unit vector of E-perp drawn from the run's own stream",
          "(the same u for every strategy of a run)."})
  Double perturb;

  @Option(names = "--perturb-along", paramLabel = "FILE",
      description = "With --perturb: u read from this .npz (layout: docs/params.md, e.g. a vector of stability "
          + "--save-vectors), projected onto E-perp and normalised; the same u for every run and strategy.")
  Path perturbAlong;

  @Option(names = "--augment-by", paramLabel = "SPEC",
      description = {"AUGMENTED draws from a subgroup of G given by generators (e.g. rot: r2, the 180° turns) or",
          "from weighted elements (e.g. e:2,r2:3); E and every metric stay G's. Grammar: docs/augment-by.md."})
  String augmentBy;

  @Option(names = "--paired", description = {"With --perturb: also train the unperturbed A^0 in lockstep with the same",
      "draws, and record ||Pi_E-perp (A - A')|| as pair_dist_E (about twice the time; docs/noise.md)."})
  boolean paired;

  @Option(names = "--lr", paramLabel = "TAU", description = "Learning rate tau.")
  Double lr;

  @Option(names = "--batch", paramLabel = "N", description = "Mini-batch size.")
  Integer batch;

  @Option(names = "--samples", paramLabel = "N", description = "Data-set size: graphs, images (the first N) or shapes.")
  Integer samples;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of data, A^0 and group draws (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: a new folder under results/).")
  Path out;

  @Option(names = "--threads", paramLabel = "T", description = "CPU threads (default: all ${sys:eqaug.cpus} cores).")
  Integer threads;

  @Option(names = "--device", paramLabel = "NAME", description = "Where to train (default: ${DEFAULT-VALUE}).")
  String device = "cpu";

  @Option(names = "--precision", paramLabel = "fp32|fp64",
      description = {"Floating point of training (default: ${DEFAULT-VALUE}); fp64 trains in double on --device cpu",
          "(about twice the time of fp32; docs/stability.md), recorded in config.json as numerics.precision."})
  String precision = "fp32";

  @Option(names = "--parallel-runs", paramLabel = "N",
      description = "Runs trained at once, each on its own engine (default 1; a GPU is not filled by one run).")
  Integer parallelRuns;

  @Option(names = {"-q", "--quiet"}, description = "No progress output.")
  boolean quiet;

  @Option(names = "--resume", description = {"Go on with the interrupted results folder --out: its finished runs are kept,",
      "the rest trained; repeat the original options. The result equals an uninterrupted run's."})
  boolean resume;

  @Option(names = "--shard", paramLabel = "i/n",
      description = {"Train only shard i of n (a deterministic, cost-balanced share of the work units) into",
          "DIR/shards/i-of-n of --out DIR; `eqaug merge DIR` joins the shards when all are done."})
  String shard;

  @Option(names = "--save-params", paramLabel = "EPOCHS",
      description = {"Write A of every run and strategy at these epochs (comma-separated; 0 = A^0, 'last' = the final",
          "epoch) to params/run-R/STRATEGY/epoch-K.npz in the results folder (layout: docs/params.md)."})
  String saveParams;

  @Option(names = "--init", paramLabel = "FILE",
      description = {"Start every run and strategy from the parameters in this .npz (layout: docs/params.md;",
          "<f4 or <f8, <f8 rounded to float32) instead of the seed's A^0."})
  Path init;

  @Option(names = "--list-units", description = "Print the work units (with --shard, the shard's) with their estimated cost, and exit.")
  boolean listUnits;

  /** The parsed --shard, or null; it needs --out, the job's folder that every shard shares. */
  eqaug.apps.results.WorkUnits.Shard shard() {
    if (shard == null) {
      return null;
    }
    eqaug.apps.results.WorkUnits.Shard s = eqaug.apps.results.WorkUnits.Shard.parse(shard);
    if (out == null) {
      throw new UsageException("--shard needs --out DIR, the folder every shard of the job shares");
    }
    return s;
  }

  /** The parsed --precision. */
  eqaug.train.Precision precision() {
    try {
      return eqaug.train.Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage());
    }
  }

  /** The word --naug takes for the exact augmented gradient. */
  static final String ALL = "all";

  /** The parsed --naug: null when unset, -1 for 'all', else N_aug >= 1. */
  Integer naug() {
    if (naug == null) {
      return null;
    }
    if (naug.equals(ALL)) {
      return -1;
    }
    try {
      int n = Integer.parseInt(naug);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // the message below says what is accepted
    }
    throw new UsageException("--naug takes a positive integer or 'all', got '" + naug + "'");
  }

  /** The parsed --perturb (with --paired), or null. */
  eqaug.train.Perturbation perturbation() {
    return perturb == null ? null : new eqaug.train.Perturbation(perturb, paired);
  }

  int parallelRuns() {
    return parallelRuns == null ? 1 : parallelRuns;
  }

  int threads() {
    return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /** Rejects values no protocol can use, naming the option. */
  void validate() {
    positive("--runs", runs);
    positive("--epochs", epochs);
    naug();
    positive("--batch", batch);
    positive("--samples", samples);
    positive("--parallel-runs", parallelRuns);
    positive("--threads", threads);
    precision();
    if (penalty != null && !(penalty >= 0 && Double.isFinite(penalty))) {
      throw new UsageException("--penalty must be zero or a positive finite number, got " + penalty);
    }
    if (perturb != null && !(perturb >= 0 && Double.isFinite(perturb))) {
      throw new UsageException("--perturb must be zero or a positive finite number, got " + perturb);
    }
    if (paired && perturb == null) {
      throw new UsageException("--paired needs --perturb EPS (it trains A^0 + EPS u beside A^0)");
    }
    if (perturbAlong != null && perturb == null) {
      throw new UsageException("--perturb-along needs --perturb EPS (it gives the direction u of A^0 + EPS u)");
    }
    if (perturbAlong != null && shard != null) {
      throw new UsageException("--perturb-along cannot be combined with --shard (a merge would not carry the file); "
          + "run without --shard");
    }
    if (paired && !device.equals("cpu")) {
      throw new UsageException("--paired trains two runs in lockstep on --device cpu only, not --device " + device);
    }
    if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
      throw new UsageException("--lr must be a positive finite number, got " + lr);
    }
    if (threads != null && threads > 1024) {
      throw new UsageException("--threads must be at most 1024, got " + threads);
    }
    if (shard != null && (saveParams != null || init != null)) {
      throw new UsageException((saveParams != null ? "--save-params" : "--init") + " cannot be combined with --shard "
          + "(a merge would not carry the parameter files); run without --shard");
    }
    if (resume && out == null) {
      throw new UsageException("--resume needs --out DIR, the folder of the interrupted run");
    }
  }

  private static void positive(String name, Integer v) {
    if (v != null && v < 1) {
      throw new UsageException(name + " must be a positive integer, got " + v);
    }
  }

  static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
