package eqaug.study;

import eqaug.train.EpochRecord;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The results of a {@link Study}, or of its parts committed so far: per (run, strategy) the epoch records and
 * how it ended, in (run, strategy) order, with ||A^0|| per run.
 */
public final class StudyResults {
  /** One (run, strategy): its epoch records (0 to the last completed) and how it ended. */
  public record Part(int run, Strategy strategy, List<EpochRecord> records, RunOutcome outcome) {
    public Part {
      records = List.copyOf(records);
    }

    public boolean diverged() {
      return outcome.diverged();
    }
  }

  private final Study study;
  private final List<Part> parts;
  private final List<Double> initialNorms;
  private final String engine;
  private final double wallSeconds;
  private final boolean complete;

  StudyResults(Study study, List<Part> parts, List<Double> initialNorms, String engine, double wallSeconds,
      boolean complete) {
    this.study = study;
    this.parts = List.copyOf(parts);
    this.initialNorms = List.copyOf(initialNorms);
    this.engine = engine;
    this.wallSeconds = wallSeconds;
    this.complete = complete;
  }

  public Study study() {
    return study;
  }

  /** The committed parts in (run, strategy) order. */
  public List<Part> parts() {
    return parts;
  }

  /** ||A^0|| over the linear layers of each run with a committed part, in the order of those runs. */
  public List<Double> initialNorms() {
    return initialNorms;
  }

  /** What computed (e.g. "cpu: vector(256-bit, 2 threads)"). */
  public String engine() {
    return engine;
  }

  /** Seconds from the start of this session's training to these results (a resumed study's earlier time excluded). */
  public double wallSeconds() {
    return wallSeconds;
  }

  /** Whether every part that was to be trained (all of the study's, or the selected ones) is here. */
  public boolean complete() {
    return complete;
  }

  /** Every epoch record, part after part. */
  public List<EpochRecord> records() {
    List<EpochRecord> all = new ArrayList<>();
    for (Part p : parts) {
      all.addAll(p.records());
    }
    return all;
  }

  /** The part (run, strategy). */
  public Part part(int run, Strategy strategy) {
    for (Part p : parts) {
      if (p.run() == run && p.strategy() == strategy) {
        return p;
      }
    }
    throw new IllegalArgumentException("no part (run " + run + ", " + strategy + ") in these results");
  }

  /** The record of (run, strategy) at an epoch. */
  public EpochRecord record(int run, Strategy strategy, int epoch) {
    Part p = part(run, strategy);
    if (epoch < 0 || epoch >= p.records().size()) {
      throw new IllegalArgumentException("run " + run + ", " + strategy + " has epochs 0 to " + (p.records().size() - 1)
          + (p.diverged() ? " (it diverged)" : "") + ", not " + epoch);
    }
    return p.records().get(epoch);
  }
}
