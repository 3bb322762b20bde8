package eqaug.hessian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.kernel.VectorKernels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The float64 evaluation gives the same bits at every vector width (a cluster mixes AVX2 and AVX-512 nodes):
 * {@link Float64WidthProbe} runs in one JVM per width (the width is a constant fixed when the kernels load)
 * and their hashes must agree. Together with {@code Float64ThreadsTest} (the vector kernels against the scalar
 * twin at the default width), every width gives the scalar twin's bits.
 */
class Float64WidthTest {
  @TempDir
  Path dir;

  private List<String> probe(String bits) throws Exception {
    String javaBin = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path out = dir.resolve("probe-" + bits + ".txt");
    String mp = System.getProperty("jdk.module.path", "");
    String cp = System.getProperty("java.class.path", "");
    String classPath = mp.isEmpty() ? cp : cp.isEmpty() ? mp : mp + java.io.File.pathSeparator + cp;
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx1g", "--add-modules", "jdk.incubator.vector",
        "-cp", classPath, "-D" + VectorKernels.WIDTH_PROPERTY + "=" + bits, Float64WidthProbe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertTrue(done && p.exitValue() == 0, "the probe at width " + bits + " failed:\n" + String.join("\n", lines));
    int first = 0;
    while (first < lines.size() && !lines.get(first).startsWith("kernels ")) {
      first++;
    }
    return lines.subList(first, lines.size());
  }

  @Test
  void everyWidthGivesTheSameBits() throws Exception {
    int max = DoubleVector.SPECIES_MAX.vectorBitSize();
    Map<String, List<String>> results = new LinkedHashMap<>();
    for (String bits : new String[] {"128", "256", "512"}) {
      if (Integer.parseInt(bits) > max) {
        System.out.println("Float64WidthTest: skipping " + bits + "-bit vectors: this CPU's widest is " + max + " bits");
        continue;
      }
      List<String> lines = probe(bits);
      assertTrue(lines.size() == 6 && lines.get(0).startsWith("kernels vector-double(" + bits + "-bit, 2 threads)"),
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
}
