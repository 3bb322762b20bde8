package eqaug.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Parts taken one by one by the pool's threads: each runs once, on a valid thread, whatever the timing. */
class WorkerPoolTest {
  @Test
  void everyPartRunsExactlyOnceOnAValidThread() {
    try (WorkerPool pool = new WorkerPool(3, "test")) {
      for (int job = 0; job < 3000; job++) {
        int parts = 1 + job % 37;
        AtomicIntegerArray runs = new AtomicIntegerArray(parts);
        AtomicIntegerArray badThread = new AtomicIntegerArray(1);
        pool.run((part, thread) -> {
          runs.incrementAndGet(part);
          if (thread < 0 || thread >= 3) {
            badThread.incrementAndGet(0);
          }
          if (part % 5 == 0) {
            Thread.onSpinWait(); // uneven parts, so threads take different shares
          }
        }, parts);
        for (int p = 0; p < parts; p++) {
          assertEquals(1, runs.get(p), "job " + job + " part " + p);
        }
        assertEquals(0, badThread.get(0));
      }
    }
  }

  @Test
  void aFailingPartIsReportedAndThePoolStaysUsable() {
    try (WorkerPool pool = new WorkerPool(2, "test")) {
      // The part's own exception, whether the caller or a worker ran it.
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> pool.run((part, thread) -> {
        if (part == 3) {
          throw new ArithmeticException("part 3");
        }
      }, 8));
      assertEquals("part 3", e.getMessage());
      AtomicIntegerArray runs = new AtomicIntegerArray(8);
      pool.run((part, thread) -> runs.incrementAndGet(part), 8);
      for (int p = 0; p < 8; p++) {
        assertEquals(1, runs.get(p));
      }
    }
  }

  @Test
  void productsAreCutSoThatEachPartKeepsItsPackingSmall() {
    assertEquals(1, ProductSplit.parts(1, true, 100, 200, 96), "one thread: one part");
    int columns = ProductSplit.parts(2, true, 100, 200, 96);
    assertTrue(columns > 2 && columns <= 100, "columns: more parts than threads, " + columns);
    // Cut along rows, each part packs all of op(B): at least an A block of rows per part.
    assertEquals(2, ProductSplit.parts(2, false, 34, 200, 96));
    int rows = ProductSplit.parts(2, false, 534, 3200, 96);
    assertTrue(rows > 2 && 3200 / rows >= 96, "rows: " + rows);
    assertEquals(3, ProductSplit.parts(4, true, 3, 10, 96), "never more parts than panels");
  }

  @Test
  void parallelForRunsEveryPartOnceEvenBeyondThePoolsPartCounter() {
    try (VectorKernels k = new VectorKernels(2)) {
      int parts = WorkerPool.MAX_PARTS + 1000;
      AtomicIntegerArray runs = new AtomicIntegerArray(parts);
      k.parallelFor(parts, runs::incrementAndGet);
      for (int p = 0; p < parts; p++) {
        assertEquals(1, runs.get(p), "part " + p);
      }
    }
  }
}
