package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;
import eqaug.tornado.cl.ClDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Creating and releasing device buffers (and whole contexts) in a long loop leaves nothing behind: the
 * context's own accounting returns to zero and the process's resident memory does not grow.
 */
class ResourceLeakTest {
  @Test
  void buffersAndContextsDoNotLeak() throws IOException {
    ClDevice device = TestDevice.get();
    float[] payload = new float[1 << 18];
    // Warm up: the driver's first allocations and the JIT are not leaks.
    cycle(device, payload, 50);
    long before = residentKiB();
    cycle(device, payload, 400);
    long after = residentKiB();
    // 400 cycles of 1 MiB buffers: a leak of even one buffer a cycle would add 400 MiB.
    assertTrue(after - before < 64 * 1024, "resident memory grew from " + before + " KiB to " + after + " KiB");
  }

  private static void cycle(ClDevice device, float[] payload, int times) {
    try (ClContext ctx = new ClContext(device)) {
      for (int i = 0; i < times; i++) {
        try (ClBuffer b = ctx.buffer("loop", 4L * payload.length)) {
          b.write(payload);
          b.readFloats(0, 16);
        }
        assertEquals(0, ctx.bytesAllocated());
        assertEquals(0, ctx.liveObjects());
      }
    }
    for (int i = 0; i < times / 20; i++) {
      try (ClContext ctx = new ClContext(device)) {
        ctx.buffer("owned by the context", 1 << 20);
      }
    }
  }

  /** VmRSS of this process from /proc (Linux, as CI). */
  private static long residentKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
