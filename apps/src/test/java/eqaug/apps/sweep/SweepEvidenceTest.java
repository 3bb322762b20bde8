package eqaug.apps.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.report.NoiseModel;
import eqaug.apps.results.MetricsTable;
import eqaug.train.Precision;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a sweep's report concludes from its points: rounding floors from exact augmentation at both precisions
 * against the sampled drift, the noise model's readings, and the γ where a perturbation turns from growth to decay.
 */
class SweepEvidenceTest {
  private static SweepPlan.Point point(int index, Map<SweptOption, String> values) {
    StringBuilder name = new StringBuilder();
    values.forEach((o, v) -> name.append(name.length() == 0 ? "" : ",").append(o.column()).append('=').append(v));
    return new SweepPlan.Point(index, name.toString(), values);
  }

  private static Map<SweptOption, String> values(Object... kv) {
    Map<SweptOption, String> m = new EnumMap<>(SweptOption.class);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((SweptOption) kv[i], (String) kv[i + 1]);
    }
    return m;
  }

  /** An AUGMENTED run from distE0 that ends at distE after two steps whose noise walk is {@code walk}. */
  private static NoiseModel run(double distE0, double distE, double walk, double tau) {
    double xi = walk / (tau * Math.sqrt(2));
    List<MetricsTable.Point> c = List.of(
        new MetricsTable.Point(0, 0, distE0, 0, 1, 0, xi, 0, Double.NaN),
        new MetricsTable.Point(1, 0, (distE0 + distE) / 2, 0, 1, 0, xi, 0, Double.NaN),
        new MetricsTable.Point(2, 0, distE, 0, 1, 0, Double.NaN, 0, Double.NaN));
    return NoiseModel.of(c, tau, 0, 10, Precision.FP32);
  }

  @Test
  void exactAugmentationGivesTheRoundingFloorsAndTheSampledPointsTheNoise() {
    double tau = 1e-5;
    SweepPlan.Point s32 = point(0, values(SweptOption.NAUG, "4", SweptOption.PRECISION, "fp32"));
    SweepPlan.Point s64 = point(1, values(SweptOption.NAUG, "4", SweptOption.PRECISION, "fp64"));
    SweepPlan.Point e32 = point(2, values(SweptOption.NAUG, "all", SweptOption.PRECISION, "fp32"));
    SweepPlan.Point e64 = point(3, values(SweptOption.NAUG, "all", SweptOption.PRECISION, "fp64"));
    SweepEvidence ev = new SweepEvidence(List.of(
        new SweepEvidence.PointEvidence(s32, tau, 0, Precision.FP32, false, 2,
            List.of(run(0, 1e-4, 1e-4, tau), run(0, 2e-4, 1e-4, tau)), List.of(), List.of()),
        new SweepEvidence.PointEvidence(s64, tau, 0, Precision.FP64, false, 2,
            List.of(run(0, 1e-4, 1e-4, tau), run(0, 0.5e-4, 1e-4, tau)), List.of(), List.of()),
        new SweepEvidence.PointEvidence(e32, tau, 0, Precision.FP32, true, 2,
            List.of(run(0, 2e-9, 0, tau)), List.of(), List.of()),
        new SweepEvidence.PointEvidence(e64, tau, 0, Precision.FP64, true, 2,
            List.of(run(0, 5e-18, 0, tau)), List.of(), List.of())));
    String md = ev.markdown();
    assertTrue(md.contains("| naug=4,precision=fp32 | 0.0001, 0.0002 | 1, 2 | random walk 1, growing 1 |"), md);
    assertTrue(md.contains("| naug=all,precision=fp64 | 5e-18 | – (exact: no sampling noise) | – |"), md);
    assertTrue(md.contains("its drift is rounding: 2e-09 at fp32, 5e-18 at fp64"), md);
    // The smallest sampled drift at fp32 (the mean 1.5e-4) is 7.5e4 times the floor.
    assertTrue(md.contains("is 0.00015, 7.5e+04× the fp32 floor: rounding is not what moves sampled AUGMENTED off E"),
        md);
    assertTrue(md.contains("4 AUGMENTED runs): 2 follow the noise's random walk, 1 a damped walk, 1 grow beyond it"),
        md);
    assertTrue(md.contains("the instability of §4.2 made visible"), md);
  }

  @Test
  void aSweptPenaltyGivesTheThresholdWhereGrowthTurnsToDecay() {
    double tau = 1e-5;
    Map<Double, Double> growth = new LinkedHashMap<>();
    growth.put(0.0, 1.01);
    growth.put(1000.0, 0.995);
    growth.put(3000.0, 0.975);
    List<SweepEvidence.PointEvidence> pts = new java.util.ArrayList<>();
    int i = 0;
    for (Map.Entry<Double, Double> g : growth.entrySet()) {
      SweepPlan.Point p = point(i++, values(SweptOption.NAUG, "all", SweptOption.PENALTY,
          SweepEvidence.fmt(g.getKey())));
      pts.add(new SweepEvidence.PointEvidence(p, tau, g.getKey(), Precision.FP64, true, 2,
          List.of(run(1e-4, 1e-4 * g.getValue() * g.getValue(), 0, tau)), List.of(g.getValue()), List.of()));
    }
    String md = new SweepEvidence(pts).markdown();
    // log 1.01 = 0.00995, log 0.995 = -0.005013: the crossing is 0.00995 / 0.01496 of the way from 0 to 1000.
    double expected = Math.log(1.01) / (Math.log(1.01) - Math.log(0.995)) * 1000;
    assertEquals(665.0, expected, 1);
    // The first step is taken as the mean here (a two-step run made by hand): both crossings are the same.
    assertTrue(md.contains("γ ≈ " + SweepEvidence.fmt(expected, 5) + " over the run, and at γ ≈ "
        + SweepEvidence.fmt(expected, 5) + " in the first step"), md);
    assertTrue(md.contains("γ = 0: 1.010000; γ = 1000: 0.995000; γ = 3000: 0.975000;"), md);
    assertTrue(md.contains("| first step | growth per step |"), md);
  }

  @Test
  void formatsWithoutTrailingZeros() {
    assertEquals("0.8", SweepEvidence.fmt(0.8));
    assertEquals("665.3", SweepEvidence.fmt(665.3));
    assertEquals("1.2e+04", SweepEvidence.fmt(12000));
    assertEquals("0", SweepEvidence.fmt(0));
  }
}
