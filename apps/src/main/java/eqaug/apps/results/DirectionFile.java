package eqaug.apps.results;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.UsageException;
import eqaug.nn.ParameterLayout;
import eqaug.train.Perturbation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --perturb-along FILE}: the direction u of {@code --perturb EPS} read from an .npz of the layout of
 * docs/params.md ({@code <f4} or {@code <f8}; e.g. a least stable eigenvector written by {@code stability
 * --save-vectors}), projected onto E-perp (batch-norm entries zero, Lemma 2) and normalised: the same u for every
 * run and strategy. Read and checked before any folder is made.
 */
public record DirectionFile(Path path, String sha256, double[] direction, double removedShare) {
  /** Above this share of ||v|| in E, the warning says that the projection removed it. */
  public static final double NEGLIGIBLE = 1e-6;

  public static DirectionFile load(Path file, Experiment exp) {
    ParameterFile f = ParameterFile.read("--perturb-along", file);
    ParameterLayout layout = ParameterLayout.of(exp.architecture());
    double[] v = f.doubles(layout);
    Perturbation.OffE off;
    try {
      off = Perturbation.unitOffE(layout, v);
    } catch (IllegalArgumentException e) {
      throw new UsageException(f.where() + e.getMessage() + "; give a direction with a part in E-perp");
    }
    return new DirectionFile(f.path(), f.sha256(), off.unit(), off.removedShare());
  }

  /** The warning printed when the projection removed a non-negligible part in E, or null. */
  public String warning() {
    return removedShare <= NEGLIGIBLE ? null : String.format(Locale.ROOT, "--perturb-along %s: %.3g of its norm lay "
        + "in E (batch-norm entries included) and was projected away; u is its E-perp part, normalised", path,
        removedShare);
  }

  /** config.json's "perturb_along": the file, its checksum and how much of it lay in E. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path.toString());
    m.put("sha256", sha256);
    m.put("removed_E_share", removedShare);
    return m;
  }
}
