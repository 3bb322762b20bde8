package eqaug.tornado.cl;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An OpenCL context with one in-order command queue on one device (clCreateContext, clCreateCommandQueue).
 * It owns every buffer, program and kernel made through it and releases what is still alive on
 * {@link #close()}, newest first, so nothing outlives a training run. Not thread-safe.
 */
public final class ClContext implements AutoCloseable {
  private final OpenClLibrary cl;
  private final ClDevice device;
  private final MemorySegment context;
  private final MemorySegment queue;
  private final Deque<ClResource> owned = new ArrayDeque<>();
  private long bytesAllocated;
  private boolean closed;

  public ClContext(ClDevice device) {
    this.cl = OpenClLibrary.get();
    this.device = device;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment devs = arena.allocate(ADDRESS);
      devs.set(ADDRESS, 0, device.id());
      context = OpenClLibrary.create("clCreateContext", cl.clCreateContext,
          MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL);
    }
    MemorySegment q;
    try {
      q = OpenClLibrary.create("clCreateCommandQueue", cl.clCreateCommandQueue, context, device.id(), 0L);
    } catch (RuntimeException e) {
      OpenClLibrary.call("clReleaseContext", cl.clReleaseContext, context);
      throw e;
    }
    queue = q;
  }

  public ClDevice device() {
    return device;
  }

  OpenClLibrary library() {
    return cl;
  }

  MemorySegment handle() {
    return context;
  }

  MemorySegment queue() {
    return queue;
  }

  /** A device buffer of {@code bytes} bytes (clCreateBuffer, CL_MEM_READ_WRITE), uninitialised. */
  public ClBuffer buffer(String name, long bytes) {
    ensureOpen();
    ClBuffer b = new ClBuffer(this, name, bytes);
    owned.push(b);
    bytesAllocated += bytes;
    return b;
  }

  /** Builds OpenCL C source for this context's device; a build failure carries the compiler's log. */
  public ClProgram program(String name, String source, String options) {
    ensureOpen();
    ClProgram p = new ClProgram(this, name, source, options);
    owned.push(p);
    return p;
  }

  void adopt(ClResource r) {
    owned.push(r);
  }

  void forget(ClResource r, long bytes) {
    owned.remove(r);
    bytesAllocated -= bytes;
  }

  /** Bytes of device buffers alive now. */
  public long bytesAllocated() {
    return bytesAllocated;
  }

  /** Objects (buffers, programs, kernels) alive now. */
  public int liveObjects() {
    return owned.size();
  }

  /** Waits for every queued command (clFinish). */
  public void finish() {
    ensureOpen();
    OpenClLibrary.call("clFinish", cl.clFinish, queue);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the OpenCL context on " + device.name() + " is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    try {
      OpenClLibrary.call("clFinish", cl.clFinish, queue);
    } catch (RuntimeException e) {
      first = e;
    }
    while (!owned.isEmpty()) {
      try {
        owned.pop().release();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    bytesAllocated = 0;
    try {
      OpenClLibrary.call("clReleaseCommandQueue", cl.clReleaseCommandQueue, queue);
      OpenClLibrary.call("clReleaseContext", cl.clReleaseContext, context);
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }

  /** An OpenCL object this context releases when it closes. */
  interface ClResource {
    void release();
  }
}
