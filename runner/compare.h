// Compares a GEMM output against the fp64 reference, on the device.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "gemmkit_abi.h"

namespace gkr {

struct ErrorStats {
  uint64_t nonfinite = 0;  // NaN/Inf outputs: with D poisoned to 0xFF bytes, these are unwritten
  double rel_err = 0;      // ||D - D_ref||_F / ||D_ref||_F over the finite outputs
  double max_err = 0;      // max |D - D_ref| / max |D_ref| over the finite outputs
};

// d: m x n of dtype d_type with leading dimension ldd; d_ref: m x n doubles, ld = n.
// Synchronises `stream`.
ErrorStats compare_output(const void* d, GkDType d_type, int64_t ldd, const double* d_ref, int m,
                          int n, cudaStream_t stream);

}  // namespace gkr
