// Pointwise kernels of eqaug.nn.Network and eqaug.kernel.Kernels: input loading (centring, and the
// augmentation's gather rho(g) x per mini-batch), activations and their derivatives, axpy and fill.

// dst[i] = src[srcOff + i] + shift for i < len (the network's centred input h0 = x + inputShift).
__kernel void load_rows(__global const float* src, int srcOff, int len, float shift, __global float* dst) {
  int i = get_global_id(0);
  if (i < len) {
    dst[i] = src[srcOff + i] + shift;
  }
}

// Row r of dst is sample srcRow0 + r moved by its mini-batch's group element:
// dst[r][j] = src[srcRow0 + r][maps[(r / segment)][j]] + shift (Kernels#gather, then the centring).
__kernel void gather_rows(__global const float* src, int srcRow0, int dim, __global const int* maps,
                          int map0, int segment, int rows, float shift, __global float* dst) {
  int i = get_global_id(0);
  if (i < rows * dim) {
    int r = i / dim;
    int j = i - r * dim;
    int seg = r / segment;
    dst[i] = src[(long) (srcRow0 + r) * dim + maps[(long) (map0 + seg) * dim + j]] + shift;
  }
}

__kernel void leaky_relu(float slope, __global const float* x, __global float* y, int len) {
  int i = get_global_id(0);
  if (i < len) {
    float v = x[i];
    y[i] = v > 0.0f ? v : slope * v;
  }
}

__kernel void leaky_relu_backward(float slope, __global const float* x, __global const float* dy,
                                  __global float* dx, int len) {
  int i = get_global_id(0);
  if (i < len) {
    dx[i] = x[i] > 0.0f ? dy[i] : slope * dy[i];
  }
}

__kernel void tanh_forward(__global const float* x, __global float* y, int len) {
  int i = get_global_id(0);
  if (i < len) {
    y[i] = (float) tanh((ACC) x[i]);
  }
}

// dx = dy (1 - y^2) with y the forward output.
__kernel void tanh_backward(__global const float* y, __global const float* dy, __global float* dx, int len) {
  int i = get_global_id(0);
  if (i < len) {
    dx[i] = dy[i] * (1.0f - y[i] * y[i]);
  }
}

__kernel void sigmoid_forward(__global const float* x, __global float* y, int len) {
  int i = get_global_id(0);
  if (i < len) {
    ACC z = x[i];
    y[i] = (float) (z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)));
  }
}

// dx = dy y (1 - y) with y the forward output.
__kernel void sigmoid_backward(__global const float* y, __global const float* dy, __global float* dx, int len) {
  int i = get_global_id(0);
  if (i < len) {
    dx[i] = dy[i] * y[i] * (1.0f - y[i]);
  }
}

// y[yOff + i] += alpha x[xOff + i] (the gradient step a -= lr grad).
__kernel void axpy(float alpha, __global const float* x, int xOff, __global float* y, int yOff, int len) {
  int i = get_global_id(0);
  if (i < len) {
    y[yOff + i] += alpha * x[xOff + i];
  }
}

__kernel void fill(__global float* x, int off, int len, float value) {
  int i = get_global_id(0);
  if (i < len) {
    x[off + i] = value;
  }
}
