// Pi_E on one linear layer by orbit averaging (eqaug.space.OrbitTable): the orbits of one channel pair are
// given as CSR lists of position pairs a * dIn + b (orbitStart[o] .. orbitStart[o + 1] into members). One
// work-item per (channel-pair block, orbit); blocks are (co, ci) with co-major order.

static long orbit_entry(int off, int cols, int dOut, int dIn, int cinCount, int block, int pair) {
  int co = block / cinCount;
  int ci = block - co * cinCount;
  int a = pair / dIn;
  int b = pair - a * dIn;
  return off + (long) (co * dOut + a) * cols + ci * dIn + b;
}

// Every entry becomes its orbit's mean (in place).
__kernel void orbit_project(__global float* w, int off, int cols, int dOut, int dIn, int cinCount, int blocks,
                            int orbits, __global const int* orbitStart, __global const int* members) {
  int id = get_global_id(0);
  if (id >= blocks * orbits) {
    return;
  }
  int block = id / orbits;
  int o = id - block * orbits;
  int first = orbitStart[o];
  int last = orbitStart[o + 1];
  ACC sum = 0;
  for (int i = first; i < last; i++) {
    sum += w[orbit_entry(off, cols, dOut, dIn, cinCount, block, members[i])];
  }
  float mean = (float) (sum / (last - first));
  for (int i = first; i < last; i++) {
    w[orbit_entry(off, cols, dOut, dIn, cinCount, block, members[i])] = mean;
  }
}

// ||A - Pi_E A||^2 of one layer as per-work-group partial sums: partials[partialOff + group] (groups of REDUCE_GROUP).
__kernel __attribute__((reqd_work_group_size(REDUCE_GROUP, 1, 1)))
void orbit_distance(__global const float* w, int off, int cols, int dOut, int dIn, int cinCount, int blocks,
                    int orbits, __global const int* orbitStart, __global const int* members,
                    __global ACC* partials, int partialOff) {
  __local ACC part[REDUCE_GROUP];
  int id = get_global_id(0);
  int lid = get_local_id(0);
  ACC acc = 0;
  if (id < blocks * orbits) {
    int block = id / orbits;
    int o = id - block * orbits;
    int first = orbitStart[o];
    int last = orbitStart[o + 1];
    ACC sum = 0;
    for (int i = first; i < last; i++) {
      sum += w[orbit_entry(off, cols, dOut, dIn, cinCount, block, members[i])];
    }
    ACC mean = sum / (last - first);
    for (int i = first; i < last; i++) {
      ACC d = w[orbit_entry(off, cols, dOut, dIn, cinCount, block, members[i])] - mean;
      acc += d * d;
    }
  }
  part[lid] = acc;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = REDUCE_GROUP / 2; s > 0; s >>= 1) {
    if (lid < s) {
      part[lid] += part[lid + s];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) {
    partials[partialOff + get_group_id(0)] = part[0];
  }
}
