package eqaug.apps;

import eqaug.nn.ParameterLayout;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** config.json: every parameter, the seed, versions, timings, dim L and dim E per layer, data statistics. */
final class ConfigJson {
  private ConfigJson() {}

  static Map<String, Object> build(Experiment exp, Protocol p, String scale, int threads, String device,
      ExperimentRunner.Outcome outcome, String status, String started) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment", exp.name());
    m.put("title", exp.title());
    m.put("status", status);
    m.put("started", started);
    m.put("scale", scale);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("runs", p.runs());
    params.put("epochs", p.train().epochs());
    params.put("naug", p.train().naug());
    params.put("lr", p.train().lr());
    params.put("batch", p.train().batch());
    params.put("seed", p.seed());
    params.put("samples", exp.data().size());
    params.put("strategies", ExperimentRunner.STRATEGIES.stream().map(Enum::name).toList());
    m.put("parameters", params);
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
    }
    return m;
  }

  static Map<String, Object> network(Experiment exp) {
    ParameterLayout layout = new ParameterLayout(exp.architecture());
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
