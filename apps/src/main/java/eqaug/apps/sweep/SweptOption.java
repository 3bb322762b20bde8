package eqaug.apps.sweep;

import eqaug.apps.experiments.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An option of the experiment commands that {@code eqaug sweep} takes as a comma-separated list (issue 12, item
 * 4; docs/sweep.md). The declaration order is the sweep's fixed order: of folder names, of sweep.csv's columns and
 * of the cartesian product (the first option varies slowest).
 */
public enum SweptOption {
  NAUG("--naug", "naug", "N_aug", "positive integers or 'all'"),
  PENALTY("--penalty", "penalty", "γ (--penalty)", "numbers ≥ 0"),
  PRECISION("--precision", "precision", null, "fp32 and fp64"),
  LR("--lr", "lr", "τ (--lr)", "positive numbers"),
  PERTURB("--perturb", "perturb", "ε (--perturb)", "numbers ≥ 0"),
  AUGMENT_BY("--augment-by", "augment_by", null, "--augment-by specs separated by ';' ('G': Haar on G, no option)");

  /** The value of --augment-by that means the paper's augmentation, Haar on G (the option left out). */
  public static final String HAAR_ON_G = "G";

  /** The value of --naug that means every element of G (the exact augmented gradient). */
  public static final String ALL = "all";

  private final String option;
  private final String column;
  private final String axis;
  private final String accepts;

  SweptOption(String option, String column, String axis, String accepts) {
    this.option = option;
    this.column = column;
    this.axis = axis;
    this.accepts = accepts;
  }

  /** The option's name on the command line, e.g. {@code --naug}. */
  public String option() {
    return option;
  }

  /** Its column in sweep.csv and its key in point folder names, e.g. {@code naug}. */
  public String column() {
    return column;
  }

  /** Whether its values are numbers, so that a figure plots final ||A_E⊥|| against them. */
  public boolean numeric() {
    return axis != null;
  }

  /** The figure's x-axis title. */
  public String axis() {
    return axis;
  }

  /** What separates the values of a list: ';' for --augment-by, whose specs hold commas; ',' otherwise. */
  public String separator() {
    return this == AUGMENT_BY ? ";" : ",";
  }

  /**
   * A value as a folder name takes it: --augment-by's spec with every character other than letters, digits, '.',
   * '+' and '-' turned into '_' (e.g. e:2,r2:3 becomes e_2_r2_3); other values as they are.
   */
  public String label(String value) {
    return this == AUGMENT_BY ? value.replaceAll("[^A-Za-z0-9.+-]", "_") : value;
  }

  /** The option of that command-line name, or null. */
  public static SweptOption of(String option) {
    for (SweptOption o : values()) {
      if (o.option.equals(option)) {
        return o;
      }
    }
    return null;
  }

  /**
   * The values of a comma-separated list, each checked: no empty value, no value twice (numerically: 1e-5 and
   * 0.00001 would train the same point twice), and each of the kind the option takes.
   */
  public List<String> parse(String list) {
    if (list.isEmpty()) {
      throw new UsageException(option + " needs a comma-separated list of " + accepts + ", got an empty one");
    }
    List<String> values = new ArrayList<>();
    List<Object> seen = new ArrayList<>();
    for (String raw : list.split(java.util.regex.Pattern.quote(separator()), -1)) {
      String v = this == AUGMENT_BY ? raw.strip() : raw;
      if (v.isEmpty()) {
        throw new UsageException(option + " " + list + ": an empty value (the list takes " + accepts
            + ", separated by single " + (this == AUGMENT_BY ? "semicolons" : "commas") + ")");
      }
      Object key = key(v, list);
      if (seen.contains(key)) {
        throw new UsageException(option + " " + list + ": " + v + (this == AUGMENT_BY
            ? " is listed twice (or names the same folder, " + key + ", as another value)" : " is listed twice"));
      }
      seen.add(key);
      values.add(v);
    }
    return values;
  }

  /** The value as what identifies its point: a number, 'all' or a precision; refused if it is none of these. */
  private Object key(String v, String list) {
    switch (this) {
      case AUGMENT_BY -> {
        // The experiment command parses each spec against its group when the sweep checks every point; two specs
        // with the same folder label would share a folder.
        return label(v);
      }
      case PRECISION -> {
        String p = v.toLowerCase(Locale.ROOT);
        if (!p.equals("fp32") && !p.equals("fp64")) {
          throw refused(v, list);
        }
        return p;
      }
      case NAUG -> {
        if (v.equals(ALL)) {
          return ALL;
        }
        try {
          int n = Integer.parseInt(v);
          if (n >= 1) {
            return (double) n;
          }
        } catch (NumberFormatException e) {
          // refused below
        }
        throw refused(v, list);
      }
      default -> {
        double d;
        try {
          d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw refused(v, list);
        }
        // Only plain decimal numbers: Java also reads "1d", "0x1p3" or "NaN", which the folder names should not hold.
        if (!v.matches("[0-9]*\\.?[0-9]*([eE][-+]?[0-9]+)?") || !Double.isFinite(d) || d < 0 || (this == LR && d == 0)) {
          throw refused(v, list);
        }
        return d == 0 ? 0.0 : d; // -0 cannot occur (no sign allowed), but keep keys canonical
      }
    }
  }

  private UsageException refused(String v, String list) {
    return new UsageException(option + " " + list + ": '" + v + "' is not one of the " + accepts + " it takes");
  }

  /** A value's position on the figure's axis: the number, and for --naug all the order of G. */
  public double x(String value, long groupOrder) {
    if (this == NAUG && value.equals(ALL)) {
      return groupOrder;
    }
    return Double.parseDouble(value);
  }
}
