package eqaug.apps.results;

import eqaug.apps.experiments.Experiment;
import eqaug.nn.ParameterLayout;
import eqaug.study.Study;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --init FILE}: an .npz of the layout of docs/params.md, read and checked before any folder is made, whose
 * values (rounded to float32, the engines' parameter type) become every run's A^0 for every strategy. A start
 * point off E is trained as given; ||A^0_E⊥|| is then reported and recorded.
 */
public record InitFile(Path path, String sha256, float[] parameters, double norm, double distE) {
  /**
   * The report's rounding level (report.ReportChecks): 16 float32 unit roundoffs times ||A^0||. A start point
   * closer to E than this is in E as far as float32 parameters can say.
   */
  public static double roundingLevel(double norm) {
    return 16 * 0x1p-24 * norm;
  }

  /** Reads and checks {@code file} for {@code exp}'s network; any problem is one line naming it. */
  public static InitFile load(Path file, Experiment exp) {
    ParameterFile f = ParameterFile.read("--init", file);
    ParameterLayout layout = ParameterLayout.of(exp.architecture());
    float[] a = f.floats(layout);
    double sq = 0;
    for (ParameterLayout.LayerView v : layout.layers()) {
      sq += v.orbits().distanceSquaredToE(a, v.offset());
    }
    return new InitFile(f.path(), f.sha256(), a, Study.linearNorm(layout, a),
        Math.sqrt(sq));
  }

  /** Whether A^0 lies in E up to rounding. */
  public boolean inE() {
    return distE <= roundingLevel(norm);
  }

  /** The warning printed when A^0 is not in E, or null. */
  public String warning() {
    return inE() ? null : String.format("--init %s is not in E: ||A0_E⊥|| = %.4g (rounding level %.3g, "
        + "||A0|| = %.4g); training from it anyway", path, distE, roundingLevel(norm), norm);
  }

  /** config.json's "init": where A^0 came from and how far from E it is. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path.toString());
    m.put("sha256", sha256);
    m.put("norm", norm);
    m.put("dist_E", distE);
    m.put("in_E", inE());
    return m;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
