// The vendor-library baseline behind one small interface. Two implementations exist:
// baseline_cublas.cu (cuBLAS / cuBLASLt, built where their headers exist) and
// baseline_none.cu (a stub). build.sh links exactly one of them.
#pragma once
#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <vector>
#include <utility>

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
  // A block-scaled dual GEMM (dual_silu_mul with scale_vector > 0): the scales of B2, in the layout of
  // sfb. Its first GEMM takes (sfa, sfb), its second (sfa, sfb2), both by the block-scaled path.
  const void* sfb2 = nullptr;
  // Batches (GEMV: n = 1): batch i uses A + i * stride_a, B + i * stride_b, D + i * stride_d
  // (elements). batch 1 is one plain GEMM.
  int batch = 1;
  int64_t stride_a = 0, stride_b = 0, stride_d = 0;
  // The kernel's epilogue (GkKernelInfo::alpha / bias / activation): alpha is cuBLAS's alpha (1 when
  // the kernel has none); the bias (GkGemmArgs::bias, the kernel's buffer) and the activation go to
  // cuBLASLt's epilogue where it has the same one (bias per column, relu, gelu), else they are left
  // out and the baseline reports its epilogue as "gemm only" (see Baseline::epilogue).
  float alpha = 1.0f;
  const void* bias = nullptr;
  GkDType bias_type = GK_FP32;
  bool bias_per_row = false;  // a GEMV's bias (one entry per row): cuBLAS has no such epilogue
  int activation = GK_ACT_NONE;
};

class Baseline {
 public:
  virtual ~Baseline() = default;
  // e.g. "cublasGemmEx bf16", "cublasLt fp8".
  virtual std::string name() const = 0;
  // Enqueues one GEMM on `stream` (the stream given to make_baseline); "" or an error message.
  virtual std::string launch(cudaStream_t stream) = 0;
  // What it computes of the problem's epilogue (set by make_baseline): "" when the problem has none
  // beyond alpha, which every baseline takes as cuBLAS's alpha; "gemm only" (or "silu-mul only" for
  // the dual GEMM) when it leaves the bias and the activation out; else what it runs, e.g. "alpha,
  // bias, gelu (cuBLASLt's tanh approximation)".
  const std::string& epilogue() const { return epilogue_; }
  // Whether it computes the whole epilogue (up to the approximation epilogue() names): only then is
  // its output compared with the reference; otherwise it is a timing only.
  bool computes_epilogue() const { return computes_epilogue_; }
  void set_epilogue(std::string text, bool complete) {
    epilogue_ = std::move(text);
    computes_epilogue_ = complete;
  }

 private:
  std::string epilogue_;
  bool computes_epilogue_ = true;
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
