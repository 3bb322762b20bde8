package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --precision on the experiment commands: what is refused, what config.json records, and what --resume accepts. */
class PrecisionCliTest {
  private static final String[] SMALL = {"--runs", "1", "--epochs", "2", "--naug", "2", "--samples", "40", "--batch",
      "20", "-q", "--threads", "1"};

  @TempDir
  Path tmp;

  private static CliTest.Result perm(Path out, String... extra) {
    String[] args = new String[1 + SMALL.length + extra.length + 2];
    args[0] = "perm";
    System.arraycopy(SMALL, 0, args, 1, SMALL.length);
    System.arraycopy(extra, 0, args, 1 + SMALL.length, extra.length);
    args[args.length - 2] = "--out";
    args[args.length - 1] = out.toString();
    return CliTest.run(args);
  }

  private static String oneErrorLine(CliTest.Result r) {
    assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), () -> "expected one error line, got: " + r.err());
    return lines.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> config(Path dir) throws IOException {
    return (Map<String, Object>) Json.read(Files.readString(dir.resolve("config.json")));
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> cfg, String group, String key) {
    return ((Map<String, Object>) cfg.get(group)).get(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fp16", "double", "", "64"})
  void badPrecisionIsRefusedInOneLineBeforeAnyWork(String value) {
    for (String command : new String[] {"perm", "rot", "reproduce"}) {
      Path out = tmp.resolve("never-" + command);
      CliTest.Result r = CliTest.run(command, "--precision", value, "--out", out.toString());
      assertEquals("eqaug " + command + ": --precision must be fp32 or fp64, got '" + value + "'",
          oneErrorLine(r), r.err());
      assertFalse(Files.exists(out), "nothing may be created for refused input");
    }
  }

  /** The OpenCL backend trains at fp32 only: fp64 is refused before the device or any folder is touched. */
  @Test
  void openclAtFp64IsRefusedInOneLine() {
    Path out = tmp.resolve("never");
    String line = oneErrorLine(CliTest.run("perm", "--device", "opencl", "--precision", "fp64", "--out",
        out.toString()));
    assertTrue(line.contains("--device opencl trains at fp32 only, not fp64"), line);
    assertFalse(Files.exists(out), "nothing may be created for refused input");
    // eqaug slurm plans jobs with --list-units, which touches no device: it refuses the same way.
    line = oneErrorLine(CliTest.run("perm", "--device", "opencl", "--precision", "fp64", "--list-units"));
    assertTrue(line.contains("--device opencl trains at fp32 only, not fp64"), line);
    CliTest.Result units = CliTest.run("perm", "--precision", "fp64", "--list-units");
    assertEquals(0, units.code(), units.err());
  }

  @Test
  void fp64IsRecordedAndAFolderIsResumedOnlyAtItsOwnPrecision() throws IOException {
    Path d64 = tmp.resolve("fp64");
    Path d32 = tmp.resolve("fp32");
    assertEquals(0, perm(d64, "--precision", "fp64").code());
    assertEquals(0, perm(d32).code());
    Map<String, Object> c64 = config(d64);
    assertEquals("fp64", at(c64, "numerics", "precision"));
    assertTrue(String.valueOf(at(c64, "compute", "engine")).contains("float64"), String.valueOf(c64.get("compute")));
    assertEquals("fp32", at(config(d32), "numerics", "precision"));
    String m64 = Files.readString(d64.resolve("metrics.csv"));
    String m32 = Files.readString(d32.resolve("metrics.csv"));
    assertNotEquals(m32, m64, "fp64 must compute other numbers than fp32");
    assertEquals(m32.lines().count(), m64.lines().count());

    String refused = oneErrorLine(perm(d64, "--resume"));
    assertTrue(refused.contains("numerics.precision is fp64 there, fp32 here"), refused);
    refused = oneErrorLine(perm(d32, "--resume", "--precision", "fp64"));
    assertTrue(refused.contains("numerics.precision is fp32 there, fp64 here"), refused);
    CliTest.Result same = perm(d64, "--resume", "--precision", "fp64");
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().contains("is complete: nothing to resume"), same.out());
    assertEquals(m64, Files.readString(d64.resolve("metrics.csv")), "a refused or empty resume changes nothing");
  }
}
