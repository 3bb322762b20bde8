package eqaug.kernel;

/**
 * How many parts a parallel matrix product is cut into, for {@link WorkerPool}'s threads to take one by one.
 * More parts than threads let a fast thread do a slow one's share (on a shared machine one core may run at a
 * third of the other's speed for seconds), but each part repeats some packing, so the cut follows it:
 * <ul>
 *   <li>along C's columns, each part packs only its own columns of op(B), and A (when it is packed) once more
 *       per part: two parts per thread;
 *   <li>along C's rows, each part packs all of op(B), so a part keeps at least {@code mc} rows (an A block) to
 *       use it on, and there are at most {@value #MAX_PARTS_PER_THREAD} per thread.
 * </ul>
 * Measured on Experiment 1's pass (2 threads): with a busy loop on one core, 18-26 ms against 27-30 ms for one
 * part per thread; on a quiet machine within 3 % of it. Whatever the cut, every entry of C is the same sum in
 * the same order, so results do not depend on it.
 */
final class ProductSplit {
  private ProductSplit() {}

  static final int MAX_PARTS_PER_THREAD = 4;
  static final int COLUMN_PARTS_PER_THREAD = 2;

  /**
   * @param units the panels (NR columns or MR rows) along the side cut
   * @param rows C's rows
   * @param mc the rows of one packed block of A
   */
  static int parts(int threads, boolean columns, int units, int rows, int mc) {
    if (threads == 1) {
      return 1;
    }
    int parts = columns
        ? threads * COLUMN_PARTS_PER_THREAD
        : Math.max(threads, Math.min(threads * MAX_PARTS_PER_THREAD, rows / mc));
    return Math.max(1, Math.min(Math.min(units, parts), WorkerPool.MAX_PARTS));
  }
}
