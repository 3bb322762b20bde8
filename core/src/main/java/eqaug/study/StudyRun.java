package eqaug.study;

import eqaug.backend.TrainingEngine;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RandomStreams;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One training session of a {@link Study}: runs are handed to the engines one at a time, and parts are
 * committed in (run, strategy) order whatever finishes first, so the results and every checkpoint are the
 * same with one run at a time or several.
 */
final class StudyRun {
  private final Study study;
  private final Study.Execution execution;
  private final StudyListener listener;
  private final Study.Resume resume;
  private final List<Strategy> strategies;
  private final int runs;
  private final StudyResults.Part[][] parts;
  private final double[] norms;
  private final List<StudyResults.Part> committed = new ArrayList<>();
  private final List<Double> committedNorms = new ArrayList<>();
  /** The next (run, strategy index) to commit. */
  private int nextRun;
  private int nextStrategy;
  private String engine = "";
  private long start;

  StudyRun(Study study, Study.Execution execution, StudyListener listener, Study.Resume resume) {
    this.study = study;
    this.execution = execution;
    this.listener = listener;
    this.resume = resume;
    this.strategies = study.strategies();
    this.runs = study.runs();
    this.parts = new StudyResults.Part[runs][strategies.size()];
    this.norms = new double[runs];
  }

  StudyResults run() {
    start = System.nanoTime();
    ParameterLayout layout = ParameterLayout.of(study.architecture());
    RandomStreams streams = study.streams();
    int workers = Math.max(1, Math.min(execution.parallelRuns(), runs));
    int firstRun = resume == null ? 0 : takeResumed();
    List<TrainingEngine> engines = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        engines.add(execution.backend().open(study.architecture(), study.data(), study.train(), execution.threads()));
      }
      engine = engines.get(0).describe() + (workers > 1 ? " (" + workers + " runs at once)" : "");
      commit(); // a resumed study's parts, committed with this session's engine before any training
      AtomicInteger next = new AtomicInteger(firstRun);
      List<Callable<Void>> jobs = new ArrayList<>();
      for (TrainingEngine e : engines) {
        jobs.add(() -> {
          for (int run = next.getAndIncrement(); run < runs; run = next.getAndIncrement()) {
            float[] a0 = Initializer.initialParameters(layout, streams.init(run));
            double norm = Study.linearNorm(layout, a0);
            synchronized (this) {
              norms[run] = norm;
            }
            for (int si = 0; si < strategies.size(); si++) {
              synchronized (this) {
                if (parts[run][si] != null) {
                  continue; // finished before a resume
                }
              }
              StudyResults.Part p = trainOne(e, run, strategies.get(si), a0, streams);
              synchronized (this) {
                parts[run][si] = p;
              }
              commit();
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
      for (TrainingEngine e : engines) {
        e.close();
      }
    }
    synchronized (this) {
      return snapshot(true);
    }
  }

  /** Places the resumed parts; returns the first run with a part still to train. */
  private int takeResumed() {
    if (resume.parts().size() > runs * strategies.size()) {
      throw new IllegalArgumentException("resumed " + resume.parts().size() + " parts; the study has "
          + runs * strategies.size());
    }
    int k = 0;
    for (StudyResults.Part p : resume.parts()) {
      int si = strategies.indexOf(p.strategy());
      if (p.run() != k / strategies.size() || si != k % strategies.size()) {
        throw new IllegalArgumentException("resumed part " + k + " is (run " + p.run() + ", " + p.strategy()
            + "); parts must be the first ones in (run, strategy) order");
      }
      if (p.run() >= resume.initialNorms().size()) {
        throw new IllegalArgumentException("resumed run " + p.run() + " comes without its ||A0||");
      }
      parts[p.run()][si] = p;
      norms[p.run()] = resume.initialNorms().get(p.run());
      k++;
    }
    return k / strategies.size();
  }

  /** Commits the parts that are next in (run, strategy) order, and tells the listener if there were any. */
  private synchronized void commit() {
    boolean any = false;
    while (nextRun < runs && parts[nextRun][nextStrategy] != null) {
      if (nextStrategy == 0) {
        committedNorms.add(norms[nextRun]);
      }
      committed.add(parts[nextRun][nextStrategy]);
      any = true;
      if (++nextStrategy == strategies.size()) {
        nextStrategy = 0;
        nextRun++;
      }
    }
    if (any) {
      listener.committed(snapshot(false));
    }
  }

  private StudyResults snapshot(boolean complete) {
    return new StudyResults(study, committed, committedNorms, engine, (System.nanoTime() - start) / 1e9, complete);
  }

  private StudyResults.Part trainOne(TrainingEngine e, int run, Strategy s, float[] a0, RandomStreams streams) {
    listener.partStarted(run, s);
    List<EpochRecord> records = new ArrayList<>();
    TrainingListener perPart = new TrainingListener() {
      @Override
      public void onEpoch(EpochRecord record) {
        records.add(record);
        listener.epoch(record);
      }

      @Override
      public void onPass(boolean withGradient) {
        listener.pass(run, s, withGradient);
      }

      @Override
      public void onDiverged(int r, Strategy st, int epoch, String reason) {
        listener.diverged(r, st, epoch, reason);
      }
    };
    RunOutcome outcome = e.train(run, s, a0, streams.augment(run), perPart);
    StudyResults.Part p = new StudyResults.Part(run, s, records, outcome);
    listener.partFinished(p);
    return p;
  }
}
