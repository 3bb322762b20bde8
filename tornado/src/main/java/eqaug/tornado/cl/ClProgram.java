package eqaug.tornado.cl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A program built from OpenCL C source for one device (clCreateProgramWithSource, clBuildProgram); a
 * failed build throws a {@link ClException} that carries the compiler's log (clGetProgramBuildInfo).
 */
public final class ClProgram implements ClContext.ClResource {
  private static final int CL_PROGRAM_BUILD_LOG = 0x1183;
  private final ClContext ctx;
  private final String name;
  private MemorySegment program;

  ClProgram(ClContext ctx, String name, String source, String options) {
    this.ctx = ctx;
    this.name = name;
    OpenClLibrary cl = ctx.library();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment src = arena.allocateFrom(source);
      MemorySegment strings = arena.allocate(ADDRESS);
      strings.set(ADDRESS, 0, src);
      program = OpenClLibrary.create("clCreateProgramWithSource(" + name + ")", cl.clCreateProgramWithSource,
          ctx.handle(), 1, strings, MemorySegment.NULL);
      MemorySegment devs = arena.allocate(ADDRESS);
      devs.set(ADDRESS, 0, ctx.device().id());
      int code;
      try {
        code = (int) cl.clBuildProgram.invokeWithArguments(program, 1, devs,
            arena.allocateFrom(options == null ? "" : options), MemorySegment.NULL, MemorySegment.NULL);
      } catch (Throwable t) {
        release();
        throw new IllegalStateException("clBuildProgram(" + name + "): " + t, t);
      }
      if (code != 0) {
        String log = buildLog();
        release();
        throw new ClException("clBuildProgram(" + name + ")", code, log);
      }
    }
  }

  private String buildLog() {
    OpenClLibrary cl = ctx.library();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(JAVA_LONG);
      OpenClLibrary.call("clGetProgramBuildInfo", cl.clGetProgramBuildInfo, program, ctx.device().id(),
          CL_PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size);
      long n = size.get(JAVA_LONG, 0);
      MemorySegment log = arena.allocate(Math.max(1, n));
      OpenClLibrary.call("clGetProgramBuildInfo", cl.clGetProgramBuildInfo, program, ctx.device().id(),
          CL_PROGRAM_BUILD_LOG, n, log, MemorySegment.NULL);
      return "build log of " + name + ":\n" + log.getString(0);
    } catch (RuntimeException e) {
      return "(no build log: " + e.getMessage() + ")";
    }
  }

  /** The kernel function of that name (clCreateKernel); the context releases it when it closes. */
  public ClKernel kernel(String function) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment k = OpenClLibrary.create("clCreateKernel(" + function + ")", ctx.library().clCreateKernel,
          program, arena.allocateFrom(function));
      ClKernel kernel = new ClKernel(ctx, function, k);
      ctx.adopt(kernel);
      return kernel;
    }
  }

  public String name() {
    return name;
  }

  @Override
  public void release() {
    if (program != null) {
      MemorySegment p = program;
      program = null;
      OpenClLibrary.call("clReleaseProgram(" + name + ")", ctx.library().clReleaseProgram, p);
    }
  }
}
