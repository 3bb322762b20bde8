package eqaug.apps.report;

import eqaug.apps.results.MetricsCsv;
import eqaug.apps.results.MetricsTable;
import eqaug.apps.experiments.Protocol;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.train.EpochRecord;
import eqaug.train.Precision;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's two expectations decided from metrics (§5): (i) E is invariant but not stable under
 * AUGMENTED training, (ii) AUGMENTED stays closer to E than NOMINAL — each in both outcomes and undecided;
 * the metrics table read back from metrics.csv; and report.md built from both.
 */
class ReportChecksTest {
  @TempDir
  Path tmp;

  /** ||A^0|| of the runs, so that the rounding level is 16 * 2^-24 * 10, about 9.5e-6. */
  static final double NORM_A0 = 10;
  static final double LEVEL = 16 * Math.pow(2, -24) * NORM_A0;

  /** A curve starting at A^0 (distances 0) and reaching the given final distance to E after two epochs. */
  static void curve(MetricsTable t, int run, Strategy s, double finalDistE) {
    curve(t, run, s, finalDistE, Double.NaN);
  }

  /** The protocols' step τ in these tables. */
  static final double TAU = 1e-5;

  /**
   * The same with the step's gradient across E recorded (grad_E_perp), chosen so that the final drift is
   * {@code overNoise} times the sampling-noise model's random walk τ sqrt(ξ_0^2 + ξ_1^2); NaN: not recorded.
   */
  static void curve(MetricsTable t, int run, Strategy s, double finalDistE, double overNoise) {
    double xi = Double.isNaN(overNoise) ? Double.NaN : finalDistE / (overNoise * TAU * Math.sqrt(2));
    t.add(run, s, new MetricsTable.Point(0, 0, 0, 0, 2.3, 0.1, xi, 0, Double.NaN));
    t.add(run, s, new MetricsTable.Point(1, 0.5, finalDistE / 2, 0, 2.2, 0.2, xi, 0, Double.NaN));
    t.add(run, s, new MetricsTable.Point(2, 1.0, finalDistE, 0, 2.1, 0.3, Double.NaN, 0, Double.NaN));
  }

  /** NOMINAL, AUGMENTED whose drift is {@code overNoise} times the noise's walk, and EQUIVARIANT. */
  static MetricsTable table(double nominal, double augmented, double overNoise, double equivariant) {
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.NOMINAL, nominal, 1);
    curve(t, 0, Strategy.AUGMENTED, augmented, overNoise);
    curve(t, 0, Strategy.EQUIVARIANT, equivariant, 1);
    return t;
  }

  static MetricsTable table(double nominal, double augmented, double equivariant) {
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.NOMINAL, nominal);
    curve(t, 0, Strategy.AUGMENTED, augmented);
    curve(t, 0, Strategy.EQUIVARIANT, equivariant);
    return t;
  }

  @Test
  void roundingLevelIsSixteenUnitRoundoffsOfTheInitialNorm() {
    assertEquals(LEVEL, ReportChecks.roundingLevel(NORM_A0), 1e-20);
    assertEquals(2 * LEVEL, ReportChecks.roundingLevel(2 * NORM_A0), 1e-20);
  }

  /**
   * At fp64 the rounding level is float64's (2^-53): an AUGMENTED drift of 1e-3 times float32's level is below
   * float32 rounding but far above float64's, so (i) holds for fp64 runs and not for fp32 ones; the report says
   * which precision it judged by.
   */
  @Test
  void fp64RunsAreJudgedAgainstFloat64Rounding() {
    double level64 = 16 * Math.pow(2, -53) * NORM_A0;
    assertEquals(level64, ReportChecks.roundingLevel(NORM_A0, eqaug.train.Precision.FP64), 1e-30);
    MetricsTable t = table(1.0, 1e-3 * LEVEL, 0.0);
    assertTrue(ReportChecks.instability(t, NORM_A0, eqaug.train.Precision.FP64).holds());
    assertFalse(ReportChecks.instability(t, NORM_A0).holds());
    Map<String, Object> machine = Map.of("jvm", "a JVM", "os", "an OS");
    String md64 = Report.markdown("quick", "", List.of(section("perm", t)), machine, 1, 1, eqaug.train.Precision.FP64);
    assertTrue(md64.contains("trained at **fp64**") && md64.contains("u = 2⁻⁵³") && md64.contains("float64 rounding"),
        md64);
    assertTrue(checksRow(md64, "perm").startsWith("| perm | **AUGMENTED leaves E**"), checksRow(md64, "perm"));
    String md32 = Report.markdown("quick", "", List.of(section("perm", t)), machine, 1, 1);
    assertEquals(md32, Report.markdown("quick", "", List.of(section("perm", t)), machine, 1, 1,
        eqaug.train.Precision.FP32));
    assertFalse(md32.contains("fp64") || md32.contains("2⁻⁵³"), md32);
  }

  // ------------------------------------------------------------------ (i) instability

  @Test
  void withoutTheGradientColumnOnlyLeavingEIsChecked() {
    // Folders written before grad_E_perp: the causes cannot be separated, and the verdict says so.
    ReportChecks.Verdict v = ReportChecks.instability(table(1.0, 1000 * LEVEL, 0.0), NORM_A0, Precision.FP32, TAU, 0);
    assertTrue(v.holds(), v.text());
    assertTrue(v.text().startsWith("AUGMENTED leaves E (cause not separated"), v.text());
    assertEquals("AUGMENTED leaves E", v.label());
  }

  @Test
  void instabilityHoldsOnlyWhereTheDriftGrowsBeyondTheSamplingNoise() {
    ReportChecks.Verdict grows = ReportChecks.instability(table(1.0, 1000 * LEVEL, 2.0, 0.0), NORM_A0,
        Precision.FP32, TAU, 0);
    assertTrue(grows.holds(), grows.text());
    assertTrue(grows.text().startsWith("holds in 1 of 1 runs") && grows.text().contains("2.00 (growing 1)"),
        grows.text());

    ReportChecks.Verdict walk = ReportChecks.instability(table(1.0, 1000 * LEVEL, 1.1, 0.0), NORM_A0,
        Precision.FP32, TAU, 0);
    assertFalse(walk.holds(), walk.text());
    assertEquals("instability not observable at this τ and number of steps", walk.label());
    assertTrue(walk.text().contains("1.10 (random walk 1)"), walk.text());

    ReportChecks.Verdict damped = ReportChecks.instability(table(1.0, 1000 * LEVEL, 0.5, 0.0), NORM_A0,
        Precision.FP32, TAU, 0);
    assertFalse(damped.holds(), damped.text());
    assertTrue(damped.text().contains("0.500 (damped 1)"), damped.text());
  }

  @Test
  void verdictsArePerRunAndSomeRunsMayGrowWhileMostDoNot() {
    MetricsTable t = table(1.0, 1000 * LEVEL, 1.0, 0.0);
    curve(t, 1, Strategy.NOMINAL, 1.0, 1);
    curve(t, 1, Strategy.AUGMENTED, 1000 * LEVEL, 3.0);
    curve(t, 1, Strategy.EQUIVARIANT, 0.0, 1);
    curve(t, 2, Strategy.NOMINAL, 1.0, 1);
    curve(t, 2, Strategy.AUGMENTED, 1000 * LEVEL, 0.7);
    curve(t, 2, Strategy.EQUIVARIANT, 0.0, 1);
    ReportChecks.Verdict v = ReportChecks.instability(t, NORM_A0, Precision.FP32, TAU, 0);
    assertTrue(v.holds(), v.text());
    assertTrue(v.text().startsWith("holds in 1 of 3 runs"), v.text());
    assertTrue(v.text().contains("1.00, 3.00, 0.700 (random walk 1, damped 1, growing 1)"), v.text());
  }

  @Test
  void aDriftOfTheRoundingsSizeIsNotDecided() {
    // u ||A^0|| sqrt(2) is 8.4e-7 after two steps; a drift below three of those cannot be told from rounding.
    double rounding = Math.pow(2, -24) * NORM_A0 * Math.sqrt(2);
    ReportChecks.Verdict v = ReportChecks.instability(table(1.0, 2 * rounding, 5.0, 0.0), NORM_A0,
        Precision.FP32, TAU, 0);
    assertFalse(v.holds(), v.text());
    assertTrue(v.text().startsWith("not decided at fp32") && v.text().contains("--precision fp64"), v.text());
    // The same drift at fp64 is far above float64 rounding: there it grows beyond the noise.
    assertTrue(ReportChecks.instability(table(1.0, 2 * rounding, 5.0, 0.0), NORM_A0, Precision.FP64, TAU, 0).holds());
  }

  @Test
  void thePenaltyDampsTheNoiseModelsWalk() {
    // The final drift equals the undamped walk; with τγ = 0.5 the model's walk is smaller, so the drift now exceeds it.
    MetricsTable t = table(1.0, 1000 * LEVEL, 1.0, 0.0);
    NoiseModel free = NoiseModel.of(t.runs(Strategy.AUGMENTED).get(0), TAU, 0, NORM_A0, Precision.FP32);
    NoiseModel penalised = NoiseModel.of(t.runs(Strategy.AUGMENTED).get(0), TAU, 0.5 / TAU, NORM_A0, Precision.FP32);
    assertEquals(1.0, free.ratio(), 1e-12);
    // Var_2 = (1 - τγ)^2 τ^2 ξ^2 + τ^2 ξ^2 = 1.25 τ^2 ξ^2 against 2 τ^2 ξ^2 without the penalty.
    assertEquals(Math.sqrt(2 / 1.25), penalised.ratio(), 1e-12);
  }

  @Test
  void instabilityDoesNotHoldWhenAugmentedStaysAtRoundingLevel() {
    ReportChecks.Verdict v = ReportChecks.instability(table(1.0, LEVEL / 2, 0.0), NORM_A0);
    assertFalse(v.holds(), v.text());
    assertTrue(v.text().startsWith("does not hold") && v.text().contains("AUGMENTED stayed"), v.text());
  }

  @Test
  void instabilityDoesNotHoldWhenEquivariantLeavesTheRoundingLevel() {
    ReportChecks.Verdict v = ReportChecks.instability(table(1.0, 1000 * LEVEL, 3 * LEVEL), NORM_A0);
    assertFalse(v.holds(), v.text());
    assertTrue(v.text().startsWith("does not hold") && v.text().contains("EQUIVARIANT left"), v.text());
  }

  @Test
  void instabilityJudgesEquivariantByItsWorstRunNotTheMean() {
    // Run 0 stays at 0, run 1 ends at 1.5 levels: the mean (0.75 levels) is below the level, the worst run is not.
    MetricsTable t = table(1.0, 1000 * LEVEL, 0.0);
    curve(t, 1, Strategy.NOMINAL, 1.0);
    curve(t, 1, Strategy.AUGMENTED, 1000 * LEVEL);
    curve(t, 1, Strategy.EQUIVARIANT, 1.5 * LEVEL);
    assertTrue(t.last(Strategy.EQUIVARIANT).distE() < LEVEL);
    assertFalse(ReportChecks.instability(t, NORM_A0).holds());
  }

  @Test
  void instabilityIsUndecidedWithoutEquivariantOrAugmentedRuns() {
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.NOMINAL, 1.0);
    curve(t, 0, Strategy.AUGMENTED, 1.0);
    ReportChecks.Verdict v = ReportChecks.instability(t, NORM_A0);
    assertFalse(v.holds());
    assertTrue(v.text().startsWith("not decided"), v.text());

    MetricsTable u = new MetricsTable();
    curve(u, 0, Strategy.EQUIVARIANT, 0.0);
    assertTrue(ReportChecks.instability(u, NORM_A0).text().startsWith("not decided"));
  }

  // ------------------------------------------------------------------ (ii) augmented closer

  @Test
  void augmentedCloserHoldsWhenNominalEndsFartherFromE() {
    MetricsTable t = table(0.5, 0.1, 0.0);
    ReportChecks.Verdict v = ReportChecks.augmentedCloser(t);
    assertTrue(v.holds(), v.text());
    assertTrue(v.text().startsWith("holds"), v.text());
    assertEquals(5.0, ReportChecks.ratio(t), 1e-12);
  }

  @Test
  void augmentedCloserDoesNotHoldWhenNominalEndsNearerToE() {
    MetricsTable t = table(0.05, 0.1, 0.0);
    ReportChecks.Verdict v = ReportChecks.augmentedCloser(t);
    assertFalse(v.holds(), v.text());
    assertTrue(v.text().startsWith("does not hold"), v.text());
    assertEquals(0.5, ReportChecks.ratio(t), 1e-12);
  }

  @Test
  void augmentedCloserComparesMeansOverRuns() {
    // NOMINAL 0.3 and 0.1 (mean 0.2); AUGMENTED 0.05 and 0.25 (mean 0.15): run by run it is mixed, on average it holds.
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.NOMINAL, 0.3);
    curve(t, 1, Strategy.NOMINAL, 0.1);
    curve(t, 0, Strategy.AUGMENTED, 0.05);
    curve(t, 1, Strategy.AUGMENTED, 0.25);
    assertTrue(ReportChecks.augmentedCloser(t).holds());
    assertEquals(0.2 / 0.15, ReportChecks.ratio(t), 1e-12);
  }

  @Test
  void augmentedCloserIsUndecidedWithoutNominalOrAugmentedRuns() {
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.AUGMENTED, 0.1);
    curve(t, 0, Strategy.EQUIVARIANT, 0.0);
    ReportChecks.Verdict v = ReportChecks.augmentedCloser(t);
    assertFalse(v.holds());
    assertTrue(v.text().startsWith("not decided"), v.text());
    assertTrue(Double.isNaN(ReportChecks.ratio(t)));
  }

  // ------------------------------------------------------------------ MetricsTable

  @Test
  void theMeanCurveStopsWhereTheShortestRunStops() {
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.NOMINAL, 0.4);
    // Run 1 diverged after epoch 1: only epochs 0 and 1 recorded (added out of order on purpose).
    t.add(1, Strategy.NOMINAL, new MetricsTable.Point(1, 0.7, 0.6, 0, 2.0, 0.4));
    t.add(1, Strategy.NOMINAL, new MetricsTable.Point(0, 0, 0, 0, 2.4, 0.1));
    List<MetricsTable.Point> mean = t.mean(Strategy.NOMINAL);
    assertEquals(2, mean.size());
    MetricsTable.Point last = t.last(Strategy.NOMINAL);
    assertEquals(1, last.epoch());
    assertEquals((0.5 + 0.7) / 2, last.distInit(), 1e-12);
    assertEquals((0.2 + 0.6) / 2, last.distE(), 1e-12);
    assertEquals((2.2 + 2.0) / 2, last.loss(), 1e-12);
    assertEquals((0.2 + 0.4) / 2, last.accuracy(), 1e-12);
    assertNull(t.last(Strategy.AUGMENTED));
    assertEquals(0.6, t.maxFinalDistE(Strategy.NOMINAL), 0, "run 1's last point is epoch 1");
  }

  /** Records as training produces them: two runs, three strategies, three epochs, three layers. */
  static List<EpochRecord> records() {
    SplittableRandom rng = new SplittableRandom(3);
    List<String> layers = List.of("rho1", "pool", "dense");
    List<EpochRecord> out = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      for (Strategy s : Strategy.values()) {
        for (int epoch = 0; epoch <= 2; epoch++) {
          double[] di = new double[3];
          double[] de = new double[3];
          double ti = 0;
          double te = 0;
          for (int k = 0; k < 3; k++) {
            di[k] = epoch == 0 ? 0 : rng.nextDouble() * Math.pow(10, -rng.nextInt(8));
            de[k] = s == Strategy.EQUIVARIANT || epoch == 0 ? 0 : rng.nextDouble() * Math.pow(10, -rng.nextInt(8));
            ti += di[k] * di[k];
            te += de[k] * de[k];
          }
          out.add(new EpochRecord(run, s, epoch, 2.3 - 0.1 * epoch + rng.nextDouble() * 1e-3, rng.nextDouble(),
              layers, di, de, Math.sqrt(ti), Math.sqrt(te)));
        }
      }
    }
    return out;
  }

  @Test
  void metricsCsvReadsBackToTheSameTableAndTheAuthorsQuantity() throws IOException {
    List<EpochRecord> recs = records();
    Path csv = tmp.resolve("metrics.csv");
    Files.writeString(csv, MetricsCsv.format(recs));
    List<String> lines = Files.readAllLines(csv);
    assertEquals(MetricsCsv.HEADER, lines.get(0));
    assertEquals(recs.size() * (3 + 1), lines.size() - 1, "one row per layer and one total per record");

    MetricsTable read = MetricsTable.read(csv);
    MetricsTable direct = MetricsTable.of(recs);
    assertEquals(direct.strategies(), read.strategies());
    for (Strategy s : Strategy.values()) {
      assertEquals(direct.runs(s).keySet(), read.runs(s).keySet());
      for (int run : direct.runs(s).keySet()) {
        List<MetricsTable.Point> a = direct.runs(s).get(run);
        List<MetricsTable.Point> b = read.runs(s).get(run);
        assertEquals(a.size(), b.size());
        for (int e = 0; e < a.size(); e++) {
          assertPointEquals(a.get(e), b.get(e), s + " run " + run + " epoch " + e);
        }
      }
      assertPointEquals(direct.last(s), read.last(s), s + " mean");
    }
    // The authors' Figure-1 quantity, sqrt(sum_k ||A_k,E-perp||^4), recomputed here from the records.
    for (EpochRecord r : recs) {
      double q = 0;
      for (double d : r.distE()) {
        q += Math.pow(d, 4);
      }
      MetricsTable.Point p = read.runs(r.strategy()).get(r.run()).get(r.epoch());
      assertEquals(r.epoch(), p.epoch());
      assertEquals(Math.sqrt(q), p.authorsDistE(), 1e-12 * Math.max(1, Math.sqrt(q)));
      assertEquals(r.totalDistE(), p.distE(), 0);
      assertEquals(r.totalDistInit(), p.distInit(), 0);
    }
  }

  static void assertPointEquals(MetricsTable.Point a, MetricsTable.Point b, String where) {
    assertNotNull(b, where);
    assertEquals(a.epoch(), b.epoch(), where);
    assertEquals(a.distInit(), b.distInit(), 0, where);
    assertEquals(a.distE(), b.distE(), 0, where);
    assertEquals(a.authorsDistE(), b.authorsDistE(), 1e-15 * Math.max(1, a.authorsDistE()), where);
    assertEquals(a.loss(), b.loss(), 0, where);
    assertEquals(a.accuracy(), b.accuracy(), 0, where);
  }

  @Test
  void aFileThatIsNotAMetricsTableIsRefusedNamingIt() throws IOException {
    Path csv = Files.writeString(tmp.resolve("other.csv"), "a,b,c\n1,2,3\n");
    IOException e = assertThrows(IOException.class, () -> MetricsTable.read(csv));
    assertTrue(e.getMessage().contains(csv.toString()), e.getMessage());
  }

  // ------------------------------------------------------------------ report.md

  static Report.Section section(String name, MetricsTable t) {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("source", "data of " + name);
    return new Report.Section(name, "Experiment " + name, new Protocol(1, 40, new TrainConfig(2, 1e-5, 25, 2), 1), 40,
        1000, 10, t, NORM_A0, 1.5, !name.equals("rot"), stats);
  }

  /** The row of the expectations table for one experiment. */
  static String checksRow(String md, String name) {
    String table = md.substring(md.indexOf("## The paper's expectations"));
    return table.lines().filter(l -> l.startsWith("| " + name + " |")).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + table));
  }

  static String part(String md, String title) {
    int start = md.indexOf("## " + title);
    assertTrue(start >= 0, "no section " + title);
    int end = md.indexOf("\n## ", start + 1);
    return end < 0 ? md.substring(start) : md.substring(start, end);
  }

  @Test
  void reportStatesEachVerdictAndEmbedsEachFigure() {
    List<Report.Section> sections = List.of(
        section("perm", table(0.5, 1000 * LEVEL, 2.0, 0.0)), // (i) holds: grows beyond the noise; (ii) holds
        section("trans", table(0.5, 1000 * LEVEL, 1.0, 0.0)), // (i) not observable: the noise's walk; (ii) holds
        section("rot", table(0.01, 0.1, 3.0, 0.0)));          // (i) holds; (ii) fails
    Map<String, Object> machine = Map.of("jvm", "a JVM", "os", "an OS");
    String md = Report.markdown("quick", "A note.", sections, machine, 2, 12);

    String perm = checksRow(md, "perm");
    assertTrue(perm.startsWith("| perm | **holds in 1 of 1 runs** | **holds**"), perm);
    String trans = checksRow(md, "trans");
    assertTrue(trans.startsWith("| trans | **instability not observable at this τ and number of steps** | **holds**"),
        trans);
    String rot = checksRow(md, "rot");
    assertTrue(rot.startsWith("| rot | **holds in 1 of 1 runs** | **not observed**"), rot);

    String permSection = part(md, "Experiment perm");
    assertTrue(permSection.contains("- (i) holds in 1 of 1 runs"), permSection);
    assertTrue(permSection.contains("- (ii) holds, by orders of magnitude"), permSection);
    String transSection = part(md, "Experiment trans");
    assertTrue(transSection.contains("- (i) instability not observable"), transSection);
    assertTrue(transSection.contains("- (ii) holds"), transSection);
    String rotSection = part(md, "Experiment rot");
    assertTrue(rotSection.contains("- (i) holds"), rotSection);
    assertTrue(rotSection.contains("- (ii) does not hold"), rotSection);

    for (String name : new String[] {"perm", "trans", "rot"}) {
      String s = part(md, "Experiment " + name);
      assertTrue(s.contains("](" + name + "/figure.png)"), "embeds " + name + "/figure.png");
      assertTrue(s.contains("(" + name + "/figure.svg)"), "links " + name + "/figure.svg");
      assertTrue(s.contains("(" + name + "/metrics.csv)"), "links " + name + "/metrics.csv");
      assertTrue(s.contains("data of " + name), "states the data source");
      for (Strategy st : Strategy.values()) {
        assertTrue(s.contains("| " + st + " |"), name + " lacks the final row of " + st);
      }
    }
  }

  @Test
  void reportSaysNotObservedWhenAStrategyIsMissing() {
    MetricsTable t = new MetricsTable();
    curve(t, 0, Strategy.NOMINAL, 0.5);
    String md = Report.markdown("quick", "", List.of(section("perm", t)), Map.of("jvm", "j", "os", "o"), 1, 1);
    assertEquals("| perm | **not decided** | **not observed** |", checksRow(md, "perm"));
    assertTrue(md.contains("- (i) not decided"), md);
    assertTrue(md.contains("- (ii) not decided"), md);
  }
}
