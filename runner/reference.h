// Slow but trustworthy reference GEMM on the device: fp64 accumulation of dequantised inputs.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "gemmkit_abi.h"

namespace gkr {

// Block scales of a block-scaled GEMM (GkKernelInfo::scale_vector > 0); the default is none.
struct RefScales {
  const void* sfa = nullptr;  // scales of A's rows, in the blocked layout of gemmkit_abi.h
  const void* sfb = nullptr;  // scales of B's rows, likewise
  GkDType type = GK_UE4M3;    // GK_UE4M3 or GK_UE8M0
  int vector = 0;             // K elements per scale; 0: a plain GEMM (sfa / sfb unused)
};

// d_ref[i * n + j] = sum_k double(dq(A)[i, k]) * double(dq(B)[j, k])   (row-major, ld of d_ref = n).
// A is m x k with leading dimension lda (in elements), B is n x k with leading dimension ldb,
// both of the given dtypes. dq(x) is x itself for a plain GEMM, and x * the scale of its
// (row, k / vector) block for a block-scaled one. Every dequantised input is exact in fp32
// (the 16/8/4-bit values, and their products with ue4m3 / ue8m0 scales: at most 4 + 4
// significant bits) and every product of two of them is exact in fp64, so the only rounding
// is the fp64 accumulation (~1e-16 relative): far below any output dtype's resolution.
// Allocates two fp32 temporaries (m x k and n x k) and synchronises `stream` before returning.
void reference_gemm(const void* a, GkDType a_type, int64_t lda, const void* b, GkDType b_type,
                    int64_t ldb, double* d_ref, int m, int n, int k, cudaStream_t stream,
                    const RefScales& scales = RefScales());

// The gated dual GEMM's combination, in place, in fp64: gate[i] = silu(gate[i]) * up[i] with
// silu(x) = x / (1 + exp(-x)). gate and up are the two fp64 reference products (reference_gemm of
// B and of B2), so the reference is silu(A·Bᵀ) ⊙ (A·B2ᵀ) with fp64 rounding only.
void reference_silu_mul(double* gate, const double* up, size_t count, cudaStream_t stream);

// A kernel's epilogue (GkKernelInfo::alpha / bias / activation) for the reference. The defaults are
// the identity.
struct RefEpilogue {
  double alpha = 1;          // the float the kernel is given (GkGemmArgs::alpha), widened; 1 without alpha
  const void* bias = nullptr;  // the kernel's own bias buffer (GkGemmArgs::bias), on the device; null: none
  GkDType bias_type = GK_FP32;
  int bias_period = 0;       // 0: bias[column]; > 0: bias[row % bias_period] (a GEMV's rows, per batch)
  int activation = GK_ACT_NONE;
};

// The epilogue, in place, in fp64, on the rows x cols reference d (row-major, ld = cols): y = alpha·x,
// then y + bias, then relu(y) = max(y, 0), gelu(y) = 0.5·y·(1 + erf(y/√2)) (erf in fp64) or
// silu(y) = y / (1 + exp(-y)); the order of gemmkit_abi.h. Reads the bias from the same device
// buffer the kernel reads. Synchronises `stream`.
void reference_epilogue(double* d, int rows, int cols, const RefEpilogue& e, cudaStream_t stream);

// sqrt(mean(d[i]^2)) over `count` doubles on the device (the scale of the reference's values).
// Synchronises `stream`.
double reference_rms(const double* d, size_t count, cudaStream_t stream);

}  // namespace gkr
