package eqaug.tornado.cl;

import java.lang.foreign.MemorySegment;

/** One OpenCL device with the properties training needs; indices as clGetPlatformIDs/clGetDeviceIDs list them. */
public record ClDevice(int platformIndex, int index, MemorySegment platformId, MemorySegment id, String name,
    String vendor, String version, boolean gpu, int computeUnits, long globalMemory, long maxAllocation,
    long localMemory, long maxWorkGroupSize, String extensions) {

  /** Whether the device computes in double (cl_khr_fp64). */
  public boolean hasFp64() {
    return extensions.contains("cl_khr_fp64");
  }

  /** "opencl:P:D" names this device on the command line. */
  public String selection() {
    return platformIndex + ":" + index;
  }

  public String describe() {
    return String.format("opencl:%d:%d  %s%s, %d compute units, %.1f GiB global (max buffer %.1f GiB), "
            + "%d KiB local, work-group <= %d, %s%s",
        platformIndex, index, name.trim(), gpu ? " [GPU]" : "", computeUnits, globalMemory / (double) (1L << 30),
        maxAllocation / (double) (1L << 30), localMemory >> 10, maxWorkGroupSize, version.trim(),
        hasFp64() ? ", fp64" : ", no fp64");
  }
}
