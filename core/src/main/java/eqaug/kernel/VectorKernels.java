package eqaug.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. The matrix product follows the Goto/BLIS layout: op(B) is packed into panels
 * NR columns wide, op(A) into panels MR rows high, and a register-blocked MR x NR micro-kernel (two
 * vectors per row, FMA) runs over them, inside KC x NC and MC x KC cache blocks. The output is cut along
 * its longer side into parts ({@link ProductSplit}) that the threads take one by one; each thread owns its
 * packing buffers. Not thread-safe: one
 * caller at a time (each training run owns its kernels). Every entry of C is summed
 * over k in the same fixed order whatever the split, so results do not depend on the thread count.
 *
 * <p>Nor do they depend on the vector width: each entry of C is one fma chain over k in KC-blocks whatever
 * the panel widths, elementwise kernels round each element alone, and the double reductions always keep
 * {@link Kernels#PARTIALS} partial sums (see {@link Kernels#sumSquaredDifference}). The width is the platform's preferred
 * one unless the system property {@value #WIDTH_PROPERTY} (128, 256 or 512) names another; it is read once,
 * into constants the JIT folds.
 */
public final class VectorKernels implements Kernels {
  /** The system property that chooses the vector width in bits. */
  public static final String WIDTH_PROPERTY = "eqaug.vectorBits";
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.withShape(shape());
  private static final int L = F.length();
  /** A float vector with as many lanes as a double vector of F's width: converts into one exactly. */
  private static final VectorSpecies<Float> RF = FloatVector.SPECIES_PREFERRED.withShape(
      VectorShape.forBitSize(Math.max(128, Math.min(F.vectorBitSize(), 512)) / 2));
  private static final VectorSpecies<Double> RD = DoubleVector.SPECIES_PREFERRED.withShape(
      VectorShape.forBitSize(2 * RF.vectorBitSize()));
  private static final int RL = RD.length();
  static final int MR = 6;
  static final int NR = 2 * L;
  static final int MC = 96;
  static final int NC = 4096;
  /** Up to this many columns per thread (8 panels), full row panels of A are read in place, not packed. */
  static final int DIRECT_A_MAX_COLUMNS = 8 * NR;
  /** Products smaller than this many multiply–adds run on the calling thread alone. */
  private static final long PARALLEL_THRESHOLD = 1L << 18;

  private final int threads;
  private final WorkerPool pool;
  private final Buffers[] buffers;
  private final GemmJob gemmJob = new GemmJob();

  /** Packing space of one worker, allocated once. */
  private static final class Buffers {
    final float[] packA = new float[MC * KC];
    final float[] packB = new float[KC * NC];
    final float[] tile = new float[MR * NR];
  }

  /** Packing space each thread holds (bytes), for callers that budget memory before opening kernels. */
  public static long scratchBytesPerThread() {
    return 4L * (MC * KC + KC * NC + MR * NR);
  }

  public VectorKernels(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.buffers = new Buffers[threads];
    for (int i = 0; i < threads; i++) {
      buffers[i] = new Buffers();
    }
    this.pool = new WorkerPool(threads, "eqaug-gemm");
  }

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + "-bit, " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
  }

  @Override
  public int threads() {
    return threads;
  }

  @Override
  public void close() {
    pool.close();
  }

  // ---------------------------------------------------------------- matrix product

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    product(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, NO_EPILOGUE, 0f, null, 0, null, 0);
  }

  @Override
  public void gemmLeakyRelu(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      float slope, float[] y, int yOff) {
    product(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc, LEAKY_RELU, slope, null, 0, y, yOff);
  }

  @Override
  public void gemmLeakyReluBackward(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      float slope, float[] x, int xOff, float[] dx, int dxOff) {
    product(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc, LEAKY_RELU_BACKWARD, slope,
        x, xOff, dx, dxOff);
  }

  /** What a product does to each part of C once it is final (the activation while the part is in cache). */
  private static final int NO_EPILOGUE = 0;
  private static final int LEAKY_RELU = 1;
  private static final int LEAKY_RELU_BACKWARD = 2;

  private void product(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, int epilogue, float slope, float[] x, int xOff, float[] y, int yOff) {
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
      epilogue(epilogue, slope, c, cOff, ldc, 0, m, 0, n, x, xOff, y, yOff);
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
      epilogue(epilogue, slope, c, cOff, ldc, 0, m, 0, n, x, xOff, y, yOff);
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
    j.epilogue = epilogue;
    j.slope = slope;
    j.x = x;
    j.xOff = xOff;
    j.y = y;
    j.yOff = yOff;
    try {
      pool.run(j, parts);
    } finally {
      j.a = null;
      j.b = null;
      j.c = null;
      j.x = null;
      j.y = null;
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
    float beta;
    float[] a;
    float[] b;
    float[] c;
    int epilogue;
    float slope;
    float[] x;
    int xOff;
    float[] y;
    int yOff;

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
        epilogue(epilogue, slope, c, cOff, ldc, 0, m, from, to, x, xOff, y, yOff);
      } else {
        gemmRange(transA, transB, from, to, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, buffers[thread]);
        epilogue(epilogue, slope, c, cOff, ldc, from, to, 0, n, x, xOff, y, yOff);
      }
    }
  }

  /**
   * The epilogue over C's rows i0..i1 and columns j0..j1 (x and y laid out like C): y = leakyRelu(C), or
   * y = leakyReluBackward(x, C); each element alone, so the same bits as the elementwise kernels over all of C.
   */
  private static void epilogue(int mode, float slope, float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1,
      float[] x, int xOff, float[] y, int yOff) {
    if (mode == NO_EPILOGUE) {
      return;
    }
    for (int i = i0; i < i1; i++) {
      int row = i * ldc + j0;
      if (mode == LEAKY_RELU) {
        leakyReluRow(slope, c, cOff + row, y, yOff + row, j1 - j0);
      } else {
        leakyReluBackwardRow(slope, x, xOff + row, c, cOff + row, y, yOff + row, j1 - j0);
      }
    }
  }

  private static void gemmRange(boolean ta, boolean tb, int i0, int i1, int j0, int j1, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, Buffers buf) {
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        float betaHere = pc == 0 ? beta : 1f;
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
              float[] pa = buf.packA;
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
  private static void packA(boolean ta, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] dst) {
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
            dst[base + p * MR + r] = 0f;
          }
        }
      }
    }
  }

  /** op(B) rows pc..pc+kc, columns jc..jc+nc into NR-column panels, zero-padded. */
  private static void packB(boolean tb, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] dst) {
    for (int jr = 0; jr < nc; jr += NR) {
      int base = (jr / NR) * NR * kc;
      int cols = Math.min(NR, nc - jr);
      if (!tb) {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, dst, base + p * NR, cols);
        }
      } else {
        // Transposing: eight columns at a time, so each step writes eight neighbouring floats, not one.
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
            dst[base + p * NR + j] = 0f;
          }
        }
      }
    }
  }

  /**
   * C[0..mr, 0..nr] = A panel times packed B panel + beta C. The panel's element (row r, step p) is
   * pa[ia + p * sp + r * sr]: sp = MR, sr = 1 for a packed panel, or A's own strides where it lies.
   */
  private static void microKernel(int kc, float[] pa, int ia, int sp, int sr, float[] pb, int ib,
      float[] c, int cIdx, int ldc, float beta, int mr, int nr, float[] tile) {
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F);
    FloatVector c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F);
    FloatVector c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F);
    FloatVector c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F);
    FloatVector c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F);
    FloatVector c51 = FloatVector.zero(F);
    int r1 = sr;
    int r2 = 2 * sr;
    int r3 = 3 * sr;
    int r4 = 4 * sr;
    int r5 = 5 * sr;
    for (int p = 0; p < kc; p++, ia += sp, ib += NR) {
      FloatVector b0 = FloatVector.fromArray(F, pb, ib);
      FloatVector b1 = FloatVector.fromArray(F, pb, ib + L);
      FloatVector av = FloatVector.broadcast(F, pa[ia]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(F, pa[ia + r1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(F, pa[ia + r2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(F, pa[ia + r3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(F, pa[ia + r4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(F, pa[ia + r5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    if (mr == MR && nr == NR) {
      // A whole tile goes straight into C (the same sums as addTile's: s, or s + beta c).
      if (beta == 0) {
        c00.intoArray(c, cIdx);
        c01.intoArray(c, cIdx + L);
        c10.intoArray(c, cIdx + ldc);
        c11.intoArray(c, cIdx + ldc + L);
        c20.intoArray(c, cIdx + 2 * ldc);
        c21.intoArray(c, cIdx + 2 * ldc + L);
        c30.intoArray(c, cIdx + 3 * ldc);
        c31.intoArray(c, cIdx + 3 * ldc + L);
        c40.intoArray(c, cIdx + 4 * ldc);
        c41.intoArray(c, cIdx + 4 * ldc + L);
        c50.intoArray(c, cIdx + 5 * ldc);
        c51.intoArray(c, cIdx + 5 * ldc + L);
      } else {
        c00.add(FloatVector.fromArray(F, c, cIdx).mul(beta)).intoArray(c, cIdx);
        c01.add(FloatVector.fromArray(F, c, cIdx + L).mul(beta)).intoArray(c, cIdx + L);
        c10.add(FloatVector.fromArray(F, c, cIdx + ldc).mul(beta)).intoArray(c, cIdx + ldc);
        c11.add(FloatVector.fromArray(F, c, cIdx + ldc + L).mul(beta)).intoArray(c, cIdx + ldc + L);
        c20.add(FloatVector.fromArray(F, c, cIdx + 2 * ldc).mul(beta)).intoArray(c, cIdx + 2 * ldc);
        c21.add(FloatVector.fromArray(F, c, cIdx + 2 * ldc + L).mul(beta)).intoArray(c, cIdx + 2 * ldc + L);
        c30.add(FloatVector.fromArray(F, c, cIdx + 3 * ldc).mul(beta)).intoArray(c, cIdx + 3 * ldc);
        c31.add(FloatVector.fromArray(F, c, cIdx + 3 * ldc + L).mul(beta)).intoArray(c, cIdx + 3 * ldc + L);
        c40.add(FloatVector.fromArray(F, c, cIdx + 4 * ldc).mul(beta)).intoArray(c, cIdx + 4 * ldc);
        c41.add(FloatVector.fromArray(F, c, cIdx + 4 * ldc + L).mul(beta)).intoArray(c, cIdx + 4 * ldc + L);
        c50.add(FloatVector.fromArray(F, c, cIdx + 5 * ldc).mul(beta)).intoArray(c, cIdx + 5 * ldc);
        c51.add(FloatVector.fromArray(F, c, cIdx + 5 * ldc + L).mul(beta)).intoArray(c, cIdx + 5 * ldc + L);
      }
      return;
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
  private static void narrowKernel(int kc, float[] pa, int ia, int sp, int sr, float[] pb, int ib,
      float[] c, int cIdx, int ldc, float beta, int mr, int nr, float[] tile) {
    FloatVector c0 = FloatVector.zero(F);
    FloatVector c1 = FloatVector.zero(F);
    FloatVector c2 = FloatVector.zero(F);
    FloatVector c3 = FloatVector.zero(F);
    FloatVector c4 = FloatVector.zero(F);
    FloatVector c5 = FloatVector.zero(F);
    for (int p = 0; p < kc; p++, ia += sp, ib += NR) {
      FloatVector b0 = FloatVector.fromArray(F, pb, ib);
      c0 = FloatVector.broadcast(F, pa[ia]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, pa[ia + sr]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, pa[ia + 2 * sr]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, pa[ia + 3 * sr]).fma(b0, c3);
      c4 = FloatVector.broadcast(F, pa[ia + 4 * sr]).fma(b0, c4);
      c5 = FloatVector.broadcast(F, pa[ia + 5 * sr]).fma(b0, c5);
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
  private static void addTile(float[] tile, float[] c, int cIdx, int ldc, float beta, int mr, int nr) {
    for (int r = 0; r < mr; r++) {
      int row = cIdx + r * ldc;
      int t = r * NR;
      int j = 0;
      if (nr == NR) {
        for (; j < NR; j += L) {
          FloatVector v = FloatVector.fromArray(F, tile, t + j);
          if (beta != 0) {
            v = v.add(FloatVector.fromArray(F, c, row + j).mul(beta));
          }
          v.intoArray(c, row + j);
        }
      }
      for (; j < nr; j++) {
        float s = tile[t + j];
        c[row + j] = beta == 0 ? s : s + beta * c[row + j];
      }
    }
  }

  @Override
  public void parallelFor(int parts, java.util.function.IntConsumer body) {
    if (parts <= 0) {
      return;
    }
    // More parts than the pool's counter holds: each pool part runs every MAX_PARTS-th one.
    int poolParts = Math.min(parts, WorkerPool.MAX_PARTS);
    pool.run((part, thread) -> {
      for (int p = part; p < parts; p += poolParts) {
        body.accept(p);
      }
    }, poolParts);
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int len) {
    leakyReluRow(slope, x, xOff, y, yOff, len);
  }

  @Override
  public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
    leakyReluBackwardRow(slope, x, xOff, dy, dyOff, dx, dxOff, len);
  }

  private static void leakyReluRow(float slope, float[] x, int xOff, float[] y, int yOff, int len) {
    int i = 0;
    for (int bound = F.loopBound(len); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      VectorMask<Float> pos = v.compare(VectorOperators.GT, 0f);
      v.mul(slope).blend(v, pos).intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v > 0 ? v : slope * v;
    }
  }

  private static void leakyReluBackwardRow(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff,
      int len) {
    int i = 0;
    for (int bound = F.loopBound(len); i < bound; i += L) {
      VectorMask<Float> pos = FloatVector.fromArray(F, x, xOff + i).compare(VectorOperators.GT, 0f);
      FloatVector g = FloatVector.fromArray(F, dy, dyOff + i);
      g.mul(slope).blend(g, pos).intoArray(dx, dxOff + i);
    }
    for (; i < len; i++) {
      float g = dy[dyOff + i];
      dx[dxOff + i] = x[xOff + i] > 0 ? g : slope * g;
    }
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
    int i = 0;
    for (int bound = F.loopBound(len); i < bound; i += L) {
      FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i).mul(alpha)).intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void gather(float[] src, int srcOff, int[] map, float[] dst, int dstOff) {
    int len = map.length;
    int i = 0;
    for (int bound = F.loopBound(len); i < bound; i += L) {
      FloatVector.fromArray(F, src, srcOff, map, i).intoArray(dst, dstOff + i);
    }
    for (; i < len; i++) {
      dst[dstOff + i] = src[srcOff + map[i]];
    }
  }

  // ---------------------------------------------------------------- reductions in double
  //
  // Partial q (0 <= q < 16) sums, by fma in increasing i, the terms of the elements i = q mod 16; the
  // partials are then added in order 0..15. ScalarKernels computes the same sums, so the bits match it
  // and each other at every width. Lane l of accumulator g holds partial g * RL + l.

  @Override
  public double sumSquaredDifference(float[] a, int aOff, float[] b, int bOff, int len) {
    double[] partials = new double[PARTIALS];
    int whole = len - len % PARTIALS;
    for (int g = 0; g < PARTIALS; g += RL) {
      DoubleVector acc = DoubleVector.zero(RD);
      for (int i = g; i < whole; i += PARTIALS) {
        // Subtract in double: the difference of two floats is exact there, not in float.
        DoubleVector d = widen(a, aOff + i).sub(widen(b, bOff + i));
        acc = d.fma(d, acc);
      }
      acc.intoArray(partials, g);
    }
    for (int i = whole; i < len; i++) {
      double d = (double) a[aOff + i] - b[bOff + i];
      partials[i % PARTIALS] = Math.fma(d, d, partials[i % PARTIALS]);
    }
    return ScalarKernels.sumInOrder(partials);
  }

  @Override
  public double sumSquares(float[] a, int off, int len) {
    double[] partials = new double[PARTIALS];
    int whole = len - len % PARTIALS;
    for (int g = 0; g < PARTIALS; g += RL) {
      DoubleVector acc = DoubleVector.zero(RD);
      for (int i = g; i < whole; i += PARTIALS) {
        DoubleVector d = widen(a, off + i);
        acc = d.fma(d, acc);
      }
      acc.intoArray(partials, g);
    }
    for (int i = whole; i < len; i++) {
      double v = a[off + i];
      partials[i % PARTIALS] = Math.fma(v, v, partials[i % PARTIALS]);
    }
    return ScalarKernels.sumInOrder(partials);
  }

  @Override
  public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    double[] partials = new double[PARTIALS];
    int whole = len - len % PARTIALS;
    for (int g = 0; g < PARTIALS; g += RL) {
      DoubleVector acc = DoubleVector.zero(RD);
      for (int i = g; i < whole; i += PARTIALS) {
        acc = widen(a, aOff + i).fma(widen(b, bOff + i), acc);
      }
      acc.intoArray(partials, g);
    }
    for (int i = whole; i < len; i++) {
      partials[i % PARTIALS] = Math.fma((double) a[aOff + i], (double) b[bOff + i], partials[i % PARTIALS]);
    }
    return ScalarKernels.sumInOrder(partials);
  }

  /** RL floats from a[i], widened to double (exact). */
  private static DoubleVector widen(float[] a, int i) {
    return (DoubleVector) FloatVector.fromArray(RF, a, i).convertShape(VectorOperators.F2D, RD, 0);
  }

  /** The width named by {@value #WIDTH_PROPERTY}, else the preferred one. */
  static VectorShape shape() {
    String bits = System.getProperty(WIDTH_PROPERTY);
    if (bits == null || bits.isBlank()) {
      return VectorShape.preferredShape();
    }
    return switch (bits.trim()) {
      case "128" -> VectorShape.S_128_BIT;
      case "256" -> VectorShape.S_256_BIT;
      case "512" -> VectorShape.S_512_BIT;
      default -> throw new IllegalArgumentException(
          "-D" + WIDTH_PROPERTY + "=" + bits + " is not a vector width: use 128, 256 or 512 (bits)");
    };
  }
}
