package eqaug.apps.cli;

import eqaug.apps.results.Json;
import eqaug.apps.experiments.Workloads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --jvm}: the bench under Java 17 and a newer JDK in child processes, side by side; and the
 * refusals (not a java, too old, a child that fails), each one line and exit code 2 before any benchmark.
 */
class BenchJvmTest {
  @TempDir
  Path tmp;

  /** A JDK of release 17 and the newest one above it, found as the launcher finds them (CI has 17 and 25). */
  private static List<JvmComparison.Jvm> java17AndNewer() {
    List<JvmComparison.Jvm> all = JvmComparison.resolve(List.of("all"));
    JvmComparison.Jvm j17 = all.stream().filter(j -> j.release() == 17).findFirst().orElseThrow(() ->
        new AssertionError("this test needs a Java 17 (e.g. apt-get install openjdk-17-jdk-headless); found " + all));
    JvmComparison.Jvm newer = all.stream().filter(j -> j.release() > 17).reduce((a, b) -> b).orElseThrow(() ->
        new AssertionError("this test needs a Java newer than 17 besides Java 17; found " + all));
    return List.of(j17, newer);
  }

  @Test
  void twoJvmsSideBySide() {
    List<JvmComparison.Jvm> jvms = java17AndNewer();
    CliTest.Result r = CliTest.run("bench", "--jvm", jvms.get(0).java().toString(), "--jvm", jvms.get(1).java().toString(),
        "--quick", "--experiment", "perm", "--threads", "1", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("[1/2] Java 17") && r.err().contains("[2/2] Java " + jvms.get(1).release()), r.err());
    Map<?, ?> cmp = (Map<?, ?>) Json.read(r.out());
    List<?> js = (List<?>) cmp.get("jvms");
    assertEquals(2, js.size());
    for (int i = 0; i < 2; i++) {
      Map<?, ?> j = (Map<?, ?>) js.get(i);
      assertEquals(jvms.get(i).java().toString(), j.get("java"));
      assertEquals((long) jvms.get(i).release(), j.get("release"));
      assertNotNull(j.get("vendor"));
      // The version the child itself reported, e.g. 17.0.15+6-Ubuntu-... and 25.0.3+9-LTS.
      assertTrue(String.valueOf(j.get("version")).matches(jvms.get(i).release() + "[.+].*"), j.toString());
    }
    assertEquals(1L, cmp.get("threads"));
    List<?> gemm = (List<?>) cmp.get("gemm");
    assertEquals(Workloads.shapes().stream().filter(s -> s.experiment().equals("perm")).count(), gemm.size());
    for (Object o : gemm) {
      Map<?, ?> row = (Map<?, ?>) o;
      assertEquals("perm", row.get("experiment"));
      assertSideBySide(row, "gflops");
    }
    List<?> epochs = (List<?>) cmp.get("epochs");
    assertEquals(List.of("NOMINAL", "AUGMENTED", "EQUIVARIANT"),
        epochs.stream().map(e -> ((Map<?, ?>) e).get("strategy")).toList());
    for (Object o : epochs) {
      assertSideBySide((Map<?, ?>) o, "seconds");
      assertSideBySide((Map<?, ?>) o, "pass_seconds");
    }

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) cmp;
    JvmComparison.print(m, new PrintStream(text, true, StandardCharsets.UTF_8));
    String table = text.toString(StandardCharsets.UTF_8);
    for (Object o : js) {
      assertTrue(table.contains(((Map<?, ?>) o).get("version").toString()), table);
    }
    assertTrue(table.contains("[2]/[1]") && table.contains("perm   rho1    forward") && table.contains("AUGMENTED    epoch"),
        table);
  }

  /** Two positive values, ratios 1 for the first and value / first for the second. */
  private static void assertSideBySide(Map<?, ?> row, String field) {
    List<?> v = (List<?>) row.get(field);
    List<?> ratio = (List<?>) row.get(field + "_ratio");
    assertEquals(2, v.size(), row.toString());
    double a = ((Number) v.get(0)).doubleValue();
    double b = ((Number) v.get(1)).doubleValue();
    assertTrue(a > 0 && b > 0, row.toString());
    assertEquals(1.0, ((Number) ratio.get(0)).doubleValue(), row.toString());
    assertEquals(b / a, ((Number) ratio.get(1)).doubleValue(), 5e-4, row.toString());
  }

  private Path script(String name, String body) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void badJvmsAreRefusedInOneLine() throws IOException {
    EndToEndTest.assertOneLineError(CliTest.run("bench", "--jvm", tmp.resolve("none").toString()),
        "not an executable java");
    Path plain = Files.writeString(tmp.resolve("plain"), "not a program");
    EndToEndTest.assertOneLineError(CliTest.run("bench", "--jvm", plain.toString()), "not an executable java");
    Path notJava = script("hello", "echo hello");
    EndToEndTest.assertOneLineError(CliTest.run("bench", "--jvm", notJava.toString()), "does not run as a java launcher");
    Path java11 = script("java11", "echo '    java.specification.version = 11' >&2");
    EndToEndTest.assertOneLineError(CliTest.run("bench", "--jvm", java11.toString(), "--quick"),
        "is Java 11; eqaug needs Java 17 or newer");
    EndToEndTest.assertOneLineError(CliTest.run("bench", "--experiment", "perm,bogus", "--jvm"),
        "unknown experiment 'bogus'");
  }

  @Test
  void aFailingChildIsOneLineAndExitTwo() throws IOException {
    Path broken = script("java21", """
        case "$1" in -XshowSettings*) echo '    java.specification.version = 21' >&2; exit 0;; esac
        echo 'WARNING: Using incubator modules: jdk.incubator.vector' >&2
        echo 'Error: could not reserve the heap' >&2
        exit 3""");
    CliTest.Result r = CliTest.run("bench", "--jvm", broken.toString(), "--quick");
    assertEquals(2, r.code(), r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertTrue(lines.get(0).contains("[1/1] Java 21"), r.err());
    String last = lines.get(lines.size() - 1);
    assertTrue(last.contains("java21 (Java 21) failed with exit code 3: Error: could not reserve the heap"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void jvmsAreDeduplicatedByRealPath() throws IOException {
    Path java = java17AndNewer().get(0).java();
    Path link = Files.createSymbolicLink(tmp.resolve("java-link"), java);
    List<JvmComparison.Jvm> both = JvmComparison.resolve(List.of(java.toString(), link.toString(),
        java.getParent().getParent().toString()));
    assertEquals(1, both.size(), both.toString());
    Files.delete(link); // JUnit warns about a link out of its temporary folder
    List<JvmComparison.Jvm> all = JvmComparison.resolve(List.of("all"));
    assertEquals(all.size(), all.stream().map(JvmComparison.Jvm::java).distinct().count(), all.toString());
    assertTrue(all.stream().allMatch(j -> j.release() >= 17), all.toString());
  }
}
