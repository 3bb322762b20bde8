package eqaug.data;

import java.util.random.RandomGenerator;

/**
 * The graphs of App. C.1: N nodes split into two random clusters of sizes floor(N/2) and ceil(N/2); an
 * undirected edge joins two nodes of the same cluster with probability pIn and of different clusters
 * with probability pOut; no self-loops. The label is 1 exactly when the graph is connected, decided by
 * union–find (not by a floating-point threshold).
 */
public final class BlockErdosRenyi {
  private BlockErdosRenyi() {}

  public static Dataset generate(int graphs, int n, double pIn, double pOut, RandomGenerator rng) {
    if (graphs < 1 || n < 2) {
      throw new IllegalArgumentException("need at least one graph of at least two nodes");
    }
    if (!(pIn >= 0 && pIn <= 1 && pOut >= 0 && pOut <= 1)) {
      throw new IllegalArgumentException("edge probabilities must lie in [0, 1]");
    }
    float[] adj = new float[graphs * n * n];
    float[] labels = new float[graphs];
    int[] order = new int[n];
    boolean[] first = new boolean[n];
    for (int gIdx = 0; gIdx < graphs; gIdx++) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int i = 0; i < n; i++) {
        first[order[i]] = i < n / 2;
      }
      int base = gIdx * n * n;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double p = first[i] == first[j] ? pIn : pOut;
          if (rng.nextDouble() < p) {
            adj[base + i * n + j] = 1;
            adj[base + j * n + i] = 1;
          }
        }
      }
      labels[gIdx] = connected(adj, base, n) ? 1 : 0;
    }
    return new Dataset("block-erdos-renyi", adj, labels, graphs, n * n, 1);
  }

  /** Whether the graph with adjacency matrix adj[base .. base + n*n) is connected (union–find). */
  public static boolean connected(float[] adj, int base, int n) {
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    int components = n;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (adj[base + i * n + j] != 0) {
          int a = find(parent, i);
          int b = find(parent, j);
          if (a != b) {
            parent[a] = b;
            components--;
          }
        }
      }
    }
    return components == 1;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
