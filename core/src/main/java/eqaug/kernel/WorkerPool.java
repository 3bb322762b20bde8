package eqaug.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that run the parts of one job at a time, with no allocation per job (a mini-batch
 * runs dozens of matrix products; an executor would allocate tasks and futures for each). The caller runs
 * part 0 itself and waits for the others. Not re-entrant: one job at a time, from one thread.
 */
final class WorkerPool implements AutoCloseable {
  /** A job split into parts 0 .. parts-1, each run once. */
  interface Job {
    void run(int part);
  }

  /** How long a worker waits awake for the next job before it parks. */
  static final long SPIN_NANOS = 500_000;

  private final Thread[] workers;
  private volatile Job job;
  private volatile int parts;
  private volatile long generation;
  private volatile boolean closed;
  private volatile Throwable failure;
  private volatile Thread waiter;
  private final AtomicInteger pending = new AtomicInteger();

  WorkerPool(int threads, String name) {
    workers = new Thread[threads - 1];
    for (int w = 0; w < workers.length; w++) {
      int part = w + 1;
      Thread t = new Thread(() -> loop(part), name + "-" + part);
      t.setDaemon(true);
      workers[w] = t;
      t.start();
    }
  }

  int threads() {
    return workers.length + 1;
  }

  /** Runs job.run(0 .. parts-1) on parts threads (the caller's included) and returns when all are done. */
  void run(Job job, int parts) {
    if (parts > threads()) {
      throw new IllegalArgumentException(parts + " parts for " + threads() + " threads");
    }
    if (parts <= 1) {
      job.run(0);
      return;
    }
    this.job = job;
    this.parts = parts;
    this.failure = null;
    this.waiter = Thread.currentThread();
    pending.set(parts - 1);
    generation++; // volatile write: publishes job and parts to the workers
    for (int w = 0; w < parts - 1; w++) {
      LockSupport.unpark(workers[w]);
    }
    try {
      job.run(0);
    } finally {
      // The parts are of similar size, so the others finish about now: spin briefly, then sleep until the
      // last one wakes us (spinning longer would steal the core a descheduled worker needs).
      for (int spins = 0; pending.get() > 0; spins++) {
        if (spins < 1 << 12) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      this.job = null;
    }
    Throwable t = failure;
    if (t != null) {
      throw new IllegalStateException("a worker failed: " + t, t);
    }
  }

  private void loop(int part) {
    long seen = 0;
    long idleSince = System.nanoTime();
    while (!closed) {
      long g = generation;
      if (g == seen) {
        // A pass runs dozens of products with short elementwise work between them: waking a parked thread
        // costs tens of microseconds (more than a small product takes), so stay awake a while first.
        if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
        continue;
      }
      seen = g;
      if (part < parts) {
        try {
          job.run(part);
        } catch (Throwable t) {
          failure = t;
        } finally {
          if (pending.decrementAndGet() == 0) {
            LockSupport.unpark(waiter);
          }
        }
      }
      idleSince = System.nanoTime();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      LockSupport.unpark(t);
    }
  }
}
