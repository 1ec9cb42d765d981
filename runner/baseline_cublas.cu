// Vendor baseline: cuBLAS (cublasGemmEx) for 16/32-bit inputs, cuBLASLt (cublasLtMatmul) for fp8.
//
// The runner's GEMM is row-major: D[m, n] = A[m, k] * B[n, k]^T with A, B K-major. cuBLAS is
// column-major, and a row-major X[r, c] is the column-major X^T[c, r]. So we compute the
// column-major D^T (n x m, ld = n) = B (n x k) * A^T (k x m), where
//   B, stored as column-major k x n with ld = k, enters with op = T  (-> n x k),
//   A, stored as column-major k x m with ld = k, enters with op = N  (-> k x m).
// This "TN" form is also the only layout cuBLASLt supports for fp8 on Hopper.
//
// Block-scaled GEMMs (scale_vector > 0: nvfp4, mxfp8, mxfp4) go to cublasLtMatmul with per-matrix
// scale modes (CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3 / VEC32_UE8M0) and the scale pointers in
// the blocked layout, which is the one cuBLASLt documents for those modes. Only on cc 10.x and
// cuBLAS >= 12.8. UNTESTED ON HARDWARE: written and compiled without a Blackwell GPU; its output
// is checked against the reference like any baseline, so a mistake shows up as a baseline error
// or large baseline errors in the report, never as a wrong verdict on the kernel.
//
// Grouped GEMM (make_grouped_baseline): one of the single-GEMM baselines above per group, captured once
// into a CUDA graph (the group loop that a user without a grouped kernel would write, replayed as one
// launch); see the end of the file.
//
// Gated dual GEMM (p.dual_silu_mul): the unfused path, D = silu(A·Bᵀ) ⊙ (A·B2ᵀ) as two GEMMs of the
// kind above (cublasGemmEx, or cublasLtMatmul for fp8) into two temporaries of D's dtype, then an
// elementwise silu-mul kernel written here; one launch() enqueues all three, so they are timed as one.
// A block-scaled dual GEMM takes the same path with two block-scaled cublasLtMatmul calls: the first with
// the scales (sfa, sfb), the second with (sfa, sfb2); where the block-scaled GEMM has no baseline (not
// cc 10.x, an old cuBLAS) the dual one has none either, for the same reason. UNTESTED ON HARDWARE.
//
// Epilogues (p.alpha, p.bias, p.activation): alpha is cuBLAS's alpha everywhere (for the dual GEMM,
// the alpha of A·B2ᵀ: silu(g)·(alpha·u) = alpha·(silu(g)·u)). A bias per column and relu / gelu go to
// cublasLtMatmul's epilogue (CUBLASLT_EPILOGUE_BIAS, _RELU, _GELU and their _BIAS forms: y = act(alpha·AB
// + bias), the kernels' order), with any input dtype; cuBLASLt's gelu is the tanh approximation, so that
// baseline's errors against the exact-erf reference include the approximation's, and it is a timing
// baseline only. Without such an epilogue (silu, a GEMV's bias per row, batches, the dual GEMM's bias
// or activation, or cuBLASLt refusing the combination) the same GEMM is timed without bias and
// activation and its epilogue reported as "gemm only" ("silu-mul only"): then its output is not
// compared with the reference.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <string>

#include "baseline.h"
#include "common.h"

namespace gkr {
namespace {

constexpr size_t kLtWorkspaceBytes = size_t(32) << 20;  // 32 MiB for cuBLASLt

std::string status_text(cublasStatus_t s) {
  return std::string(cublasGetStatusName(s)) + " (" + cublasGetStatusString(s) + ")";
}

// cuBLAS >= 12.8 (CUDA 12.8) knows fp4 data and the block scale modes.
#if defined(CUBLAS_VERSION) && CUBLAS_VERSION >= 120800
#define GKR_HAS_BLOCK_SCALED 1
#else
#define GKR_HAS_BLOCK_SCALED 0
#endif

// Only called for dtypes that make_baseline has accepted.
cudaDataType_t cuda_type(GkDType t) {
  switch (t) {
    case GK_BF16: return CUDA_R_16BF;
    case GK_FP16: return CUDA_R_16F;
    case GK_FP32: return CUDA_R_32F;
    case GK_E4M3: return CUDA_R_8F_E4M3;
    case GK_E5M2: return CUDA_R_8F_E5M2;
#if GKR_HAS_BLOCK_SCALED
    case GK_E2M1: return CUDA_R_4F_E2M1;
    case GK_UE4M3: return CUDA_R_8F_UE4M3;
    case GK_UE8M0: return CUDA_R_8F_UE8M0;
#else
    case GK_E2M1: case GK_UE4M3: case GK_UE8M0: break;  // refused by make_baseline
#endif
  }
  return CUDA_R_32F;
}

// ---- the epilogue beyond alpha ---------------------------------------------------------------

// Whether the problem has an epilogue beyond alpha: a bias or an activation.
bool has_epilogue(const BaselineProblem& p) { return p.bias != nullptr || p.activation != GK_ACT_NONE; }

// The cuBLASLt epilogue computing the problem's bias and activation after alpha·AB, or DEFAULT for
// none (also when cuBLASLt has no such activation: lt_computes_epilogue says whether it has).
cublasLtEpilogue_t lt_epilogue(const BaselineProblem& p) {
  const bool bias = p.bias != nullptr;
  switch (p.activation) {
    case GK_ACT_NONE: return bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
    case GK_ACT_RELU: return bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
    case GK_ACT_GELU: return bias ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_GELU;
    default: return CUBLASLT_EPILOGUE_DEFAULT;
  }
}

// Whether cublasLtMatmul can compute the whole epilogue: one GEMM (no batches, not the dual GEMM's
// unfused path), a bias per column of D, relu or gelu (cuBLASLt has no silu).
bool lt_computes_epilogue(const BaselineProblem& p) {
  return has_epilogue(p) && !p.dual_silu_mul && !p.bias_per_row && p.batch <= 1 &&
         (p.activation == GK_ACT_NONE || p.activation == GK_ACT_RELU || p.activation == GK_ACT_GELU);
}

// What a cuBLASLt epilogue computes, for the report.
std::string lt_epilogue_text(const BaselineProblem& p) {
  std::string text = p.bias ? std::string("bias (") + dtype_name(p.bias_type) + ")" : std::string();
  const char* act = p.activation == GK_ACT_RELU ? "relu" : p.activation == GK_ACT_GELU ? "gelu (cuBLASLt's tanh approximation)" : nullptr;
  if (act) text += (text.empty() ? "" : " + ") + std::string(act);
  return text;
}

// ---- cublasGemmEx: bf16 / fp16 / fp32 inputs, fp32 compute ---------------------------------
class GemmExBaseline final : public Baseline {
 public:
  ~GemmExBaseline() override {
    if (handle_) cublasDestroy(handle_);
  }

  static std::unique_ptr<Baseline> make(const BaselineProblem& p, cudaStream_t stream, std::string* why) {
    // cublasGemmEx with CUBLAS_COMPUTE_32F takes A/B of one type, and C either of that type or fp32.
    if (p.a_type != p.b_type) {
      *why = std::string("baseline unavailable: cublasGemmEx has no mixed inputs a=") + dtype_name(p.a_type) +
             " b=" + dtype_name(p.b_type);
      return nullptr;
    }
    if (p.d_type != p.a_type && p.d_type != GK_FP32) {
      *why = std::string("baseline unavailable: cublasGemmEx has no ") + dtype_name(p.a_type) + " -> " +
             dtype_name(p.d_type) + " GEMM";
      return nullptr;
    }
    std::unique_ptr<GemmExBaseline> b(new GemmExBaseline(p));
    cublasStatus_t s = cublasCreate(&b->handle_);
    if (s != CUBLAS_STATUS_SUCCESS) {
      b->handle_ = nullptr;
      *why = "baseline: cublasCreate failed: " + status_text(s);
      return nullptr;
    }
    s = cublasSetStream(b->handle_, stream);
    if (s != CUBLAS_STATUS_SUCCESS) {
      *why = "baseline: cublasSetStream failed: " + status_text(s);
      return nullptr;
    }
    return b;
  }

  std::string name() const override {
    return std::string(p_.batch > 1 ? "cublasGemmStridedBatchedEx " : "cublasGemmEx ") + dtype_name(p_.a_type);
  }

  // A workspace of the caller's (alive longer than this object) instead of cuBLAS's own pool, which may
  // allocate inside a CUDA graph capture (the grouped baseline). After cublasSetStream (make), which
  // resets the workspace to that pool.
  std::string use_workspace(void* workspace, size_t bytes) {
    const cublasStatus_t s = cublasSetWorkspace(handle_, workspace, bytes);
    return s == CUBLAS_STATUS_SUCCESS ? std::string() : "cublasSetWorkspace: " + status_text(s);
  }

  std::string launch(cudaStream_t) override {
    const cudaDataType_t at = cuda_type(p_.a_type), bt = cuda_type(p_.b_type), dt = cuda_type(p_.d_type);
    const float alpha = p_.alpha, beta = 0.0f;
    if (p_.batch > 1) {
      // Batched (the GEMV's l): the same column-major view per batch, strides in elements.
      cublasStatus_t s = cublasGemmStridedBatchedEx(handle_, CUBLAS_OP_T, CUBLAS_OP_N,
                                                    /*m=*/p_.n, /*n=*/p_.m, /*k=*/p_.k, &alpha,
                                                    /*A=*/p_.b, bt, /*lda=*/p_.k, /*strideA=*/(long long)p_.stride_b,
                                                    /*B=*/p_.a, at, /*ldb=*/p_.k, /*strideB=*/(long long)p_.stride_a, &beta,
                                                    /*C=*/p_.d, dt, /*ldc=*/p_.n, /*strideC=*/(long long)p_.stride_d,
                                                    p_.batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
      return s == CUBLAS_STATUS_SUCCESS ? std::string() : "cublasGemmStridedBatchedEx: " + status_text(s);
    }
    cublasStatus_t s = cublasGemmEx(handle_, CUBLAS_OP_T, CUBLAS_OP_N,
                                    /*m=*/p_.n, /*n=*/p_.m, /*k=*/p_.k, &alpha,
                                    /*A=*/p_.b, bt, /*lda=*/p_.k,
                                    /*B=*/p_.a, at, /*ldb=*/p_.k, &beta,
                                    /*C=*/p_.d, dt, /*ldc=*/p_.n,
                                    CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
    return s == CUBLAS_STATUS_SUCCESS ? std::string() : "cublasGemmEx: " + status_text(s);
  }

 private:
  explicit GemmExBaseline(const BaselineProblem& p) : p_(p) {}
  BaselineProblem p_;
  cublasHandle_t handle_ = nullptr;
};

// ---- cublasLtMatmul: fp8 inputs, fp32 compute and scale, D (and C) of the kernel's out type --
// Also block-scaled inputs (p.scale_vector > 0, UNTESTED ON HARDWARE): the same call with the
// A/B scale modes and pointers set; and any input dtype with a bias / relu / gelu epilogue
// (lt_epilogue() below; UNTESTED ON HARDWARE as well).
class LtBaseline final : public Baseline {
 public:
  ~LtBaseline() override {
    if (pref_) cublasLtMatmulPreferenceDestroy(pref_);
    if (ddesc_) cublasLtMatrixLayoutDestroy(ddesc_);
    if (cdesc_) cublasLtMatrixLayoutDestroy(cdesc_);
    if (bdesc_) cublasLtMatrixLayoutDestroy(bdesc_);
    if (adesc_) cublasLtMatrixLayoutDestroy(adesc_);
    if (op_) cublasLtMatmulDescDestroy(op_);
    if (lt_) cublasLtDestroy(lt_);
  }

  static std::unique_ptr<Baseline> make(const BaselineProblem& p, cudaStream_t, std::string* why) {
    std::unique_ptr<LtBaseline> b(new LtBaseline(p));
    std::string err = b->setup();
    if (!err.empty()) {
      *why = "baseline: " + err;
      return nullptr;
    }
    return b;
  }

  std::string name() const override {
    if (p_.scale_vector > 0) return "cublasLt " + block_format_name(p_.a_type, p_.scale_type, p_.scale_vector);
    if (!dtype_is_fp8(p_.a_type)) return std::string("cublasLt ") + dtype_name(p_.a_type);
    return p_.fp8_fast_accum ? "cublasLt fp8 fast-accum" : "cublasLt fp8";
  }

  std::string launch(cudaStream_t stream) override {
    const float alpha = p_.alpha, beta = 0.0f;
    // Lt's A is our B, Lt's B is our A (see the top of the file). beta = 0: C is never read,
    // so it may alias D.
    cublasStatus_t s = cublasLtMatmul(lt_, op_, &alpha, p_.b, adesc_, p_.a, bdesc_, &beta, p_.d, cdesc_, p_.d,
                                      ddesc_, &heuristic_.algo, workspace_.get(), workspace_.bytes(), stream);
    return s == CUBLAS_STATUS_SUCCESS ? std::string() : "cublasLtMatmul: " + status_text(s);
  }

 private:
  explicit LtBaseline(const BaselineProblem& p) : p_(p) {}

  std::string setup() {
    const cudaDataType_t at = cuda_type(p_.a_type), bt = cuda_type(p_.b_type), dt = cuda_type(p_.d_type);
    // C has the type of D for bf16 / fp16 / fp32 outputs.
    const cudaDataType_t ct = dt;
    cublasStatus_t s;
#define GKR_LT(call)                                                  \
  do {                                                                \
    s = (call);                                                       \
    if (s != CUBLAS_STATUS_SUCCESS) return #call ": " + status_text(s); \
  } while (0)
    GKR_LT(cublasLtCreate(&lt_));
    GKR_LT(cublasLtMatmulDescCreate(&op_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
    GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
    GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
    if (p_.scale_vector > 0) {
#if GKR_HAS_BLOCK_SCALED
      // One mode for both operands (make_baseline accepts only ue4m3 x 16 and ue8m0 x 32). Lt's A
      // is our B, so it takes sfb; Lt's B is our A and takes sfa. Both are K-major rows in the
      // blocked layout (128 x 4 atoms), which is what these modes read.
      const int32_t mode = p_.scale_type == GK_UE4M3 ? CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3
                                                     : CUBLASLT_MATMUL_MATRIX_SCALE_VEC32_UE8M0;
      GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, &mode, sizeof mode));
      GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, &mode, sizeof mode));
      const void* lt_a_scale = p_.sfb;
      const void* lt_b_scale = p_.sfa;
      GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &lt_a_scale, sizeof lt_a_scale));
      GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &lt_b_scale, sizeof lt_b_scale));
#else
      return "this cuBLAS has no block-scaled matmul (needs 12.8 or newer)";
#endif
    } else if (p_.fp8_fast_accum && dtype_is_fp8(p_.a_type)) {
      const int8_t fast = 1;
      GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
    }
    // The epilogue. Lt's D is our Dᵀ, so our column j is Lt's row j, which is what its bias indexes.
    const cublasLtEpilogue_t epilogue = lt_epilogue(p_);
    if (epilogue != CUBLASLT_EPILOGUE_DEFAULT) {
      GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof epilogue));
      if (p_.bias) {
        const int32_t bias_type = cuda_type(p_.bias_type);
        GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type, sizeof bias_type));
        GKR_LT(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &p_.bias, sizeof p_.bias));
      }
    }
    // Layouts describe the stored (pre-op) column-major matrices.
    GKR_LT(cublasLtMatrixLayoutCreate(&adesc_, bt, p_.k, p_.n, p_.k));  // our B: k x n, ld k
    GKR_LT(cublasLtMatrixLayoutCreate(&bdesc_, at, p_.k, p_.m, p_.k));  // our A: k x m, ld k
    GKR_LT(cublasLtMatrixLayoutCreate(&cdesc_, ct, p_.n, p_.m, p_.n));
    GKR_LT(cublasLtMatrixLayoutCreate(&ddesc_, dt, p_.n, p_.m, p_.n));
    GKR_LT(cublasLtMatmulPreferenceCreate(&pref_));
    const uint64_t ws = kLtWorkspaceBytes;
    GKR_LT(cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));
    int found = 0;
    GKR_LT(cublasLtMatmulAlgoGetHeuristic(lt_, op_, adesc_, bdesc_, cdesc_, ddesc_, pref_, 1, &heuristic_, &found));
#undef GKR_LT
    if (found < 1)
      return std::string("cublasLt has no algorithm for a=") + dtype_name(p_.a_type) + " b=" +
             dtype_name(p_.b_type) + " out=" + dtype_name(p_.d_type) +
             (epilogue != CUBLASLT_EPILOGUE_DEFAULT ? " with this epilogue" : "");
    workspace_.alloc(kLtWorkspaceBytes);  // throws CudaFailure on OOM
    return std::string();
  }

  BaselineProblem p_;
  cublasLtHandle_t lt_ = nullptr;
  cublasLtMatmulDesc_t op_ = nullptr;
  cublasLtMatrixLayout_t adesc_ = nullptr, bdesc_ = nullptr, cdesc_ = nullptr, ddesc_ = nullptr;
  cublasLtMatmulPreference_t pref_ = nullptr;
  cublasLtMatmulHeuristicResult_t heuristic_{};
  DeviceBuffer workspace_;
};

// ---- the unfused dual GEMM: two GEMMs into temporaries, then silu(g) * u elementwise -----------
template <typename T>
__device__ __forceinline__ float to_float(T x) { return static_cast<float>(x); }
template <>
__device__ __forceinline__ float to_float<__nv_bfloat16>(__nv_bfloat16 x) { return __bfloat162float(x); }
template <>
__device__ __forceinline__ float to_float<__half>(__half x) { return __half2float(x); }

template <typename T>
__device__ __forceinline__ T from_float(float x) { return static_cast<T>(x); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }
template <>
__device__ __forceinline__ __half from_float<__half>(float x) { return __float2half_rn(x); }

// d[i] = silu(g[i]) * u[i] in fp32, silu(x) = x / (1 + e^-x); one rounding to T.
template <typename T>
__global__ void silu_mul_kernel(const T* __restrict__ g, const T* __restrict__ u, T* __restrict__ d, size_t count) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    const float x = to_float(g[i]);
    d[i] = from_float<T>(x / (1.0f + __expf(-x)) * to_float(u[i]));
  }
}

class DualSiluMulBaseline final : public Baseline {
 public:
  static std::unique_ptr<Baseline> make(const BaselineProblem& p, cudaStream_t stream, std::string* why,
                                         std::unique_ptr<Baseline> (*make_gemm)(const BaselineProblem&, cudaStream_t, std::string*)) {
    if (p.b2 == nullptr) {
      *why = "baseline: dual GEMM without B2";
      return nullptr;
    }
    if (p.scale_vector > 0 && p.sfb2 == nullptr) {
      *why = "baseline: block-scaled dual GEMM without the scales of B2";
      return nullptr;
    }
    if (p.d_type != GK_BF16 && p.d_type != GK_FP16 && p.d_type != GK_FP32) {
      *why = std::string("baseline unavailable: no silu-mul kernel for ") + dtype_name(p.d_type) + " outputs";
      return nullptr;
    }
    std::unique_ptr<DualSiluMulBaseline> b(new DualSiluMulBaseline(p));
    const size_t bytes = tensor_bytes(p.d_type, static_cast<size_t>(p.m) * p.n);
    b->gate_.alloc(bytes);  // throws CudaFailure on OOM
    b->up_.alloc(bytes);
    BaselineProblem one = p;
    one.dual_silu_mul = false;
    one.b2 = nullptr;
    one.sfb2 = nullptr;
    one.bias = nullptr;
    one.activation = GK_ACT_NONE;
    one.alpha = 1.0f;  // silu needs the gate unscaled
    one.d = b->gate_.get();
    b->gemm_gate_ = make_gemm(one, stream, why);
    if (!b->gemm_gate_) return nullptr;
    one.b = p.b2;
    if (p.scale_vector > 0) one.sfb = p.sfb2;  // A·B2ᵀ: the scales (sfa, sfb2)
    one.d = b->up_.get();
    one.alpha = p.alpha;  // silu(g)·(alpha·u) = alpha·(silu(g)·u)
    b->gemm_up_ = make_gemm(one, stream, why);
    if (!b->gemm_up_) return nullptr;
    return b;
  }

  // Block-scaled: the GEMMs' name too, e.g. "cuBLAS 2×GEMM + silu-mul (cublasLt nvfp4)".
  std::string name() const override {
    return p_.scale_vector > 0 ? "cuBLAS 2×GEMM + silu-mul (" + gemm_gate_->name() + ")" : "cuBLAS 2×GEMM + silu-mul";
  }

  std::string launch(cudaStream_t stream) override {
    std::string err = gemm_gate_->launch(stream);
    if (!err.empty()) return err;
    err = gemm_up_->launch(stream);
    if (!err.empty()) return err;
    const size_t count = static_cast<size_t>(p_.m) * p_.n;
    const int threads = 256;
    const size_t want = (count + threads - 1) / threads;
    const unsigned blocks = static_cast<unsigned>(want < 4096 ? want : 4096);
    switch (p_.d_type) {
      case GK_BF16:
        silu_mul_kernel<__nv_bfloat16><<<blocks, threads, 0, stream>>>(gate_.as<__nv_bfloat16>(), up_.as<__nv_bfloat16>(),
                                                                        static_cast<__nv_bfloat16*>(p_.d), count);
        break;
      case GK_FP16:
        silu_mul_kernel<__half><<<blocks, threads, 0, stream>>>(gate_.as<__half>(), up_.as<__half>(), static_cast<__half*>(p_.d), count);
        break;
      default:
        silu_mul_kernel<float><<<blocks, threads, 0, stream>>>(gate_.as<float>(), up_.as<float>(), static_cast<float*>(p_.d), count);
        break;
    }
    const cudaError_t e = cudaGetLastError();
    return e == cudaSuccess ? std::string() : std::string("silu_mul_kernel: ") + cudaGetErrorString(e);
  }

 private:
  explicit DualSiluMulBaseline(const BaselineProblem& p) : p_(p) {}
  BaselineProblem p_;
  DeviceBuffer gate_, up_;  // A·Bᵀ and A·B2ᵀ in D's dtype
  std::unique_ptr<Baseline> gemm_gate_, gemm_up_;
};

// Block-scaled: cc 10.x, cuBLAS >= 12.8, equal operand dtypes, nvfp4 (ue4m3 x 16) or mx (ue8m0 x 32).
// UNTESTED ON HARDWARE (see the top of the file).
std::unique_ptr<Baseline> make_block_scaled(const BaselineProblem& p, cudaStream_t stream, std::string* why) {
  const std::string fmt = block_format_name(p.a_type, p.scale_type, p.scale_vector);
  int dev = 0, major = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess ||
      major != 10) {
    cudaGetLastError();
    *why = "no vendor baseline for block-scaled " + fmt + " on this GPU";
    return nullptr;
  }
#if GKR_HAS_BLOCK_SCALED
  const bool mode_ok = (p.scale_type == GK_UE4M3 && p.scale_vector == 16) || (p.scale_type == GK_UE8M0 && p.scale_vector == 32);
  if (!mode_ok || p.a_type != p.b_type || (p.a_type != GK_E2M1 && !dtype_is_fp8(p.a_type)) || dtype_is_fp8(p.d_type)) {
    *why = "baseline unavailable: no cuBLASLt block scaling for " + fmt + " (a=" + dtype_name(p.a_type) + " b=" +
           dtype_name(p.b_type) + " out=" + dtype_name(p.d_type) + ")";
    return nullptr;
  }
  return LtBaseline::make(p, stream, why);
#else
  (void)stream;
  *why = "no vendor baseline for block-scaled " + fmt + ": this cuBLAS is older than 12.8";
  return nullptr;
#endif
}

// One GEMM (not the dual GEMM's unfused path) by the library call for its dtypes: cublasGemmEx for
// 16/32-bit inputs, cublasLtMatmul for fp8 and block-scaled ones, and for any dtype when the
// problem has an epilogue beyond alpha (only called with one that cuBLASLt computes).
std::unique_ptr<Baseline> make_gemm(const BaselineProblem& p, cudaStream_t stream, std::string* why) {
  if (dtype_bits(p.a_type) == 0 || dtype_bits(p.b_type) == 0 || dtype_bits(p.d_type) == 0) {
    *why = "baseline unavailable: unknown dtype";
    return nullptr;
  }
  if (p.batch > 1 && (p.scale_vector > 0 || dtype_is_fp8(p.a_type) || dtype_is_fp8(p.b_type))) {
    *why = "baseline unavailable: batched problems are timed with cublasGemmStridedBatchedEx (16/32-bit inputs) only";
    return nullptr;
  }
  if (p.scale_vector > 0) return make_block_scaled(p, stream, why);
  if (p.a_type == GK_E2M1 || p.b_type == GK_E2M1) {
    *why = "baseline unavailable: cuBLAS has no e2m1 GEMM without block scales";
    return nullptr;
  }
  if (dtype_is_fp8(p.d_type)) {
    *why = "baseline unavailable: fp8 outputs are not benchmarked";
    return nullptr;
  }
  const bool fp8_a = dtype_is_fp8(p.a_type), fp8_b = dtype_is_fp8(p.b_type);
  if (fp8_a && fp8_b) {
    std::unique_ptr<Baseline> lt = LtBaseline::make(p, stream, why);
    // A GEMV (n = 1) is cuBLASLt's M = 1 in the TN form above, so its D has a leading dimension of one
    // element, which cuBLASLt's fp8 kernels (16-byte-aligned dimensions) may have no algorithm for:
    // reported as an unavailable baseline, with cuBLASLt's own answer as the reason.
    if (!lt && p.n == 1) *why = "baseline unavailable: cuBLASLt has no fp8 GEMM with N = 1 here (" + *why + ")";
    return lt;
  }
  if (fp8_a || fp8_b) {
    *why = std::string("baseline unavailable: no cuBLAS GEMM mixes a=") + dtype_name(p.a_type) + " with b=" +
           dtype_name(p.b_type);
    return nullptr;
  }
  if (has_epilogue(p)) return LtBaseline::make(p, stream, why);
  return GemmExBaseline::make(p, stream, why);
}

}  // namespace

std::unique_ptr<Baseline> make_baseline(const BaselineProblem& p, cudaStream_t stream, std::string* why) {
  std::string sink;
  if (!why) why = &sink;
  // The whole epilogue in cuBLASLt where it has it; failing that the GEMM alone, timed but not checked.
  std::string lt_refused;
  if (lt_computes_epilogue(p)) {
    std::unique_ptr<Baseline> b = make_gemm(p, stream, &lt_refused);
    if (b) {
      b->set_epilogue(lt_epilogue_text(p), true);
      return b;
    }
  }
  BaselineProblem plain = p;
  plain.bias = nullptr;
  plain.activation = GK_ACT_NONE;
  std::unique_ptr<Baseline> b = p.dual_silu_mul ? DualSiluMulBaseline::make(plain, stream, why, &make_gemm) : make_gemm(plain, stream, why);
  if (b && has_epilogue(p)) {
    const std::string only = p.dual_silu_mul ? "silu-mul only" : "gemm only";
    b->set_epilogue(lt_refused.empty() ? only : only + " (" + lt_refused + ")", false);
  }
  return b;
}

std::string baseline_library() {
  int major = 0, minor = 0, patch = 0;
  if (cublasGetProperty(MAJOR_VERSION, &major) != CUBLAS_STATUS_SUCCESS ||
      cublasGetProperty(MINOR_VERSION, &minor) != CUBLAS_STATUS_SUCCESS ||
      cublasGetProperty(PATCH_LEVEL, &patch) != CUBLAS_STATUS_SUCCESS)
    return "cuBLAS (version unknown)";
  return "cuBLAS " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

// ---- grouped GEMM: a CUDA graph of one single-GEMM baseline per group -----------------------------
namespace {

constexpr size_t kCublasWorkspaceBytes = size_t(32) << 20;  // cuBLAS's recommended workspace size on Hopper

std::string cuda_text(const char* what, cudaError_t e) {
  return std::string(what) + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
}

class GroupGraphBaseline final : public Baseline {
 public:
  ~GroupGraphBaseline() override {
    if (exec_) cudaGraphExecDestroy(exec_);
    if (graph_) cudaGraphDestroy(graph_);
  }

  static std::unique_ptr<Baseline> make(const std::vector<BaselineProblem>& groups, cudaStream_t stream, std::string* why) {
    if (groups.empty()) {
      *why = "baseline: a grouped problem without groups";
      return nullptr;
    }
    std::unique_ptr<GroupGraphBaseline> b(new GroupGraphBaseline());
    for (size_t g = 0; g < groups.size(); ++g) {
      const BaselineProblem& p = groups[g];
      if (p.dual_silu_mul || p.batch > 1 || p.scale_vector > 0) {
        *why = "baseline unavailable: the grouped baseline runs plain GEMMs only";
        return nullptr;
      }
      // The per-GEMM set-up (dtype rules, handle, Lt heuristic and workspace) is make_baseline's.
      std::string one_why;
      std::unique_ptr<Baseline> one = make_baseline(p, stream, &one_why);
      if (!one) {
        *why = one_why + " (group " + std::to_string(g) + ")";
        return nullptr;
      }
      // cublasGemmEx gets a workspace allocated here, before the capture. One buffer serves every
      // group's handle: the captured calls run one after another on one stream. (The Lt path has
      // allocated its own workspace in make_baseline already.)
      if (GemmExBaseline* ex = dynamic_cast<GemmExBaseline*>(one.get())) {
        if (!b->workspace_.get()) b->workspace_.alloc(kCublasWorkspaceBytes);  // throws CudaFailure on OOM
        const std::string err = ex->use_workspace(b->workspace_.get(), b->workspace_.bytes());
        if (!err.empty()) {
          *why = "baseline: " + err;
          return nullptr;
        }
      }
      b->calls_.push_back(std::move(one));
    }
    // The graph computes the epilogue where every group's call does (they share alpha, dtypes and the
    // activation; only the bias pointers differ).
    bool complete = true;
    for (const auto& c : b->calls_) complete = complete && c->computes_epilogue();
    b->set_epilogue(b->calls_.front()->epilogue(), complete);
    const std::string err = b->capture(stream);
    if (!err.empty()) {
      *why = "baseline: " + err;
      return nullptr;
    }
    return b;
  }

  // e.g. "CUDA graph of 8 cublasGemmEx bf16"
  std::string name() const override { return "CUDA graph of " + std::to_string(calls_.size()) + " " + calls_.front()->name(); }

  std::string launch(cudaStream_t stream) override {
    const cudaError_t e = cudaGraphLaunch(exec_, stream);
    return e == cudaSuccess ? std::string() : cuda_text("cudaGraphLaunch", e);
  }

 private:
  GroupGraphBaseline() = default;

  std::string capture(cudaStream_t stream) {
    // Every call once before capturing, so that lazy module loading and cuBLAS's first-call set-up
    // happen outside the capture. What they write to D does not matter: the timing poisons D before
    // every run.
    for (auto& c : calls_) {
      const std::string err = c->launch(stream);
      if (!err.empty()) return err;
    }
    // Thread-local mode: an allocation or synchronisation by this thread during the capture is an
    // error instead of silently becoming part of (or breaking) the graph.
    cudaError_t e = cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal);
    if (e != cudaSuccess) return cuda_text("cudaStreamBeginCapture", e);
    std::string err;
    for (auto& c : calls_) {
      err = c->launch(stream);
      if (!err.empty()) break;
    }
    cudaGraph_t graph = nullptr;
    e = cudaStreamEndCapture(stream, &graph);  // ends the capture after a failed call too
    if (err.empty() && e != cudaSuccess) err = cuda_text("cudaStreamEndCapture", e);
    if (!err.empty()) {
      if (graph) cudaGraphDestroy(graph);
      cudaGetLastError();  // an invalidated capture leaves a non-sticky error behind
      return "capturing the per-group calls into a CUDA graph: " + err;
    }
    graph_ = graph;
    if ((e = cudaGraphInstantiate(&exec_, graph_, 0)) != cudaSuccess) {
      exec_ = nullptr;
      return cuda_text("cudaGraphInstantiate", e);
    }
    // Its work uploaded now, so that the first replay does not pay for that.
    if ((e = cudaGraphUpload(exec_, stream)) != cudaSuccess) return cuda_text("cudaGraphUpload", e);
    return std::string();
  }

  // Declared first, so destroyed last: the calls' handles go before the workspace they were given.
  DeviceBuffer workspace_;
  std::vector<std::unique_ptr<Baseline>> calls_;  // one per group, in group order
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

}  // namespace

std::unique_ptr<Baseline> make_grouped_baseline(const std::vector<BaselineProblem>& groups, cudaStream_t stream,
                                                std::string* why) {
  std::string sink;
  if (!why) why = &sink;
  return GroupGraphBaseline::make(groups, stream, why);
}

}  // namespace gkr
