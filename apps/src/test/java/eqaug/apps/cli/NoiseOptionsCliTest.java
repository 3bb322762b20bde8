package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.Json;
import eqaug.apps.results.MetricsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options that separate the causes of AUGMENTED's drift (issue 12) on the experiment commands: --naug all,
 * --penalty, --perturb, --paired and --augment-by — what they record, what they refuse, and that a penalised,
 * perturbed, paired folder resumes to the uninterrupted bytes.
 */
class NoiseOptionsCliTest {
  private static final String[] SMALL = {"--runs", "2", "--epochs", "3", "--samples", "40", "--batch", "20", "-q",
      "--threads", "1"};

  @TempDir
  Path tmp;

  private static CliTest.Result run(String experiment, Path out, String... extra) {
    String[] args = new String[1 + SMALL.length + extra.length + 2];
    args[0] = experiment;
    System.arraycopy(SMALL, 0, args, 1, SMALL.length);
    System.arraycopy(extra, 0, args, 1 + SMALL.length, extra.length);
    args[args.length - 2] = "--out";
    args[args.length - 1] = out.toString();
    return CliTest.run(args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parameters(Path dir) throws IOException {
    Map<String, Object> cfg = (Map<String, Object>) Json.read(Files.readString(dir.resolve("config.json")));
    return (Map<String, Object>) cfg.get("parameters");
  }

  /** The "total" rows of a strategy, split into fields (empty optional fields kept). */
  private static List<String[]> totals(Path dir, String strategy) throws IOException {
    return Files.readAllLines(dir.resolve("metrics.csv")).stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[1].equals(strategy) && f[3].equals("total")).toList();
  }

  @Test
  void badValuesAreRefusedInOneLineAndLeaveNothing() {
    String[][] cases = {
        {"--naug", "0"}, {"--naug", "some"}, {"--penalty", "-1"}, {"--penalty", "NaN"}, {"--perturb", "-0.1"},
        {"--perturb", "Infinity"}, {"--paired"}, {"--perturb", "1e-3", "--paired", "--device", "opencl"},
        {"--augment-by", "r9"}};
    for (String[] c : cases) {
      Path out = tmp.resolve("bad" + String.join("", c).replaceAll("[^A-Za-z0-9]", ""));
      CliTest.Result r = run("perm", out, c);
      assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("WARNING")).count(), r.err());
      assertFalse(Files.exists(out), String.join(" ", c) + " left " + out);
    }
  }

  @Test
  void exactAugmentationOfAGroupTooLargeToEnumerateIsRefusedNamingItsOrderAndTheLimit() {
    CliTest.Result r = run("perm", tmp.resolve("s10"), "--naug", "all");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("S_10") && r.err().contains("3628800") && r.err().contains("5040"), r.err());
    assertFalse(Files.exists(tmp.resolve("s10")));
  }

  @Test
  void reproduceAndStabilityRefuseWhatDoesNotApplyToThem() {
    CliTest.Result r = CliTest.run("reproduce", "--augment-by", "e:1", "-q", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--augment-by does not apply to reproduce"), r.err());
    CliTest.Result s = CliTest.run("stability", "rot", "--penalty", "10", "-q", "--out", tmp.resolve("s").toString());
    assertEquals(2, s.code(), s.err());
    assertTrue(s.err().contains("do not apply to stability"), s.err());
  }

  /**
   * Exact augmentation on S_4 (perm --nodes 4) records N_aug "all" and keeps AUGMENTED in E at fp64 (Corollary 1 through the
   * command); the penalty's column is γ/2 ||A_E-perp||^2 of the same row; grad_E_perp is empty only at the last epoch.
   */
  @Test
  void exactAugmentationAndThePenaltyAreRecordedAndBehave() throws IOException {
    Path dir = tmp.resolve("s4-exact");
    CliTest.Result r = run("perm", dir, "--nodes", "4", "--naug", "all", "--precision", "fp64", "--penalty", "500");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("N_aug all (24 elements, exact)"), r.out());
    Map<String, Object> p = parameters(dir);
    assertEquals("all", p.get("naug"));
    assertEquals(500.0, ((Number) p.get("penalty")).doubleValue());
    assertEquals("Haar on G", p.get("augmentation"));
    for (String[] f : totals(dir, "AUGMENTED")) {
      double distE = Double.parseDouble(f[5]);
      double distInit = Double.parseDouble(f[4]);
      assertTrue(distE <= 1e-10 * Math.max(distInit, 1e-300), "exact AUGMENTED stays in E at fp64: " + String.join(",", f));
    }
    for (String strategy : new String[] {"NOMINAL", "AUGMENTED", "EQUIVARIANT"}) {
      List<String[]> rows = totals(dir, strategy);
      assertEquals(8, rows.size(), "2 runs x 4 epochs");
      for (String[] f : rows) {
        double distE = Double.parseDouble(f[5]);
        assertEquals(500 / 2.0 * distE * distE, Double.parseDouble(f[8]), 1e-15 * Math.max(1, distE * distE), strategy);
        boolean last = f[2].equals("3");
        assertEquals(last, f[9].isEmpty(), strategy + " epoch " + f[2] + ": grad_E_perp");
        assertTrue(f[10].isEmpty(), "not paired");
      }
    }
    // NOMINAL's gradient has an E-perp part; EQUIVARIANT's step removes it but the recorded gradient is before that.
    assertTrue(Double.parseDouble(totals(dir, "NOMINAL").get(0)[9]) > 0);
  }

  @Test
  void aPerturbedPairedFolderRecordsThePairAndResumesToTheSameBytes() throws IOException {
    String[] opts = {"--perturb", "1e-3", "--paired", "--penalty", "100"};
    Path whole = tmp.resolve("whole");
    CliTest.Result r = run("perm", whole, opts);
    assertEquals(0, r.code(), r.err());
    Map<String, Object> p = parameters(whole);
    assertEquals(1e-3, ((Number) p.get("perturb")).doubleValue());
    assertEquals(Boolean.TRUE, p.get("paired"));
    for (String strategy : new String[] {"NOMINAL", "AUGMENTED", "EQUIVARIANT"}) {
      for (String[] f : totals(whole, strategy)) {
        if (f[2].equals("0")) {
          // u is a unit vector of E-perp and A^0 is in E: epoch 0 is ε off E, and ε from the twin, up to rounding
          // A^0 + ε u to float (about half an ulp of entries ~0.05 over 5e5 entries: ~2e-6).
          assertEquals(1e-3, Double.parseDouble(f[5]), 2e-5, strategy);
          assertEquals(1e-3, Double.parseDouble(f[10]), 2e-5, strategy);
        } else {
          assertFalse(f[10].isEmpty(), strategy + ": pair_dist_E recorded at every epoch");
        }
      }
    }
    // Cut after the first part and resume: the same bytes as the uninterrupted folder.
    Path cut = tmp.resolve("cut");
    ResumeTest.copy(whole, cut);
    ResumeTest.cutAfter(cut, 1);
    CliTest.Result resumed = run("perm", cut, concat(opts, "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(Files.readString(whole.resolve("metrics.csv")), Files.readString(cut.resolve("metrics.csv")));
    // Resuming with another γ is refused, naming it.
    ResumeTest.cutAfter(cut, 1);
    CliTest.Result other = run("perm", cut, "--perturb", "1e-3", "--paired", "--penalty", "200", "--resume");
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("penalty"), other.err());
  }

  @Test
  void augmentingByASubgroupIsRecordedAndChangesOnlyAugmented() throws IOException {
    Path g = tmp.resolve("g");
    Path h = tmp.resolve("h");
    assertEquals(0, run("rot", g, "--naug", "2").code());
    CliTest.Result r = run("rot", h, "--naug", "2", "--augment-by", "r2");
    assertEquals(0, r.code(), r.err());
    assertEquals("Haar on <r2> (C2, order 2)", parameters(h).get("augmentation"));
    assertTrue(r.out().contains("AUGMENTED draws from Haar on <r2>"), r.out());
    for (String s : new String[] {"NOMINAL", "EQUIVARIANT"}) {
      List<String[]> a = totals(g, s);
      List<String[]> b = totals(h, s);
      for (int i = 0; i < a.size(); i++) {
        assertEquals(String.join(",", a.get(i)), String.join(",", b.get(i)), s + " does not augment");
      }
    }
    assertFalse(totals(g, "AUGMENTED").get(3)[5].equals(totals(h, "AUGMENTED").get(3)[5]));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static {
    // The column layout these tests read: ..., loss, accuracy, penalty, grad_E_perp, pair_dist_E.
    assertEquals("run,strategy,epoch,layer,dist_init,dist_E,loss,accuracy,penalty,grad_E_perp,pair_dist_E",
        MetricsCsv.HEADER);
  }
}
