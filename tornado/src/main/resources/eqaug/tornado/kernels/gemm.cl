// C = op(A) op(B) + beta C (eqaug.kernel.Kernels#gemm): op(A) is m x k, op(B) is k x n, row-major with
// leading dimensions; transA/transB transpose. The three shapes of training: Y = X W^T (transB),
// dX = dY W (none), dW += dY^T X (transA, beta 1). Work-groups of 16 x 16 items compute 64 x 64 tiles of C,
// 4 x 4 outputs per item, staging 16-deep slices of A and B in local memory. With beta 0, C is not read.
#define TM 64
#define TN 64
#define TK 16
#define WPT 4
#define LX 16

__kernel __attribute__((reqd_work_group_size(LX, LX, 1)))
void gemm(int m, int n, int k,
          __global const float* a, int aOff, int lda, int transA,
          __global const float* b, int bOff, int ldb, int transB,
          float beta, __global float* c, int cOff, int ldc) {
  __local float As[TK][TM];
  __local float Bs[TK][TN];
  const int tx = get_local_id(0);
  const int ty = get_local_id(1);
  const int lid = ty * LX + tx;
  const int row0 = get_group_id(1) * TM;
  const int col0 = get_group_id(0) * TN;
  float acc[WPT][WPT];
  for (int i = 0; i < WPT; i++) {
    for (int j = 0; j < WPT; j++) {
      acc[i][j] = 0.0f;
    }
  }
  for (int k0 = 0; k0 < k; k0 += TK) {
    for (int l = lid; l < TK * TM; l += LX * LX) {
      int kk, mm;
      if (transA) { mm = l % TM; kk = l / TM; } else { kk = l % TK; mm = l / TK; }
      int gm = row0 + mm;
      int gk = k0 + kk;
      As[kk][mm] = (gm < m && gk < k)
          ? (transA ? a[aOff + (long) gk * lda + gm] : a[aOff + (long) gm * lda + gk]) : 0.0f;
      int nn;
      if (transB) { kk = l % TK; nn = l / TK; } else { nn = l % TN; kk = l / TN; }
      int gn = col0 + nn;
      gk = k0 + kk;
      Bs[kk][nn] = (gn < n && gk < k)
          ? (transB ? b[bOff + (long) gn * ldb + gk] : b[bOff + (long) gk * ldb + gn]) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int kk = 0; kk < TK; kk++) {
      float av[WPT];
      float bv[WPT];
      for (int i = 0; i < WPT; i++) {
        av[i] = As[kk][ty + i * LX];
        bv[i] = Bs[kk][tx + i * LX];
      }
      for (int i = 0; i < WPT; i++) {
        for (int j = 0; j < WPT; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  for (int i = 0; i < WPT; i++) {
    int gm = row0 + ty + i * LX;
    for (int j = 0; j < WPT; j++) {
      int gn = col0 + tx + j * LX;
      if (gm < m && gn < n) {
        long idx = cOff + (long) gm * ldc + gn;
        c[idx] = beta == 0.0f ? acc[i][j] : acc[i][j] + beta * c[idx];
      }
    }
  }
}
