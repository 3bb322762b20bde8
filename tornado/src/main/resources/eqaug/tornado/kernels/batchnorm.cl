// Batch norm with per-mini-batch statistics (eqaug.nn.Network#normForward/#normBackward): per channel over
// the samples of one mini-batch ("segment") and all positions; eps 1e-5; scale at params[off + ch], shift at
// params[off + c + ch]. Values are laid out (sample, channel, position).
//
// One work-group of BN_GROUP items per (segment, channel), group id = seg * c + ch. The segment's values of
// the channel are numbered t = 0 .. (to - from) * p - 1 (sample-major: sample from + t / p, position t % p);
// item lid takes t = lid, lid + BN_GROUP, ... in order, and the items' partial sums meet in a fixed local
// tree, so results depend only on BN_GROUP (no atomics). Sums are in ACC.
#define BN_EPS 1e-5
#define BN_GROUP 256

// Sum of v over the work-group (a fixed tree in part[0 .. BN_GROUP)); every item gets the sum, and part may be
// reused as soon as it returns.
static ACC bn_group_sum(__local ACC* part, ACC v) {
  int lid = get_local_id(0);
  part[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = BN_GROUP / 2; s > 0; s >>= 1) {
    if (lid < s) {
      part[lid] += part[lid + s];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  ACC r = part[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return r;
}

// Two sums at once (one tree, two arrays).
static void bn_group_sum2(__local ACC* a, __local ACC* b, ACC* va, ACC* vb) {
  int lid = get_local_id(0);
  a[lid] = *va;
  b[lid] = *vb;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = BN_GROUP / 2; s > 0; s >>= 1) {
    if (lid < s) {
      a[lid] += a[lid + s];
      b[lid] += b[lid + s];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  *va = a[0];
  *vb = b[0];
  barrier(CLK_LOCAL_MEM_FENCE);
}

// Index in the (sample, channel, position) layout of the segment's t-th value of channel ch.
static int bn_index(int t, int from, int width, int ch, int p) {
  int n = t / p;
  return (from + n) * width + ch * p + (t - n * p);
}

// Statistics (mean, biased variance: two passes as the CPU), invStd[seg * c + ch], normalised values and outputs.
__kernel __attribute__((reqd_work_group_size(BN_GROUP, 1, 1)))
void bn_forward(__global const float* x, __global float* y, __global float* xhat, __global ACC* invStd,
                __global const float* params, int off, int c, int p, int rows, int segment) {
  __local ACC part[BN_GROUP];
  int gid = get_group_id(0);
  int lid = get_local_id(0);
  int seg = gid / c;
  int ch = gid - seg * c;
  int from = seg * segment;
  if (from >= rows) {
    return;  // whole group: no barrier is reached by part of it
  }
  int to = min(rows, from + segment);
  int width = c * p;
  int n = (to - from) * p;
  ACC count = (ACC) n;
  ACC sum = 0;
  for (int t = lid; t < n; t += BN_GROUP) {
    sum += x[bn_index(t, from, width, ch, p)];
  }
  ACC mean = bn_group_sum(part, sum) / count;
  ACC var = 0;
  for (int t = lid; t < n; t += BN_GROUP) {
    ACC d = x[bn_index(t, from, width, ch, p)] - mean;
    var += d * d;
  }
  var = bn_group_sum(part, var);
  ACC inv = 1 / sqrt(var / count + (ACC) BN_EPS);
  if (lid == 0) {
    invStd[seg * c + ch] = inv;
  }
  float gamma = params[off + ch];
  float beta = params[off + c + ch];
  for (int t = lid; t < n; t += BN_GROUP) {
    int i = bn_index(t, from, width, ch, p);
    float xn = (float) ((x[i] - mean) * inv);
    xhat[i] = xn;
    y[i] = gamma * xn + beta;
  }
}

// Per (segment, channel): sum dy and sum dy xhat into sums[2 (seg * c + ch)] and sums[2 (seg * c + ch) + 1]
// (bn_grad adds them to grad in segment order), and the input gradient when needInput is set.
__kernel __attribute__((reqd_work_group_size(BN_GROUP, 1, 1)))
void bn_backward(__global const float* dy, __global float* dx, __global const float* xhat,
                 __global const ACC* invStd, __global const float* params, __global ACC* sums,
                 int off, int c, int p, int rows, int segment, int needInput) {
  __local ACC partDy[BN_GROUP];
  __local ACC partDyX[BN_GROUP];
  int gid = get_group_id(0);
  int lid = get_local_id(0);
  int seg = gid / c;
  int ch = gid - seg * c;
  int from = seg * segment;
  if (from >= rows) {
    return;
  }
  int to = min(rows, from + segment);
  int width = c * p;
  int n = (to - from) * p;
  ACC count = (ACC) n;
  ACC sumDy = 0;
  ACC sumDyX = 0;
  for (int t = lid; t < n; t += BN_GROUP) {
    int i = bn_index(t, from, width, ch, p);
    sumDy += dy[i];
    sumDyX += (ACC) dy[i] * xhat[i];
  }
  bn_group_sum2(partDy, partDyX, &sumDy, &sumDyX);
  if (lid == 0) {
    sums[2 * (seg * c + ch)] = sumDy;
    sums[2 * (seg * c + ch) + 1] = sumDyX;
  }
  if (needInput) {
    ACC k = params[off + ch] * invStd[seg * c + ch];
    ACC meanDy = sumDy / count;
    ACC meanDyX = sumDyX / count;
    for (int t = lid; t < n; t += BN_GROUP) {
      int i = bn_index(t, from, width, ch, p);
      dx[i] = (float) (k * (dy[i] - meanDy - xhat[i] * meanDyX));
    }
  }
}

// One work-item per channel: adds each segment's (float) sum dy xhat to the scale's gradient and sum dy to the
// shift's, segments in order, as the CPU does.
__kernel void bn_grad(__global const ACC* sums, __global float* grad, int off, int c, int segs) {
  int ch = get_global_id(0);
  if (ch >= c) {
    return;
  }
  float gScale = grad[off + ch];
  float gShift = grad[off + c + ch];
  for (int seg = 0; seg < segs; seg++) {
    gScale += (float) sums[2 * (seg * c + ch) + 1];
    gShift += (float) sums[2 * (seg * c + ch)];
  }
  grad[off + ch] = gScale;
  grad[off + c + ch] = gShift;
}
