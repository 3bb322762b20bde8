package eqaug.tornado.cl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for the OpenCL 1.2 host API in {@code libOpenCL.so.1} (the ICD loader), through
 * java.lang.foreign. Handles are raw: callers check the returned or written-back error codes
 * ({@link ClException}). Loaded once per JVM; {@link #get()} fails with one line when there is no loader.
 */
public final class OpenClLibrary {
  /** The ICD loader's soname on Linux (Debian's ocl-icd-libopencl1, NVIDIA's driver package). */
  public static final String LIBRARY = "libOpenCL.so.1";

  private static final MemoryLayout SIZE_T = JAVA_LONG;
  private static volatile OpenClLibrary instance;
  private static volatile String failure;

  final MethodHandle clGetPlatformIDs;
  final MethodHandle clGetPlatformInfo;
  final MethodHandle clGetDeviceIDs;
  final MethodHandle clGetDeviceInfo;
  final MethodHandle clCreateContext;
  final MethodHandle clCreateCommandQueue;
  final MethodHandle clCreateBuffer;
  final MethodHandle clCreateProgramWithSource;
  final MethodHandle clBuildProgram;
  final MethodHandle clGetProgramBuildInfo;
  final MethodHandle clCreateKernel;
  final MethodHandle clSetKernelArg;
  final MethodHandle clEnqueueNDRangeKernel;
  final MethodHandle clEnqueueReadBuffer;
  final MethodHandle clEnqueueWriteBuffer;
  final MethodHandle clEnqueueCopyBuffer;
  final MethodHandle clFinish;
  final MethodHandle clReleaseMemObject;
  final MethodHandle clReleaseKernel;
  final MethodHandle clReleaseProgram;
  final MethodHandle clReleaseCommandQueue;
  final MethodHandle clReleaseContext;

  private OpenClLibrary(SymbolLookup lib) {
    Linker linker = Linker.nativeLinker();
    var h = new Object() {
      MethodHandle of(String name, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment symbol = lib.find(name)
            .orElseThrow(() -> new IllegalStateException(LIBRARY + " has no symbol " + name));
        return linker.downcallHandle(symbol, FunctionDescriptor.of(ret, args));
      }
    };
    clGetPlatformIDs = h.of("clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    clGetPlatformInfo = h.of("clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, SIZE_T, ADDRESS, ADDRESS);
    clGetDeviceIDs = h.of("clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    clGetDeviceInfo = h.of("clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, SIZE_T, ADDRESS, ADDRESS);
    clCreateContext = h.of("clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    clCreateCommandQueue = h.of("clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    clCreateBuffer = h.of("clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, SIZE_T, ADDRESS, ADDRESS);
    clCreateProgramWithSource = h.of("clCreateProgramWithSource", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    clBuildProgram = h.of("clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    clGetProgramBuildInfo = h.of("clGetProgramBuildInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, SIZE_T, ADDRESS, ADDRESS);
    clCreateKernel = h.of("clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    clSetKernelArg = h.of("clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, SIZE_T, ADDRESS);
    clEnqueueNDRangeKernel = h.of("clEnqueueNDRangeKernel", JAVA_INT,
        ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    clEnqueueReadBuffer = h.of("clEnqueueReadBuffer", JAVA_INT,
        ADDRESS, ADDRESS, JAVA_INT, SIZE_T, SIZE_T, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    clEnqueueWriteBuffer = h.of("clEnqueueWriteBuffer", JAVA_INT,
        ADDRESS, ADDRESS, JAVA_INT, SIZE_T, SIZE_T, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    clEnqueueCopyBuffer = h.of("clEnqueueCopyBuffer", JAVA_INT,
        ADDRESS, ADDRESS, ADDRESS, SIZE_T, SIZE_T, SIZE_T, JAVA_INT, ADDRESS, ADDRESS);
    clFinish = h.of("clFinish", JAVA_INT, ADDRESS);
    clReleaseMemObject = h.of("clReleaseMemObject", JAVA_INT, ADDRESS);
    clReleaseKernel = h.of("clReleaseKernel", JAVA_INT, ADDRESS);
    clReleaseProgram = h.of("clReleaseProgram", JAVA_INT, ADDRESS);
    clReleaseCommandQueue = h.of("clReleaseCommandQueue", JAVA_INT, ADDRESS);
    clReleaseContext = h.of("clReleaseContext", JAVA_INT, ADDRESS);
  }

  /** The loaded library; throws {@link IllegalStateException} with one line when it cannot be loaded. */
  public static OpenClLibrary get() {
    OpenClLibrary lib = instance;
    if (lib != null) {
      return lib;
    }
    synchronized (OpenClLibrary.class) {
      if (instance == null && failure == null) {
        try {
          instance = new OpenClLibrary(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
        } catch (IllegalArgumentException | IllegalStateException e) {
          failure = "no OpenCL library: " + LIBRARY + " cannot be loaded (install an OpenCL ICD loader, e.g. "
              + "Debian's ocl-icd-libopencl1, and a driver such as pocl-opencl-icd or NVIDIA's)";
        } catch (IllegalCallerException e) {
          failure = "native access is disabled: run java with --enable-native-access=ALL-UNNAMED";
        }
      }
      if (instance == null) {
        throw new IllegalStateException(failure);
      }
      return instance;
    }
  }

  /** Why OpenCL cannot be used here, or null when the library loads. */
  public static String unavailableReason() {
    try {
      get();
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  /** Calls a function whose int result is an error code and throws unless it is CL_SUCCESS. */
  static void call(String name, MethodHandle h, Object... args) {
    int code;
    try {
      code = (int) h.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(name + ": " + t, t);
    }
    ClException.check(name, code);
  }

  /** Calls a function returning an object handle and reporting its error code through its last argument. */
  static MemorySegment create(String name, MethodHandle h, Object... argsWithoutErr) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment err = arena.allocate(JAVA_INT);
      Object[] args = java.util.Arrays.copyOf(argsWithoutErr, argsWithoutErr.length + 1);
      args[args.length - 1] = err;
      MemorySegment handle;
      try {
        handle = (MemorySegment) h.invokeWithArguments(args);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(name + ": " + t, t);
      }
      ClException.check(name, err.get(JAVA_INT, 0));
      return handle;
    }
  }
}
