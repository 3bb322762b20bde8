package eqaug.apps.report;

import eqaug.apps.results.MetricsTable;
import eqaug.train.Strategy;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's Figure 1 for one experiment: ||A_E-perp|| against ||A - A^0|| for each strategy, every run as
 * a faint line and the mean over runs as an opaque one; optionally a second panel zoomed onto AUGMENTED
 * and EQUIVARIANT (whose distances to E are far below NOMINAL's), as in the paper for Experiments 1 and 2.
 */
public final class Figure {
  static final int WIDTH = 640;
  static final int HEIGHT = 480;

  private Figure() {}

  public static Color color(Strategy s) {
    return switch (s) {
      case NOMINAL -> new Color(0xd6, 0x27, 0x28);
      case AUGMENTED -> new Color(0x1f, 0x77, 0xb4);
      case EQUIVARIANT -> new Color(0x2c, 0xa0, 0x2c);
    };
  }

  public static List<XYChart> panels(MetricsTable table, String title, boolean zoomPanel) {
    List<XYChart> charts = new ArrayList<>();
    charts.add(chart(table, title, false));
    if (zoomPanel) {
      charts.add(chart(table, "zoom: AUGMENTED and EQUIVARIANT", true));
    }
    return charts;
  }

  private static XYChart chart(MetricsTable table, String title, boolean zoom) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("||A - A0||").yAxisTitle("||A_E⊥||").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setDecimalPattern("0.0##E0");
    c.getStyler().setXAxisDecimalPattern("0.0##E0");
    c.getStyler().setYAxisDecimalPattern("0.0##E0");
    double yMax = 0;
    for (Strategy s : table.strategies()) {
      if (zoom && s == Strategy.NOMINAL) {
        continue;
      }
      Color base = color(s);
      Color faint = new Color(base.getRed(), base.getGreen(), base.getBlue(), 60);
      for (Map.Entry<Integer, List<MetricsTable.Point>> run : table.runs(s).entrySet()) {
        XYSeries series = line(c, s + " run " + run.getKey(), run.getValue());
        series.setLineColor(faint);
        series.setLineStyle(new BasicStroke(1f));
        series.setShowInLegend(false);
        for (MetricsTable.Point p : run.getValue()) {
          yMax = Math.max(yMax, p.distE());
        }
      }
      XYSeries mean = line(c, s.name() + " (mean of " + table.runs(s).size() + ")", table.mean(s));
      mean.setLineColor(base);
      mean.setLineStyle(new BasicStroke(2.5f));
    }
    if (zoom) {
      c.getStyler().setYAxisMin(0.0);
      c.getStyler().setYAxisMax(yMax > 0 ? yMax * 1.1 : 1e-12);
    }
    return c;
  }

  private static XYSeries line(XYChart c, String name, List<MetricsTable.Point> points) {
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      x[i] = points.get(i).distInit();
      y[i] = points.get(i).distE();
    }
    XYSeries s = c.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  public static byte[] png(List<XYChart> charts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG);
    return out.toByteArray();
  }

  /** The panels side by side in one SVG: each chart's own SVG nested at its offset. */
  public static byte[] svg(List<XYChart> charts) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n", WIDTH * charts.size(), HEIGHT, WIDTH * charts.size(), HEIGHT));
    for (int i = 0; i < charts.size(); i++) {
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      VectorGraphicsEncoder.saveVectorGraphic(charts.get(i), one, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
      String inner = one.toString(StandardCharsets.UTF_8);
      int start = inner.indexOf("<svg");
      if (start < 0) {
        throw new IOException("the chart library produced no SVG");
      }
      // Each panel keeps its own <svg> (and its attributes); a group shifts it to its column.
      sb.append("<g transform=\"translate(").append(i * WIDTH).append(",0)\">\n")
          .append(inner.substring(start)).append("\n</g>\n");
    }
    sb.append("</svg>\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
