package eqaug.apps;

import eqaug.backend.Backend;
import eqaug.backend.TrainingEngine;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RandomStreams;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.TrainingListener;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every (run, strategy) of one experiment: run r draws A^0 from its own stream, and the three
 * strategies start from it. After each (run, strategy) the results so far are handed to a checkpoint, so an
 * interrupted command keeps what it finished.
 */
final class ExperimentRunner {
  static final List<Strategy> STRATEGIES = List.of(Strategy.NOMINAL, Strategy.AUGMENTED, Strategy.EQUIVARIANT);

  /** What has been computed so far. */
  static final class Outcome {
    final List<EpochRecord> records = new ArrayList<>();
    final List<RunOutcome> runs = new ArrayList<>();
    final Map<Strategy, Double> seconds = new EnumMap<>(Strategy.class);
    /** ||A^0|| over the linear layers, per run: the scale that "rounding level" refers to. */
    final List<Double> initialNorms = new ArrayList<>();
    String engine = "";
    double wallSeconds;
    boolean complete;
  }

  interface Checkpoint {
    void save(Outcome soFar);
  }

  private ExperimentRunner() {}

  /**
   * Arithmetic of one pass over the data in MFLOP: 2 flops per weight and sample forward, 4 more backward.
   * Progress is counted in this unit so that the ETA holds across experiments of very different cost.
   */
  static long passMflop(Experiment exp, boolean withGradient) {
    double forward = 2.0 * ParameterLayout.of(exp.architecture()).linearSize() * exp.data().size();
    return Math.max(1, Math.round((withGradient ? 3 : 1) * forward / 1e6));
  }

  /** Work of the whole protocol in MFLOP: per epoch one nominal pass (with gradient except for AUGMENTED), the final evaluation, and N_aug augmented passes per AUGMENTED epoch. */
  static long work(Experiment exp, Protocol protocol) {
    TrainConfig cfg = protocol.train();
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    long nominal = cfg.epochs() * train + eval;
    long augmented = (cfg.epochs() + 1L) * eval + (long) cfg.epochs() * cfg.naug() * train;
    return protocol.runs() * (2 * nominal + augmented);
  }

  static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, Progress progress,
      Checkpoint checkpoint) {
    return run(exp, protocol, backend, threads, 1, progress, checkpoint, null);
  }

  /** Work of one (run, strategy) in MFLOP, as {@link #work} counts it. */
  static long partWork(Experiment exp, Protocol protocol, Strategy s) {
    TrainConfig cfg = protocol.train();
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    return s == Strategy.AUGMENTED
        ? (cfg.epochs() + 1L) * eval + (long) cfg.epochs() * cfg.naug() * train
        : cfg.epochs() * train + eval;
  }

  /**
   * Trains every run; with parallelRuns > 1, that many runs at once, each on its own engine (a GPU is not
   * filled by one run). Results are committed in (run, strategy) order whatever finishes first, so the
   * files are the same as with one run at a time. With {@code prior} (a resumed folder), its parts are taken as
   * they are and only the rest is trained.
   */
  static Outcome run(Experiment exp, Protocol protocol, Backend backend, int threads, int parallelRuns,
      Progress progress, Checkpoint checkpoint, PriorResults prior) {
    Outcome out = new Outcome();
    long start = System.nanoTime();
    double priorWall = prior == null ? 0 : prior.wallSeconds;
    ParameterLayout layout = ParameterLayout.of(exp.architecture());
    RandomStreams streams = new RandomStreams(protocol.seed());
    int runs = protocol.runs();
    int workers = Math.max(1, Math.min(parallelRuns, runs));
    Part[][] parts = new Part[runs][STRATEGIES.size()];
    double[] norms = new double[runs];
    int[] next = {0, 0}; // the next (run, strategy) to commit
    int firstRun = 0;
    if (prior != null) {
      out.seconds.putAll(prior.seconds);
      for (PriorResults.Part p : prior.parts) {
        int last = p.records().isEmpty() ? -1 : p.records().get(p.records().size() - 1).epoch();
        parts[p.run()][STRATEGIES.indexOf(p.strategy())] =
            new Part(p.records(), new RunOutcome(p.run(), p.strategy(), null, last, p.divergence(), 0));
        norms[p.run()] = prior.initialNorms.get(p.run()); // checked against this build's A^0 before any training
      }
      firstRun = prior.parts.size() / STRATEGIES.size();
    }
    List<TrainingEngine> engines = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        engines.add(backend.open(exp.architecture(), exp.data(), protocol.train(), threads));
      }
      out.engine = engines.get(0).describe() + (workers > 1 ? " (" + workers + " runs at once)" : "");
      AtomicInteger nextRun = new AtomicInteger(firstRun);
      Runnable commit = () -> {
        synchronized (out) {
          boolean any = false;
          while (next[0] < runs && parts[next[0]][next[1]] != null) {
            Part p = parts[next[0]][next[1]];
            if (next[1] == 0) {
              out.initialNorms.add(norms[next[0]]);
            }
            out.records.addAll(p.records);
            out.runs.add(p.outcome);
            out.seconds.merge(p.outcome.strategy(), p.outcome.seconds(), Double::sum);
            any = true;
            if (++next[1] == STRATEGIES.size()) {
              next[1] = 0;
              next[0]++;
            }
          }
          if (any) {
            out.wallSeconds = priorWall + (System.nanoTime() - start) / 1e9;
            checkpoint.save(out);
          }
        }
      };
      commit.run(); // a resumed folder's parts, rewritten with this session's engine before any training
      List<Callable<Void>> jobs = new ArrayList<>();
      for (TrainingEngine engine : engines) {
        jobs.add(() -> {
          for (int run = nextRun.getAndIncrement(); run < runs; run = nextRun.getAndIncrement()) {
            float[] a0 = Initializer.initialParameters(layout, streams.init(run));
            double norm = norm(layout, a0);
            synchronized (out) {
              norms[run] = norm;
            }
            for (int si = 0; si < STRATEGIES.size(); si++) {
              synchronized (out) {
                if (parts[run][si] != null) {
                  continue; // finished before a resume
                }
              }
              Part p = trainOne(exp, protocol, engine, run, STRATEGIES.get(si), a0, streams, progress);
              synchronized (out) {
                parts[run][si] = p;
              }
              commit.run();
            }
          }
          return null;
        });
      }
      if (workers == 1) {
        jobs.get(0).call();
      } else {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
          for (Future<Void> f : pool.invokeAll(jobs)) {
            f.get();
          }
        } finally {
          pool.shutdownNow();
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      for (TrainingEngine engine : engines) {
        engine.close();
      }
    }
    out.complete = true;
    out.wallSeconds = priorWall + (System.nanoTime() - start) / 1e9;
    return out;
  }

  static double initialNorm(ParameterLayout layout, RandomStreams streams, int run) {
    return norm(layout, Initializer.initialParameters(layout, streams.init(run)));
  }

  /** ||A^0|| over the linear layers. */
  private static double norm(ParameterLayout layout, float[] a0) {
    double sq = 0;
    for (int i = 0; i < layout.linearSize(); i++) {
      sq += (double) a0[i] * a0[i];
    }
    return Math.sqrt(sq);
  }

  /** One (run, strategy): its epoch records and how it ended. */
  private record Part(List<EpochRecord> records, RunOutcome outcome) {}

  private static Part trainOne(Experiment exp, Protocol protocol, TrainingEngine engine, int run, Strategy s,
      float[] a0, RandomStreams streams, Progress progress) {
    long train = passMflop(exp, true);
    long eval = passMflop(exp, false);
    progress.message(exp.name() + " run " + (run + 1) + "/" + protocol.runs() + " " + s);
    long expected = partWork(exp, protocol, s);
    long[] seen = {0};
    List<EpochRecord> records = new ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onEpoch(EpochRecord record) {
        records.add(record);
      }

      @Override
      public void onPass(boolean withGradient) {
        long w = withGradient ? train : eval;
        seen[0] += w;
        progress.step(w);
      }

      @Override
      public void onDiverged(int r, Strategy st, int epoch, String reason) {
        progress.warn(exp.name() + ": " + reason);
      }
    };
    RunOutcome result = engine.train(run, s, a0, streams.augment(run), listener);
    if (seen[0] < expected) {
      progress.step(expected - seen[0]); // a diverged run ends early; its remaining work counts as done
    }
    return new Part(records, result);
  }
}
