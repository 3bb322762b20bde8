package eqaug.apps.stability;

import eqaug.apps.report.Figure;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The stability figure: the smallest eigenvalue of H^aug on E⊥ and on E against epoch (left), the largest
 * (right), one line per run; and, when spectral densities were estimated, a panel per point's density on E⊥.
 */
public final class StabilityFigure {
  private static final Color PERP = new Color(0xd6, 0x27, 0x28);
  private static final Color ON_E = new Color(0x1f, 0x77, 0xb4);

  private StabilityFigure() {}

  public static List<XYChart> panels(String title, List<StabilityPoint> points) {
    List<XYChart> charts = new ArrayList<>();
    charts.add(chart(title + ": smallest eigenvalue", "λ_min", points,
        p -> p.analysis().complement().lambdaMin(), p -> p.analysis().equivariant().lambdaMin()));
    charts.add(chart("largest eigenvalue", "λ_max", points,
        p -> p.analysis().complement().lambdaMax(), p -> p.analysis().equivariant().lambdaMax()));
    if (points.stream().anyMatch(p -> p.analysis().densityPerp() != null)) {
      charts.add(density(points));
    }
    return charts;
  }

  private static XYChart chart(String title, String yTitle, List<StabilityPoint> points,
      ToDoubleFunction<StabilityPoint> perp, ToDoubleFunction<StabilityPoint> onE) {
    XYChart c = new XYChartBuilder().width(640).height(480).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
    c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setYAxisDecimalPattern("0.0##E0");
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    TreeMap<Integer, List<StabilityPoint>> byRun = new TreeMap<>();
    for (StabilityPoint p : points) {
      byRun.computeIfAbsent(p.run(), r -> new ArrayList<>()).add(p);
    }
    boolean first = true;
    for (var run : byRun.entrySet()) {
      series(c, "on E⊥", run.getValue(), perp, PERP, first);
      series(c, "on E", run.getValue(), onE, ON_E, first);
      first = false;
    }
    return c;
  }

  private static void series(XYChart c, String name, List<StabilityPoint> run, ToDoubleFunction<StabilityPoint> f,
      Color color, boolean legend) {
    double[] x = new double[run.size()];
    double[] y = new double[run.size()];
    for (int i = 0; i < run.size(); i++) {
      x[i] = run.get(i).epoch();
      y[i] = f.applyAsDouble(run.get(i));
    }
    XYSeries s = c.addSeries(name + " (run " + run.get(0).run() + ")", x, y);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineStyle(new BasicStroke(1.5f));
    s.setShowInLegend(legend);
    if (legend) {
      s.setLabel(name);
    }
  }

  /** The Gaussian-broadened SLQ density on E⊥ of each point (σ = 1 % of the nodes' common range). */
  private static XYChart density(List<StabilityPoint> points) {
    XYChart c = new XYChartBuilder().width(640).height(480).title("spectral density of H^aug on E⊥ (SLQ)")
        .xAxisTitle("λ").yAxisTitle("density").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotBackgroundColor(Color.WHITE);
    c.getStyler().setXAxisDecimalPattern("0.0##E0");
    c.getStyler().setYAxisDecimalPattern("0.0##E0");
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (StabilityPoint p : points) {
      if (p.analysis().densityPerp() != null) {
        double[] r = p.analysis().densityPerp().nodeRange();
        lo = Math.min(lo, r[0]);
        hi = Math.max(hi, r[1]);
      }
    }
    double width = Math.max(hi - lo, 1e-12);
    double sigma = 0.01 * width;
    double[] grid = new double[400];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = lo - 3 * sigma + (width + 6 * sigma) * i / (grid.length - 1);
    }
    for (StabilityPoint p : points) {
      if (p.analysis().densityPerp() != null) {
        XYSeries s = c.addSeries("run " + p.run() + ", epoch " + p.epoch(), grid,
            p.analysis().densityPerp().density(grid, sigma));
        s.setMarker(SeriesMarkers.NONE);
      }
    }
    return c;
  }

  public static byte[] png(List<XYChart> charts) throws IOException {
    return Figure.png(charts);
  }

  public static byte[] svg(List<XYChart> charts) throws IOException {
    return Figure.svg(charts);
  }
}
