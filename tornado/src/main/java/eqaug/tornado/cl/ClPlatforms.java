package eqaug.tornado.cl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Platform and device discovery (clGetPlatformIDs, clGetPlatformInfo, clGetDeviceIDs, clGetDeviceInfo). */
public final class ClPlatforms {
  private static final int CL_PLATFORM_VERSION = 0x0901;
  private static final int CL_PLATFORM_NAME = 0x0902;
  private static final int CL_PLATFORM_VENDOR = 0x0903;
  private static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
  private static final long CL_DEVICE_TYPE_GPU = 1L << 2;
  private static final int CL_DEVICE_TYPE = 0x1000;
  private static final int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
  private static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
  private static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
  private static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
  private static final int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
  private static final int CL_DEVICE_NAME = 0x102B;
  private static final int CL_DEVICE_VENDOR = 0x102C;
  private static final int CL_DEVICE_VERSION = 0x102F;
  private static final int CL_DEVICE_EXTENSIONS = 0x1030;
  private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
  private static final int CL_DEVICE_NOT_FOUND = -1;

  private ClPlatforms() {}

  /** Every platform with its devices; empty when the ICD loader finds no driver. */
  public static List<ClPlatform> list() {
    OpenClLibrary cl = OpenClLibrary.get();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment count = arena.allocate(JAVA_INT);
      int code = invokeInt(cl, "clGetPlatformIDs", 0, MemorySegment.NULL, count);
      if (code == CL_PLATFORM_NOT_FOUND_KHR) {
        return List.of();
      }
      ClException.check("clGetPlatformIDs", code);
      int n = count.get(JAVA_INT, 0);
      if (n == 0) {
        return List.of();
      }
      MemorySegment ids = arena.allocate(ADDRESS, n);
      ClException.check("clGetPlatformIDs", invokeInt(cl, "clGetPlatformIDs", n, ids, MemorySegment.NULL));
      List<ClPlatform> platforms = new ArrayList<>();
      for (int p = 0; p < n; p++) {
        MemorySegment id = ids.getAtIndex(ADDRESS, p);
        platforms.add(new ClPlatform(p, id, platformString(cl, id, CL_PLATFORM_NAME),
            platformString(cl, id, CL_PLATFORM_VENDOR), platformString(cl, id, CL_PLATFORM_VERSION), devices(cl, p, id)));
      }
      return List.copyOf(platforms);
    }
  }

  /**
   * The device a selection names: "" for the first GPU (else the first device), "P:D" for device D of
   * platform P. Throws {@link IllegalArgumentException} naming what there is.
   */
  public static ClDevice select(String selection) {
    List<ClPlatform> platforms = list();
    List<ClDevice> all = new ArrayList<>();
    platforms.forEach(p -> all.addAll(p.devices()));
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no OpenCL platform with a device was found (is an ICD installed, e.g. "
          + "pocl-opencl-icd or NVIDIA's driver, and does OCL_ICD_VENDORS point at its .icd file?)");
    }
    if (selection == null || selection.isEmpty()) {
      return all.stream().filter(ClDevice::gpu).findFirst().orElse(all.get(0));
    }
    String[] parts = selection.split(":");
    int p;
    int d;
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      p = Integer.parseInt(parts[0]);
      d = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("device 'opencl:" + selection + "' is not of the form opencl:PLATFORM:DEVICE");
    }
    if (p < 0 || p >= platforms.size() || d < 0 || d >= platforms.get(p).devices().size()) {
      List<String> there = new ArrayList<>();
      all.forEach(dev -> there.add("opencl:" + dev.selection()));
      throw new IllegalArgumentException("no device opencl:" + selection + " (there are: " + String.join(", ", there) + ")");
    }
    return platforms.get(p).devices().get(d);
  }

  private static List<ClDevice> devices(OpenClLibrary cl, int p, MemorySegment platform) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment count = arena.allocate(JAVA_INT);
      int code = invokeInt(cl, "clGetDeviceIDs", platform, CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
      if (code == CL_DEVICE_NOT_FOUND) {
        return List.of();
      }
      ClException.check("clGetDeviceIDs", code);
      int n = count.get(JAVA_INT, 0);
      MemorySegment ids = arena.allocate(ADDRESS, Math.max(n, 1));
      ClException.check("clGetDeviceIDs", invokeInt(cl, "clGetDeviceIDs", platform, CL_DEVICE_TYPE_ALL, n, ids, MemorySegment.NULL));
      List<ClDevice> list = new ArrayList<>();
      for (int d = 0; d < n; d++) {
        MemorySegment id = ids.getAtIndex(ADDRESS, d);
        list.add(new ClDevice(p, d, platform, id, deviceString(cl, id, CL_DEVICE_NAME), deviceString(cl, id, CL_DEVICE_VENDOR),
            deviceString(cl, id, CL_DEVICE_VERSION), (deviceLong(cl, id, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0,
            (int) deviceInt(cl, id, CL_DEVICE_MAX_COMPUTE_UNITS), deviceLong(cl, id, CL_DEVICE_GLOBAL_MEM_SIZE),
            deviceLong(cl, id, CL_DEVICE_MAX_MEM_ALLOC_SIZE), deviceLong(cl, id, CL_DEVICE_LOCAL_MEM_SIZE),
            deviceLong(cl, id, CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceString(cl, id, CL_DEVICE_EXTENSIONS)));
      }
      return List.copyOf(list);
    }
  }

  private static String platformString(OpenClLibrary cl, MemorySegment id, int param) {
    return infoString(cl, "clGetPlatformInfo", id, param);
  }

  private static String deviceString(OpenClLibrary cl, MemorySegment id, int param) {
    return infoString(cl, "clGetDeviceInfo", id, param);
  }

  private static String infoString(OpenClLibrary cl, String call, MemorySegment id, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(JAVA_LONG);
      ClException.check(call, invokeInt(cl, call, id, param, 0L, MemorySegment.NULL, size));
      long n = size.get(JAVA_LONG, 0);
      MemorySegment buf = arena.allocate(Math.max(n, 1));
      ClException.check(call, invokeInt(cl, call, id, param, n, buf, MemorySegment.NULL));
      return buf.getString(0);
    }
  }

  private static long deviceLong(OpenClLibrary cl, MemorySegment id, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_LONG);
      ClException.check("clGetDeviceInfo", invokeInt(cl, "clGetDeviceInfo", id, param, 8L, v, MemorySegment.NULL));
      return v.get(JAVA_LONG, 0);
    }
  }

  private static long deviceInt(OpenClLibrary cl, MemorySegment id, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      ClException.check("clGetDeviceInfo", invokeInt(cl, "clGetDeviceInfo", id, param, 4L, v, MemorySegment.NULL));
      return Integer.toUnsignedLong(v.get(JAVA_INT, 0));
    }
  }

  private static int invokeInt(OpenClLibrary cl, String call, Object... args) {
    var h = switch (call) {
      case "clGetPlatformIDs" -> cl.clGetPlatformIDs;
      case "clGetPlatformInfo" -> cl.clGetPlatformInfo;
      case "clGetDeviceIDs" -> cl.clGetDeviceIDs;
      case "clGetDeviceInfo" -> cl.clGetDeviceInfo;
      default -> throw new IllegalArgumentException(call);
    };
    try {
      return (int) h.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(call + ": " + t, t);
    }
  }
}
