package eqaug.apps.results;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.Protocol;
import eqaug.nn.ParameterLayout;
import eqaug.train.Precision;
import eqaug.train.RandomStreams;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** config.json: every parameter, the seed, versions, timings, dim L and dim E per layer, data statistics. */
public final class ConfigJson {
  private ConfigJson() {}

  public static Map<String, Object> build(Experiment exp, Protocol p, String scale, int threads, String device,
      ExperimentRunner.Outcome outcome, String status, String started) {
    return build(exp, p, scale, threads, device, Precision.FP32, outcome, status, started);
  }

  /** As above, trained at {@code precision}. */
  public static Map<String, Object> build(Experiment exp, Protocol p, String scale, int threads, String device,
      Precision precision, ExperimentRunner.Outcome outcome, String status, String started) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment", exp.name());
    m.put("title", exp.title());
    m.put("status", status);
    m.put("started", started);
    m.put("scale", scale);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("runs", p.runs());
    params.put("epochs", p.train().epochs());
    params.put("naug", p.train().exactAugmentation() ? "all" : p.train().naug());
    params.put("augmentation", p.train().augmentation().description());
    params.put("penalty", p.train().penalty());
    if (p.perturbation() != null) {
      params.put("perturb", p.perturbation().epsilon());
      params.put("paired", p.perturbation().paired());
    }
    params.put("lr", p.train().lr());
    params.put("batch", p.train().batch());
    params.put("seed", p.seed());
    params.put("samples", exp.data().size());
    params.put("strategies", ExperimentRunner.STRATEGIES.stream().map(Enum::name).toList());
    m.put("parameters", params);
    m.put("numerics", numerics(device, precision));
    Map<String, Object> compute = new LinkedHashMap<>();
    compute.put("device", device);
    compute.put("threads", threads);
    compute.put("engine", outcome == null ? null : outcome.engine);
    m.put("compute", compute);
    m.put("versions", RunInfo.describe());
    m.put("data", exp.dataStats());
    m.put("network", network(exp));
    if (outcome != null) {
      Map<String, Object> timing = new LinkedHashMap<>();
      timing.put("wall_seconds", outcome.wallSeconds);
      timing.put("peak_heap_mib", RunInfo.peakHeapMiB());
      Map<String, Object> per = new LinkedHashMap<>();
      for (Map.Entry<Strategy, Double> e : outcome.seconds.entrySet()) {
        per.put(e.getKey().name(), e.getValue());
      }
      timing.put("seconds_per_strategy", per);
      m.put("timing", timing);
      List<Object> diverged = new ArrayList<>();
      for (RunOutcome r : outcome.runs) {
        if (r.diverged()) {
          diverged.add(r.divergence());
        }
      }
      m.put("diverged", diverged);
      m.put("initial_norms", outcome.initialNorms);
      m.put("parts", parts(outcome));
    }
    return m;
  }

  /**
   * What the numbers depend on besides the protocol: the random generator (its algorithm and version), the
   * engine and the precision. A folder is only resumed by a command that computes the same way.
   */
  public static Map<String, Object> numerics(String device) {
    return numerics(device, Precision.FP32);
  }

  /** As above, at {@code precision}. */
  public static Map<String, Object> numerics(String device, Precision precision) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("generator", RandomStreams.GENERATOR);
    int colon = device.indexOf(':');
    n.put("engine", colon < 0 ? device : device.substring(0, colon));
    n.put("precision", precision.label());
    return n;
  }

  /**
   * The finished (run, strategy) parts in the order they were committed, each with the number and SHA-256
   * of its rows in metrics.csv, so that --resume can verify every part it keeps.
   */
  public static List<Object> parts(ExperimentRunner.Outcome outcome) {
    List<Object> parts = new ArrayList<>();
    int from = 0;
    for (RunOutcome r : outcome.runs) {
      int to = from;
      while (to < outcome.records.size() && outcome.records.get(to).run() == r.run()
          && outcome.records.get(to).strategy() == r.strategy()) {
        to++;
      }
      String rows = MetricsCsv.rows(outcome.records.subList(from, to));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("run", r.run());
      p.put("strategy", r.strategy().name());
      p.put("rows", MetricsCsv.count(rows));
      p.put("sha256", MetricsCsv.sha256(rows));
      parts.add(p);
      from = to;
    }
    return parts;
  }

  static Map<String, Object> network(Experiment exp) {
    ParameterLayout layout = ParameterLayout.of(exp.architecture());
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("group", exp.architecture().group().name());
    net.put("group_order", exp.architecture().group().order());
    List<Object> layers = new ArrayList<>();
    for (ParameterLayout.LayerView v : layout.layers()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("name", v.name());
      l.put("in", v.layer().in().describe());
      l.put("out", v.layer().out().describe());
      l.put("dim_L", (long) v.size());
      l.put("dim_E", v.orbits().homDim());
      l.put("init", v.layer().init().kind().name().toLowerCase() + " std " + v.layer().init().std());
      layers.add(l);
    }
    net.put("layers", layers);
    net.put("dim_L", (long) layout.linearSize());
    net.put("dim_E", layout.equivariantDim());
    net.put("batch_norm_parameters", layout.size() - layout.linearSize());
    net.put("loss", exp.architecture().loss().toString());
    return net;
  }
}
