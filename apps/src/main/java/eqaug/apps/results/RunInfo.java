package eqaug.apps.results;

import java.util.LinkedHashMap;
import java.util.Map;

/** Versions and machine facts recorded with every result. */
public final class RunInfo {
  private RunInfo() {}

  public static String version() {
    String v = RunInfo.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public static String jvm() {
    return System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
  }

  /**
   * The most heap this JVM has held so far, summed over the heap's memory pools (an upper bound), in MiB;
   * null on a runtime without java.management (e.g. a minimal jlink image).
   */
  public static Long peakHeapMiB() {
    try {
      long peak = 0;
      for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      return peak >> 20;
    } catch (LinkageError e) {
      return null;
    }
  }

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("eqaug", version());
    m.put("jvm", jvm());
    m.put("java_home", System.getProperty("java.home"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    return m;
  }
}
