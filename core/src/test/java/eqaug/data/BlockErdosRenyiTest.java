package eqaug.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The two-cluster random graphs of App. C.1: well-formed adjacency matrices, labels that agree with an
 * independent connectivity check, edge statistics and the connected fraction against exact probabilities,
 * random cluster assignment, and reproducibility.
 */
class BlockErdosRenyiTest {

  // ------------------------------------------------------------------ independent references

  /** Component sizes by breadth-first search, largest first. */
  private static int[] componentSizes(float[] adj, int base, int n) {
    boolean[] seen = new boolean[n];
    int[] sizes = new int[n];
    int count = 0;
    for (int s = 0; s < n; s++) {
      if (seen[s]) {
        continue;
      }
      int size = 0;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(s);
      seen[s] = true;
      while (!queue.isEmpty()) {
        int v = queue.poll();
        size++;
        for (int w = 0; w < n; w++) {
          if (adj[base + v * n + w] != 0 && !seen[w]) {
            seen[w] = true;
            queue.add(w);
          }
        }
      }
      sizes[count++] = size;
    }
    int[] out = Arrays.copyOf(sizes, count);
    Arrays.sort(out);
    for (int i = 0; i < out.length / 2; i++) {
      int t = out[i];
      out[i] = out[out.length - 1 - i];
      out[out.length - 1 - i] = t;
    }
    return out;
  }

  /** The paper's criterion: every entry of sum_{i=0}^{N} A^i is positive, with boolean matrix powers. */
  private static boolean connectedByPowers(float[] adj, int base, int n) {
    boolean[][] reach = new boolean[n][n]; // entries of sum_{i<=t} A^i that are positive
    boolean[][] power = new boolean[n][n]; // support of A^t
    for (int i = 0; i < n; i++) {
      reach[i][i] = true;
      power[i][i] = true;
    }
    for (int t = 1; t <= n; t++) {
      boolean[][] next = new boolean[n][n];
      for (int i = 0; i < n; i++) {
        for (int m = 0; m < n; m++) {
          if (power[i][m]) {
            for (int j = 0; j < n; j++) {
              if (adj[base + m * n + j] != 0) {
                next[i][j] = true;
              }
            }
          }
        }
      }
      power = next;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          reach[i][j] |= power[i][j];
        }
      }
    }
    for (boolean[] row : reach) {
      for (boolean r : row) {
        if (!r) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The exact probability that a random graph with independent edges (probability prob[i][j]) is
   * connected: P(S connected) = 1 - sum over proper T containing min(S) of
   * P(T connected) * P(no edge between T and S \ T), by the component of the smallest node.
   */
  private static double exactConnectedProbability(double[][] prob) {
    int n = prob.length;
    int full = (1 << n) - 1;
    double[] conn = new double[1 << n];
    for (int s = 1; s <= full; s++) {
      int low = s & -s;
      if (s == low) {
        conn[s] = 1;
        continue;
      }
      double disconnected = 0;
      int rest = s ^ low;
      // T = low | sub for every proper submask sub of rest.
      for (int sub = (rest - 1) & rest; ; sub = (sub - 1) & rest) {
        int t = low | sub;
        int u = s ^ t;
        double noCut = 1;
        for (int i = 0; i < n; i++) {
          if ((t >> i & 1) == 0) {
            continue;
          }
          for (int j = 0; j < n; j++) {
            if ((u >> j & 1) != 0) {
              noCut *= 1 - prob[i][j];
            }
          }
        }
        disconnected += conn[t] * noCut;
        if (sub == 0) {
          break;
        }
      }
      conn[s] = 1 - disconnected;
    }
    return conn[full];
  }

  private static double[][] twoClusters(int n, double pIn, double pOut) {
    double[][] prob = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        prob[i][j] = (i < n / 2) == (j < n / 2) ? pIn : pOut;
      }
    }
    return prob;
  }

  private static int edges(float[] adj, int base, int n) {
    int e = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (adj[base + i * n + j] != 0) {
          e++;
        }
      }
    }
    return e;
  }

  // ------------------------------------------------------------------ the reference itself

  @Test
  void exactProbabilityReproducesCountsOfConnectedLabelledGraphs() {
    // Connected labelled graphs on 3, 4, 5 nodes: 4, 38, 728 (OEIS A001187), out of 2^C(n,2).
    assertEquals(4.0 / 8, exactConnectedProbability(twoClusters(3, 0.5, 0.5)), 1e-12);
    assertEquals(38.0 / 64, exactConnectedProbability(twoClusters(4, 0.5, 0.5)), 1e-12);
    assertEquals(728.0 / 1024, exactConnectedProbability(twoClusters(5, 0.5, 0.5)), 1e-12);
    // Two nodes in different clusters are connected exactly when their edge is drawn.
    assertEquals(0.3, exactConnectedProbability(twoClusters(2, 0.9, 0.3)), 1e-12);
  }

  // ------------------------------------------------------------------ well-formed samples

  @Test
  void adjacencyMatricesAreSymmetricZeroOneWithoutSelfLoops() {
    int n = 10;
    Dataset d = BlockErdosRenyi.generate(500, n, 0.5, 0.05, new SplittableRandom(1));
    assertEquals(500, d.size());
    assertEquals(n * n, d.inputDim());
    assertEquals(1, d.targetDim());
    float[] x = d.inputs();
    for (int g = 0; g < d.size(); g++) {
      int base = g * n * n;
      for (int i = 0; i < n; i++) {
        assertEquals(0f, x[base + i * n + i], "no self-loop");
        for (int j = 0; j < n; j++) {
          float v = x[base + i * n + j];
          assertTrue(v == 0f || v == 1f, "0/1 entry");
          assertEquals(v, x[base + j * n + i], "symmetric");
        }
      }
      float t = d.targets()[g];
      assertTrue(t == 0f || t == 1f);
    }
  }

  @Test
  void labelsAgreeWithBreadthFirstSearchAndMatrixPowers() {
    double[][] settings = {{0.5, 0.05}, {0.3, 0.3}, {0.9, 0.01}, {0.2, 0.5}, {1, 0}, {0, 1}};
    long seed = 2;
    int positives = 0;
    int total = 0;
    for (double[] s : settings) {
      for (int n : new int[] {2, 3, 7, 10}) {
        Dataset d = BlockErdosRenyi.generate(300, n, s[0], s[1], new SplittableRandom(seed++));
        for (int g = 0; g < d.size(); g++) {
          int base = g * n * n;
          boolean bfs = componentSizes(d.inputs(), base, n).length == 1;
          assertEquals(bfs, connectedByPowers(d.inputs(), base, n), "the two references agree");
          assertEquals(bfs ? 1f : 0f, d.targets()[g], "label of graph " + g + ", N=" + n + ", p,q=" + Arrays.toString(s));
          assertEquals(bfs, BlockErdosRenyi.connected(d.inputs(), base, n));
          positives += bfs ? 1 : 0;
          total++;
        }
      }
    }
    // Both labels occur plenty, so the agreement above covers both.
    assertTrue(positives > total / 5 && positives < 4 * total / 5, positives + " of " + total);
  }

  @Test
  void connectedAgreesWithBreadthFirstSearchOnArbitraryGraphsAndOffsets() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int t = 0; t < 2000; t++) {
      int n = 1 + rng.nextInt(12);
      double p = rng.nextDouble() * 0.5;
      int base = rng.nextInt(20);
      float[] adj = new float[base + n * n + 5];
      Arrays.fill(adj, 1f); // junk around the matrix must not matter
      for (int i = 0; i < n; i++) {
        adj[base + i * n + i] = 0;
        for (int j = i + 1; j < n; j++) {
          float e = rng.nextDouble() < p ? 1f : 0f;
          adj[base + i * n + j] = e;
          adj[base + j * n + i] = e;
        }
      }
      assertEquals(componentSizes(adj, base, n).length == 1, BlockErdosRenyi.connected(adj, base, n));
    }
  }

  // ------------------------------------------------------------------ statistics

  @Test
  void connectedFractionMatchesTheExactProbability() {
    // N = 10, p = 0.5, q = 0.05. Lower bound: both clusters connected ((728/1024)^2) and a cross edge
    // (1 - 0.95^25) gives 0.365; clusters may also be joined through cross edges, which adds a little.
    int graphs = 1000;
    Dataset d = BlockErdosRenyi.generate(graphs, 10, 0.5, 0.05, new SplittableRandom(4));
    double fraction = d.meanTarget();
    double exact = exactConnectedProbability(twoClusters(10, 0.5, 0.05));
    double lower = Math.pow(728.0 / 1024, 2) * (1 - Math.pow(0.95, 25));
    assertTrue(exact > lower && exact < 0.5, "exact " + exact);
    double sd = Math.sqrt(exact * (1 - exact) / graphs);
    assertEquals(exact, fraction, 4 * sd, "fraction connected");
    assertTrue(fraction > 0.35 && fraction < 0.50, "fraction " + fraction);
  }

  @Test
  void connectedFractionMatchesTheExactProbabilityForOddN() {
    // N = 7 splits 3 + 4; a different exact probability checks the cluster sizes and both rates.
    int graphs = 4000;
    Dataset d = BlockErdosRenyi.generate(graphs, 7, 0.6, 0.15, new SplittableRandom(5));
    double exact = exactConnectedProbability(twoClusters(7, 0.6, 0.15));
    double sd = Math.sqrt(exact * (1 - exact) / graphs);
    assertEquals(exact, d.meanTarget(), 4 * sd);
  }

  @Test
  void edgeDensityMatchesTheBlockProbabilities() {
    int n = 10;
    int graphs = 1000;
    int pairs = n * (n - 1) / 2;
    // {pIn, pOut}: overall density (pIn * 2 * C(5,2) + pOut * 25) / C(10,2).
    double[][] settings = {{0.5, 0.05}, {0.5, 0}, {0, 0.3}, {0.8, 0.4}};
    long seed = 6;
    for (double[] s : settings) {
      Dataset d = BlockErdosRenyi.generate(graphs, n, s[0], s[1], new SplittableRandom(seed++));
      long total = 0;
      for (int g = 0; g < graphs; g++) {
        total += edges(d.inputs(), g * n * n, n);
      }
      double expected = (s[0] * 2 * 10 + s[1] * 25) / pairs;
      double density = (double) total / ((long) graphs * pairs);
      assertEquals(expected, density, 0.01, "p,q=" + Arrays.toString(s));
    }
  }

  @Test
  void certainInsideAndImpossibleAcrossGivesTwoCliquesOfHalfSize() {
    for (int n : new int[] {2, 7, 10}) {
      Dataset d = BlockErdosRenyi.generate(50, n, 1, 0, new SplittableRandom(10 + n));
      for (int g = 0; g < d.size(); g++) {
        int base = g * n * n;
        int[] sizes = componentSizes(d.inputs(), base, n);
        assertArrayEquals(new int[] {(n + 1) / 2, n / 2}, sizes, "N=" + n);
        int a = n / 2;
        int b = n - a;
        assertEquals(a * (a - 1) / 2 + b * (b - 1) / 2, edges(d.inputs(), base, n), "cliques are complete");
        assertEquals(0f, d.targets()[g]);
      }
    }
  }

  @Test
  void impossibleInsideAndCertainAcrossGivesACompleteBipartiteGraph() {
    int n = 7;
    Dataset d = BlockErdosRenyi.generate(50, n, 0, 1, new SplittableRandom(12));
    for (int g = 0; g < d.size(); g++) {
      int base = g * n * n;
      assertEquals(3 * 4, edges(d.inputs(), base, n), "K_{3,4}");
      int[] degreeCount = new int[n];
      for (int i = 0; i < n; i++) {
        int deg = 0;
        for (int j = 0; j < n; j++) {
          deg += (int) d.inputs()[base + i * n + j];
        }
        degreeCount[deg]++;
      }
      assertEquals(4, degreeCount[3], "the four nodes of the larger side see the three of the smaller");
      assertEquals(3, degreeCount[4]);
      assertEquals(1f, d.targets()[g]);
    }
  }

  @Test
  void clustersAreAssignedAtRandom() {
    // With pIn = 1 and pOut = 0 an edge means "same cluster". For random halves of 10 nodes two given
    // nodes share a cluster with probability 4/9; a fixed split would give 0 or 1 for every pair.
    int n = 10;
    int graphs = 4000;
    Dataset d = BlockErdosRenyi.generate(graphs, n, 1, 0, new SplittableRandom(13));
    int[][] together = new int[n][n];
    for (int g = 0; g < graphs; g++) {
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (d.inputs()[g * n * n + i * n + j] != 0) {
            together[i][j]++;
          }
        }
      }
    }
    double sd = Math.sqrt(graphs * (4.0 / 9) * (5.0 / 9));
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        assertEquals(graphs * 4.0 / 9, together[i][j], 4.5 * sd, "pair " + i + "," + j);
      }
    }
  }

  // ------------------------------------------------------------------ reproducibility and validation

  @Test
  void sameSeedGivesIdenticalDataAndAnotherSeedDoesNot() {
    Dataset a = BlockErdosRenyi.generate(200, 10, 0.5, 0.05, new SplittableRandom(42));
    Dataset b = BlockErdosRenyi.generate(200, 10, 0.5, 0.05, new SplittableRandom(42));
    Dataset c = BlockErdosRenyi.generate(200, 10, 0.5, 0.05, new SplittableRandom(43));
    assertArrayEquals(a.inputs(), b.inputs());
    assertArrayEquals(a.targets(), b.targets());
    assertFalse(Arrays.equals(a.inputs(), c.inputs()));
  }

  @Test
  void invalidArgumentsAreRejected() {
    SplittableRandom rng = new SplittableRandom(0);
    assertThrows(IllegalArgumentException.class, () -> BlockErdosRenyi.generate(0, 10, 0.5, 0.1, rng));
    assertThrows(IllegalArgumentException.class, () -> BlockErdosRenyi.generate(5, 1, 0.5, 0.1, rng));
    assertThrows(IllegalArgumentException.class, () -> BlockErdosRenyi.generate(5, 10, 1.5, 0.1, rng));
    assertThrows(IllegalArgumentException.class, () -> BlockErdosRenyi.generate(5, 10, 0.5, -0.1, rng));
    assertThrows(IllegalArgumentException.class, () -> BlockErdosRenyi.generate(5, 10, Double.NaN, 0.1, rng));
  }
}
