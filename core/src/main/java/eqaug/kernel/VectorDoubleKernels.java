package eqaug.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels in double for {@link DoubleKernels}, laid out as {@link VectorKernels}' float ones: op(B)
 * packed into panels NR = 2 vectors wide, op(A) into MR = 6 row panels (or read in place), a register-blocked
 * MR x NR fma micro-kernel inside KC x NC and MC x KC cache blocks, the output split between threads along
 * its longer side, each thread with its own packing buffers. Not thread-safe: one caller at a time.
 *
 * <p>Each entry of C is one fma chain over k in KC-blocks, in one lane, whatever the panel width or the split,
 * and the elementwise kernels round each element alone, so the bits equal {@link ScalarDoubleKernels}' at
 * every thread count and at every width {@value VectorKernels#WIDTH_PROPERTY} chooses (128, 256 or 512 bits;
 * the platform's preferred one by default).
 */
public final class VectorDoubleKernels implements DoubleKernels {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED.withShape(VectorKernels.shape());
  private static final int L = D.length();
  static final int MR = 6;
  static final int NR = 2 * L;
  static final int MC = 96;
  /** Columns of one packed block of B: KC x NC doubles = 4 MiB, as the float kernels' KC x 4096 floats. */
  static final int NC = 2048;
  /** Up to this many columns per thread (8 panels), full row panels of A are read in place, not packed. */
  static final int DIRECT_A_MAX_COLUMNS = 8 * NR;
  /** Products smaller than this many multiply-adds run on the calling thread alone. */
  private static final long PARALLEL_THRESHOLD = 1L << 17;

  private final int threads;
  private final WorkerPool pool;
  private final Buffers[] buffers;
  private final GemmJob gemmJob = new GemmJob();

  /** Packing space of one worker, allocated once. */
  private static final class Buffers {
    final double[] packA = new double[MC * KC];
    final double[] packB = new double[KC * NC];
    final double[] tile = new double[MR * NR];
  }

  public VectorDoubleKernels(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.buffers = new Buffers[threads];
    for (int i = 0; i < threads; i++) {
      buffers[i] = new Buffers();
    }
    this.pool = new WorkerPool(threads, "eqaug-dgemm");
  }

  @Override
  public String name() {
    return "vector-double(" + D.vectorBitSize() + "-bit, " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
  }

  @Override
  public int threads() {
    return threads;
  }

  @Override
  public long scratchDoubles() {
    return (long) threads * (MC * KC + KC * NC + MR * NR);
  }

  @Override
  public void close() {
    pool.close();
  }

  // ---------------------------------------------------------------- matrix product

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (k <= 0) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int ci = cOff + i * ldc + j;
          c[ci] = beta == 0 ? 0 : beta * c[ci];
        }
      }
      return;
    }
    boolean splitColumns = n >= m;
    int unit = splitColumns ? NR : MR;
    int extent = splitColumns ? n : m;
    int units = (extent + unit - 1) / unit;
    long work = (long) m * n * k;
    int parts = work < PARALLEL_THRESHOLD ? 1
        : ProductSplit.parts(threads, splitColumns, units, m, MC);
    if (parts <= 1) {
      gemmRange(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, buffers[0]);
      return;
    }
    GemmJob j = gemmJob;
    j.transA = transA;
    j.transB = transB;
    j.m = m;
    j.n = n;
    j.k = k;
    j.a = a;
    j.aOff = aOff;
    j.lda = lda;
    j.b = b;
    j.bOff = bOff;
    j.ldb = ldb;
    j.beta = beta;
    j.c = c;
    j.cOff = cOff;
    j.ldc = ldc;
    j.splitColumns = splitColumns;
    j.per = (units + parts - 1) / parts * unit;
    try {
      pool.run(j, parts);
    } finally {
      j.a = null;
      j.b = null;
      j.c = null;
    }
  }

  /** One product's parameters, reused for every call: part p computes the p-th slice of C's columns or rows. */
  private final class GemmJob implements WorkerPool.Job {
    boolean transA;
    boolean transB;
    boolean splitColumns;
    int m;
    int n;
    int k;
    int aOff;
    int lda;
    int bOff;
    int ldb;
    int cOff;
    int ldc;
    int per;
    double beta;
    double[] a;
    double[] b;
    double[] c;

    @Override
    public void run(int part, int thread) {
      int extent = splitColumns ? n : m;
      int from = Math.min(extent, part * per);
      int to = Math.min(extent, from + per);
      if (from >= to) {
        return;
      }
      if (splitColumns) {
        gemmRange(transA, transB, 0, m, from, to, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, buffers[thread]);
      } else {
        gemmRange(transA, transB, from, to, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, buffers[thread]);
      }
    }
  }

  private static void gemmRange(boolean ta, boolean tb, int i0, int i1, int j0, int j1, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc, Buffers buf) {
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        double betaHere = pc == 0 ? beta : 1;
        packB(tb, b, bOff, ldb, pc, kc, jc, nc, buf.packB);
        // With few columns per thread, packing A would cost as much as using it (each value serves only nc
        // products): full six-row panels then read A where it lies, and only edge panels are packed.
        boolean directA = nc <= DIRECT_A_MAX_COLUMNS;
        int stepP = ta ? lda : 1;
        int stepR = ta ? 1 : lda;
        for (int ic = i0; ic < i1; ic += MC) {
          int mc = Math.min(MC, i1 - ic);
          if (!directA) {
            packA(ta, a, aOff, lda, ic, mc, pc, kc, buf.packA);
          }
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int pb0 = (jr / NR) * NR * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              int cIdx = cOff + (ic + ir) * ldc + jc + jr;
              double[] pa = buf.packA;
              int ia = (ir / MR) * MR * kc;
              int sp = MR;
              int sr = 1;
              if (directA) {
                if (mr == MR) {
                  pa = a;
                  ia = aOff + (ta ? pc * lda + ic + ir : (ic + ir) * lda + pc);
                  sp = stepP;
                  sr = stepR;
                } else {
                  packA(ta, a, aOff, lda, ic + ir, mr, pc, kc, buf.packA);
                  ia = 0;
                }
              }
              if (nr <= L) {
                // A last panel at most one vector wide: half the work of the full kernel on zero padding.
                narrowKernel(kc, pa, ia, sp, sr, buf.packB, pb0, c, cIdx, ldc, betaHere, mr, nr, buf.tile);
              } else {
                microKernel(kc, pa, ia, sp, sr, buf.packB, pb0, c, cIdx, ldc, betaHere, mr, nr, buf.tile);
              }
            }
          }
        }
      }
    }
  }

  /** op(A) rows ic..ic+mc, columns pc..pc+kc into MR-row panels, zero-padded. */
  private static void packA(boolean ta, double[] a, int aOff, int lda, int ic, int mc, int pc, int kc, double[] dst) {
    for (int ir = 0; ir < mc; ir += MR) {
      int base = (ir / MR) * MR * kc;
      int rows = Math.min(MR, mc - ir);
      if (!ta) {
        for (int r = 0; r < rows; r++) {
          int src = aOff + (ic + ir + r) * lda + pc;
          for (int p = 0; p < kc; p++) {
            dst[base + p * MR + r] = a[src + p];
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          int src = aOff + (pc + p) * lda + ic + ir;
          int d = base + p * MR;
          for (int r = 0; r < rows; r++) {
            dst[d + r] = a[src + r];
          }
        }
      }
      if (rows < MR) {
        for (int p = 0; p < kc; p++) {
          for (int r = rows; r < MR; r++) {
            dst[base + p * MR + r] = 0;
          }
        }
      }
    }
  }

  /** op(B) rows pc..pc+kc, columns jc..jc+nc into NR-column panels, zero-padded. */
  private static void packB(boolean tb, double[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, double[] dst) {
    for (int jr = 0; jr < nc; jr += NR) {
      int base = (jr / NR) * NR * kc;
      int cols = Math.min(NR, nc - jr);
      if (!tb) {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, dst, base + p * NR, cols);
        }
      } else {
        // Transposing: eight columns at a time, so each step writes eight neighbouring doubles, not one.
        int j = 0;
        for (; j + 8 <= cols; j += 8) {
          int s0 = bOff + (jc + jr + j) * ldb + pc;
          int d = base + j;
          for (int p = 0; p < kc; p++, d += NR) {
            int sp = s0 + p;
            dst[d] = b[sp];
            dst[d + 1] = b[sp + ldb];
            dst[d + 2] = b[sp + 2 * ldb];
            dst[d + 3] = b[sp + 3 * ldb];
            dst[d + 4] = b[sp + 4 * ldb];
            dst[d + 5] = b[sp + 5 * ldb];
            dst[d + 6] = b[sp + 6 * ldb];
            dst[d + 7] = b[sp + 7 * ldb];
          }
        }
        for (; j < cols; j++) {
          int src = bOff + (jc + jr + j) * ldb + pc;
          for (int p = 0; p < kc; p++) {
            dst[base + p * NR + j] = b[src + p];
          }
        }
      }
      if (cols < NR) {
        for (int p = 0; p < kc; p++) {
          for (int j = cols; j < NR; j++) {
            dst[base + p * NR + j] = 0;
          }
        }
      }
    }
  }

  /**
   * C[0..mr, 0..nr] = A panel times packed B panel + beta C. The panel's element (row r, step p) is
   * pa[ia + p * sp + r * sr]: sp = MR, sr = 1 for a packed panel, or A's own strides where it lies.
   */
  private static void microKernel(int kc, double[] pa, int ia, int sp, int sr, double[] pb, int ib,
      double[] c, int cIdx, int ldc, double beta, int mr, int nr, double[] tile) {
    DoubleVector c00 = DoubleVector.zero(D);
    DoubleVector c01 = DoubleVector.zero(D);
    DoubleVector c10 = DoubleVector.zero(D);
    DoubleVector c11 = DoubleVector.zero(D);
    DoubleVector c20 = DoubleVector.zero(D);
    DoubleVector c21 = DoubleVector.zero(D);
    DoubleVector c30 = DoubleVector.zero(D);
    DoubleVector c31 = DoubleVector.zero(D);
    DoubleVector c40 = DoubleVector.zero(D);
    DoubleVector c41 = DoubleVector.zero(D);
    DoubleVector c50 = DoubleVector.zero(D);
    DoubleVector c51 = DoubleVector.zero(D);
    int r1 = sr;
    int r2 = 2 * sr;
    int r3 = 3 * sr;
    int r4 = 4 * sr;
    int r5 = 5 * sr;
    for (int p = 0; p < kc; p++, ia += sp, ib += NR) {
      DoubleVector b0 = DoubleVector.fromArray(D, pb, ib);
      DoubleVector b1 = DoubleVector.fromArray(D, pb, ib + L);
      DoubleVector av = DoubleVector.broadcast(D, pa[ia]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = DoubleVector.broadcast(D, pa[ia + r1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = DoubleVector.broadcast(D, pa[ia + r2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = DoubleVector.broadcast(D, pa[ia + r3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = DoubleVector.broadcast(D, pa[ia + r4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = DoubleVector.broadcast(D, pa[ia + r5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    addTile(tile, c, cIdx, ldc, beta, mr, nr);
  }

  /** The micro-kernel for a panel of at most L columns: one vector per row of the tile. */
  private static void narrowKernel(int kc, double[] pa, int ia, int sp, int sr, double[] pb, int ib,
      double[] c, int cIdx, int ldc, double beta, int mr, int nr, double[] tile) {
    DoubleVector c0 = DoubleVector.zero(D);
    DoubleVector c1 = DoubleVector.zero(D);
    DoubleVector c2 = DoubleVector.zero(D);
    DoubleVector c3 = DoubleVector.zero(D);
    DoubleVector c4 = DoubleVector.zero(D);
    DoubleVector c5 = DoubleVector.zero(D);
    for (int p = 0; p < kc; p++, ia += sp, ib += NR) {
      DoubleVector b0 = DoubleVector.fromArray(D, pb, ib);
      c0 = DoubleVector.broadcast(D, pa[ia]).fma(b0, c0);
      c1 = DoubleVector.broadcast(D, pa[ia + sr]).fma(b0, c1);
      c2 = DoubleVector.broadcast(D, pa[ia + 2 * sr]).fma(b0, c2);
      c3 = DoubleVector.broadcast(D, pa[ia + 3 * sr]).fma(b0, c3);
      c4 = DoubleVector.broadcast(D, pa[ia + 4 * sr]).fma(b0, c4);
      c5 = DoubleVector.broadcast(D, pa[ia + 5 * sr]).fma(b0, c5);
    }
    c0.intoArray(tile, 0);
    c1.intoArray(tile, NR);
    c2.intoArray(tile, 2 * NR);
    c3.intoArray(tile, 3 * NR);
    c4.intoArray(tile, 4 * NR);
    c5.intoArray(tile, 5 * NR);
    addTile(tile, c, cIdx, ldc, beta, mr, nr);
  }

  /**
   * C[0..mr, 0..nr] = tile + beta C. Kept out of the micro-kernel so that no vector crosses a call
   * (a vector passed to a method that is not inlined is boxed on the heap).
   */
  private static void addTile(double[] tile, double[] c, int cIdx, int ldc, double beta, int mr, int nr) {
    for (int r = 0; r < mr; r++) {
      int row = cIdx + r * ldc;
      int t = r * NR;
      int j = 0;
      if (nr == NR) {
        for (; j < NR; j += L) {
          DoubleVector v = DoubleVector.fromArray(D, tile, t + j);
          if (beta != 0) {
            v = v.add(DoubleVector.fromArray(D, c, row + j).mul(beta));
          }
          v.intoArray(c, row + j);
        }
      }
      for (; j < nr; j++) {
        double s = tile[t + j];
        c[row + j] = beta == 0 ? s : s + beta * c[row + j];
      }
    }
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void leakyRelu(double slope, double[] x, int xOff, double[] g, int gOff, double[] out, int outOff,
      int len) {
    int i = 0;
    for (int bound = D.loopBound(len); i < bound; i += L) {
      VectorMask<Double> pos = DoubleVector.fromArray(D, x, xOff + i).compare(VectorOperators.GT, 0.0);
      DoubleVector v = DoubleVector.fromArray(D, g, gOff + i);
      v.mul(slope).blend(v, pos).intoArray(out, outOff + i);
    }
    for (; i < len; i++) {
      double v = g[gOff + i];
      out[outOff + i] = x[xOff + i] > 0 ? v : slope * v;
    }
  }

  @Override
  public double kinkDistance(double[] x, int xOff, double[] r, int rOff, int len) {
    DoubleVector best = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
    int i = 0;
    for (int bound = D.loopBound(len); i < bound; i += L) {
      DoubleVector rv = DoubleVector.fromArray(D, r, rOff + i);
      // Where r = 0 the quotient is replaced by +inf, which leaves the minimum alone (a plain blend and min
      // rather than a masked min, which is not an intrinsic everywhere).
      DoubleVector q = DoubleVector.fromArray(D, x, xOff + i).abs().div(rv.abs())
          .blend(Double.POSITIVE_INFINITY, rv.compare(VectorOperators.EQ, 0.0));
      best = best.min(q);
    }
    double d = best.reduceLanes(VectorOperators.MIN);
    for (; i < len; i++) {
      double ri = r[rOff + i];
      if (ri != 0) {
        d = Math.min(d, Math.abs(x[xOff + i]) / Math.abs(ri));
      }
    }
    return d;
  }
}
