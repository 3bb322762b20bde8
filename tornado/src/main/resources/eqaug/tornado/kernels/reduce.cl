// Norm reductions (eqaug.kernel.Kernels#sumSquaredDifference): each work-group of REDUCE_GROUP items strides
// over the range and writes one partial sum (at partials[partialOff + group]), so the host adds a fixed, small number of partials in order.
__kernel __attribute__((reqd_work_group_size(REDUCE_GROUP, 1, 1)))
void sum_squared_difference(__global const float* a, int aOff, __global const float* b, int bOff, int len,
                            __global ACC* partials, int partialOff) {
  __local ACC part[REDUCE_GROUP];
  int lid = get_local_id(0);
  ACC acc = 0;
  for (int i = get_global_id(0); i < len; i += get_global_size(0)) {
    ACC d = (ACC) a[aOff + i] - b[bOff + i];
    acc += d * d;
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
