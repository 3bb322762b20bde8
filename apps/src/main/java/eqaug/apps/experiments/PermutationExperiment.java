package eqaug.apps.experiments;

import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.train.RandomStreams;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Experiment 1 (App. C.1): is a graph connected? S_N acts on adjacency matrices; the network is
 * invariant. Layers: 1 -> 32 channels of R^{N x N} (rho on each), pooling to R^64 (trivial), batch norm,
 * dense 64 -> 32 -> 1, sigmoid and binary cross-entropy.
 */
public final class PermutationExperiment {
  public static final int NODES = 10;
  public static final int GRAPHS = 1000;
  static final double P_IN = 0.5;
  static final double P_OUT = 0.05;

  private PermutationExperiment() {}

  public static Architecture architecture(int n) {
    return PaperNetworks.permutation(n);
  }

  public static Experiment create(int graphs, long seed) {
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
