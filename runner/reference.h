// Slow but trustworthy reference GEMM on the device: fp64 accumulation of dequantised inputs.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "gemmkit_abi.h"

namespace gkr {

// d_ref[i * n + j] = sum_k double(A[i, k]) * double(B[j, k])   (row-major, ld of d_ref = n).
// A is m x k with leading dimension lda, B is n x k with leading dimension ldb, both of the
// given dtypes. Every input dtype is exactly representable in fp32 and every product of two
// such values is exact in fp64, so the only rounding is the fp64 accumulation (~1e-16
// relative): far below any output dtype's resolution. Allocates temporaries internally and
// synchronises `stream` before returning.
void reference_gemm(const void* a, GkDType a_type, int64_t lda, const void* b, GkDType b_type,
                    int64_t ldb, double* d_ref, int m, int n, int k, cudaStream_t stream);

}  // namespace gkr
