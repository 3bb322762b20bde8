package eqaug.study;

import eqaug.backend.TrainingEngine;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
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
  /** The parts to train, in (run, strategy) order; results are committed in this order. */
  private final List<Study.PartId> order;
  /** Distinct runs of {@link #order}, in order: what the engines are handed. */
  private final List<Integer> selectedRuns = new ArrayList<>();
  private final StudyResults.Part[][] parts;
  private final boolean[][] selected;
  private final double[] norms;
  private final List<StudyResults.Part> committed = new ArrayList<>();
  private final List<Double> committedNorms = new ArrayList<>();
  /** The position in {@link #order} of the next part to commit. */
  private int next;
  private String engine = "";
  private long start;

  StudyRun(Study study, Study.Execution execution, StudyListener listener, Study.Resume resume,
      List<Study.PartId> order) {
    this.study = study;
    this.execution = execution;
    this.listener = listener;
    this.resume = resume;
    this.strategies = study.strategies();
    this.runs = study.runs();
    this.order = List.copyOf(order);
    this.parts = new StudyResults.Part[runs][strategies.size()];
    this.selected = new boolean[runs][strategies.size()];
    this.norms = new double[runs];
    if (this.order.isEmpty()) {
      throw new IllegalArgumentException("no parts selected to train");
    }
    int previous = -1;
    for (Study.PartId p : this.order) {
      int si = strategies.indexOf(p.strategy());
      if (p.run() < 0 || p.run() >= runs || si < 0) {
        throw new IllegalArgumentException("part (run " + p.run() + ", " + p.strategy() + ") is not one of the study's "
            + runs + " runs x " + strategies);
      }
      int key = p.run() * strategies.size() + si;
      if (key <= previous) {
        throw new IllegalArgumentException("selected parts must be distinct and in (run, strategy) order; (run "
            + p.run() + ", " + p.strategy() + ") comes too late");
      }
      previous = key;
      selected[p.run()][si] = true;
      if (selectedRuns.isEmpty() || selectedRuns.get(selectedRuns.size() - 1) != p.run()) {
        selectedRuns.add(p.run());
      }
    }
  }

  StudyResults run() {
    start = System.nanoTime();
    ParameterLayout layout = ParameterLayout.of(study.architecture());
    RandomStreams streams = study.streams();
    int workers = Math.max(1, Math.min(execution.parallelRuns(), selectedRuns.size()));
    int firstRun = resume == null ? 0 : takeResumed();
    List<TrainingEngine> engines = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        engines.add(execution.backend().open(study.architecture(), study.data(), study.train(), execution.threads(),
            execution.precision()));
      }
      engine = engines.get(0).describe() + (workers > 1 ? " (" + workers + " runs at once)" : "");
      commit(); // a resumed study's parts, committed with this session's engine before any training
      AtomicInteger next = new AtomicInteger(firstRun);
      List<Callable<Void>> jobs = new ArrayList<>();
      for (TrainingEngine e : engines) {
        jobs.add(() -> {
          for (int i = next.getAndIncrement(); i < selectedRuns.size(); i = next.getAndIncrement()) {
            int run = selectedRuns.get(i);
            float[] a0 = study.initialParameters(run);
            double norm = Study.linearNorm(layout, a0);
            synchronized (this) {
              norms[run] = norm;
            }
            for (int si = 0; si < strategies.size(); si++) {
              synchronized (this) {
                if (!selected[run][si] || parts[run][si] != null) {
                  continue; // not this session's, or finished before a resume
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

  /** Places the resumed parts; returns the index in {@link #selectedRuns} of the first run with a part still to train. */
  private int takeResumed() {
    if (resume.parts().size() > order.size()) {
      throw new IllegalArgumentException("resumed " + resume.parts().size() + " parts; " + order.size()
          + " are to be trained");
    }
    int k = 0;
    int runIndex = -1;
    int lastRun = -1;
    for (StudyResults.Part p : resume.parts()) {
      Study.PartId want = order.get(k);
      if (p.run() != want.run() || p.strategy() != want.strategy()) {
        throw new IllegalArgumentException("resumed part " + k + " is (run " + p.run() + ", " + p.strategy()
            + "); parts must be the first ones to train in (run, strategy) order, here (run " + want.run() + ", "
            + want.strategy() + ")");
      }
      if (p.run() != lastRun) {
        runIndex++;
        lastRun = p.run();
      }
      if (runIndex >= resume.initialNorms().size()) {
        throw new IllegalArgumentException("resumed run " + p.run() + " comes without its ||A0||");
      }
      parts[p.run()][strategies.indexOf(p.strategy())] = p;
      norms[p.run()] = resume.initialNorms().get(runIndex);
      k++;
    }
    if (k == order.size()) {
      return selectedRuns.size();
    }
    return selectedRuns.indexOf(order.get(k).run());
  }

  /** Commits the parts that are next in the selected order, and tells the listener if there were any. */
  private synchronized void commit() {
    boolean any = false;
    while (next < order.size()) {
      Study.PartId id = order.get(next);
      StudyResults.Part p = parts[id.run()][strategies.indexOf(id.strategy())];
      if (p == null) {
        break;
      }
      if (next == 0 || order.get(next - 1).run() != id.run()) {
        committedNorms.add(norms[id.run()]);
      }
      committed.add(p);
      any = true;
      next++;
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

      @Override
      public boolean wantsParameters(int epoch) {
        return listener.wantsParameters(run, s, epoch);
      }

      @Override
      public void onParameters(int epoch, double[] a) {
        listener.parameters(run, s, epoch, a);
      }
    };
    // A perturbed start goes to the engine in double, so a float64 engine keeps ε u below float32's ulp.
    double[] exact = study.initialParametersExact(run);
    RunOutcome outcome;
    if (exact == null) {
      outcome = e.train(run, s, a0, streams.augment(run), perPart);
    } else if (study.paired()) {
      float[] twin = study.unperturbedParameters(run);
      double[] twinExact = new double[twin.length];
      for (int i = 0; i < twin.length; i++) {
        twinExact[i] = twin[i];
      }
      outcome = e.trainPaired(run, s, exact, twinExact, streams.augment(run), perPart);
    } else {
      outcome = e.train(run, s, exact, streams.augment(run), perPart);
    }
    StudyResults.Part p = new StudyResults.Part(run, s, records, outcome);
    listener.partFinished(p);
    return p;
  }
}
