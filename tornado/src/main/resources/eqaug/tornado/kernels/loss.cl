// Losses on the logits (eqaug.nn.Network#segmentLoss), one work-group of LOSS_GROUP items per mini-batch
// (group id = segment): the entries (BCE) or samples (softmax) of the mini-batch are shared out in order
// (item lid takes lid, lid + LOSS_GROUP, ...), and the loss sum and count of right predictions meet in a fixed
// local tree (no atomics). Item 0 writes the mini-batch's mean loss and count to tally[2 (tallyBase + seg)]
// and tally[2 (tallyBase + seg) + 1]; when wantGrad is set, every entry of dz gets weight times the gradient
// of the mean loss. Targets are read at y[yOff + i].
#define LOSS_GROUP 256

static ACC stable_sigmoid(ACC z) {
  return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

// Sums loss and correct over the work-group; item 0 writes the tally entry.
static void loss_tally(__local ACC* partLoss, __local ACC* partCorrect, ACC lossSum, ACC correct, int batch,
                       __global ACC* tally, int entry) {
  int lid = get_local_id(0);
  partLoss[lid] = lossSum;
  partCorrect[lid] = correct;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = LOSS_GROUP / 2; s > 0; s >>= 1) {
    if (lid < s) {
      partLoss[lid] += partLoss[lid + s];
      partCorrect[lid] += partCorrect[lid + s];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) {
    tally[2 * entry] = partLoss[0] / batch;
    tally[2 * entry + 1] = partCorrect[0];
  }
}

// Sigmoid and binary cross-entropy, averaged over each channel's positions and summed over channels; one
// entry per item at a time.
__kernel __attribute__((reqd_work_group_size(LOSS_GROUP, 1, 1)))
void bce_loss(__global const float* z, __global const float* y, int yOff, __global float* dz,
              int width, int rows, int segment, int positions, float weight, int wantGrad,
              __global ACC* tally, int tallyBase) {
  __local ACC partLoss[LOSS_GROUP];
  __local ACC partCorrect[LOSS_GROUP];
  int seg = get_group_id(0);
  int from = seg * segment;
  if (from >= rows) {
    return;  // whole group
  }
  int to = min(rows, from + segment);
  int batch = to - from;
  ACC perPosition = (ACC) 1 / positions;
  ACC scale = (ACC) weight / batch;
  ACC lossSum = 0;
  ACC correct = 0;
  int end = to * width;
  for (int i = from * width + (int) get_local_id(0); i < end; i += LOSS_GROUP) {
    ACC zi = z[i];
    ACC yi = y[yOff + i];
    lossSum += perPosition * (fmax(zi, (ACC) 0) - zi * yi + log1p(exp(-fabs(zi))));
    if ((zi > 0) == (yi > 0.5)) {
      correct += 1;
    }
    if (wantGrad) {
      dz[i] = (float) (scale * perPosition * (stable_sigmoid(zi) - yi));
    }
  }
  loss_tally(partLoss, partCorrect, lossSum, correct, batch, tally, tallyBase + seg);
}

// Softmax and cross-entropy against (one-hot) targets, one sample per item at a time; a prediction is right
// when its argmax is the label.
__kernel __attribute__((reqd_work_group_size(LOSS_GROUP, 1, 1)))
void softmax_loss(__global const float* z, __global const float* y, int yOff, __global float* dz,
                  int width, int rows, int segment, float weight, int wantGrad,
                  __global ACC* tally, int tallyBase) {
  __local ACC partLoss[LOSS_GROUP];
  __local ACC partCorrect[LOSS_GROUP];
  int seg = get_group_id(0);
  int from = seg * segment;
  if (from >= rows) {
    return;
  }
  int to = min(rows, from + segment);
  int batch = to - from;
  ACC scale = (ACC) weight / batch;
  ACC lossSum = 0;
  ACC correct = 0;
  for (int s = from + (int) get_local_id(0); s < to; s += LOSS_GROUP) {
    int base = s * width;
    float max = -INFINITY;
    int argmax = 0;
    int label = 0;
    for (int c = 0; c < width; c++) {
      if (z[base + c] > max) {
        max = z[base + c];
        argmax = c;
      }
      if (y[yOff + base + c] > y[yOff + base + label]) {
        label = c;
      }
    }
    ACC sumExp = 0;
    for (int c = 0; c < width; c++) {
      sumExp += exp((ACC) z[base + c] - max);
    }
    ACC lse = max + log(sumExp);
    ACC mass = 0;
    for (int c = 0; c < width; c++) {
      ACC yc = y[yOff + base + c];
      lossSum += yc * (lse - z[base + c]);
      mass += yc;
    }
    if (argmax == label) {
      correct += 1;
    }
    if (wantGrad) {
      for (int c = 0; c < width; c++) {
        ACC p = exp(z[base + c] - lse);
        dz[base + c] = (float) (scale * (mass * p - y[yOff + base + c]));
      }
    }
  }
  loss_tally(partLoss, partCorrect, lossSum, correct, batch, tally, tallyBase + seg);
}
