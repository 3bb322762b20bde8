package eqaug.apps.results;

import eqaug.train.EpochRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The tidy metrics table: one row per (run, strategy, epoch, layer), and a row "total" over all linear layers.
 * After the paper's quantities come the penalty's value γ/2 ||Pi_E-perp A||^2 (0 without --penalty), the norm of
 * the E-perp part of the gradient the epoch's step used (empty at the last epoch, which takes no step), and in
 * paired runs the distance across E to the unperturbed twin (empty otherwise); docs/noise.md.
 */
public final class MetricsCsv {
  public static final String HEADER =
      "run,strategy,epoch,layer,dist_init,dist_E,loss,accuracy,penalty,grad_E_perp,pair_dist_E";
  /** The number of fields of every row. */
  public static final int FIELDS = 11;

  private MetricsCsv() {}

  public static String format(List<EpochRecord> records) {
    return HEADER + '\n' + rows(records);
  }

  /** The rows of these records, without the header, as format writes them. */
  static String rows(List<EpochRecord> records) {
    StringBuilder sb = new StringBuilder();
    for (EpochRecord r : records) {
      for (int i = 0; i < r.layers().size(); i++) {
        row(sb, r, r.layers().get(i), r.distInit()[i], r.distE()[i], r.penalty(i), r.gradDistE()[i], r.pairDistE()[i]);
      }
      row(sb, r, "total", r.totalDistInit(), r.totalDistE(), r.penalty(), r.totalGradDistE(), r.totalPairDistE());
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

  private static void row(StringBuilder sb, EpochRecord r, String layer, double distInit, double distE, double penalty,
      double grad, double pair) {
    sb.append(r.run()).append(',').append(r.strategy()).append(',').append(r.epoch()).append(',')
        .append(layer).append(',').append(distInit).append(',').append(distE).append(',')
        .append(r.loss()).append(',').append(r.accuracy()).append(',').append(penalty).append(',');
    optional(sb, grad).append(',');
    optional(sb, pair).append('\n');
  }

  /** A measurement that may be absent (NaN): written as an empty field. */
  private static StringBuilder optional(StringBuilder sb, double v) {
    return Double.isNaN(v) ? sb : sb.append(v);
  }

  /** An optional field as {@link #row} writes it: empty is NaN. */
  public static double parseOptional(String field) {
    return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
  }
}
