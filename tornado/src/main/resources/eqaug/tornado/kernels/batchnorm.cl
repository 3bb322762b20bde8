// Batch norm with per-mini-batch statistics (eqaug.nn.Network#normForward/#normBackward): per channel over
// the samples of one mini-batch ("segment") and all positions; eps 1e-5; scale at params[off + ch], shift at
// params[off + c + ch]. Values are laid out (sample, channel, position).
#define BN_EPS 1e-5

// One work-item per (segment, channel): statistics, normalised values and outputs.
__kernel void bn_forward(__global const float* x, __global float* y, __global float* xhat, __global ACC* invStd,
                         __global const float* params, int off, int c, int p, int rows, int segment) {
  int id = get_global_id(0);
  int segs = (rows + segment - 1) / segment;
  if (id >= segs * c) {
    return;
  }
  int seg = id / c;
  int ch = id - seg * c;
  int from = seg * segment;
  int to = min(rows, from + segment);
  int width = c * p;
  ACC count = (ACC) (to - from) * p;
  ACC sum = 0;
  for (int s = from; s < to; s++) {
    int base = s * width + ch * p;
    for (int q = 0; q < p; q++) {
      sum += x[base + q];
    }
  }
  ACC mean = sum / count;
  ACC var = 0;
  for (int s = from; s < to; s++) {
    int base = s * width + ch * p;
    for (int q = 0; q < p; q++) {
      ACC d = x[base + q] - mean;
      var += d * d;
    }
  }
  ACC inv = 1 / sqrt(var / count + (ACC) BN_EPS);
  invStd[seg * c + ch] = inv;
  float gamma = params[off + ch];
  float beta = params[off + c + ch];
  for (int s = from; s < to; s++) {
    int base = s * width + ch * p;
    for (int q = 0; q < p; q++) {
      float xn = (float) ((x[base + q] - mean) * inv);
      xhat[base + q] = xn;
      y[base + q] = gamma * xn + beta;
    }
  }
}

// One work-item per channel, mini-batches in order: adds the scale and shift gradients, and writes the input
// gradient when needInput is set.
__kernel void bn_backward(__global const float* dy, __global float* dx, __global const float* xhat,
                          __global const ACC* invStd, __global const float* params, __global float* grad,
                          int off, int c, int p, int rows, int segment, int needInput) {
  int ch = get_global_id(0);
  if (ch >= c) {
    return;
  }
  int width = c * p;
  for (int from = 0, seg = 0; from < rows; from += segment, seg++) {
    int to = min(rows, from + segment);
    ACC count = (ACC) (to - from) * p;
    ACC sumDy = 0;
    ACC sumDyX = 0;
    for (int s = from; s < to; s++) {
      int base = s * width + ch * p;
      for (int q = 0; q < p; q++) {
        sumDy += dy[base + q];
        sumDyX += (ACC) dy[base + q] * xhat[base + q];
      }
    }
    grad[off + ch] += (float) sumDyX;
    grad[off + c + ch] += (float) sumDy;
    if (needInput) {
      ACC k = params[off + ch] * invStd[seg * c + ch];
      ACC meanDy = sumDy / count;
      ACC meanDyX = sumDyX / count;
      for (int s = from; s < to; s++) {
        int base = s * width + ch * p;
        for (int q = 0; q < p; q++) {
          dx[base + q] = (float) (k * (dy[base + q] - meanDy - xhat[base + q] * meanDyX));
        }
      }
    }
  }
}
