package eqaug.space;

import eqaug.group.GroupElement;
import eqaug.group.PermutationAction;
import eqaug.kernel.Kernels;

/**
 * The orbits of G on the entries of Hom(X_in, X_out) under the induced action
 * rho-bar(g) A = rho_out(g) A rho_in(g)^-1 (paper, §3.3), which moves entry (p, q) to (g p, g q).
 *
 * <p>For permutation actions Hom_G is spanned by the indicator matrices of these orbits, which are
 * mutually orthogonal; so the orthogonal projection Pi_E of Lemma 2 (the Haar average of rho-bar(g) A)
 * replaces every entry by the mean over its orbit. Orbits are found once by union–find over the
 * generators, and every projection then costs O(size of the layer).
 *
 * <p>A weight matrix is stored row-major with {@code out.dim()} rows and {@code in.dim()} columns; row
 * (channel co, position a), column (channel ci, position b). Channels are not mixed by the group, so one
 * table of position pairs (a, b) serves every channel pair.
 */
public final class OrbitTable {
  private final FieldSpace in;
  private final FieldSpace out;
  private final int[] orbitOf;
  private final int[] orbitSize;
  private final int orbitCount;

  public OrbitTable(FieldSpace in, FieldSpace out) {
    // Equal groups (same degree, same generated permutations) share their element codes, so each space's
    // action can read the other's elements; two actions of one abstract group may differ (C4 on 14x14, 7x7).
    if (!in.action().group().equals(out.action().group())) {
      throw new IllegalArgumentException(
          "input and output spaces are acted on by different groups: "
              + in.action().group().name() + " and " + out.action().group().name());
    }
    this.in = in;
    this.out = out;
    int dIn = in.positions();
    int dOut = out.positions();
    int pairs = dIn * dOut;
    int[] parent = PermutationAction.identityMap(pairs);
    for (GroupElement g : in.action().group().generators()) {
      int[] gin = in.action().gather(g);
      int[] gout = out.action().gather(g);
      for (int a = 0; a < dOut; a++) {
        for (int b = 0; b < dIn; b++) {
          union(parent, a * dIn + b, gout[a] * dIn + gin[b]);
        }
      }
    }
    orbitOf = new int[pairs];
    int[] label = new int[pairs];
    java.util.Arrays.fill(label, -1);
    int count = 0;
    for (int i = 0; i < pairs; i++) {
      int r = find(parent, i);
      if (label[r] < 0) {
        label[r] = count++;
      }
      orbitOf[i] = label[r];
    }
    orbitCount = count;
    orbitSize = new int[count];
    for (int o : orbitOf) {
      orbitSize[o]++;
    }
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int i, int j) {
    int a = find(parent, i);
    int b = find(parent, j);
    if (a != b) {
      parent[Math.max(a, b)] = Math.min(a, b);
    }
  }

  public FieldSpace in() {
    return in;
  }

  public FieldSpace out() {
    return out;
  }

  /** Rows times columns of the weight matrix, dim Hom(X_in, X_out). */
  public long size() {
    return (long) out.dim() * in.dim();
  }

  /** Orbits of one channel pair: dim Hom_G(R^d_in, R^d_out). */
  public int orbitsPerChannelPair() {
    return orbitCount;
  }

  /** dim Hom_G(X_in, X_out): orbits per channel pair times channel pairs. */
  public long homDim() {
    return (long) orbitCount * in.channels() * out.channels();
  }

  /** Orbit id of position pair (a, b) within a channel pair. */
  public int orbitOf(int a, int b) {
    return orbitOf[a * in.positions() + b];
  }

  /** Pi_E in place on the weight matrix starting at {@code off}: every entry becomes its orbit mean. */
  public void project(float[] w, int off) {
    project(w, off, null);
  }

  /** {@link #project(float[], int)} with the channel blocks shared among the kernels' threads (same result). */
  public void project(float[] w, int off, Kernels kernels) {
    forBlockRanges(kernels, (from, to) -> {
      double[] sums = new double[orbitCount];
      float[] means = new float[orbitCount];
      int dIn = in.positions();
      int cols = in.dim();
      for (int blk = from; blk < to; blk++) {
        orbitSums(w, off, rowBase(blk), colBase(blk), sums);
        // One division per orbit, not per entry (the same quotient either way).
        for (int o = 0; o < orbitCount; o++) {
          means[o] = (float) (sums[o] / orbitSize[o]);
        }
        for (int a = 0; a < out.positions(); a++) {
          int row = off + (rowBase(blk) + a) * cols + colBase(blk);
          int pairRow = a * dIn;
          for (int b = 0; b < dIn; b++) {
            w[row + b] = means[orbitOf[pairRow + b]];
          }
        }
      }
    });
  }

  /** ||A - Pi_E A||^2 for the weight matrix at {@code off}, accumulated in double, without changing it. */
  public double distanceSquaredToE(float[] w, int off) {
    return distanceSquaredToE(w, off, null);
  }

  /**
   * {@link #distanceSquaredToE(float[], int)} with the channel blocks shared among the kernels' threads: each
   * block's sum alone, then the blocks' sums added in block order, so the same bits whatever the threads.
   */
  public double distanceSquaredToE(float[] w, int off, Kernels kernels) {
    double[] perBlock = new double[blocks()];
    forBlockRanges(kernels, (from, to) -> {
      double[] sums = new double[orbitCount];
      double[] means = new double[orbitCount];
      int dIn = in.positions();
      int cols = in.dim();
      for (int blk = from; blk < to; blk++) {
        orbitSums(w, off, rowBase(blk), colBase(blk), sums);
        for (int o = 0; o < orbitCount; o++) {
          means[o] = sums[o] / orbitSize[o];
        }
        double acc = 0;
        for (int a = 0; a < out.positions(); a++) {
          int row = off + (rowBase(blk) + a) * cols + colBase(blk);
          int pairRow = a * dIn;
          for (int b = 0; b < dIn; b++) {
            double d = w[row + b] - means[orbitOf[pairRow + b]];
            acc += d * d;
          }
        }
        perBlock[blk] = acc;
      }
    });
    double total = 0;
    for (double acc : perBlock) {
      total += acc;
    }
    return total;
  }

  /**
   * dst += coeff * (A - Pi_E A) for the weight matrix A at {@code off} (dst at the same offset): the gradient
   * coeff * Pi_E-perp A of the penalty coeff/2 ||Pi_E-perp A||^2, orbit means taken in double as in {@link #project}.
   */
  public void addComplement(float[] w, int off, double coeff, float[] dst) {
    double[] sums = new double[orbitCount];
    double[] means = new double[orbitCount];
    forEachBlock((rowBase, colBase) -> {
      orbitSums(w, off, rowBase, colBase, sums);
      for (int o = 0; o < orbitCount; o++) {
        means[o] = sums[o] / orbitSize[o];
      }
      int dIn = in.positions();
      int cols = in.dim();
      for (int a = 0; a < out.positions(); a++) {
        int row = off + (rowBase + a) * cols + colBase;
        int pairRow = a * dIn;
        for (int b = 0; b < dIn; b++) {
          dst[row + b] += (float) (coeff * (w[row + b] - means[orbitOf[pairRow + b]]));
        }
      }
    });
  }

  /**
   * rho-bar(g) A for the weight matrix at {@code off}, written to {@code dst} at {@code dstOff}:
   * (rho-bar(g) A)[p][q] = A[src_out(p)][src_in(q)] with src the gather maps of g.
   */
  public void transform(float[] w, int off, GroupElement g, float[] dst, int dstOff) {
    int[] rows = out.gather(g);
    int[] cols = in.gather(g);
    int nCols = in.dim();
    for (int p = 0; p < rows.length; p++) {
      int srcRow = off + rows[p] * nCols;
      int dstRow = dstOff + p * nCols;
      for (int q = 0; q < nCols; q++) {
        dst[dstRow + q] = w[srcRow + cols[q]];
      }
    }
  }

  private interface BlockVisitor {
    void visit(int rowBase, int colBase);
  }

  /** Blocks from..to-1 (block = co * in.channels() + ci, the order of {@link #forEachBlock}). */
  private interface BlockRange {
    void visit(int from, int to);
  }

  /** Weight matrices smaller than this are projected on the calling thread alone. */
  private static final long PARALLEL_ENTRIES = 1 << 15;

  private int blocks() {
    return out.channels() * in.channels();
  }

  private int rowBase(int block) {
    return block / in.channels() * out.positions();
  }

  private int colBase(int block) {
    return block % in.channels() * in.positions();
  }

  /** All blocks, cut into contiguous ranges that the kernels' threads take one by one (or one range, serially). */
  private void forBlockRanges(Kernels kernels, BlockRange body) {
    int blocks = blocks();
    int parts = kernels == null || kernels.threads() == 1 || size() < PARALLEL_ENTRIES ? 1
        : Math.min(blocks, 4 * kernels.threads());
    if (parts == 1) {
      body.visit(0, blocks);
      return;
    }
    int per = (blocks + parts - 1) / parts;
    kernels.parallelFor(parts, p -> body.visit(Math.min(blocks, p * per), Math.min(blocks, (p + 1) * per)));
  }

  private void forEachBlock(BlockVisitor v) {
    for (int co = 0; co < out.channels(); co++) {
      for (int ci = 0; ci < in.channels(); ci++) {
        v.visit(co * out.positions(), ci * in.positions());
      }
    }
  }

  private void orbitSums(float[] w, int off, int rowBase, int colBase, double[] sums) {
    java.util.Arrays.fill(sums, 0);
    int dIn = in.positions();
    int cols = in.dim();
    for (int a = 0; a < out.positions(); a++) {
      int row = off + (rowBase + a) * cols + colBase;
      int pairRow = a * dIn;
      for (int b = 0; b < dIn; b++) {
        sums[orbitOf[pairRow + b]] += w[row + b];
      }
    }
  }
}
