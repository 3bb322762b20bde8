package eqaug.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that run the parts of one job at a time, with no allocation per job (a mini-batch
 * runs dozens of matrix products; an executor would allocate tasks and futures for each). A job may have more
 * parts than there are threads: each thread, the caller's included, takes the next part not yet taken until
 * none is left, so when one thread is slow (on a shared machine, a core the host gives to someone else) the
 * others do its share instead of waiting for it. Not re-entrant: one job at a time, from one thread.
 */
final class WorkerPool implements AutoCloseable {
  /** A job split into parts 0 .. parts-1, each run once, on thread 0 .. threads-1 (for per-thread scratch). */
  interface Job {
    void run(int part, int thread);
  }

  /** How long a worker waits awake for the next job before it parks. */
  static final long SPIN_NANOS = 500_000;
  /** For this long of it the worker spins without yielding its core. */
  static final long SPIN_ONLY_NANOS = 20_000;
  /** At most this many parts per job (the part counter's width in {@link #state}). */
  static final int MAX_PARTS = 0xFFFF;

  private final Thread[] workers;
  /**
   * The job's generation (high 32 bits), its number of parts (next 16) and the next part to take (low 16), in
   * one word so that a thread takes a part of the job it saw, never of the next one.
   */
  private final AtomicLong state = new AtomicLong();
  private final AtomicInteger done = new AtomicInteger();
  private volatile Job job;
  private volatile boolean closed;
  private volatile Throwable failure;
  private volatile Thread waiter;

  WorkerPool(int threads, String name) {
    workers = new Thread[threads - 1];
    for (int w = 0; w < workers.length; w++) {
      int thread = w + 1;
      Thread t = new Thread(() -> loop(thread), name + "-" + thread);
      t.setDaemon(true);
      workers[w] = t;
      t.start();
    }
  }

  int threads() {
    return workers.length + 1;
  }

  /** Runs job.run(0 .. parts-1) on all threads (the caller's included) and returns when all parts are done. */
  void run(Job job, int parts) {
    if (parts < 1 || parts > MAX_PARTS) {
      throw new IllegalArgumentException(parts + " parts: between 1 and " + MAX_PARTS);
    }
    if (parts == 1 || workers.length == 0) {
      for (int p = 0; p < parts; p++) {
        job.run(p, 0);
      }
      return;
    }
    this.job = job;
    this.failure = null;
    this.waiter = Thread.currentThread();
    done.set(0);
    long generation = ((state.get() >>> 32) + 1) & 0xFFFF_FFFFL; // the word's 32 bits, wrapping after 2^32 jobs
    state.set(generation << 32 | (long) parts << 16); // volatile write: publishes the job to the workers
    for (int w = 0; w < Math.min(workers.length, parts - 1); w++) {
      LockSupport.unpark(workers[w]);
    }
    // A failing part does not stop the others: every part must be counted done before the job may change.
    for (int p; (p = take(generation)) >= 0; ) {
      try {
        job.run(p, 0);
      } catch (Throwable t) {
        failure = t;
      } finally {
        done.incrementAndGet();
      }
    }
    // The other threads finish their last parts about now: spin briefly, then sleep until the last one
    // wakes us (spinning longer would steal the core a descheduled worker needs).
    for (int spins = 0; done.get() < parts; spins++) {
      if (spins < 1 << 12) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
    this.job = null;
    // As the part threw it, whichever thread ran it, so that callers see the same exception at any thread count.
    Throwable t = failure;
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException("a part of a parallel job failed: " + t, t);
    }
  }

  /** The next part of the given generation's job, taken for this thread; -1 when none is left. */
  private int take(long generation) {
    while (true) {
      long s = state.get();
      int parts = (int) (s >>> 16) & 0xFFFF;
      int next = (int) s & 0xFFFF;
      if (s >>> 32 != generation || next >= parts) {
        return -1;
      }
      if (state.compareAndSet(s, s + 1)) {
        return next;
      }
    }
  }

  private void loop(int thread) {
    long seen = 0;
    long idleSince = System.nanoTime();
    while (!closed) {
      long s = state.get();
      long generation = s >>> 32;
      if (generation == seen) {
        // A pass runs dozens of products with short elementwise work between them: waking a parked thread
        // costs tens of microseconds (more than a small product takes), so stay awake a while first; after
        // the first few microseconds, yielding, so that other threads wanting this core (another engine's,
        // with --parallel-runs) get it.
        long idle = System.nanoTime() - idleSince;
        if (idle < SPIN_ONLY_NANOS) {
          Thread.onSpinWait();
        } else if (idle < SPIN_NANOS) {
          Thread.yield();
        } else {
          LockSupport.park(this);
        }
        continue;
      }
      seen = generation;
      int parts = (int) (s >>> 16) & 0xFFFF;
      for (int p; (p = take(generation)) >= 0; ) {
        // A part taken is not done, so the caller still waits and the job is still this generation's.
        try {
          job.run(p, thread);
        } catch (Throwable t) {
          failure = t;
        } finally {
          if (done.incrementAndGet() == parts) {
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
