package eqaug.apps.results;

import eqaug.train.EpochRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The tidy metrics table: one row per (run, strategy, epoch, layer), and a row "total" over all linear layers. */
public final class MetricsCsv {
  public static final String HEADER = "run,strategy,epoch,layer,dist_init,dist_E,loss,accuracy";

  private MetricsCsv() {}

  public static String format(List<EpochRecord> records) {
    return HEADER + '\n' + rows(records);
  }

  /** The rows of these records, without the header, as format writes them. */
  static String rows(List<EpochRecord> records) {
    StringBuilder sb = new StringBuilder();
    for (EpochRecord r : records) {
      for (int i = 0; i < r.layers().size(); i++) {
        row(sb, r, r.layers().get(i), r.distInit()[i], r.distE()[i]);
      }
      row(sb, r, "total", r.totalDistInit(), r.totalDistE());
    }
    return sb.toString();
  }

  /** The number of lines of rows (each ends with a newline). */
  static int count(String rows) {
    int n = 0;
    for (int i = 0; i < rows.length(); i++) {
      if (rows.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  /** SHA-256 of the rows' UTF-8 bytes, in lower-case hex: the checksum config.json records per part. */
  public static String sha256(String rows) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(rows.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void row(StringBuilder sb, EpochRecord r, String layer, double distInit, double distE) {
    sb.append(r.run()).append(',').append(r.strategy()).append(',').append(r.epoch()).append(',')
        .append(layer).append(',').append(distInit).append(',').append(distE).append(',')
        .append(r.loss()).append(',').append(r.accuracy()).append('\n');
  }
}
