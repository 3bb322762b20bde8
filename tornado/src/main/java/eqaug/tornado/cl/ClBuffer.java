package eqaug.tornado.cl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A device buffer (cl_mem) with blocking transfers from and to Java arrays (clEnqueueWriteBuffer,
 * clEnqueueReadBuffer) staged through a confined arena, so no native memory outlives a transfer.
 */
public final class ClBuffer implements ClContext.ClResource, AutoCloseable {
  private static final long CL_MEM_READ_WRITE = 1L;
  private final ClContext ctx;
  private final String name;
  private final long bytes;
  private MemorySegment mem;

  ClBuffer(ClContext ctx, String name, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("buffer " + name + " needs a positive size, got " + bytes + " bytes");
    }
    this.ctx = ctx;
    this.name = name;
    this.bytes = bytes;
    this.mem = OpenClLibrary.create("clCreateBuffer(" + name + ", " + bytes + " bytes)",
        ctx.library().clCreateBuffer, ctx.handle(), CL_MEM_READ_WRITE, bytes, MemorySegment.NULL);
  }

  public String name() {
    return name;
  }

  public long bytes() {
    return bytes;
  }

  MemorySegment handle() {
    if (mem == null) {
      throw new IllegalStateException("buffer " + name + " was released");
    }
    return mem;
  }

  public void write(float[] src, int srcOff, long dstElement, int len) {
    write(MemorySegment.ofArray(src).asSlice(4L * srcOff, 4L * len), 4L * dstElement);
  }

  public void write(int[] src, int srcOff, long dstElement, int len) {
    write(MemorySegment.ofArray(src).asSlice(4L * srcOff, 4L * len), 4L * dstElement);
  }

  public void write(float[] src) {
    write(src, 0, 0, src.length);
  }

  public void write(double[] src) {
    write(MemorySegment.ofArray(src), 0);
  }

  public void write(int[] src) {
    write(src, 0, 0, src.length);
  }

  public void read(long srcElement, float[] dst, int dstOff, int len) {
    read(4L * srcElement, MemorySegment.ofArray(dst).asSlice(4L * dstOff, 4L * len));
  }

  public void read(long srcElement, double[] dst, int dstOff, int len) {
    read(8L * srcElement, MemorySegment.ofArray(dst).asSlice(8L * dstOff, 8L * len));
  }

  public float[] readFloats(long srcElement, int len) {
    float[] out = new float[len];
    read(srcElement, out, 0, len);
    return out;
  }

  public double[] readDoubles(long srcElement, int len) {
    double[] out = new double[len];
    read(srcElement, out, 0, len);
    return out;
  }

  private void write(MemorySegment heap, long dstByte) {
    checkRange(dstByte, heap.byteSize());
    if (heap.byteSize() == 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment staging = arena.allocate(heap.byteSize(), 8);
      staging.copyFrom(heap);
      OpenClLibrary.call("clEnqueueWriteBuffer(" + name + ")", ctx.library().clEnqueueWriteBuffer,
          ctx.queue(), handle(), 1, dstByte, heap.byteSize(), staging, 0, MemorySegment.NULL, MemorySegment.NULL);
    }
  }

  private void read(long srcByte, MemorySegment heap) {
    checkRange(srcByte, heap.byteSize());
    if (heap.byteSize() == 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment staging = arena.allocate(heap.byteSize(), 8);
      OpenClLibrary.call("clEnqueueReadBuffer(" + name + ")", ctx.library().clEnqueueReadBuffer,
          ctx.queue(), handle(), 1, srcByte, heap.byteSize(), staging, 0, MemorySegment.NULL, MemorySegment.NULL);
      heap.copyFrom(staging);
    }
  }

  /** Copies {@code bytes} bytes from {@code src} to this buffer on the device (clEnqueueCopyBuffer). */
  public void copyFrom(ClBuffer src, long bytes) {
    checkRange(0, bytes);
    OpenClLibrary.call("clEnqueueCopyBuffer(" + src.name + " -> " + name + ")", ctx.library().clEnqueueCopyBuffer,
        ctx.queue(), src.handle(), handle(), 0L, 0L, bytes, 0, MemorySegment.NULL, MemorySegment.NULL);
  }

  private void checkRange(long from, long len) {
    if (from < 0 || len < 0 || from + len > bytes) {
      throw new IndexOutOfBoundsException("buffer " + name + " of " + bytes + " bytes: bytes " + from + ".."
          + (from + len) + " are outside it");
    }
  }

  @Override
  public void release() {
    if (mem != null) {
      MemorySegment m = mem;
      mem = null;
      OpenClLibrary.call("clReleaseMemObject(" + name + ")", ctx.library().clReleaseMemObject, m);
    }
  }

  /** Releases the buffer now rather than when its context closes. */
  @Override
  public void close() {
    if (mem != null) {
      ctx.forget(this, bytes);
      release();
    }
  }
}
