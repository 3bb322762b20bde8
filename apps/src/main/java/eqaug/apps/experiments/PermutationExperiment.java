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
 * dense 64 -> 32 -> 1, sigmoid and binary cross-entropy. The paper has N = 10; smaller even N (two clusters of
 * N/2 nodes) make S_N small enough to enumerate for exact augmentation (issue 12, item 1).
 */
public final class PermutationExperiment {
  public static final int NODES = 10;
  /** The fewest nodes: two clusters of two. */
  public static final int MIN_NODES = 4;
  /** The most nodes: the paper's graphs; the option exists to go below them, towards an enumerable S_N. */
  public static final int MAX_NODES = NODES;
  public static final int GRAPHS = 1000;
  static final double P_IN = 0.5;
  static final double P_OUT = 0.05;

  private PermutationExperiment() {}

  public static Architecture architecture(int n) {
    return PaperNetworks.permutation(n);
  }

  /** Refuses a node count the experiment does not serve, naming --nodes. */
  public static void checkNodes(int nodes) {
    if (nodes < MIN_NODES || nodes > MAX_NODES || nodes % 2 != 0) {
      throw new UsageException("--nodes must be even, from " + MIN_NODES + " to " + MAX_NODES
          + " (two clusters of N/2 nodes; the paper has " + NODES + "), got " + nodes);
    }
  }

  /** The paper's graphs, on {@link #NODES} nodes. */
  public static Experiment create(int graphs, long seed) {
    return create(graphs, NODES, seed);
  }

  /** {@code graphs} graphs of two clusters of nodes/2 nodes each, S_nodes acting on them. */
  public static Experiment create(int graphs, int nodes, long seed) {
    checkNodes(nodes);
    Dataset data = BlockErdosRenyi.generate(graphs, nodes, P_IN, P_OUT, new RandomStreams(seed).data());
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("source", "block Erdős–Rényi graphs, generated from the seed");
    stats.put("graphs", data.size());
    stats.put("nodes", nodes);
    stats.put("p_in", P_IN);
    stats.put("p_out", P_OUT);
    stats.put("fraction_connected", data.meanTarget());
    return new Experiment("perm", "Experiment 1: permutation-invariant graph classification (S_" + nodes + ")",
        architecture(nodes), data, stats);
  }
}
