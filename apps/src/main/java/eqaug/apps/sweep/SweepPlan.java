package eqaug.apps.sweep;

import eqaug.apps.experiments.UsageException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a sweep trains: an experiment, the swept options with their values (in {@link SweptOption}'s order), and
 * the experiment command's other options, passed unchanged to every point. The points are the cartesian product of
 * the values, the first swept option varying slowest and each option's values in the order given.
 */
public final class SweepPlan {
  /** One combination of values: its folder's name (e.g. {@code naug=4,precision=fp64}) and its values. */
  public record Point(int index, String name, Map<SweptOption, String> values) {
    /** The swept options as the experiment command takes them, e.g. {@code --naug 4 --precision fp64}. */
    public List<String> arguments() {
      List<String> a = new ArrayList<>();
      values.forEach((o, v) -> {
        if (o == SweptOption.AUGMENT_BY && v.equals(SweptOption.HAAR_ON_G)) {
          return; // the paper's augmentation: the option left out
        }
        a.add(o.option());
        a.add(v);
      });
      return a;
    }

    /** The folder under the sweep's folder that holds the point's results. */
    public String folder() {
      return "points/" + name;
    }
  }

  /**
   * Passed options a resumed sweep may change: they set how the work is spread, not what is computed (the
   * experiment commands' own --resume does not compare them either).
   */
  static final Set<String> NOT_COMPARED = Set.of("--threads", "--parallel-runs");

  private final String experiment;
  private final Map<SweptOption, List<String>> swept;
  private final List<String> passArguments;
  private final Map<String, String> passThrough;
  private final List<Point> points;

  /**
   * @param lists the lists as given, by option (absent: not swept)
   * @param passArguments the experiment command's other arguments, as given
   * @param passThrough those arguments by option (each option's longest name; a flag's value is "true"), for
   *     comparing with a sweep being resumed
   */
  public SweepPlan(String experiment, Map<SweptOption, String> lists, List<String> passArguments,
      Map<String, String> passThrough) {
    this.experiment = experiment;
    Map<SweptOption, List<String>> s = new EnumMap<>(SweptOption.class);
    lists.forEach((o, l) -> s.put(o, o.parse(l)));
    if (s.isEmpty()) {
      throw new UsageException("nothing to sweep: give at least one of " + String.join(", ", optionNames())
          + " as a comma-separated list");
    }
    this.swept = s;
    this.passArguments = List.copyOf(passArguments);
    this.passThrough = new LinkedHashMap<>(passThrough);
    this.points = product();
  }

  private static List<String> optionNames() {
    List<String> names = new ArrayList<>();
    for (SweptOption o : SweptOption.values()) {
      names.add(o.option());
    }
    return names;
  }

  private List<Point> product() {
    List<Map<SweptOption, String>> combos = new ArrayList<>();
    combos.add(new EnumMap<>(SweptOption.class));
    for (Map.Entry<SweptOption, List<String>> e : swept.entrySet()) {
      List<Map<SweptOption, String>> next = new ArrayList<>();
      for (Map<SweptOption, String> c : combos) {
        for (String v : e.getValue()) {
          Map<SweptOption, String> d = new EnumMap<>(c);
          d.put(e.getKey(), v);
          next.add(d);
        }
      }
      combos = next;
    }
    List<Point> ps = new ArrayList<>();
    for (Map<SweptOption, String> c : combos) {
      List<String> parts = new ArrayList<>();
      c.forEach((o, v) -> parts.add(o.column() + "=" + o.label(v)));
      ps.add(new Point(ps.size(), String.join(",", parts), c));
    }
    return List.copyOf(ps);
  }

  public String experiment() {
    return experiment;
  }

  /** The swept options and their values, in the sweep's order. */
  public Map<SweptOption, List<String>> swept() {
    return swept;
  }

  public List<String> passArguments() {
    return passArguments;
  }

  public List<Point> points() {
    return points;
  }

  /** The command line that made this sweep (without --out and -q). */
  public String commandLine() {
    StringBuilder sb = new StringBuilder("eqaug sweep ").append(experiment);
    swept.forEach((o, v) -> sb.append(' ').append(o.option()).append(' ')
        .append(o == SweptOption.AUGMENT_BY ? "'" + String.join(";", v) + "'" : String.join(",", v)));
    for (String a : passArguments) {
      sb.append(' ').append(a);
    }
    return sb.toString();
  }

  /** sweep.json: the experiment, the swept and passed options, and the points in order with folder and status. */
  public Map<String, Object> json(String status, String started, List<String> pointStatus, String version) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "sweep");
    m.put("experiment", experiment);
    m.put("status", status);
    m.put("started", started);
    m.put("eqaug", version);
    m.put("order", "cartesian product, first swept option slowest; options in the order "
        + String.join(", ", optionNames()));
    Map<String, Object> s = new LinkedHashMap<>();
    swept.forEach((o, v) -> s.put(o.option(), v));
    m.put("swept", s);
    m.put("pass_through", passThrough);
    m.put("pass_through_arguments", passArguments);
    List<Object> ps = new ArrayList<>();
    for (Point p : points) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("name", p.name());
      q.put("folder", p.folder());
      Map<String, Object> values = new LinkedHashMap<>();
      p.values().forEach((o, v) -> values.put(o.option(), v));
      q.put("options", values);
      q.put("status", pointStatus.get(p.index()));
      ps.add(q);
    }
    m.put("points", ps);
    return m;
  }

  /**
   * How a sweep.json (read back) differs from this plan, in words naming the first option that differs; null
   * when it is the same sweep ({@link #NOT_COMPARED} options aside).
   */
  public String difference(Map<?, ?> stored) {
    if (!Objects.equals(stored.get("experiment"), experiment)) {
      return "it is a sweep of '" + stored.get("experiment") + "', not '" + experiment + "'";
    }
    Map<?, ?> theirSwept = stored.get("swept") instanceof Map<?, ?> m ? m : Map.of();
    for (SweptOption o : SweptOption.values()) {
      String here = swept.containsKey(o) ? String.join(o.separator(), swept.get(o)) : null;
      String there = theirSwept.get(o.option()) instanceof List<?> l ? join(l, o.separator()) : null;
      if (!Objects.equals(here, there)) {
        return o.option() + " " + describe(here, there);
      }
    }
    Map<?, ?> theirPass = stored.get("pass_through") instanceof Map<?, ?> m ? m : Map.of();
    Set<String> names = new LinkedHashSet<>(passThrough.keySet());
    theirPass.keySet().forEach(k -> names.add(String.valueOf(k)));
    names.removeAll(NOT_COMPARED);
    for (String n : names) {
      String here = passThrough.get(n);
      String there = theirPass.containsKey(n) ? String.valueOf(theirPass.get(n)) : null;
      if (!Objects.equals(here, there)) {
        return n + " " + describe(here, there);
      }
    }
    return null;
  }

  private static String join(List<?> l, String separator) {
    List<String> s = new ArrayList<>();
    l.forEach(x -> s.add(String.valueOf(x)));
    return String.join(separator, s);
  }

  private static String describe(String here, String there) {
    return (here == null ? "is not given here" : "is " + show(here) + " here") + " but "
        + (there == null ? "not given there" : show(there) + " there");
  }

  private static String show(String v) {
    return v.equals("true") ? "given" : v;
  }
}
