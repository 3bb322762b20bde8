package eqaug.apps.cli;

import eqaug.apps.results.Json;
import eqaug.apps.results.MetricsCsv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume}: a folder cut short after some (run, strategy) parts, continued, ends with the same
 * metrics as an uninterrupted run; folders that do not fit the command are refused in one line and left alone.
 */
class ResumeTest {
  private static final String[] PERM = {"perm", "--runs", "2", "--epochs", "3", "--samples", "60", "--naug", "2", "-q"};

  @TempDir
  Path tmp;

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  /**
   * The state the runner's checkpoint leaves when a command stops after {@code parts} parts: metrics.csv with
   * those parts' rows, config.json saying "partial", no figure.
   */
  static void cutAfter(Path dir, int parts) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    List<String> kept = new ArrayList<>(List.of(lines.get(0)));
    List<String> seen = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      String part = f[0] + "," + f[1];
      if (!seen.contains(part)) {
        seen.add(part);
      }
      if (seen.size() <= parts) {
        kept.add(l);
      }
    }
    Files.write(dir.resolve("metrics.csv"), kept);
    editConfig(dir, cfg -> {
      cfg.put("status", "partial: interrupted after the runs in metrics.csv");
      List<?> recorded = (List<?>) cfg.get("parts");
      cfg.put("parts", new ArrayList<>(recorded.subList(0, parts)));
      // As an interrupted command leaves it: ||A0|| only of the runs with a committed part.
      List<?> norms = (List<?>) cfg.get("initial_norms");
      cfg.put("initial_norms", new ArrayList<>(norms.subList(0, (parts + 2) / 3)));
    });
    Files.deleteIfExists(dir.resolve("figure.png"));
    Files.deleteIfExists(dir.resolve("figure.svg"));
  }

  /** Rewrites config.json after an edit of its parsed object. */
  @SuppressWarnings("unchecked")
  static void editConfig(Path dir, java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
    Map<String, Object> cfg = (Map<String, Object>) Json.read(Files.readString(dir.resolve("config.json")));
    edit.accept(cfg);
    Files.writeString(dir.resolve("config.json"), Json.write(cfg));
  }

  /**
   * Records the current rows of every part of metrics.csv as its checksum in config.json, as if the folder had
   * been written so (to tell kept parts from retrained ones by a marked value).
   */
  @SuppressWarnings("unchecked")
  static void rerecordChecksums(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    editConfig(dir, cfg -> {
      for (Object o : (List<Object>) cfg.get("parts")) {
        Map<String, Object> p = (Map<String, Object>) o;
        String prefix = ((Number) p.get("run")).intValue() + "," + p.get("strategy") + ",";
        StringBuilder rows = new StringBuilder();
        lines.stream().filter(l -> l.startsWith(prefix)).forEach(l -> rows.append(l).append('\n'));
        p.put("sha256", MetricsCsv.sha256(rows.toString()));
      }
    });
  }

  static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  @Test
  void resumingAfterEachPossibleCutGivesTheUninterruptedMetrics() throws IOException {
    Path whole = tmp.resolve("whole");
    assertEquals(0, CliTest.run(with(PERM, "--out", whole.toString())).code());
    String expected = Files.readString(whole.resolve("metrics.csv"));
    // Cut inside run 0 (after NOMINAL), at a run boundary, and with nothing finished.
    for (int parts : new int[] {1, 3, 0}) {
      Path dir = tmp.resolve("cut" + parts);
      copy(whole, dir);
      cutAfter(dir, parts);
      // Mark the first kept row: if the finished parts were trained again, the mark would be gone.
      String want = expected;
      if (parts > 0) {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("metrics.csv")));
        String[] f = lines.get(1).split(",", -1);
        f[4] = "0.123456789"; // dist_init of the first layer, epoch 0
        String marked = String.join(",", f);
        want = expected.replace(lines.get(1) + "\n", marked + "\n");
        assertTrue(!want.equals(expected));
        lines.set(1, marked);
        Files.write(dir.resolve("metrics.csv"), lines);
        rerecordChecksums(dir);
      }
      CliTest.Result r = CliTest.run(with(PERM, "--out", dir.toString(), "--resume"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("Resuming " + dir + ": " + parts + " of 6 (run, strategy) parts are done"), r.out());
      assertEquals(want, Files.readString(dir.resolve("metrics.csv")), "metrics after a cut at " + parts);
      String cfg = Files.readString(dir.resolve("config.json"));
      assertTrue(cfg.contains("\"status\": \"complete\""), cfg);
      Object resumed = ((Map<?, ?>) Json.read(cfg)).get("resumed");
      assertTrue(resumed instanceof List<?> l && l.size() == 1
          && String.valueOf(l.get(0)).endsWith(" after " + parts + " finished (run, strategy) parts"), cfg);
      assertTrue(Files.size(dir.resolve("figure.png")) > 0);
    }
  }

  @Test
  void aCompleteFolderIsLeftAsItIs() throws IOException {
    Path dir = tmp.resolve("done");
    assertEquals(0, CliTest.run(with(PERM, "--out", dir.toString())).code());
    String csv = Files.readString(dir.resolve("metrics.csv"));
    String cfg = Files.readString(dir.resolve("config.json"));
    CliTest.Result r = CliTest.run(with(PERM, "--out", dir.toString(), "--resume"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("is complete: nothing to resume"), r.out());
    assertEquals(csv, Files.readString(dir.resolve("metrics.csv")));
    assertEquals(cfg, Files.readString(dir.resolve("config.json")));
  }

  @Test
  void foldersThatDoNotFitAreRefusedInOneLineAndLeftAlone() throws IOException {
    Path dir = tmp.resolve("cut");
    assertEquals(0, CliTest.run(with(PERM, "--out", dir.toString())).code());
    cutAfter(dir, 2);
    String csv = Files.readString(dir.resolve("metrics.csv"));
    EndToEndTest.assertOneLineError(CliTest.run("perm", "--runs", "2", "--epochs", "4", "--samples", "60", "--naug", "2",
        "-q", "--out", dir.toString(), "--resume"), "parameters.epochs is 3 there, 4 here");
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--seed", "7", "--out", dir.toString(), "--resume")),
        "parameters.seed is 1 there, 7 here");
    EndToEndTest.assertOneLineError(CliTest.run("rot", "--runs", "2", "--epochs", "3", "--samples", "60", "--naug", "2",
        "-q", "--out", dir.toString(), "--resume"), "holds results of 'perm', not 'rot'");
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--resume")), "--resume needs --out DIR");
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--out", tmp.resolve("none").toString(), "--resume")),
        "nothing to resume");
    assertFalse(Files.exists(tmp.resolve("none")));
    assertEquals(csv, Files.readString(dir.resolve("metrics.csv")));
    // A damaged table: parts out of order.
    List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("metrics.csv")));
    lines.replaceAll(l -> l.startsWith("0,AUGMENTED,") ? "1" + l.substring(1) : l);
    Files.write(dir.resolve("metrics.csv"), lines);
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--out", dir.toString(), "--resume")),
        "found run 1 AUGMENTED where run 0 AUGMENTED should come");
  }

  @Test
  void aResumedReproductionKeepsFinishedExperimentsAndCompletesTheRest() throws IOException {
    String[] cmd = {"reproduce", "--runs", "1", "--epochs", "1", "--samples", "40", "--naug", "1", "--dataset", "fashion", "-q"};
    Path whole = tmp.resolve("whole");
    assertEquals(0, CliTest.run(with(cmd, "--out", whole.toString())).code());
    Path dir = tmp.resolve("cut");
    for (String e : new String[] {"perm", "trans"}) {
      copy(whole.resolve(e), dir.resolve(e));
    }
    cutAfter(dir.resolve("trans"), 1);
    String permConfig = Files.readString(dir.resolve("perm/config.json"));
    CliTest.Result r = CliTest.run(with(cmd, "--out", dir.toString(), "--resume"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("complete in " + dir.resolve("perm") + ", kept as it is"), r.out());
    assertTrue(r.out().contains("Resuming " + dir.resolve("trans") + ": 1 of 3"), r.out());
    for (String e : new String[] {"perm", "trans", "rot"}) {
      assertEquals(Files.readString(whole.resolve(e + "/metrics.csv")), Files.readString(dir.resolve(e + "/metrics.csv")), e);
    }
    assertEquals(permConfig, Files.readString(dir.resolve("perm/config.json")), "a finished experiment is not rewritten");
    String report = Files.readString(dir.resolve("report.md"), StandardCharsets.UTF_8);
    assertTrue(report.contains("figure") && !report.contains("still running or was interrupted"), report);
  }

  /** A results folder as the command wrote it before config.json went through Gson (checked in under before-gson/). */
  private static Path writtenBefore(String experiment) {
    try {
      return Path.of(ResumeTest.class.getResource("before-gson/" + experiment).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path folderWrittenBefore(String experiment) throws IOException {
    Path dir = tmp.resolve("before-" + experiment);
    copy(writtenBefore(experiment), dir);
    return dir;
  }

  @Test
  void foldersWrittenBeforeGsonAreReadButRefusedForTheirOlderGenerator() throws IOException {
    // Their JSON (written by the hand-made writer) still reads, and its numbers compare by value: that file
    // holds the double lr = 1.0 as "1" (read back as a Long); Gson writes the expected 1.0 as "1.0".
    Path rot = folderWrittenBefore("rot");
    assertTrue(Files.readString(rot.resolve("config.json")).contains("\"lr\": 1,"));
    String[] rotCmd = {"rot", "--runs", "1", "--epochs", "2", "--samples", "2", "--naug", "2", "-q", "--out", rot.toString()};
    EndToEndTest.assertOneLineError(CliTest.run(with(rotCmd, "--lr", "2", "--resume")), "parameters.lr is 1 there, 2 here");
    // They recorded the batch asked for (25), not the one used on 2 samples (2, recorded now), and they were
    // drawn with the JDK's generator (no "numerics"; ResumeVerificationTest checks that refusal): not continued.
    String csv = Files.readString(rot.resolve("metrics.csv"));
    EndToEndTest.assertOneLineError(CliTest.run(with(rotCmd, "--lr", "1", "--resume")), "parameters.batch is 25 there, 2 here");
    assertEquals(csv, Files.readString(rot.resolve("metrics.csv")), "a refused folder is left as it was");
  }
}
