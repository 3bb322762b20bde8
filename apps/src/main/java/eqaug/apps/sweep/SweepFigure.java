package eqaug.apps.sweep;

import eqaug.apps.report.Figure;
import eqaug.apps.results.ExperimentRunner;
import eqaug.train.Strategy;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep's figure: for each swept numeric option with more than one value, the final total ||A_E⊥|| against
 * that option on log–log axes, one line per strategy (the mean over runs, with each run's value as a faint dot)
 * and per combination of the other swept options; for --naug also the sampling-noise model's line ∝ 1/√N_aug
 * through AUGMENTED's mean at the smallest N_aug, with {@code all} drawn at N_aug = |G| and marked as exact.
 */
public final class SweepFigure {
  private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}};
  private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP,
      SeriesMarkers.TRIANGLE_DOWN};

  private SweepFigure() {}

  /** The panels, or none when no numeric option has two values; {@code notes} gets what was left off, in words. */
  public static List<XYChart> panels(SweepPlan plan, SweepResults results, Support support, String title,
      List<String> notes) {
    List<XYChart> charts = new ArrayList<>();
    for (Map.Entry<SweptOption, List<String>> e : plan.swept().entrySet()) {
      if (e.getKey().numeric() && e.getValue().size() > 1) {
        XYChart c = chart(plan, results, e.getKey(), support, title, notes);
        if (c != null) {
          charts.add(c);
        }
      }
    }
    return charts;
  }

  /** The points grouped by the values of the swept options other than {@code x} (labels in the sweep's order). */
  static Map<String, List<SweepPlan.Point>> groups(SweepPlan plan, SweptOption x) {
    Map<String, List<SweepPlan.Point>> groups = new LinkedHashMap<>();
    for (SweepPlan.Point p : plan.points()) {
      List<String> parts = new ArrayList<>();
      p.values().forEach((o, v) -> {
        if (o != x && plan.swept().get(o).size() > 1) {
          parts.add(o.column() + "=" + v);
        }
      });
      groups.computeIfAbsent(String.join(",", parts), k -> new ArrayList<>()).add(p);
    }
    return groups;
  }

  private static XYChart chart(SweepPlan plan, SweepResults results, SweptOption x, Support support, String title,
      List<String> notes) {
    XYChart c = new XYChartBuilder().width(640).height(480).title(title + ": final ||A_E⊥|| against " + x.axis())
        .xAxisTitle(x.axis()).yAxisTitle("final ||A_E⊥||").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
    c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setXAxisDecimalPattern("0.##E0");
    c.getStyler().setYAxisDecimalPattern("0.##E0");
    Map<String, List<SweepPlan.Point>> groups = groups(plan, x);
    int skippedX = 0;
    Map<Strategy, Integer> skippedY = new EnumMap<>(Strategy.class);
    int g = 0;
    for (Map.Entry<String, List<SweepPlan.Point>> group : groups.entrySet()) {
      String suffix = group.getKey().isEmpty() ? "" : " " + group.getKey();
      BasicStroke stroke = stroke(2f, g);
      Marker marker = MARKERS[g % MARKERS.length];
      for (Strategy s : ExperimentRunner.STRATEGIES) {
        List<Double> mx = new ArrayList<>();
        List<Double> my = new ArrayList<>();
        List<Double> rx = new ArrayList<>();
        List<Double> ry = new ArrayList<>();
        List<Double> ex = new ArrayList<>();
        List<Double> ey = new ArrayList<>();
        for (SweepPlan.Point p : group.getValue()) {
          String v = p.values().get(x);
          double xv = x.x(v, support.size());
          SweepResults.Mean m = results.mean(p, s);
          // N_aug = all is AUGMENTED's exact gradient, drawn apart from the sampled N_aug (|G| may equal one of
          // them, as for C4 and N_aug 4); the other strategies do not augment, so it adds nothing to their lines.
          boolean exact = x == SweptOption.NAUG && v.equals(SweptOption.ALL);
          if (m == null || (exact && s != Strategy.AUGMENTED)) {
            continue;
          }
          if (!(xv > 0)) {
            skippedX++;
            continue;
          }
          if (!(m.distE() > 0)) {
            skippedY.merge(s, 1, Integer::sum);
          } else {
            (exact ? ex : mx).add(xv);
            (exact ? ey : my).add(m.distE());
          }
          for (double d : results.finalDistE(p, s)) {
            if (d > 0) {
              rx.add(xv);
              ry.add(d);
            }
          }
        }
        Color base = Figure.color(s);
        if (!rx.isEmpty()) {
          XYSeries runs = c.addSeries(s + suffix + " runs", rx, ry);
          runs.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
          runs.setMarker(marker);
          runs.setMarkerColor(new Color(base.getRed(), base.getGreen(), base.getBlue(), 70));
          runs.setShowInLegend(false);
        }
        if (!mx.isEmpty()) {
          XYSeries mean = c.addSeries(s + suffix, mx, my);
          mean.setLineColor(base);
          mean.setMarkerColor(base);
          mean.setMarker(marker);
          mean.setLineStyle(stroke);
        }
        if (!ex.isEmpty()) {
          XYSeries exact = c.addSeries(s + suffix + " exact", ex, ey);
          exact.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
          exact.setMarker(SeriesMarkers.DIAMOND);
          exact.setMarkerColor(Color.BLACK);
          exact.setLabel(s + suffix + ", N_aug = all (exact), at " + support.symbol() + " = " + support.size());
        }
      }
      if (x == SweptOption.NAUG) {
        noiseLine(c, group.getValue(), results, support.size(), suffix, g);
      }
      g++;
    }
    if (skippedX > 0) {
      notes.add(x.option() + " = 0 cannot be placed on the log axis of the " + x.axis() + " panel: " + skippedX
          + " (point, strategy) means at 0 are left off the figure (they are in sweep.csv and the table above)");
    }
    skippedY.forEach((s, n) -> notes.add(s + "'s mean final ‖A_E⊥‖ is 0 (or not finite) at " + n + " point"
        + (n == 1 ? "" : "s") + ": left off the log axis of the " + x.axis() + " panel"));
    if (c.getSeriesMap().isEmpty()) {
      return null;
    }
    decades(c);
    return c;
  }

  /**
   * Both axes from a power of ten below the data to one above: a log axis labels only powers of ten, so a range
   * within one decade would carry no labels at all.
   */
  private static void decades(XYChart c) {
    double[] x = {Double.POSITIVE_INFINITY, 0};
    double[] y = {Double.POSITIVE_INFINITY, 0};
    for (XYSeries s : c.getSeriesMap().values()) {
      for (double v : s.getXData()) {
        x[0] = Math.min(x[0], v);
        x[1] = Math.max(x[1], v);
      }
      for (double v : s.getYData()) {
        y[0] = Math.min(y[0], v);
        y[1] = Math.max(y[1], v);
      }
    }
    c.getStyler().setXAxisMin(Math.pow(10, Math.floor(Math.log10(x[0]))));
    c.getStyler().setXAxisMax(Math.pow(10, Math.ceil(Math.log10(x[1]) + 1e-9)));
    c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(y[0]))));
    c.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(y[1]) + 1e-9)));
  }

  /**
   * The noise model's prediction: AUGMENTED's drift from N_aug random draws scales as 1/√N_aug, drawn through the
   * mean at the smallest numeric N_aug over the N_aug range of the panel.
   */
  private static void noiseLine(XYChart c, List<SweepPlan.Point> points, SweepResults results, long groupOrder,
      String suffix, int g) {
    double n0 = Double.POSITIVE_INFINITY;
    double y0 = Double.NaN;
    double xMax = 0;
    for (SweepPlan.Point p : points) {
      String v = p.values().get(SweptOption.NAUG);
      double xv = SweptOption.NAUG.x(v, groupOrder);
      xMax = Math.max(xMax, xv);
      SweepResults.Mean m = results.mean(p, Strategy.AUGMENTED);
      if (!v.equals(SweptOption.ALL) && xv < n0 && m != null) {
        n0 = xv;
        y0 = m.distE();
      }
    }
    if (!(y0 > 0) || !(xMax > n0)) {
      return;
    }
    XYSeries line = c.addSeries("∝ 1/√N_aug through AUGMENTED at N_aug = " + (long) n0 + suffix,
        new double[] {n0, xMax}, new double[] {y0, y0 * Math.sqrt(n0 / xMax)});
    line.setMarker(SeriesMarkers.NONE);
    line.setLineColor(Color.GRAY);
    line.setLineStyle(stroke(1.2f, g + 1));
  }

  /** The predicted value of the 1/√N_aug line through (n0, y0) at {@code n}. */
  public static double noisePrediction(double n0, double y0, double n) {
    return y0 * Math.sqrt(n0 / n);
  }

  private static BasicStroke stroke(float width, int g) {
    float[] dash = DASHES[g % DASHES.length];
    return dash == null ? new BasicStroke(width)
        : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f);
  }

  static String format(double d) {
    return String.format(Locale.ROOT, "%.4g", d);
  }
}
