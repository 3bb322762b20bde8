package eqaug.apps.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.experiments.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The sweep's plan, table and figure on point folders written here (so that options the experiment commands may
 * not take yet, --penalty and --naug all, can be checked): the order of the points, what a log axis leaves off,
 * where N_aug = all is drawn, and the noise model's line.
 */
class SweepFigureTest {
  @TempDir
  Path tmp;

  private static SweepPlan plan(Object... optionAndList) {
    Map<SweptOption, String> lists = new EnumMap<>(SweptOption.class);
    for (int i = 0; i < optionAndList.length; i += 2) {
      lists.put((SweptOption) optionAndList[i], (String) optionAndList[i + 1]);
    }
    return new SweepPlan("rot", lists, List.of("--runs", "2"), Map.of("--runs", "2"));
  }

  /**
   * A point folder as an experiment command leaves it: config.json with the epochs, metrics.csv with two layers,
   * two runs and every strategy; AUGMENTED's final per-layer distances are {@code augmented} times (1, 2) and the
   * run's number plus one, EQUIVARIANT's 0.
   */
  private static void point(Path dir, String name, double augmented) throws IOException {
    Path p = Files.createDirectories(dir.resolve("points").resolve(name));
    Files.writeString(p.resolve("config.json"), "{\"status\": \"complete\", \"parameters\": {\"epochs\": 1}}\n");
    StringBuilder sb = new StringBuilder(eqaug.apps.results.MetricsCsv.HEADER + "\n");
    for (int run = 0; run < 2; run++) {
      for (String s : new String[] {"NOMINAL", "AUGMENTED", "EQUIVARIANT"}) {
        for (int epoch = 0; epoch <= 1; epoch++) {
          double scale = epoch == 0 ? 0 : s.equals("NOMINAL") ? 1e-2 : s.equals("AUGMENTED") ? augmented * (run + 1) : 0;
          double a = scale;
          double b = 2 * scale;
          sb.append(run).append(',').append(s).append(',').append(epoch).append(",l1,0.1,").append(a).append(",0.5,0.5,0.0,,\n");
          sb.append(run).append(',').append(s).append(',').append(epoch).append(",l2,0.1,").append(b).append(",0.5,0.5,0.0,,\n");
          sb.append(run).append(',').append(s).append(',').append(epoch).append(",total,0.2,").append(Math.hypot(a, b))
              .append(",0.5,0.5,0.0,,\n");
        }
      }
    }
    Files.writeString(p.resolve("metrics.csv"), sb.toString());
  }

  @Test
  void pointsAreTheCartesianProductFirstOptionSlowestNamedInTheFixedOrder() {
    // Given lr before naug on purpose: the sweep's order is --naug, --penalty, --precision, --lr, --perturb.
    Map<SweptOption, String> lists = new LinkedHashMap<>();
    lists.put(SweptOption.LR, "1e-5,2e-5");
    lists.put(SweptOption.PRECISION, "fp32,fp64");
    lists.put(SweptOption.NAUG, "1,all");
    SweepPlan plan = new SweepPlan("rot", new EnumMap<>(lists), List.of(), Map.of());
    List<String> names = plan.points().stream().map(SweepPlan.Point::name).toList();
    assertEquals(List.of(
        "naug=1,precision=fp32,lr=1e-5", "naug=1,precision=fp32,lr=2e-5",
        "naug=1,precision=fp64,lr=1e-5", "naug=1,precision=fp64,lr=2e-5",
        "naug=all,precision=fp32,lr=1e-5", "naug=all,precision=fp32,lr=2e-5",
        "naug=all,precision=fp64,lr=1e-5", "naug=all,precision=fp64,lr=2e-5"), names);
    assertEquals(List.of("--naug", "all", "--precision", "fp64", "--lr", "2e-5"), plan.points().get(7).arguments());
    assertEquals("eqaug sweep rot --naug 1,all --precision fp32,fp64 --lr 1e-5,2e-5", plan.commandLine());
  }

  @Test
  void aSweepJsonIsComparedOptionByOption() {
    SweepPlan plan = plan(SweptOption.NAUG, "1,2", SweptOption.PENALTY, "0,1");
    Map<?, ?> same = plan.json("running", "t", List.of("a", "b", "c", "d"), "v");
    assertNull(plan.difference(eqaug.apps.results.Json.read(eqaug.apps.results.Json.write(same)) instanceof Map<?, ?> m
        ? m : null));
    SweepPlan other = new SweepPlan("rot", new EnumMap<>(Map.of(SweptOption.NAUG, "1,2", SweptOption.PENALTY, "0,1")),
        List.of("--runs", "2", "--paired"), Map.of("--runs", "2", "--paired", "true"));
    assertEquals("--paired is given here but not given there", other.difference(same));
    // --threads decides how the work is spread, not what is computed: a resume may change it.
    SweepPlan threads = new SweepPlan("rot", new EnumMap<>(Map.of(SweptOption.NAUG, "1,2", SweptOption.PENALTY, "0,1")),
        List.of("--runs", "2", "--threads", "4"), Map.of("--runs", "2", "--threads", "4"));
    assertNull(threads.difference(same));
    SweepPlan fewer = plan(SweptOption.NAUG, "1,2");
    assertEquals("--penalty is not given here but 0,1 there", fewer.difference(same));
  }

  @Test
  void listsAreCheckedValueByValue() {
    assertEquals(List.of("1", "4", "all"), SweptOption.NAUG.parse("1,4,all"));
    assertEquals(List.of("0", "1e-3", "0.5"), SweptOption.PENALTY.parse("0,1e-3,0.5"));
    for (String bad : new String[] {"", "1,", ",1", "1,,2", "0", "-1", "1.5", "al", "1,1"}) {
      assertThrows(UsageException.class, () -> SweptOption.NAUG.parse(bad), bad);
    }
    for (String bad : new String[] {"-1", "1e-3,0.001", "0x1p3", "1d", "Infinity", "NaN", "1e999"}) {
      assertThrows(UsageException.class, () -> SweptOption.PERTURB.parse(bad), bad);
    }
    assertThrows(UsageException.class, () -> SweptOption.LR.parse("0"));
    assertThrows(UsageException.class, () -> SweptOption.PRECISION.parse("fp32,FP32"));
  }

  @Test
  void aZeroPenaltyIsLeftOffTheLogAxisAndTheReportSaysSo() throws IOException {
    SweepPlan plan = plan(SweptOption.PENALTY, "0,0.5,2");
    point(tmp, "penalty=0", 4e-3);
    point(tmp, "penalty=0.5", 2e-3);
    point(tmp, "penalty=2", 1e-3);
    SweepResults results = SweepResults.read(tmp, plan, plan.points());
    assertEquals(2 * 3 * 3, results.rows().size());
    List<String> notes = new ArrayList<>();
    List<XYChart> panels = SweepFigure.panels(plan, results, Support.ofGroup(4), "rot", notes);
    assertEquals(1, panels.size());
    XYSeries augmented = panels.get(0).getSeriesMap().get("AUGMENTED");
    assertEquals(List.of(0.5, 2.0), Arrays.stream(augmented.getXData()).boxed().toList());
    // The mean over the two runs of the total sqrt(a^2 + (2a)^2) with a = 2e-3 (run 0) and 4e-3 (run 1).
    assertEquals(Math.sqrt(5) * 3e-3, augmented.getYData()[0], 1e-15);
    assertTrue(notes.stream().anyMatch(n -> n.contains("--penalty = 0 cannot be placed on the log axis")), notes.toString());
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("EQUIVARIANT's mean final ‖A_E⊥‖ is 0")), notes.toString());
    String report = SweepReport.markdown(plan, results, "rot", Support.ofGroup(4), true, notes);
    assertTrue(report.contains("--penalty = 0 cannot be placed on the log axis"), report);
    // The table keeps γ = 0.
    assertTrue(report.contains("| 0 | AUGMENTED | 2 | " + String.format(java.util.Locale.ROOT, "%.4e", Math.sqrt(5) * 6e-3)),
        report);
    // authors' measure: sqrt(a^4 + (2a)^4) = a^2 sqrt(17), exactly as sweep.csv's column.
    SweepResults.Row r = results.rows().get(4); // penalty=0, run 1, AUGMENTED
    assertEquals("AUGMENTED", r.strategy().name());
    assertEquals(1, r.run());
    assertEquals(Math.sqrt(Math.pow(8e-3, 4) + Math.pow(16e-3, 4)), r.authorsDistE(), 1e-18);
  }

  @Test
  void nAugAllIsDrawnAtTheOrderOfGAndTheNoiseLineFallsAsOneOverRootN() throws IOException {
    SweepPlan plan = plan(SweptOption.NAUG, "1,2,all");
    point(tmp, "naug=1", 4e-3);
    point(tmp, "naug=2", 3e-3);
    point(tmp, "naug=all", 1e-4);
    SweepResults results = SweepResults.read(tmp, plan, plan.points());
    List<String> notes = new ArrayList<>();
    XYChart c = SweepFigure.panels(plan, results, Support.ofGroup(4), "rot", notes).get(0);
    XYSeries augmented = c.getSeriesMap().get("AUGMENTED");
    // The sampled N_aug on the line; all apart, at |G|, and only for AUGMENTED (the others do not augment).
    assertEquals(List.of(1.0, 2.0), Arrays.stream(augmented.getXData()).boxed().toList());
    XYSeries exact = c.getSeriesMap().get("AUGMENTED exact");
    assertEquals(List.of(4.0), Arrays.stream(exact.getXData()).boxed().toList());
    assertEquals(Math.sqrt(5) * 1.5e-4, exact.getYData()[0], 1e-18, "the mean of runs 1e-4 and 2e-4, (1, 2) per layer");
    assertTrue(exact.getLabel().contains("N_aug = all (exact), at |G| = 4"), exact.getLabel());
    assertEquals(List.of(1.0, 2.0), Arrays.stream(c.getSeriesMap().get("NOMINAL").getXData()).boxed().toList());
    assertNull(c.getSeriesMap().get("NOMINAL exact"));
    XYSeries line = c.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("∝ 1/√N_aug")).findFirst()
        .orElseThrow();
    double y0 = augmented.getYData()[0];
    assertEquals(List.of(1.0, 4.0), Arrays.stream(line.getXData()).boxed().toList());
    assertEquals(y0 / 2, line.getYData()[1], 1e-18, "1/√4 of the value at N_aug = 1");
    String report = SweepReport.markdown(plan, results, "rot", Support.ofGroup(4), true, notes);
    assertTrue(report.contains("| all (|G| = 4, exact) |"), report);
    assertTrue(report.contains("black diamond"), report);
  }
}
