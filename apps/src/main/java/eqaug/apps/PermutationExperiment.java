package eqaug.apps;

import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.group.SymmetricGroup;
import eqaug.nn.Activation;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Init;
import eqaug.nn.Linear;
import eqaug.nn.Loss;
import eqaug.nn.Stage;
import eqaug.space.FieldSpace;
import eqaug.train.RandomStreams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Experiment 1 (App. C.1): is a graph connected? S_N acts on adjacency matrices; the network is
 * invariant. Layers: 1 -> 32 channels of R^{N x N} (rho on each), pooling to R^64 (trivial), batch norm,
 * dense 64 -> 32 -> 1, sigmoid and binary cross-entropy.
 */
public final class PermutationExperiment {
  static final int NODES = 10;
  static final int GRAPHS = 1000;
  static final double P_IN = 0.5;
  static final double P_OUT = 0.05;

  private PermutationExperiment() {}

  public static Architecture architecture(int n) {
    SymmetricGroup g = new SymmetricGroup(n);
    FieldSpace adjacency = new FieldSpace(g.onTensors(2), 1);
    FieldSpace hidden = new FieldSpace(g.onTensors(2), 32);
    FieldSpace pooled = new FieldSpace(g.trivialAction(1), 64);
    FieldSpace dense = new FieldSpace(g.trivialAction(1), 32);
    FieldSpace out = new FieldSpace(g.trivialAction(1), 1);
    List<Stage> stages = List.of(
        new Linear("rho1", adjacency, hidden, Init.gaussian(1 / (n * Math.sqrt(32)))),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(1 / Math.sqrt(64))),
        Activation.leakyRelu(),
        new BatchNorm("bn", 64, 1),
        new Linear("dense1", pooled, dense, Init.gaussian(n / 64.0)),
        Activation.leakyRelu(),
        new Linear("dense2", dense, out, Init.gaussian(n / 32.0)));
    return new Architecture("perm", adjacency, -0.5f, stages, new Loss.SigmoidBce(1, 1));
  }

  static Experiment create(int graphs, long seed) {
    Dataset data = BlockErdosRenyi.generate(graphs, NODES, P_IN, P_OUT, new RandomStreams(seed).data());
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("source", "block Erdős–Rényi graphs, generated from the seed");
    stats.put("graphs", data.size());
    stats.put("nodes", NODES);
    stats.put("p_in", P_IN);
    stats.put("p_out", P_OUT);
    stats.put("fraction_connected", data.meanTarget());
    return new Experiment("perm", "Experiment 1: permutation-invariant graph classification (S_10)",
        architecture(NODES), data, stats);
  }
}
