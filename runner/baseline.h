// The vendor-library baseline behind one small interface. Two implementations exist:
// baseline_cublas.cu (cuBLAS / cuBLASLt, built where their headers exist) and
// baseline_none.cu (a stub). build.sh links exactly one of them.
#pragma once
#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <vector>

#include "gemmkit_abi.h"

namespace gkr {

// D[m, n] = A[m, k] * B[n, k]^T, all row-major and dense (lda = ldb = k, ldd = n), the same
// buffers and dtypes the generated kernel gets. Block-scaled problems (scale_vector > 0) also
// carry the scale factors of A and B in the blocked layout of gemmkit_abi.h.
struct BaselineProblem {
  int m = 0, n = 0, k = 0;
  const void* a = nullptr;
  const void* b = nullptr;
  void* d = nullptr;
  GkDType a_type = GK_BF16, b_type = GK_BF16, d_type = GK_BF16;
  bool fp8_fast_accum = false;  // cuBLASLt CUBLASLT_MATMUL_DESC_FAST_ACCUM for fp8 inputs
  const void* sfa = nullptr;    // block-scaled only (else null)
  const void* sfb = nullptr;
  GkDType scale_type = GK_UE4M3;
  int scale_vector = 0;         // 0: a plain GEMM
  // Gated dual GEMM (GK_OP_DUAL_GEMM_SILU_MUL): D = silu(A·Bᵀ) ⊙ (A·B2ᵀ), B2 like B. The baseline is
  // the unfused path: two GEMMs into temporaries of D's dtype, then an elementwise silu-mul kernel,
  // all three launched by one launch() (timed as one unit).
  bool dual_silu_mul = false;
  const void* b2 = nullptr;
  // Batches (GEMV: n = 1): batch i uses A + i * stride_a, B + i * stride_b, D + i * stride_d
  // (elements). batch 1 is one plain GEMM.
  int batch = 1;
  int64_t stride_a = 0, stride_b = 0, stride_d = 0;
};

class Baseline {
 public:
  virtual ~Baseline() = default;
  // e.g. "cublasGemmEx bf16", "cublasLt fp8".
  virtual std::string name() const = 0;
  // Enqueues one GEMM on `stream` (the stream given to make_baseline); "" or an error message.
  virtual std::string launch(cudaStream_t stream) = 0;
};

// Sets everything up (handles, descriptors, algorithm choice, workspace) outside any timing.
// Returns nullptr and a reason in *why when no baseline can run this problem.
std::unique_ptr<Baseline> make_baseline(const BaselineProblem& p, cudaStream_t stream, std::string* why);

// Grouped GEMM (GK_OP_GROUPED_GEMM): one plain problem per group (its own shape and buffers, dtypes
// shared). "A CUDA graph of per-group cuBLAS calls": at set-up one single-GEMM baseline per group (as
// make_baseline builds it) is captured on `stream` into a CUDA graph, after any workspace those calls
// use has been allocated; launch() replays the graph, every group's GEMM into its own D.
std::unique_ptr<Baseline> make_grouped_baseline(const std::vector<BaselineProblem>& groups, cudaStream_t stream,
                                                std::string* why);

// "cuBLAS <version>" or "none"; for the JSON header.
std::string baseline_library();

}  // namespace gkr
