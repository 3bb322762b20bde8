package eqaug.apps;

import eqaug.train.EpochRecord;
import java.util.List;

/** The tidy metrics table: one row per (run, strategy, epoch, layer), and a row "total" over all linear layers. */
final class MetricsCsv {
  static final String HEADER = "run,strategy,epoch,layer,dist_init,dist_E,loss,accuracy";

  private MetricsCsv() {}

  static String format(List<EpochRecord> records) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (EpochRecord r : records) {
      for (int i = 0; i < r.layers().size(); i++) {
        row(sb, r, r.layers().get(i), r.distInit()[i], r.distE()[i]);
      }
      row(sb, r, "total", r.totalDistInit(), r.totalDistE());
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, EpochRecord r, String layer, double distInit, double distE) {
    sb.append(r.run()).append(',').append(r.strategy()).append(',').append(r.epoch()).append(',')
        .append(layer).append(',').append(distInit).append(',').append(distE).append(',')
        .append(r.loss()).append(',').append(r.accuracy()).append('\n');
  }
}
