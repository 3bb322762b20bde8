// Losses on the logits, one work-item per mini-batch (eqaug.nn.Network#segmentLoss): writes the mini-batch's
// mean loss and count of right predictions to tally[2 (tallyBase + seg)], and, when wantGrad is set, weight
// times the gradient of the mean loss to dz. Targets are read at y[yOff + i].

static ACC stable_sigmoid(ACC z) {
  return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

// Sigmoid and binary cross-entropy, averaged over each channel's positions and summed over channels.
__kernel void bce_loss(__global const float* z, __global const float* y, int yOff, __global float* dz,
                       int width, int rows, int segment, int positions, float weight, int wantGrad,
                       __global ACC* tally, int tallyBase) {
  int seg = get_global_id(0);
  int from = seg * segment;
  if (from >= rows) {
    return;
  }
  int to = min(rows, from + segment);
  int batch = to - from;
  ACC perPosition = (ACC) 1 / positions;
  ACC scale = (ACC) weight / batch;
  ACC lossSum = 0;
  ACC correct = 0;
  for (int i = from * width; i < to * width; i++) {
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
  tally[2 * (tallyBase + seg)] = lossSum / batch;
  tally[2 * (tallyBase + seg) + 1] = correct;
}

// Softmax and cross-entropy against (one-hot) targets; a prediction is right when its argmax is the label.
__kernel void softmax_loss(__global const float* z, __global const float* y, int yOff, __global float* dz,
                           int width, int rows, int segment, float weight, int wantGrad,
                           __global ACC* tally, int tallyBase) {
  int seg = get_global_id(0);
  int from = seg * segment;
  if (from >= rows) {
    return;
  }
  int to = min(rows, from + segment);
  int batch = to - from;
  ACC scale = (ACC) weight / batch;
  ACC lossSum = 0;
  ACC correct = 0;
  for (int s = from; s < to; s++) {
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
  tally[2 * (tallyBase + seg)] = lossSum / batch;
  tally[2 * (tallyBase + seg) + 1] = correct;
}
