// A deliberately simple, correct SIMT GEMM that implements the kernel ABI, used to test the
// runner itself (build it with runner/build.sh like any generated kernel).
//
// Dtypes are chosen at compile time:
//   -DGK_SELFTEST_A=GK_E4M3 -DGK_SELFTEST_B=GK_E4M3 -DGK_SELFTEST_OUT=GK_BF16
// inputs may be any GkDType, the output bf16 / fp16 / fp32. Default: bf16 x bf16 -> bf16.
// Accumulates in fp32 (like a tensor-core kernel), so it should pass the runner's tolerances.
// Optional knobs for testing the runner's failure paths:
//   -DGK_SELFTEST_SKIP_LAST_ROW   leaves the last row of D unwritten (-> "fail", unwritten > 0)
//   -DGK_SELFTEST_WORKSPACE=BYTES asks for a workspace and writes to it (checks the plumbing)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "gemmkit_abi.h"

#ifndef GK_SELFTEST_A
#define GK_SELFTEST_A GK_BF16
#endif
#ifndef GK_SELFTEST_B
#define GK_SELFTEST_B GK_BF16
#endif
#ifndef GK_SELFTEST_OUT
#define GK_SELFTEST_OUT GK_BF16
#endif
#ifndef GK_SELFTEST_WORKSPACE
#define GK_SELFTEST_WORKSPACE 256
#endif
// build.sh defines GK_BUILD_SM (90 for sm_90a, 100 for sm_100a) from its target argument.
#if defined(GK_BUILD_SM) && GK_BUILD_SM == 100
#define GK_SELFTEST_TARGET "sm_100a"
#else
#define GK_SELFTEST_TARGET "sm_90a"
#endif

namespace {

constexpr GkDType kA = GK_SELFTEST_A, kB = GK_SELFTEST_B, kOut = GK_SELFTEST_OUT;
static_assert(kOut == GK_BF16 || kOut == GK_FP16 || kOut == GK_FP32, "selftest output must be bf16/fp16/fp32");
constexpr int kTile = 16;

template <GkDType T>
__device__ __forceinline__ float load(const void* p, size_t i) {
  if constexpr (T == GK_BF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  else if constexpr (T == GK_FP16) return __half2float(static_cast<const __half*>(p)[i]);
  else if constexpr (T == GK_FP32) return static_cast<const float*>(p)[i];
  else if constexpr (T == GK_E4M3)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E4M3)));
  else
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E5M2)));
}

template <GkDType T>
__device__ __forceinline__ void store(void* p, size_t i, float v) {
  if constexpr (T == GK_BF16) static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(v);
  else if constexpr (T == GK_FP16) static_cast<__half*>(p)[i] = __float2half_rn(v);
  else static_cast<float*>(p)[i] = v;
}

// One output per thread, 16x16 tiles of A and B staged through shared memory.
__global__ void naive_gemm(GkGemmArgs args) {
  __shared__ float as[kTile][kTile + 1];
  __shared__ float bs[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * kTile + ty;  // of A and D
  const int col = blockIdx.x * kTile + tx;  // of B^T and D
  const int brow = blockIdx.x * kTile + ty;  // row of B this thread loads
  float acc = 0.f;
  for (int k0 = 0; k0 < args.k; k0 += kTile) {
    const int kk = k0 + tx;
    as[ty][tx] = (row < args.m && kk < args.k) ? load<kA>(args.a, size_t(row) * args.lda + kk) : 0.f;
    bs[ty][tx] = (brow < args.n && kk < args.k) ? load<kB>(args.b, size_t(brow) * args.ldb + kk) : 0.f;
    __syncthreads();
#pragma unroll
    for (int i = 0; i < kTile; ++i) acc = fmaf(as[ty][i], bs[tx][i], acc);
    __syncthreads();
  }
#ifdef GK_SELFTEST_SKIP_LAST_ROW
  if (row == args.m - 1) return;
#endif
  if (row < args.m && col < args.n) store<kOut>(args.d, size_t(row) * args.ldd + col, acc);
  if (args.workspace && row == 0 && col == 0) static_cast<unsigned char*>(args.workspace)[0] = 1;
}

const GkKernelInfo kInfo = {
    /*name=*/"selftest_naive", /*target=*/GK_SELFTEST_TARGET, kA, kB, kOut,
    /*tile_m=*/kTile, /*tile_n=*/kTile, /*tile_k=*/kTile, /*cluster_m=*/1, /*cluster_n=*/1,
    /*stages=*/1, /*threads=*/kTile * kTile, /*smem_bytes=*/int(2 * kTile * (kTile + 1) * sizeof(float)),
    /*split_k=*/1,
};

}  // namespace

extern "C" const GkKernelInfo* gk_kernel_info() { return &kInfo; }

extern "C" const char* gk_check(const GkGemmArgs* p) {
  if (!p) return "args is null";
  if (p->m <= 0) return "m must be > 0";
  if (p->n <= 0) return "n must be > 0";
  if (p->k <= 0) return "k must be > 0";
  if (p->a_type != kA) return "a_type does not match the kernel's A dtype";
  if (p->b_type != kB) return "b_type does not match the kernel's B dtype";
  if (p->d_type != kOut) return "d_type does not match the kernel's output dtype";
  if (p->lda < p->k) return "lda must be >= k";
  if (p->ldb < p->k) return "ldb must be >= k";
  if (p->ldd < p->n) return "ldd must be >= n";
  if ((p->m + kTile - 1) / kTile > 65535) return "m too large for this kernel's grid (m <= 1048560)";
  return nullptr;
}

extern "C" size_t gk_workspace_bytes(const GkGemmArgs*) { return GK_SELFTEST_WORKSPACE; }

extern "C" cudaError_t gk_launch(const GkGemmArgs* p, cudaStream_t stream) {
  if (gk_check(p) != nullptr) return cudaErrorInvalidValue;
  if (!p->a || !p->b || !p->d) return cudaErrorInvalidValue;
  if (GK_SELFTEST_WORKSPACE > 0 && (!p->workspace || p->workspace_bytes < size_t(GK_SELFTEST_WORKSPACE)))
    return cudaErrorInvalidValue;
  dim3 block(kTile, kTile);
  dim3 grid((p->n + kTile - 1) / kTile, (p->m + kTile - 1) / kTile);
  naive_gemm<<<grid, block, 0, stream>>>(*p);
  return cudaGetLastError();
}
