package eqaug.apps.cli;

import eqaug.apps.results.MetricsCsv;
import eqaug.apps.results.ResultsFolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: exit codes, one-line errors, and what a run leaves on disk. */
class CliTest {
  @TempDir
  Path tmp;

  record Result(int code, String out, String err) {}

  static synchronized Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static void assertOneLineError(Result r, String mustContain) {
    assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), () -> "expected one error line, got: " + r.err());
    assertTrue(lines.get(0).contains(mustContain), () -> "error line lacks '" + mustContain + "': " + lines.get(0));
  }

  @Test
  void unknownCommandIsOneLineAndExitTwo() {
    assertOneLineError(run("frobnicate"), "unknown command 'frobnicate'");
  }

  @Test
  void unknownOptionIsOneLineAndExitTwo() {
    assertOneLineError(run("perm", "--bogus", "--out", tmp.resolve("o").toString()), "--bogus");
  }

  @Test
  void nonNumericValueIsOneLineAndExitTwo() {
    assertOneLineError(run("perm", "--runs", "three", "--out", tmp.resolve("o").toString()), "--runs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--lr=0", "--lr=-1e-5", "--lr=NaN", "--lr=Infinity", "--epochs=0", "--runs=0",
      "--batch=0", "--naug=-3", "--threads=0", "--parallel-runs=0", "--samples=0"})
  void nonPositiveOrNonFiniteValuesAreRefusedBeforeAnyWork(String option) {
    Path out = tmp.resolve("never");
    Result r = run("perm", option, "--out", out.toString());
    assertOneLineError(r, option.substring(0, option.indexOf('=')));
    assertFalse(Files.exists(out), "nothing may be created for refused input");
  }

  /** EQAUG_GEMM (here its system property) is checked with --device, before any folder is made. */
  @ParameterizedTest
  @ValueSource(strings = {"bogus", "3xtf32"})
  void badMatrixProductChoiceIsRefusedBeforeAnyWork(String gemm) {
    Path out = tmp.resolve("never");
    System.setProperty("eqaug.gemm", gemm);
    try {
      Result r = run("perm", "--device", "opencl", "--out", out.toString());
      // 3xtf32 is refused on the test machine's OpenCL device (PoCL on the CPU), which is no NVIDIA GPU.
      assertOneLineError(r, gemm.equals("bogus") ? "EQAUG_GEMM must be auto, fp32 or 3xtf32" : "EQAUG_GEMM=3xtf32 needs an NVIDIA GPU");
      assertFalse(Files.exists(out), "nothing may be created for refused input");
    } finally {
      System.clearProperty("eqaug.gemm");
    }
  }

  @Test
  void outputPathThatIsAFileIsRefusedAndLeftAlone() throws IOException {
    Path file = Files.writeString(tmp.resolve("file.txt"), "keep me");
    assertOneLineError(run("perm", "--out", file.toString()), "is a file");
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void outputPathThatCannotBeCreatedIsRefused() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    assertOneLineError(run("perm", "--out", file.resolve("sub").toString()), "cannot write");
  }

  @Test
  void earlierResultsAreNeverOverwritten() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("old"));
    Files.writeString(dir.resolve("metrics.csv"), "precious");
    assertOneLineError(run("perm", "--out", dir.toString()), "already holds results");
    assertEquals("precious", Files.readString(dir.resolve("metrics.csv")));
  }

  @Test
  void noArgumentsPrintsUsageNamingTheCommands() {
    Result r = run();
    assertEquals(0, r.code());
    assertTrue(r.out().contains("perm"), r.out());
  }

  @Test
  void aShortRunWritesCompleteTidyResults() throws IOException {
    Path out = tmp.resolve("res");
    int runs = 2;
    int epochs = 2;
    Result r = run("perm", "--runs", "" + runs, "--epochs", "" + epochs, "--naug", "2", "--threads", "1",
        "--seed", "7", "--out", out.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("NOMINAL / AUGMENTED final ||A_E⊥||"), r.out());

    List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(MetricsCsv.HEADER, csv.get(0));
    int layers = 4;
    assertEquals(runs * 3 * (epochs + 1) * (layers + 1), csv.size() - 1, "one row per run, strategy, epoch, layer and total");
    for (String row : csv.subList(1, csv.size())) {
      String[] f = row.split(",", -1);
      assertEquals(MetricsCsv.FIELDS, f.length, row);
      if (f[1].equals("EQUIVARIANT")) {
        assertEquals(0.0, Double.parseDouble(f[5]), "EQUIVARIANT stays exactly in E: " + row);
      }
      if (f[2].equals("0")) {
        assertEquals(0.0, Double.parseDouble(f[4]), "epoch 0 is A^0: " + row);
      }
    }
    String config = Files.readString(out.resolve("config.json"));
    for (String key : new String[] {"\"status\": \"complete\"", "\"seed\": 7", "\"threads\": 1", "\"jvm\"",
        "\"dim_L\"", "\"dim_E\"", "\"fraction_connected\"", "\"seconds_per_strategy\"", "\"naug\": 2"}) {
      assertTrue(config.contains(key), "config.json lacks " + key);
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(ResultsFolder.LOCK, "config.json", "figure.png", "figure.svg", "metrics.csv"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "the results and the folder lock, and no temporary files");
    }
  }

  @Test
  void sameSeedGivesIdenticalMetricsWhateverTheThreadCount() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    assertEquals(0, run("perm", "--runs", "1", "--epochs", "2", "--naug", "2", "--threads", "1", "--out", a.toString(), "-q").code());
    assertEquals(0, run("perm", "--runs", "1", "--epochs", "2", "--naug", "2", "--threads", "2", "--out", b.toString(), "-q").code());
    assertEquals(Files.readString(a.resolve("metrics.csv")), Files.readString(b.resolve("metrics.csv")));
  }

  @Test
  void runsTrainedAtOnceGiveTheSameFilesAsOneAtATime() throws IOException {
    Path a = tmp.resolve("serial");
    Path b = tmp.resolve("parallel");
    assertEquals(0, run("perm", "--runs", "3", "--epochs", "2", "--naug", "2", "--threads", "1", "--samples", "400",
        "--out", a.toString(), "-q").code());
    assertEquals(0, run("perm", "--runs", "3", "--epochs", "2", "--naug", "2", "--threads", "1", "--samples", "400",
        "--parallel-runs", "2", "--out", b.toString(), "-q").code());
    assertEquals(Files.readString(a.resolve("metrics.csv")), Files.readString(b.resolve("metrics.csv")));
  }

  @Test
  void aDivergingRunIsReportedAndKeepsItsEarlierMetrics() throws IOException {
    Path out = tmp.resolve("div");
    Result r = run("perm", "--runs", "1", "--epochs", "4", "--naug", "2", "--lr", "1e30", "--out", out.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("run 0, NOMINAL, epoch"), r.err());
    List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("0,NOMINAL,0,total,")), "epoch 0 kept");
    assertTrue(csv.stream().noneMatch(l -> l.contains("NaN")), "no NaN rows recorded");
    assertTrue(Files.readString(out.resolve("config.json")).contains("diverged; metrics up to epoch"));
  }
}
