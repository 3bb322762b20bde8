package eqaug.tornado.cl;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** One OpenCL platform (a driver: PoCL, NVIDIA CUDA, ...) and its devices; index as clGetPlatformIDs lists it. */
public record ClPlatform(int index, MemorySegment id, String name, String vendor, String version, List<ClDevice> devices) {
  public String describe() {
    return "platform " + index + ": " + name + " (" + vendor + ", " + version + ")";
  }
}
