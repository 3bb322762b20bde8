package eqaug.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster mixes AVX2 and AVX-512 nodes: the kernels and a short training through the Trainer must give
 * the same bits at every vector width. Each width runs {@link WidthProbe} in its own JVM (the width is a
 * constant fixed when VectorKernels loads), and their hashes must agree.
 */
class VectorWidthTest {
  @TempDir
  Path dir;

  private List<String> probe(String bits) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path out = dir.resolve("probe-" + bits + ".txt");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "--add-modules", "jdk.incubator.vector",
        "-cp", classPath()));
    if (bits != null) {
      cmd.add("-D" + VectorKernels.WIDTH_PROPERTY + "=" + bits);
    }
    cmd.add(WidthProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertTrue(done && p.exitValue() == 0, "the probe at width " + bits + " failed:\n" + String.join("\n", lines));
    // The JVM's incubator warning may come first; the probe's lines start at "kernels".
    int first = 0;
    while (first < lines.size() && !lines.get(first).startsWith("kernels ")) {
      first++;
    }
    return lines.subList(first, lines.size());
  }

  @Test
  void everyWidthGivesTheSameBits() throws Exception {
    int max = FloatVector.SPECIES_MAX.vectorBitSize();
    Map<String, List<String>> results = new LinkedHashMap<>();
    for (String bits : new String[] {"128", "256", "512"}) {
      if (Integer.parseInt(bits) > max) {
        // Wider species than the CPU's run in a Java fallback far too slow for a test.
        System.out.println("VectorWidthTest: skipping " + bits + "-bit vectors: this CPU's widest is " + max + " bits");
        continue;
      }
      List<String> lines = probe(bits);
      assertTrue(lines.size() == 6 && lines.get(0).startsWith("kernels vector(" + bits + "-bit"),
          "width " + bits + " printed " + lines);
      results.put(bits, lines);
    }
    assertTrue(results.size() >= 2 || max < 256, "fewer than two widths ran on a " + max + "-bit CPU");
    List<String> reference = null;
    String referenceBits = null;
    for (Map.Entry<String, List<String>> e : results.entrySet()) {
      List<String> hashes = e.getValue().subList(1, e.getValue().size());
      if (reference == null) {
        reference = hashes;
        referenceBits = e.getKey();
      } else {
        assertEquals(reference, hashes, e.getKey() + "-bit vectors differ from " + referenceBits + "-bit ones");
      }
    }
  }

  @Test
  void aBadWidthIsRefusedByName() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
        "-cp", classPath(), "-D" + VectorKernels.WIDTH_PROPERTY + "=300",
        WidthProbe.class.getName()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    assertTrue(p.exitValue() != 0, text);
    assertTrue(text.contains("-Deqaug.vectorBits=300 is not a vector width: use 128, 256 or 512"), text);
  }

  /**
   * The test's classes for a child JVM on the class path: surefire runs core's tests as a named module, so
   * they are on the module path, not in java.class.path.
   */
  private static String classPath() {
    String mp = System.getProperty("jdk.module.path", "");
    String cp = System.getProperty("java.class.path", "");
    return mp.isEmpty() ? cp : cp.isEmpty() ? mp : mp + java.io.File.pathSeparator + cp;
  }
}
