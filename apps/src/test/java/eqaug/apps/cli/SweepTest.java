package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.Json;
import eqaug.apps.sweep.SweepFigure;
import eqaug.apps.sweep.SweepPlan;
import eqaug.apps.sweep.SweepResults;
import eqaug.apps.sweep.SweptOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * eqaug sweep (issue 12, item 4): its points are the experiment command's own results folders, sweep.csv holds
 * exactly their final epochs, a resumed sweep ends as an uninterrupted one, and bad input is refused in one line
 * before anything is written.
 */
class SweepTest {
  private static final String[] PASS = {"--runs", "1", "--epochs", "2", "--samples", "40"};
  private static final String[] SWEEP = {"sweep", "perm", "--runs", "1", "--epochs", "2", "--samples", "40",
      "--naug", "1,2", "--lr", "1e-5,2e-5"};
  private static final List<String> NAMES = List.of("naug=1,lr=1e-5", "naug=1,lr=2e-5", "naug=2,lr=1e-5",
      "naug=2,lr=2e-5");

  @TempDir
  static Path shared;

  /** The tiny sweep, run once; tests copy it before changing anything. */
  private static Path whole;
  private static CliTest.Result wholeRun;

  @BeforeAll
  static void sweepOnce() {
    whole = shared.resolve("whole");
    wholeRun = CliTest.run(with(SWEEP, "--out", whole.toString()));
  }

  @TempDir
  Path tmp;

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void everyPointIsTheExperimentCommandsOwnFolderAndSweepCsvHoldsTheirFinalEpochs() throws Exception {
    assertEquals(0, wholeRun.code(), wholeRun.err());
    // One line per point on stderr, in the documented order (first option slowest).
    List<String> lines = wholeRun.err().lines().filter(l -> l.startsWith("point ")).toList();
    List<String> expectedLines = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      expectedLines.add("point " + (i + 1) + "/4: " + NAMES.get(i));
    }
    assertEquals(expectedLines, lines);
    assertTrue(wholeRun.out().contains("results in " + whole), wholeRun.out());
    try (Stream<Path> s = Files.list(whole.resolve("points"))) {
      assertEquals(NAMES, s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    Map<?, ?> json = (Map<?, ?>) Json.read(Files.readString(whole.resolve("sweep.json")));
    assertEquals("complete", json.get("status"));
    assertEquals("perm", json.get("experiment"));
    assertEquals(Map.of("--naug", List.of("1", "2"), "--lr", List.of("1e-5", "2e-5")), json.get("swept"));
    assertEquals(Map.of("--runs", "1", "--epochs", "2", "--samples", "40"), json.get("pass_through"));
    List<?> points = (List<?>) json.get("points");
    for (int i = 0; i < NAMES.size(); i++) {
      Map<?, ?> p = (Map<?, ?>) points.get(i);
      assertEquals(NAMES.get(i), p.get("name"));
      assertEquals("points/" + NAMES.get(i), p.get("folder"));
      assertEquals("complete", p.get("status"));
    }

    List<String> csv = Files.readAllLines(whole.resolve("sweep.csv"));
    assertEquals("naug,lr,run,strategy,epoch,dist_E,dist_init,loss,accuracy,authors_dist_E,pair_dist_E", csv.get(0));
    assertEquals(1 + 4 * 3, csv.size(), "one row per point, run and strategy");
    int row = 1;
    for (String name : NAMES) {
      Map<String, String[]> finals = finalTotals(whole.resolve("points").resolve(name).resolve("metrics.csv"));
      Map<String, Double> authors = authorsDistE(whole.resolve("points").resolve(name).resolve("metrics.csv"));
      for (String strategy : new String[] {"NOMINAL", "AUGMENTED", "EQUIVARIANT"}) {
        String[] f = csv.get(row++).split(",", -1);
        String[] m = finals.get("0," + strategy);
        assertEquals(name, "naug=" + f[0] + ",lr=" + f[1]);
        assertEquals(List.of("0", strategy, "2"), List.of(f[2], f[3], f[4]));
        // dist_E, dist_init, loss, accuracy: the very strings of the point's own metrics.csv.
        assertEquals(List.of(m[5], m[4], m[6], m[7]), List.of(f[5], f[6], f[7], f[8]), name + " " + strategy);
        assertEquals(authors.get("0," + strategy), Double.parseDouble(f[9]), name + " " + strategy);
        assertEquals(m[10], f[10], "pair_dist_E as metrics.csv has it (empty: not --paired)");
      }
    }
    // A direct perm run with a point's options is the point, byte for byte.
    for (String[] point : new String[][] {{"1", "1e-5"}, {"2", "2e-5"}}) {
      Path direct = tmp.resolve("direct-" + point[0]);
      CliTest.Result r = CliTest.run(with(with(new String[] {"perm"}, PASS), "--naug", point[0], "--lr", point[1],
          "-q", "--out", direct.toString()));
      assertEquals(0, r.code(), r.err());
      Path pointDir = whole.resolve("points/naug=" + point[0] + ",lr=" + point[1]);
      assertEquals(Files.readString(direct.resolve("metrics.csv")), Files.readString(pointDir.resolve("metrics.csv")));
      Map<?, ?> a = (Map<?, ?>) Json.read(Files.readString(direct.resolve("config.json")));
      Map<?, ?> b = (Map<?, ?>) Json.read(Files.readString(pointDir.resolve("config.json")));
      for (String key : new String[] {"experiment", "status", "scale", "parameters", "numerics", "data", "parts"}) {
        assertEquals(a.get(key), b.get(key), key);
      }
    }
    EndToEndTest.checkPng(whole, 2); // N_aug and lr
    EndToEndTest.checkSvg(whole, 2);
    String report = Files.readString(whole.resolve("report.md"));
    assertTrue(report.contains("| naug | lr | strategy | runs |"), report);
    assertTrue(report.contains("EQUIVARIANT's mean final ‖A_E⊥‖ is 0"), report);
  }

  /** The noise model's line goes through AUGMENTED's mean at the smallest N_aug and falls as 1/√N_aug. */
  @Test
  void theNoiseLineIsOneOverRootNaugThroughAugmentedAtTheSmallestNaug() throws IOException {
    assertEquals(0, wholeRun.code(), wholeRun.err());
    Map<SweptOption, String> lists = new EnumMap<>(SweptOption.class);
    lists.put(SweptOption.NAUG, "1,2");
    lists.put(SweptOption.LR, "1e-5,2e-5");
    SweepPlan plan = new SweepPlan("perm", lists, List.of(PASS), Map.of());
    SweepResults results = SweepResults.read(whole, plan, plan.points());
    List<String> notes = new ArrayList<>();
    List<XYChart> panels = SweepFigure.panels(plan, results, eqaug.apps.sweep.Support.ofGroup(3628800), "perm", notes);
    assertEquals(2, panels.size());
    Map<String, double[]> augmentedAtNaug1 = new HashMap<>();
    for (String line : Files.readAllLines(whole.resolve("sweep.csv"))) {
      String[] f = line.split(",", -1);
      if (f[0].equals("1") && f[3].equals("AUGMENTED")) {
        augmentedAtNaug1.put(f[1], new double[] {Double.parseDouble(f[5])});
      }
    }
    int lines = 0;
    for (XYSeries s : panels.get(0).getSeriesMap().values()) {
      if (s.getName().startsWith("∝ 1/√N_aug")) {
        String lr = s.getName().substring(s.getName().indexOf("lr=") + 3);
        double y0 = augmentedAtNaug1.get(lr)[0];
        assertEquals(List.of(1.0, 2.0), List.of(s.getXData()[0], s.getXData()[1]));
        assertEquals(y0, s.getYData()[0]);
        assertEquals(y0 / Math.sqrt(2), s.getYData()[1], 1e-15 * y0);
        lines++;
      }
    }
    assertEquals(2, lines, "one line per value of the other swept option");
  }

  /** Every file under a folder, by relative path, with its content. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (!p.getFileName().toString().equals(".eqaug.lock")) {
          m.put(dir.relativize(p).toString(), new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    return m;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aResumedSweepKeepsCompletePointsResumesThePartialOneAndRunsTheMissingOne() throws IOException {
    assertEquals(0, wholeRun.code(), wholeRun.err());
    Path dir = tmp.resolve("cut");
    copyTree(whole, dir);
    deleteTree(dir.resolve("points").resolve(NAMES.get(1)));
    ResumeTest.cutAfter(dir.resolve("points").resolve(NAMES.get(3)), 1); // point 4 interrupted after NOMINAL
    Files.delete(dir.resolve("report.md"));
    Files.delete(dir.resolve("figure.png"));
    Files.delete(dir.resolve("figure.svg"));
    Path sweepJson = dir.resolve("sweep.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.read(Files.readString(sweepJson));
    json.put("status", "running");
    Files.writeString(sweepJson, Json.write(json));
    String keptConfig = Files.readString(dir.resolve("points").resolve(NAMES.get(0)).resolve("config.json"));

    CliTest.Result r = CliTest.run(with(SWEEP, "--out", dir.toString(), "--resume"));
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("point ")).toList();
    assertEquals(List.of("point 1/4: " + NAMES.get(0) + " (complete, kept)", "point 2/4: " + NAMES.get(1),
        "point 3/4: " + NAMES.get(2) + " (complete, kept)", "point 4/4: " + NAMES.get(3) + " (resuming)"), lines);
    assertEquals(Files.readString(whole.resolve("sweep.csv")), Files.readString(dir.resolve("sweep.csv")));
    for (String name : NAMES) {
      assertEquals(Files.readString(whole.resolve("points").resolve(name).resolve("metrics.csv")),
          Files.readString(dir.resolve("points").resolve(name).resolve("metrics.csv")), name);
    }
    assertEquals(keptConfig, Files.readString(dir.resolve("points").resolve(NAMES.get(0)).resolve("config.json")),
        "a complete point is not trained again");
    Map<?, ?> after = (Map<?, ?>) Json.read(Files.readString(sweepJson));
    assertEquals("complete", after.get("status"));
    assertTrue(after.get("resumed") instanceof List<?> l && l.size() == 1, String.valueOf(after.get("resumed")));
    assertTrue(Files.isRegularFile(dir.resolve("report.md")) && Files.isRegularFile(dir.resolve("figure.png")));

    // Resuming a complete sweep changes nothing.
    Map<String, String> before = snapshot(dir);
    CliTest.Result again = CliTest.run(with(SWEEP, "--out", dir.toString(), "--resume"));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("is complete: nothing to resume"), again.out());
    assertEquals(before, snapshot(dir));
  }

  @Test
  void aResumeWithOtherOptionsIsRefusedInOneLineNamingTheDifferenceAndChangesNothing() throws IOException {
    assertEquals(0, wholeRun.code(), wholeRun.err());
    Path dir = tmp.resolve("other");
    copyTree(whole, dir);
    deleteTree(dir.resolve("points").resolve(NAMES.get(3)));
    Map<String, String> before = snapshot(dir);
    String out = dir.toString();
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "perm", "--runs", "1", "--epochs", "2", "--samples", "40",
        "--naug", "1,2", "--lr", "1e-5,3e-5", "--out", out, "--resume"), "--lr is 1e-5,3e-5 here but 1e-5,2e-5 there");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "perm", "--runs", "1", "--epochs", "3", "--samples", "40",
        "--naug", "1,2", "--lr", "1e-5,2e-5", "--out", out, "--resume"), "--epochs is 3 here but 2 there");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "perm", "--runs", "1", "--epochs", "2",
        "--naug", "1,2", "--lr", "1e-5,2e-5", "--out", out, "--resume"), "--samples is not given here but 40 there");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "perm", "--runs", "1", "--epochs", "2", "--samples", "40",
        "--naug", "1,2", "--lr", "1e-5,2e-5", "--precision", "fp64", "--out", out, "--resume"),
        "--precision is fp64 here but not given there");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "rot", "--runs", "1", "--epochs", "2", "--samples", "40",
        "--naug", "1,2", "--lr", "1e-5,2e-5", "--out", out, "--resume"), "a sweep of 'perm', not 'rot'");
    // Without --resume, a folder with results is refused, as the experiment commands refuse theirs.
    EndToEndTest.assertOneLineError(CliTest.run(with(SWEEP, "--out", out)), "already holds results");
    assertEquals(before, snapshot(dir));
    Path none = tmp.resolve("none");
    EndToEndTest.assertOneLineError(CliTest.run(with(SWEEP, "--out", none.toString(), "--resume")),
        "nothing to resume");
    assertFalse(Files.exists(none));
    // An experiment's folder is not a sweep.
    EndToEndTest.assertOneLineError(CliTest.run(with(SWEEP, "--out", whole.resolve("points").resolve(NAMES.get(0))
        .toString(), "--resume")), "holds no sweep.json, so there is no sweep to resume");
  }

  @Test
  void aPrecisionSweepTrainsEachPointAtItsPrecisionAndDrawsNoFigureForNoNumberSwept() throws IOException {
    Path dir = tmp.resolve("precision");
    CliTest.Result r = CliTest.run("sweep", "perm", "--runs", "1", "--epochs", "1", "--samples", "40", "--naug", "1",
        "--precision", "fp32,fp64", "-q", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err(), "-q: no line per point");
    List<String> metrics = new ArrayList<>();
    for (String p : new String[] {"fp32", "fp64"}) {
      Path point = dir.resolve("points/naug=1,precision=" + p);
      Map<?, ?> cfg = (Map<?, ?>) Json.read(Files.readString(point.resolve("config.json")));
      assertEquals(p, ((Map<?, ?>) cfg.get("numerics")).get("precision"));
      metrics.add(Files.readString(point.resolve("metrics.csv")));
    }
    assertFalse(metrics.get(0).equals(metrics.get(1)), "fp64 rounds otherwise than fp32");
    assertEquals("naug,precision,run,strategy,epoch,dist_E,dist_init,loss,accuracy,authors_dist_E,pair_dist_E",
        Files.readAllLines(dir.resolve("sweep.csv")).get(0));
    assertFalse(Files.exists(dir.resolve("figure.png")));
    assertTrue(Files.readString(dir.resolve("report.md")).contains("No figure"));
  }

  @Test
  void aPointThatFailsIsRecordedInSweepJsonAndTheFinishedPointsAreKept() throws IOException {
    assertEquals(0, wholeRun.code(), wholeRun.err());
    Path dir = tmp.resolve("broken");
    copyTree(whole, dir);
    // Point 3 left interrupted with a config.json its experiment command cannot read.
    Path third = dir.resolve("points").resolve(NAMES.get(2));
    Files.writeString(third.resolve("config.json"), "{ not json");
    deleteTree(dir.resolve("points").resolve(NAMES.get(3)));
    String first = Files.readString(dir.resolve("points").resolve(NAMES.get(0)).resolve("metrics.csv"));
    CliTest.Result r = CliTest.run(with(SWEEP, "-q", "--out", dir.toString(), "--resume"));
    EndToEndTest.assertOneLineError(r, "point 3/4 (" + NAMES.get(2) + "): --resume: cannot read");
    Map<?, ?> json = (Map<?, ?>) Json.read(Files.readString(dir.resolve("sweep.json")));
    assertTrue(String.valueOf(json.get("status")).startsWith("failed"), String.valueOf(json.get("status")));
    List<?> points = (List<?>) json.get("points");
    assertEquals(List.of("complete", "complete"), List.of(((Map<?, ?>) points.get(0)).get("status"),
        ((Map<?, ?>) points.get(1)).get("status")));
    assertTrue(String.valueOf(((Map<?, ?>) points.get(2)).get("status")).startsWith("failed: "));
    assertEquals("not started", ((Map<?, ?>) points.get(3)).get("status"));
    assertEquals(first, Files.readString(dir.resolve("points").resolve(NAMES.get(0)).resolve("metrics.csv")));
    assertFalse(Files.exists(dir.resolve("points").resolve(NAMES.get(3))), "nothing after the failed point ran");
  }

  /** all is every element of what AUGMENTED draws from: S_6 (720), or --augment-by's subgroup <(0 1)> (2). */
  @Test
  void nAugAllIsPlacedAtTheSizeOfWhatItAveragesOver() throws IOException {
    String[] base = {"sweep", "perm", "--nodes", "6", "--runs", "1", "--epochs", "1", "--samples", "40", "--naug", "1,all",
        "-q"};
    Path g = tmp.resolve("s6");
    assertEquals(0, CliTest.run(with(base, "--out", g.toString())).code());
    String report = Files.readString(g.resolve("report.md"));
    assertTrue(report.contains("| all (|G| = 720, exact) |"), report);
    // The causes separated from the points themselves: exact augmentation's drift is fp32 rounding, far below the
    // sampled drift, which the noise model reads.
    assertTrue(report.contains("## Noise, rounding or instability?"), report);
    assertTrue(report.contains("rounding is not what moves sampled AUGMENTED off E"), report);
    assertTrue(report.contains("| naug=1 | ") && report.contains("**Sampling noise and instability** (sampled points, "
        + "1 AUGMENTED runs)"), report);
    List<String> csv = Files.readAllLines(g.resolve("sweep.csv"));
    double sampled = Double.NaN;
    double exact = Double.NaN;
    for (String line : csv.subList(1, csv.size())) {
      String[] f = line.split(",", -1); // naug,run,strategy,epoch,dist_E,...
      if (f[2].equals("AUGMENTED")) {
        if (f[0].equals("1")) {
          sampled = Double.parseDouble(f[4]);
        } else {
          exact = Double.parseDouble(f[4]);
        }
      }
    }
    // A step of the exact augmented gradient from A0 in E stays in E up to float32 rounding (Corollary 1), far
    // below one sampled permutation's step off E.
    assertTrue(exact < 1e-3 * sampled, "exact " + exact + ", sampled " + sampled);
    EndToEndTest.checkPng(g, 1);
    Path h = tmp.resolve("h");
    CliTest.Result r = CliTest.run(with(base, "--augment-by", "(0 1)", "--out", h.toString()));
    assertEquals(0, r.code(), r.err());
    report = Files.readString(h.resolve("report.md"));
    assertTrue(report.contains("| all (|H| = 2, exact) |") && report.contains("draws from less than G"), report);
    Map<?, ?> json = (Map<?, ?>) Json.read(Files.readString(h.resolve("sweep.json")));
    assertEquals("(0 1)", ((Map<?, ?>) json.get("pass_through")).get("--augment-by"));
  }

  /**
   * --augment-by as a list (';'-separated, 'G' for the paper's Haar on G): one point per spec, folder names made
   * safe, sweep.csv quoting specs with commas, the G point equal to a run without the option, and claim (ii)
   * compared across the augmentations.
   */
  @Test
  void augmentByListsSweepHowAugmentedDrawsAndTheReportComparesClaimTwo() throws IOException {
    String[] base = {"sweep", "perm", "--nodes", "4", "--runs", "1", "--epochs", "2", "--samples", "40", "--naug", "2",
        "-q"};
    Path dir = tmp.resolve("by");
    CliTest.Result r = CliTest.run(with(base, "--augment-by", "G;(0 1);e:1,(0 1):3", "--out", dir.toString()));
    assertEquals(0, r.code(), r.err());
    for (String folder : new String[] {"naug=2,augment_by=G", "naug=2,augment_by=_0_1_",
        "naug=2,augment_by=e_1__0_1__3"}) {
      assertTrue(Files.isRegularFile(dir.resolve("points").resolve(folder).resolve("metrics.csv")), folder);
    }
    List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("2,\"e:1,(0 1):3\",0,AUGMENTED,")), String.join("\n", csv));
    Path direct = tmp.resolve("direct");
    assertEquals(0, CliTest.run("perm", "--nodes", "4", "--runs", "1", "--epochs", "2", "--samples", "40", "--naug", "2",
        "-q", "--out", direct.toString()).code());
    assertEquals(Files.readString(direct.resolve("metrics.csv")),
        Files.readString(dir.resolve("points/naug=2,augment_by=G/metrics.csv")), "G is the paper's augmentation");
    String report = Files.readString(dir.resolve("report.md"));
    assertTrue(report.contains("**Claim (ii) by augmentation**") && report.contains("naug=2,augment_by=_0_1_: ")
        && report.contains("× Haar on G's"), report);
    // 'all' over a different support at every point is refused, and so are two specs that share a folder name.
    CliTest.Result both = CliTest.run(with(base, "--augment-by", "G;(0 1)", "--naug", "2,all", "--out",
        tmp.resolve("both").toString()));
    assertEquals(2, both.code(), both.err());
    assertFalse(Files.exists(tmp.resolve("both")));
    CliTest.Result same = CliTest.run(with(base, "--augment-by", "(0 1);(0,1)", "--out", tmp.resolve("same").toString()));
    assertEquals(2, same.code(), same.err());
    assertTrue(same.err().contains("names the same folder"), same.err());
  }

  @Test
  void nAugAllOnAGroupTooLargeToEnumerateIsRefusedBeforeAnythingIsWritten() {
    Path out = tmp.resolve("s10");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "perm", "--runs", "1", "--epochs", "1", "--samples", "40",
        "--naug", "1,all", "--out", out.toString()), "3628800 elements; the limit is 5040");
    EndToEndTest.assertNothingLeft(out);
  }

  @Test
  void badListsAreRefusedInOneLineAndLeaveNoFolder() {
    String[] base = {"sweep", "perm", "--runs", "1", "--epochs", "1", "--samples", "40"};
    Object[][] cases = {
        {new String[] {"--naug", "1,,2"}, "--naug 1,,2: an empty value"},
        {new String[] {"--naug", ""}, "got an empty one"},
        {new String[] {"--lr", "1e-5,"}, "an empty value"},
        {new String[] {"--naug", "1", "--naug", "2"}, "should be specified only once"},
        {new String[] {"--lr", "1e-5,abc"}, "'abc' is not one of the positive numbers"},
        {new String[] {"--lr", "0,1e-5"}, "'0' is not one of the positive numbers"},
        {new String[] {"--naug", "0,1"}, "'0' is not one of the positive integers or 'all'"},
        {new String[] {"--naug", "1.5"}, "'1.5' is not one of"},
        {new String[] {"--perturb", "-1e-3,0"}, "'-1e-3' is not one of the numbers ≥ 0"},
        {new String[] {"--penalty", "NaN"}, "'NaN' is not one of the numbers ≥ 0"},
        {new String[] {"--precision", "fp32,fp16"}, "'fp16' is not one of the fp32 and fp64"},
        {new String[] {"--lr", "1e-5,0.00001"}, "0.00001 is listed twice"},
        {new String[] {"--naug", "2,2"}, "2 is listed twice"},
        {new String[] {}, "nothing to sweep"},
        {new String[] {"--naug", "1,2", "--bogus", "3"}, "perm: Unknown option"},
        {new String[] {"--naug", "1,2", "--batch", "5000"}, "--batch 5000 is larger than the data set"},
        {new String[] {"--naug", "1,2", "--shard", "1/2"}, "--shard does not apply to a sweep"},
        {new String[] {"--naug", "1,2", "--list-units"}, "--list-units does not apply to a sweep"},
    };
    for (Object[] c : cases) {
      Path out = tmp.resolve("bad");
      String[] args = with(with(base, (String[]) c[0]), "--out", out.toString());
      EndToEndTest.assertOneLineError(CliTest.run(args), (String) c[1]);
      EndToEndTest.assertNothingLeft(out);
    }
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "--runs", "1", "perm", "--naug", "1,2"),
        "the experiment comes first");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "stability", "--naug", "1,2"), "unknown experiment 'stability'");
    EndToEndTest.assertOneLineError(CliTest.run("sweep", "perm", "--naug", "1,2", "--resume"), "--resume needs --out DIR");
  }

  /** A point's experiment command runs inside the sweep: only the sweep's hint (resume the sweep) is registered. */
  @Test
  void onlyTheOutermostCommandRegistersAResumeHint() {
    java.io.PrintStream err = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    try (ResumeHint outer = new ResumeHint(tmp, "eqaug sweep", err)) {
      try (ResumeHint inner = new ResumeHint(tmp.resolve("points/p"), "eqaug perm", err)) {
        assertTrue(outer.hook != null && inner.hook == null);
      }
      try (ResumeHint again = new ResumeHint(tmp.resolve("points/q"), "eqaug perm", err)) {
        assertTrue(again.hook == null, "still inside the sweep");
      }
    }
    try (ResumeHint alone = new ResumeHint(tmp, "eqaug perm", err)) {
      assertTrue(alone.hook != null, "a command on its own registers its hint");
    }
  }

  @Test
  void helpFitsEightyColumnsAndGivesAnExample() {
    CliTest.Result r = CliTest.run("sweep", "--help");
    assertEquals(0, r.code());
    for (String line : r.out().lines().toList()) {
      assertTrue(line.length() <= 80, "longer than 80 columns: " + line);
    }
    assertTrue(r.out().contains("eqaug sweep rot --naug 1,4,all --precision fp32,fp64"), r.out());
    assertTrue(CliTest.run("--help").out().contains("eqaug sweep"));
  }

  /** The final total row of each (run, strategy) of a metrics.csv, split, parsed independently of the code under test. */
  static Map<String, String[]> finalTotals(Path metrics) throws IOException {
    Map<String, String[]> last = new HashMap<>();
    for (String line : Files.readAllLines(metrics).subList(1, Files.readAllLines(metrics).size())) {
      String[] f = line.split(",", -1);
      String key = f[0] + "," + f[1];
      if (f[3].equals("total") && (!last.containsKey(key) || Integer.parseInt(f[2]) > Integer.parseInt(last.get(key)[2]))) {
        last.put(key, f);
      }
    }
    return last;
  }

  /** sqrt of the sum over layers of dist_E^4 at each (run, strategy)'s final epoch. */
  static Map<String, Double> authorsDistE(Path metrics) throws IOException {
    Map<String, String[]> finals = finalTotals(metrics);
    Map<String, Double> sum = new HashMap<>();
    for (String line : Files.readAllLines(metrics).subList(1, Files.readAllLines(metrics).size())) {
      String[] f = line.split(",", -1);
      String key = f[0] + "," + f[1];
      if (!f[3].equals("total") && f[2].equals(finals.get(key)[2])) {
        double d = Double.parseDouble(f[5]);
        sum.merge(key, d * d * d * d, Double::sum);
      }
    }
    sum.replaceAll((k, v) -> Math.sqrt(v));
    return sum;
  }
}
