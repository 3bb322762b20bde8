// C = op(A) op(B) + beta C (eqaug.kernel.Kernels#gemm): op(A) is m x k, op(B) is k x n, row-major with
// leading dimensions; transA/transB transpose. The three shapes of training: Y = X W^T (nt),
// dX = dY W (nn), dW += dY^T X (tn, beta 1). With beta 0, C is not read (a NaN there does not leak).
//
// Tiling. A work-group of 16 x 16 work-items computes a BM x BN block of C, BM = 64 QM and BN = 64 QN,
// walking k in slices of GEMM_BK = 16. QM and QN (1 or 2) are fixed when the source is built
// (-DGEMM_QM, -DGEMM_QN; default 1 1), so register arrays and unrolled loops have compile-time sizes.
// DeviceKernels uses 64 x 64 (QM = QN = 1) for every product: on an H200 it needs 64 registers (four groups
// per SM) and was fastest at all shapes of training (64 x 128 needs 97, 128 x 128 161: fewer warps per SM);
// the larger shapes stay buildable, and tested, for other devices.
//  - Item (tx, ty) holds (4 QM) x (4 QN) accumulators in registers: rows q*64 + 4*ty + r and columns
//    p*64 + 4*tx + s of the block (q < QM, p < QN, r, s < 4). Per step of k it reads QM float4 of A and
//    QN float4 of B from local memory: the 16 items of a half-warp read 16 consecutive float4 of B
//    (conflict-free) and one float4 of A (a broadcast), then do 16 QM QN fma.
//  - Local memory holds both slices k-major, As[kk][BM + PAD] and Bs[kk][BN + PAD], double-buffered:
//    the global loads of slice t+1 go to registers before slice t is multiplied and to the other buffer
//    after, so their latency hides behind the arithmetic and one barrier per slice suffices.
//    128x128: 2 x (16 x 132 + 16 x 132) floats = 33 KiB; 64x128: 25 KiB; 64x64: 17 KiB.
//  - Each operand slice is loaded as float4 chunks of 4 values contiguous in memory, QM (or QN) chunks per
//    item. When the operand runs along k in memory (A not transposed, B transposed) a chunk is 4 k-values
//    of one row and is stored transposed into the k-major local slice (4 scalar stores; PAD = 4 keeps
//    those at most 2-way bank-conflicted while float4 reads stay aligned); otherwise a chunk is 4 rows or
//    columns at one k and is stored as one float4.
//  - A chunk is read with one 16-byte load when the operand's offset and leading dimension are multiples
//    of 4 (so every chunk is aligned) and the chunk lies wholly inside the matrix; otherwise, at the
//    edges of m, n, k or for unaligned operands, it is read lane by lane, out-of-range lanes as 0.
//  - transA and transB are compile-time constants of each kernel (gemm_nn, gemm_nt, gemm_tn, gemm_tt,
//    below), so the loops carry no branches on them; DeviceKernels picks the kernel per launch.
// No split along k: each output is one sum in a fixed order, deterministic for a given kernel.
//
// Tensor cores (-DGEMM_MMA, 128 x 128 only): the same tiles, loads and double buffering, but each slice is
// multiplied by the warps' mma.sync m16n8k8 TF32 instructions in "3xTF32" form: every operand x is split
// into big = tf32(x) and small = tf32(x - big), and a b is taken as a_small b_big + a_big b_small +
// a_big b_big (a_small b_small, ~2^-22 relative, is dropped), all accumulated in float: close to float32
// accuracy at tensor-core speed (plain TF32 would keep only 11 significant bits of each operand).
// The 8 warps of a group tile its 128 x 128 block 2 (rows) x 4 (columns); a warp's 64 x 32 tile is 4 x 4
// mma tiles of 16 x 8. PTX fragment layout (lane = 4 g + t): A (16 x 8) regs a0..a3 hold (g, t), (g + 8, t),
// (g, t + 4), (g + 8, t + 4); B (8 x 8) regs b0, b1 hold (t, g), (t + 4, g); C regs c0..c3 hold (g, 2t),
// (g, 2t + 1), (g + 8, 2t), (g + 8, 2t + 1). Local rows are BM + 8 long (8 mod 32 banks), so the 32 lanes'
// fragment loads, at k-row t and column g, hit 32 different banks. The instructions are inline PTX, which
// only NVIDIA's OpenCL compiles (sm_80 and newer); -DGEMM_MMA_EMULATE replaces them by work-group code with
// the same register semantics (lanes exchange fragments through local memory), so tests on any OpenCL
// device check the tiling, the fragment layout and the split. Results differ from the fma kernels in the
// last bits; each output is still one deterministic sum.
#ifndef GEMM_QM
#define GEMM_QM 1
#endif
#ifndef GEMM_QN
#define GEMM_QN 1
#endif
#define GEMM_BM (64 * GEMM_QM)
#define GEMM_BN (64 * GEMM_QN)
#define GEMM_BK 16
#ifdef GEMM_MMA
#define GEMM_PAD 8
#else
#define GEMM_PAD 4
#endif
#define GEMM_LX 16

#ifdef GEMM_MMA
#if GEMM_QM != 2 || GEMM_QN != 2
#error "GEMM_MMA needs the 128 x 128 block (GEMM_QM = GEMM_QN = 2)"
#endif
#ifdef GEMM_MMA_EMULATE
// cvt.rna.tf32.f32: round to 10 fraction bits, to nearest, ties away from zero; the low 13 bits become 0.
static inline uint mma_tf32(float x) {
  return (as_uint(x) + 0x1000u) & 0xffffe000u;
}

// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 of one warp (32 consecutive items), d += A B, done by
// the work-group: every item publishes its fragments in its warp's part of xa (32 x 4) and xb (32 x 2), then
// computes its four outputs from the lanes that hold each A and B element. Every item of the group must call
// it the same number of times (barriers).
static void mma_emulated(float* d0, float* d1, float* d2, float* d3, uint a0, uint a1, uint a2, uint a3,
                         uint b0, uint b1, __local float* xa, __local float* xb, int lane) {
  xa[lane * 4] = as_float(a0);
  xa[lane * 4 + 1] = as_float(a1);
  xa[lane * 4 + 2] = as_float(a2);
  xa[lane * 4 + 3] = as_float(a3);
  xb[lane * 2] = as_float(b0);
  xb[lane * 2 + 1] = as_float(b1);
  barrier(CLK_LOCAL_MEM_FENCE);
  const int g = lane >> 2;
  const int t = lane & 3;
  float out[4] = {*d0, *d1, *d2, *d3};
  for (int r = 0; r < 4; r++) {
    const int row = g + 8 * (r >> 1);
    const int col = 2 * t + (r & 1);
    float s = out[r];
    for (int kk = 0; kk < 8; kk++) {
      // A(row, kk) is register (row / 8) + 2 (kk / 4) of lane 4 (row % 8) + kk % 4; B(kk, col) register
      // kk / 4 of lane 4 col + kk % 4.
      float av = xa[(4 * (row % 8) + kk % 4) * 4 + row / 8 + 2 * (kk / 4)];
      float bv = xb[(4 * col + kk % 4) * 2 + kk / 4];
      s = fma(av, bv, s);
    }
    out[r] = s;
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  *d0 = out[0];
  *d1 = out[1];
  *d2 = out[2];
  *d3 = out[3];
}
#define GEMM_SCRATCH_DECL __local float mmaXa[8 * 32 * 4]; __local float mmaXb[8 * 32 * 2];
#define GEMM_SCRATCH_PARAMS , __local float* mmaXa, __local float* mmaXb
#define GEMM_SCRATCH_ARGS , mmaXa, mmaXb
#define MMA(d0, d1, d2, d3, a, b) \
  mma_emulated(&(d0), &(d1), &(d2), &(d3), (a)[0], (a)[1], (a)[2], (a)[3], (b)[0], (b)[1], \
               mmaXa + warp * 128, mmaXb + warp * 64, lane)
#else
static inline uint mma_tf32(float x) {
  uint r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return r;
}
#define MMA(d0, d1, d2, d3, a, b) \
  asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, " \
               "{%8, %9}, {%10, %11, %12, %13};" \
               : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3) \
               : "r"((a)[0]), "r"((a)[1]), "r"((a)[2]), "r"((a)[3]), "r"((b)[0]), "r"((b)[1]), \
                 "f"(d0), "f"(d1), "f"(d2), "f"(d3))
#endif
// x = big + small with both in TF32 (big rounded, small the rounded rest).
#define MMA_SPLIT(x, big, small) \
  do { \
    big = mma_tf32(x); \
    small = mma_tf32((x) - as_float(big)); \
  } while (0)
#endif
#ifndef GEMM_SCRATCH_DECL
#define GEMM_SCRATCH_DECL
#define GEMM_SCRATCH_PARAMS
#define GEMM_SCRATCH_ARGS
#endif

// Four consecutive floats from p, lanes from `valid` on (0..4) as 0; `fast`: all four valid and p 16-byte aligned.
static inline float4 gemm_fetch(__global const float* p, int valid, bool fast) {
  if (fast) {
    return *(__global const float4*) p;
  }
  float4 v = (float4) (0.0f);
  if (valid > 0) v.x = p[0];
  if (valid > 1) v.y = p[1];
  if (valid > 2) v.z = p[2];
  if (valid > 3) v.w = p[3];
  return v;
}

// Chunk `i` of the items' share of one operand slice (W = 64 Q wide, GEMM_BK deep): its first element is
// at slice position (kk, w). kRows: the operand is stored k-major (element (kk, w) at (k0 + kk) ld + w0 + w),
// the chunk runs along w; else it is stored w-major (at (w0 + w) ld + k0 + kk), the chunk runs along k.
static inline void gemm_chunk(const int kRows, const int W, int c, int* kk, int* w) {
  if (kRows) {
    *kk = c / (W / 4);
    *w = c % (W / 4) * 4;
  } else {
    *kk = c % (GEMM_BK / 4) * 4;
    *w = c / (GEMM_BK / 4);
  }
}

// Number of valid lanes of a chunk at slice k0, whose first element is at global (k0 + kk, gw); wLim is m or n.
static inline int gemm_valid(const int kRows, int kk, int gw, int k0, int k, int wLim) {
  if (kRows) {
    return k0 + kk < k ? clamp(wLim - gw, 0, 4) : 0;
  }
  return gw < wLim ? clamp(k - k0 - kk, 0, 4) : 0;
}

// Stores a chunk into the k-major local slice S (row length L).
static inline void gemm_stage(const int kRows, __local float* s, const int L, int kk, int w, float4 v) {
  if (kRows) {
    *(__local float4*) (s + kk * L + w) = v;
  } else {
    s[kk * L + w] = v.x;
    s[(kk + 1) * L + w] = v.y;
    s[(kk + 2) * L + w] = v.z;
    s[(kk + 3) * L + w] = v.w;
  }
}

static inline __attribute__((always_inline)) void gemm_body(const int TA, const int TB, int m, int n, int k, __global const float* a, int aOff, int lda, __global const float* b, int bOff, int ldb,
    float beta, __global float* c, int cOff, int ldc, __local float* As, __local float* Bs GEMM_SCRATCH_PARAMS) {
  const int QM = GEMM_QM;
  const int QN = GEMM_QN;
  const int BM = GEMM_BM;
  const int BN = GEMM_BN;
  const int LA = BM + GEMM_PAD;
  const int LB = BN + GEMM_PAD;
  // A is stored k-major when transposed, B when not.
  const int aRows = TA;
  const int bRows = !TB;
  const int tx = get_local_id(0);
  const int ty = get_local_id(1);
  const int lid = ty * GEMM_LX + tx;
  const int row0 = get_group_id(1) * BM;
  const int col0 = get_group_id(0) * BN;
  const bool vecA = ((aOff | lda) & 3) == 0;
  const bool vecB = ((bOff | ldb) & 3) == 0;
#ifdef GEMM_MMA
  // Warp and lane (NVIDIA forms warps from 32 consecutive linear ids, lid = ty 16 + tx), the warp's
  // 64 x 32 tile of the block, and the lane's fragment coordinates g, t.
  const int lane = lid & 31;
  const int warp = lid >> 5;
  const int g = lane >> 2;
  const int t4 = lane & 3;
  const int wm = (warp >> 2) * 64;
  const int wn = (warp & 3) * 32;
#endif

  // This item's chunks of the A and B slices: position in the slice, pointer at slice k0 = 0, and
  // whether the chunk lies inside the matrix along m or n (k is checked per slice).
  int akk[GEMM_QM], aw[GEMM_QM], bkk[GEMM_QN], bw[GEMM_QN];
  bool aIn[GEMM_QM], bIn[GEMM_QN];
  __global const float* pa[GEMM_QM];
  __global const float* pb[GEMM_QN];
  #pragma unroll
  for (int i = 0; i < QM; i++) {
    gemm_chunk(aRows, BM, lid + i * GEMM_LX * GEMM_LX, &akk[i], &aw[i]);
    int gm = row0 + aw[i];
    pa[i] = a + aOff + (aRows ? (long) akk[i] * lda + gm : (long) gm * lda + akk[i]);
    aIn[i] = aRows ? gm + 3 < m : gm < m;
  }
  #pragma unroll
  for (int i = 0; i < QN; i++) {
    gemm_chunk(bRows, BN, lid + i * GEMM_LX * GEMM_LX, &bkk[i], &bw[i]);
    int gn = col0 + bw[i];
    pb[i] = b + bOff + (bRows ? (long) bkk[i] * ldb + gn : (long) gn * ldb + bkk[i]);
    bIn[i] = bRows ? gn + 3 < n : gn < n;
  }
  const long aStep = aRows ? (long) GEMM_BK * lda : GEMM_BK;
  const long bStep = bRows ? (long) GEMM_BK * ldb : GEMM_BK;

  float acc[4 * GEMM_QM][4 * GEMM_QN];
  #pragma unroll
  for (int i = 0; i < 4 * QM; i++) {
    #pragma unroll
    for (int j = 0; j < 4 * QN; j++) {
      acc[i][j] = 0.0f;
    }
  }

  // Slice 0 into buffer 0.
  float4 ra[GEMM_QM], rb[GEMM_QN];
  {
    const bool kFull = GEMM_BK <= k;
    #pragma unroll
    for (int i = 0; i < QM; i++) {
      ra[i] = gemm_fetch(pa[i], gemm_valid(aRows, akk[i], row0 + aw[i], 0, k, m), vecA && aIn[i] && kFull);
      gemm_stage(aRows, As, LA, akk[i], aw[i], ra[i]);
    }
    #pragma unroll
    for (int i = 0; i < QN; i++) {
      rb[i] = gemm_fetch(pb[i], gemm_valid(bRows, bkk[i], col0 + bw[i], 0, k, n), vecB && bIn[i] && kFull);
      gemm_stage(bRows, Bs, LB, bkk[i], bw[i], rb[i]);
    }
  }
  barrier(CLK_LOCAL_MEM_FENCE);

  const int tiles = (k + GEMM_BK - 1) / GEMM_BK;
  for (int t = 0; t < tiles; t++) {
    const int cur = t & 1;
    const bool more = t + 1 < tiles;
    // Slice t+1 into registers.
    if (more) {
      const int k0 = (t + 1) * GEMM_BK;
      const bool kFull = k0 + GEMM_BK <= k;
      #pragma unroll
      for (int i = 0; i < QM; i++) {
        pa[i] += aStep;
        ra[i] = gemm_fetch(pa[i], gemm_valid(aRows, akk[i], row0 + aw[i], k0, k, m), vecA && aIn[i] && kFull);
      }
      #pragma unroll
      for (int i = 0; i < QN; i++) {
        pb[i] += bStep;
        rb[i] = gemm_fetch(pb[i], gemm_valid(bRows, bkk[i], col0 + bw[i], k0, k, n), vecB && bIn[i] && kFull);
      }
    }
    // Multiply slice t.
#ifdef GEMM_MMA
    // acc[2 i + h][2 j + e] is C register 2 h + e of mma tile (i, j): row wm + 16 i + g + 8 h, column
    // wn + 8 j + 2 t + e.
    __local const float* as = As + cur * GEMM_BK * LA + wm + g;
    __local const float* bs = Bs + cur * GEMM_BK * LB + wn + g;
    #pragma unroll
    for (int ks = 0; ks < GEMM_BK; ks += 8) {
      uint bBig[4][2], bSmall[4][2];
      #pragma unroll
      for (int j = 0; j < 4; j++) {
        MMA_SPLIT(bs[(ks + t4) * LB + 8 * j], bBig[j][0], bSmall[j][0]);
        MMA_SPLIT(bs[(ks + t4 + 4) * LB + 8 * j], bBig[j][1], bSmall[j][1]);
      }
      #pragma unroll
      for (int i = 0; i < 4; i++) {
        uint aBig[4], aSmall[4];
        MMA_SPLIT(as[(ks + t4) * LA + 16 * i], aBig[0], aSmall[0]);
        MMA_SPLIT(as[(ks + t4) * LA + 16 * i + 8], aBig[1], aSmall[1]);
        MMA_SPLIT(as[(ks + t4 + 4) * LA + 16 * i], aBig[2], aSmall[2]);
        MMA_SPLIT(as[(ks + t4 + 4) * LA + 16 * i + 8], aBig[3], aSmall[3]);
        #pragma unroll
        for (int j = 0; j < 4; j++) {
          // Small terms first, so the big product is added to their sum.
          MMA(acc[2 * i][2 * j], acc[2 * i][2 * j + 1], acc[2 * i + 1][2 * j], acc[2 * i + 1][2 * j + 1], aSmall, bBig[j]);
          MMA(acc[2 * i][2 * j], acc[2 * i][2 * j + 1], acc[2 * i + 1][2 * j], acc[2 * i + 1][2 * j + 1], aBig, bSmall[j]);
          MMA(acc[2 * i][2 * j], acc[2 * i][2 * j + 1], acc[2 * i + 1][2 * j], acc[2 * i + 1][2 * j + 1], aBig, bBig[j]);
        }
      }
    }
#else
    __local const float* as = As + cur * GEMM_BK * LA + 4 * ty;
    __local const float* bs = Bs + cur * GEMM_BK * LB + 4 * tx;
    #pragma unroll
    for (int kk = 0; kk < GEMM_BK; kk++) {
      float av[4 * GEMM_QM];
      float bv[4 * GEMM_QN];
      #pragma unroll
      for (int q = 0; q < QM; q++) {
        float4 v = *(__local const float4*) (as + kk * LA + q * 64);
        av[4 * q] = v.x;
        av[4 * q + 1] = v.y;
        av[4 * q + 2] = v.z;
        av[4 * q + 3] = v.w;
      }
      #pragma unroll
      for (int p = 0; p < QN; p++) {
        float4 v = *(__local const float4*) (bs + kk * LB + p * 64);
        bv[4 * p] = v.x;
        bv[4 * p + 1] = v.y;
        bv[4 * p + 2] = v.z;
        bv[4 * p + 3] = v.w;
      }
      #pragma unroll
      for (int i = 0; i < 4 * QM; i++) {
        #pragma unroll
        for (int j = 0; j < 4 * QN; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
#endif
    // Slice t+1 into the other buffer, free since the barrier that ended step t-1.
    if (more) {
      __local float* an = As + (cur ^ 1) * GEMM_BK * LA;
      __local float* bn = Bs + (cur ^ 1) * GEMM_BK * LB;
      #pragma unroll
      for (int i = 0; i < QM; i++) {
        gemm_stage(aRows, an, LA, akk[i], aw[i], ra[i]);
      }
      #pragma unroll
      for (int i = 0; i < QN; i++) {
        gemm_stage(bRows, bn, LB, bkk[i], bw[i], rb[i]);
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }

#ifdef GEMM_MMA
  // Write C lane by lane (acc[i][j] at row wm + 16 (i / 2) + g + 8 (i % 2), column wn + 8 (j / 2) + 2 t + j % 2).
  #pragma unroll
  for (int i = 0; i < 8; i++) {
    const int gm = row0 + wm + 16 * (i >> 1) + g + 8 * (i & 1);
    if (gm < m) {
      #pragma unroll
      for (int j = 0; j < 8; j++) {
        const int gn = col0 + wn + 8 * (j >> 1) + 2 * t4 + (j & 1);
        if (gn < n) {
          __global float* pc = c + cOff + (long) gm * ldc + gn;
          *pc = beta == 0.0f ? acc[i][j] : acc[i][j] + beta * *pc;
        }
      }
    }
  }
}
#else
  // Write C: float4 stores where C is aligned and the 4 columns are inside n, else lane by lane.
  const bool vecC = ((cOff | ldc) & 3) == 0;
  #pragma unroll
  for (int i = 0; i < 4 * QM; i++) {
    const int gm = row0 + (i / 4) * 64 + 4 * ty + i % 4;
    if (gm < m) {
      #pragma unroll
      for (int p = 0; p < QN; p++) {
        const int gn = col0 + p * 64 + 4 * tx;
        __global float* pc = c + cOff + (long) gm * ldc + gn;
        float4 v = (float4) (acc[i][4 * p], acc[i][4 * p + 1], acc[i][4 * p + 2], acc[i][4 * p + 3]);
        if (vecC && gn + 3 < n) {
          if (beta != 0.0f) {
            v = v + beta * *(__global float4*) pc;
          }
          *(__global float4*) pc = v;
        } else {
          float o[4] = {v.x, v.y, v.z, v.w};
          #pragma unroll
          for (int s = 0; s < 4; s++) {
            if (gn + s < n) {
              pc[s] = beta == 0.0f ? o[s] : o[s] + beta * pc[s];
            }
          }
        }
      }
    }
  }
}
#endif

// One kernel per (transA, transB): gemm_nt is transB. Global size (ceil(n / BN) * 16, ceil(m / BM) * 16),
// local size (16, 16).
#define GEMM_KERNEL(NAME, TA, TB) \
  __kernel __attribute__((reqd_work_group_size(GEMM_LX, GEMM_LX, 1))) \
  void NAME(int m, int n, int k, __global const float* a, int aOff, int lda, \
            __global const float* b, int bOff, int ldb, float beta, __global float* c, int cOff, int ldc) { \
    __local float4 As[2 * GEMM_BK * (GEMM_BM + GEMM_PAD) / 4]; \
    __local float4 Bs[2 * GEMM_BK * (GEMM_BN + GEMM_PAD) / 4]; \
    GEMM_SCRATCH_DECL \
    gemm_body(TA, TB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, (__local float*) As, (__local float*) Bs \
              GEMM_SCRATCH_ARGS); \
  }

GEMM_KERNEL(gemm_nn, 0, 0)
GEMM_KERNEL(gemm_nt, 0, 1)
GEMM_KERNEL(gemm_tn, 1, 0)
GEMM_KERNEL(gemm_tt, 1, 1)
