package eqaug.apps.cli;

import static eqaug.apps.cli.EndToEndTest.assertNothingLeft;
import static eqaug.apps.cli.EndToEndTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eqaug stability end to end on a small Experiment 1 (20 graphs, the paper's network): the files it writes, a
 * real-network check of the Hessian products (the Ritz values agree with gradient differences along their
 * vectors), determinism, and the one-line refusals.
 */
class StabilityCommandTest {
  @TempDir
  Path tmp;

  private static final String[] TINY = {"stability", "perm", "--samples", "20", "--epochs", "2", "--at", "0,last",
      "--lanczos-steps", "6", "--eigenvalues", "1", "--draws", "2", "--threads", "1", "--density", "2", "--trace", "3",
      "-q"};

  private CliTest.Result tiny(Path out) {
    String[] args = java.util.Arrays.copyOf(TINY, TINY.length + 2);
    args[TINY.length] = "--out";
    args[TINY.length + 1] = out.toString();
    return CliTest.run(args);
  }

  @Test
  void writesSpectraVerdictsAndChecksPerPoint() throws IOException {
    Path out = tmp.resolve("st");
    CliTest.Result r = tiny(out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("run 0, epoch 0:") && r.out().contains("run 0, epoch 2:"), r.out());

    List<String> ritz = Files.readAllLines(out.resolve("stability.csv"));
    assertEquals("run,epoch,block,end,index,eigenvalue,residual,lanczos_estimate", ritz.get(0));
    assertEquals(1 + 2 * 2 * 2, ritz.size(), "2 points x 2 blocks x 2 ends x 1 eigenvalue");

    List<String> points = Files.readAllLines(out.resolve("points.csv"));
    assertEquals(3, points.size());
    List<String> header = List.of(points.get(0).split(","));
    for (String row : points.subList(1, 3)) {
      String[] f = row.split(",");
      double lambdaPerp = Double.parseDouble(f[header.indexOf("lambda_min_E_perp")]);
      double checkPerp = Double.parseDouble(f[header.indexOf("curvature_check_E_perp")]);
      double lambdaE = Double.parseDouble(f[header.indexOf("lambda_min_E")]);
      double checkE = Double.parseDouble(f[header.indexOf("curvature_check_E")]);
      // Gradient differences below the kink distance measure the same curvature the R-operator computes.
      assertEquals(lambdaPerp, checkPerp, 1e-4 * Math.abs(lambdaPerp) + 1e-6, row);
      assertEquals(lambdaE, checkE, 1e-4 * Math.abs(lambdaE) + 1e-6, row);
      assertEquals(0.0, Double.parseDouble(f[header.indexOf("distance_to_E")]), "EQUIVARIANT stays exactly in E");
      assertTrue(List.of("unstable", "stable", "undecided").contains(f[header.indexOf("verdict")]), row);
      double growth = Double.parseDouble(f[header.indexOf("growth_factor")]);
      assertEquals(Math.pow(1 - 1e-5 * lambdaPerp, 2), growth, 1e-12 * growth);
    }
    List<String> weights = Files.readAllLines(out.resolve("least-stable.csv"));
    double sum = 0;
    for (String w : weights) {
      if (w.startsWith("0,0,E_perp,layer,")) {
        sum += Double.parseDouble(w.substring(w.lastIndexOf(',') + 1));
      }
    }
    assertEquals(1, sum, 1e-12, "the layer shares of a unit vector add up to 1");

    // SLQ: each probe's Gauss weights are a probability distribution over its nodes.
    Map<String, Double> weightSums = new java.util.TreeMap<>();
    List<String> density = Files.readAllLines(out.resolve("density.csv"));
    assertEquals("run,epoch,block,probe,node,weight", density.get(0));
    for (String row : density.subList(1, density.size())) {
      String[] f = row.split(",");
      weightSums.merge(f[1] + "/" + f[3], Double.parseDouble(f[5]), Double::sum);
    }
    assertEquals(4, weightSums.size(), "2 points x 2 probes");
    weightSums.values().forEach(w -> assertEquals(1, w, 1e-12));
    for (String row : points.subList(1, 3)) {
      assertTrue(Double.isFinite(Double.parseDouble(row.split(",")[header.indexOf("trace_E_perp")])), row);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) Json.read(Files.readString(out.resolve("config.json")));
    assertEquals("complete", config.get("status"));
    @SuppressWarnings("unchecked")
    Map<String, Object> analysis = (Map<String, Object>) config.get("analysis");
    assertEquals("[0, 2]", String.valueOf(analysis.get("at")));
    assertTrue(Files.readString(out.resolve("report.md")).contains("**Verdict.**"));
    assertTrue(Files.size(out.resolve("figure.png")) > 1000);

    // The same command gives the same spectra, bit for bit.
    Path again = tmp.resolve("again");
    assertEquals(0, tiny(again).code());
    assertEquals(Files.readString(out.resolve("stability.csv")), Files.readString(again.resolve("stability.csv")));
  }

  /** A point saved by an experiment command and analysed with --init gives the spectra of the same point trained here. */
  @Test
  void aSavedPointAnalysedWithInitGivesTheSameSpectra() throws IOException {
    Path trained = tmp.resolve("trained");
    assertEquals(0, tiny(trained).code());
    Path perm = tmp.resolve("perm");
    CliTest.Result saved = CliTest.run("perm", "--samples", "20", "--epochs", "2", "--runs", "1", "--naug", "1",
        "--save-params", "2", "--threads", "1", "-q", "--out", perm.toString());
    assertEquals(0, saved.code(), saved.err());
    Path file = perm.resolve("params/run-0/EQUIVARIANT/epoch-2.npz");
    Path analysed = tmp.resolve("analysed");
    CliTest.Result r = CliTest.run("stability", "perm", "--samples", "20", "--epochs", "2", "--at", "0",
        "--lanczos-steps", "6", "--eigenvalues", "1", "--draws", "2", "--threads", "1", "--init", file.toString(), "-q",
        "--out", analysed.toString());
    assertEquals(0, r.code(), r.err());
    List<String> here = Files.readAllLines(analysed.resolve("stability.csv"));
    List<String> there = Files.readAllLines(trained.resolve("stability.csv"));
    assertEquals(1 + 4, here.size());
    for (int i = 1; i < here.size(); i++) {
      // Same A, same draws and Lanczos starts (both run 0 of seed 1): the same bits, only the epoch differs.
      assertEquals(there.get(i + 4).replaceFirst("^0,2,", ""), here.get(i).replaceFirst("^0,0,", ""));
    }
    assertTrue(Files.readString(analysed.resolve("config.json")).contains("\"init\""));
  }

  @Test
  void onlyRunsAnalysesJustThoseRuns() throws IOException {
    Path out = tmp.resolve("only");
    CliTest.Result r = CliTest.run("stability", "perm", "--samples", "20", "--epochs", "1", "--runs", "3",
        "--only-runs", "2", "--at", "0", "--lanczos-steps", "2", "--eigenvalues", "1", "--draws", "1", "--threads",
        "1", "-q", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    List<String> points = Files.readAllLines(out.resolve("points.csv"));
    assertEquals(2, points.size());
    assertTrue(points.get(1).startsWith("2,0,"), points.get(1));
  }

  @Test
  void badInputIsOneLineAndLeavesNothing() {
    Path out = tmp.resolve("bad");
    String o = out.toString();
    assertOneLineError(CliTest.run("stability", "bogus", "--out", o), "unknown experiment 'bogus'");
    assertOneLineError(CliTest.run("stability", "perm", "--epochs", "2", "--at", "0,5", "--out", o), "outside 0..2");
    assertOneLineError(CliTest.run("stability", "perm", "--at", "zero", "--out", o), "--at");
    assertOneLineError(CliTest.run("stability", "perm", "--draws", "all", "--samples", "20", "--out", o),
        "3628800 elements");
    assertOneLineError(CliTest.run("stability", "perm", "--draws", "0", "--out", o), "--draws");
    assertOneLineError(CliTest.run("stability", "perm", "--naug", "3", "--out", o), "--naug");
    assertOneLineError(CliTest.run("stability", "perm", "--device", "opencl", "--out", o), "CPU only");
    assertOneLineError(CliTest.run("stability", "perm", "--lanczos-steps", "1", "--out", o), "--lanczos-steps");
    assertOneLineError(CliTest.run("stability", "perm", "--eigenvalues", "0", "--out", o), "--eigenvalues");
    assertOneLineError(CliTest.run("stability", "perm", "--resume", "--out", o), "do not apply");
    assertOneLineError(CliTest.run("stability", "perm", "--save-params", "0", "--out", o), "--save-params");
    assertOneLineError(CliTest.run("stability", "perm", "--init", tmp.resolve("missing.npz").toString(), "--out", o),
        "missing.npz");
    assertOneLineError(CliTest.run("stability", "perm", "--density", "-1", "--out", o), "--density");
    assertOneLineError(CliTest.run("stability", "perm", "--runs", "2", "--only-runs", "2", "--out", o), "outside 0..1");
    assertOneLineError(CliTest.run("stability", "perm", "--only-runs", "a", "--out", o), "--only-runs");
    assertNothingLeft(out);
  }
}
