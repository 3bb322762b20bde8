package eqaug.apps.cli;

import eqaug.apps.results.ExperimentRunner;
import eqaug.apps.report.Summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options no run can serve are refused in one line, exit 2, before anything is written or allocated. */
class ValidationTest {
  @TempDir
  Path tmp;

  private void assertRefusedAndNothingWritten(String message, String... args) {
    EndToEndTest.assertOneLineError(CliTest.run(args), message);
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count(), "nothing may be written");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void sampleCountsNoArrayCanHoldAreRefused() {
    String out = tmp.resolve("o").toString();
    assertRefusedAndNothingWritten("--samples 50000000 is too large: the graphs would hold 5050000000 values",
        "perm", "--samples", "50000000", "--out", out);
    assertRefusedAndNothingWritten("--samples 2000000000 is too large", "perm", "--samples", "2000000000", "--out", out);
    assertRefusedAndNothingWritten("--samples 2000000000 is too large", "rot", "--samples", "2000000000", "--out", out);
    // Within array bounds but not within the heap (tests run with -Xmx4g).
    assertRefusedAndNothingWritten("more than half of the usable heap", "rot", "--samples", "3000000", "--out", out);
  }

  @Test
  void threadCountsTheHeapCannotServeAreRefused() {
    assertRefusedAndNothingWritten("of heap with --threads 1024", "rot", "--threads", "1024", "--samples", "40",
        "--out", tmp.resolve("o").toString());
    assertRefusedAndNothingWritten("bench with --threads 1024 needs", "bench", "--threads", "1024", "--quick");
  }

  @Test
  void aBatchLargerThanTheDataIsRefusedAndASmallDataSetGetsItsOwnSizeAsDefault() throws IOException {
    assertRefusedAndNothingWritten("--batch 5000 is larger than the data set (100 samples of perm); use --batch 100",
        "perm", "--batch", "5000", "--samples", "100", "--out", tmp.resolve("o").toString());
    Path out = tmp.resolve("small");
    CliTest.Result r = CliTest.run("perm", "--samples", "50", "--runs", "1", "--epochs", "1", "-q", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("batch 50,"), r.out());
    assertTrue(Files.readString(out.resolve("config.json")).contains("\"batch\": 50,"), "the batch used is recorded");
  }

  @Test
  void emptyAndImpossibleOutFoldersAreRefusedLeavingNoFolders() {
    assertRefusedAndNothingWritten("--out must name a folder, got an empty path", "perm", "--out", "");
    Path deep = tmp.resolve("a").resolve("b").resolve("x".repeat(300)).resolve("c");
    EndToEndTest.assertOneLineError(CliTest.run("perm", "--runs", "1", "--epochs", "1", "-q", "--out", deep.toString()),
        "cannot write to --out");
    assertFalse(Files.exists(tmp.resolve("a")), "the folders made before the too-long name failed are removed");
  }

  @Test
  void aRatioOfZeroOverZeroIsUndefinedNotInfinite() {
    Summary s = new Summary();
    for (eqaug.train.Strategy st : ExperimentRunner.STRATEGIES) {
      s.runs.put(st, 1);
      s.meanDistInit.put(st, 1e-4);
      s.meanDistE.put(st, 0.0);
    }
    assertTrue(print(s).contains("NOMINAL / AUGMENTED final ||A_E⊥||: undefined (both stayed exactly in E)"), print(s));
    s.meanDistE.put(eqaug.train.Strategy.NOMINAL, 1e-5);
    assertTrue(print(s).contains("NOMINAL / AUGMENTED final ||A_E⊥||: infinite (AUGMENTED stayed exactly in E)"));
  }

  private static String print(Summary s) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    s.print(new java.io.PrintStream(b, true, java.nio.charset.StandardCharsets.UTF_8), "t");
    return b.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void devicesListsTheCpuOnce() {
    CliTest.Result r = CliTest.run("devices");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.out().lines().filter(l -> l.startsWith("cpu:")).count(), r.out());
    assertEquals(1, r.out().lines().filter(l -> l.startsWith("  cpu:")).count(), r.out());
    assertTrue(r.out().contains("-bit float vectors"), r.out());
  }
}
