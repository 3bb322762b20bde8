package eqaug.tornado.cl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One kernel function: arguments (clSetKernelArg) and launches on the context's queue
 * (clEnqueueNDRangeKernel). Argument and size scratch lives in one arena per kernel, freed when it is
 * released; launches are asynchronous and ordered (in-order queue).
 */
public final class ClKernel implements ClContext.ClResource {
  private final ClContext ctx;
  private final String name;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment scratch;
  private final MemorySegment sizes;
  private MemorySegment kernel;

  ClKernel(ClContext ctx, String name, MemorySegment kernel) {
    this.ctx = ctx;
    this.name = name;
    this.kernel = kernel;
    this.scratch = arena.allocate(8, 8);
    this.sizes = arena.allocate(JAVA_LONG, 6);
  }

  public String name() {
    return name;
  }

  public ClKernel arg(int index, ClBuffer buffer) {
    scratch.set(ADDRESS, 0, buffer.handle());
    return set(index, ADDRESS.byteSize(), scratch);
  }

  public ClKernel arg(int index, int value) {
    scratch.set(JAVA_INT, 0, value);
    return set(index, 4, scratch);
  }

  public ClKernel arg(int index, float value) {
    scratch.set(JAVA_FLOAT, 0, value);
    return set(index, 4, scratch);
  }

  public ClKernel arg(int index, double value) {
    scratch.set(JAVA_DOUBLE, 0, value);
    return set(index, 8, scratch);
  }

  /** A __local argument of {@code bytes} bytes. */
  public ClKernel localArg(int index, long bytes) {
    return set(index, bytes, MemorySegment.NULL);
  }

  private ClKernel set(int index, long size, MemorySegment value) {
    int code;
    try {
      code = (int) ctx.library().clSetKernelArg.invokeExact(handle(), index, size, value);
    } catch (Throwable t) {
      throw new IllegalStateException("clSetKernelArg(" + name + ", " + index + "): " + t, t);
    }
    if (code != 0) {
      throw new ClException("clSetKernelArg(" + name + ", arg " + index + ")", code);
    }
    return this;
  }

  /**
   * Enqueues the kernel over {@code global} work-items per dimension (1 to 3), in work-groups of
   * {@code local} (null: the driver chooses). Global sizes must be multiples of local ones.
   */
  public void launch(long[] global, long[] local) {
    int dims = global.length;
    for (int i = 0; i < dims; i++) {
      sizes.setAtIndex(JAVA_LONG, i, global[i]);
      if (local != null) {
        sizes.setAtIndex(JAVA_LONG, 3 + i, local[i]);
      }
    }
    MemorySegment localSizes = local == null ? MemorySegment.NULL : sizes.asSlice(24);
    int code;
    try {
      code = (int) ctx.library().clEnqueueNDRangeKernel.invokeExact(ctx.queue(), handle(), dims, MemorySegment.NULL,
          sizes, localSizes, 0, MemorySegment.NULL, MemorySegment.NULL);
    } catch (Throwable t) {
      throw new IllegalStateException("clEnqueueNDRangeKernel(" + name + "): " + t, t);
    }
    if (code != 0) {
      StringBuilder s = new StringBuilder("global ").append(java.util.Arrays.toString(global));
      if (local != null) {
        s.append(", local ").append(java.util.Arrays.toString(local));
      }
      throw new ClException("clEnqueueNDRangeKernel(" + name + ")", code, s.toString());
    }
  }

  /** One-dimensional launch over at least {@code n} work-items, rounded up to whole groups of {@code group}. */
  public void launch1d(long n, int group) {
    long global = (Math.max(n, 1) + group - 1) / group * group;
    launch(new long[] {global}, new long[] {group});
  }

  private MemorySegment handle() {
    if (kernel == null) {
      throw new IllegalStateException("kernel " + name + " was released");
    }
    return kernel;
  }

  @Override
  public void release() {
    if (kernel != null) {
      MemorySegment k = kernel;
      kernel = null;
      try {
        OpenClLibrary.call("clReleaseKernel(" + name + ")", ctx.library().clReleaseKernel, k);
      } finally {
        arena.close();
      }
    }
  }
}
