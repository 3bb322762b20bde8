// Shared definitions. ACC is the accumulation type of reductions and statistics: double where the device
// has cl_khr_fp64 (built with -DUSE_FP64), float otherwise. Contraction into fma is off so float
// expressions round as the CPU path (Java) rounds them.
#ifdef USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define ACC double
#else
#define ACC float
#endif
#pragma OPENCL FP_CONTRACT OFF
#define REDUCE_GROUP 256
