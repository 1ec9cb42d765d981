// A deliberately simple, correct SIMT grouped GEMM (GK_OP_GROUPED_GEMM) that implements the kernel
// ABI, used to test the runner's grouped path without the generated kernels:
//   runner/build.sh runner/selftest/selftest_grouped.cu build/selftest_grouped
//   build/selftest_grouped --problem 80,176,128,72,64,248,96,160x4096x7168
// (It lives in a folder of its own because the bench build links every runner/*.cu but
// selftest_naive.cu and the baselines.)
//
// One launch covers every group: blockIdx.z picks the group from the group table, which gk_launch
// passes by value as a kernel parameter (the device's copy of the caller's group_list, made at launch,
// so the caller's host array is not read afterwards). Each block computes a 16x16 tile of its group's
// D through shared memory with fp32 accumulation; blocks past their group's M or N exit at once.
//
// Dtypes at compile time, as for selftest_naive.cu: -DGK_SELFTEST_A=GK_E4M3 -DGK_SELFTEST_B=GK_E4M3
// -DGK_SELFTEST_OUT=GK_BF16 (inputs bf16, fp16, fp32, e4m3 or e5m2; output bf16, fp16 or fp32;
// default bf16 x bf16 -> bf16). -DGK_SELFTEST_MAX_GROUPS=N sets max_groups (default 16).
// Deliberate bugs, each of which the runner must report as "fail":
//   -DGK_SELFTEST_GROUPED_BUG (=1)  every group reads group 0's B (a group table indexed with 0 for B);
//                                   only where group 0's B is large enough, so that it never faults
//   -DGK_SELFTEST_GROUPED_BUG=2     the last row of every group is left unwritten
//   -DGK_SELFTEST_GROUPED_BUG=3     every group also writes one row past its last one (into the gap
//                                   after its D: "bytes written outside D")
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <cstdio>

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
#ifndef GK_SELFTEST_MAX_GROUPS
#define GK_SELFTEST_MAX_GROUPS 16
#endif
#ifndef GK_SELFTEST_GROUPED_BUG
#define GK_SELFTEST_GROUPED_BUG_KIND 0
#elif GK_SELFTEST_GROUPED_BUG + 0 == 0  // -DGK_SELFTEST_GROUPED_BUG defines it as 1; =0 is no bug
#define GK_SELFTEST_GROUPED_BUG_KIND 0
#else
#define GK_SELFTEST_GROUPED_BUG_KIND (GK_SELFTEST_GROUPED_BUG)
#endif
// build.sh defines GK_BUILD_SM (90 for sm_90a, 100 for sm_100a) from its target argument.
#if defined(GK_BUILD_SM) && GK_BUILD_SM == 100
#define GK_SELFTEST_TARGET "sm_100a"
#else
#define GK_SELFTEST_TARGET "sm_90a"
#endif

namespace {

constexpr GkDType kA = GK_SELFTEST_A, kB = GK_SELFTEST_B, kOut = GK_SELFTEST_OUT;
constexpr int kMaxGroups = GK_SELFTEST_MAX_GROUPS;
constexpr int kBug = GK_SELFTEST_GROUPED_BUG_KIND;
constexpr int kTile = 16;
constexpr size_t kWorkspaceBytes = 256;  // asked for and checked, to test the runner's plumbing
static_assert(kOut == GK_BF16 || kOut == GK_FP16 || kOut == GK_FP32, "selftest output must be bf16/fp16/fp32");
static_assert(kBug >= 0 && kBug <= 3, "GK_SELFTEST_GROUPED_BUG must be 1, 2 or 3");
static_assert(kMaxGroups >= 1, "GK_SELFTEST_MAX_GROUPS must be >= 1");

struct GroupTable {
  int groups;
  GkGemmGroup g[kMaxGroups];
};
// The table travels as a kernel parameter: kept within the classic 4 KiB (63 groups of 64 bytes).
static_assert(sizeof(GroupTable) <= 4096, "GK_SELFTEST_MAX_GROUPS too large for the kernel parameters (at most 63)");

constexpr int dtype_bytes(GkDType t) { return t == GK_FP32 ? 4 : (t == GK_BF16 || t == GK_FP16) ? 2 : 1; }

const char* dtype_name(GkDType t) {
  switch (t) {
    case GK_BF16: return "bf16";
    case GK_FP16: return "fp16";
    case GK_FP32: return "fp32";
    case GK_E4M3: return "e4m3";
    case GK_E5M2: return "e5m2";
    default: return "another dtype";
  }
}

template <GkDType T>
__device__ __forceinline__ float load(const void* p, size_t i) {
  if constexpr (T == GK_BF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  else if constexpr (T == GK_FP16) return __half2float(static_cast<const __half*>(p)[i]);
  else if constexpr (T == GK_FP32) return static_cast<const float*>(p)[i];
  else if constexpr (T == GK_E4M3)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E4M3)));
  else {
    static_assert(T == GK_E5M2, "selftest_grouped inputs: bf16, fp16, fp32, e4m3 or e5m2");
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E5M2)));
  }
}

template <GkDType T>
__device__ __forceinline__ void store(void* p, size_t i, float v) {
  if constexpr (T == GK_BF16) static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(v);
  else if constexpr (T == GK_FP16) static_cast<__half*>(p)[i] = __float2half_rn(v);
  else static_cast<float*>(p)[i] = v;
}

__global__ void grouped_naive_gemm(const __grid_constant__ GroupTable table) {
  __shared__ float as[kTile][kTile + 1];
  __shared__ float bs[kTile][kTile + 1];
  const GkGemmGroup& p = table.g[blockIdx.z];
  // The grid covers the largest group; a block past this group's D has nothing to do (the whole
  // block leaves, so no __syncthreads below is left waiting).
  if (int(blockIdx.y) * kTile >= p.m || int(blockIdx.x) * kTile >= p.n) return;
  const void* b = p.b;
  int64_t ldb = p.ldb;
#if GK_SELFTEST_GROUPED_BUG_KIND == 1
  // The bug: group 0's B for every group, wherever it is big enough to be read without faulting.
  if (table.g[0].n >= p.n && table.g[0].k >= p.k) {
    b = table.g[0].b;
    ldb = table.g[0].ldb;
  }
#endif
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * kTile + ty;   // of A and D
  const int col = blockIdx.x * kTile + tx;   // of B^T and D
  const int brow = blockIdx.x * kTile + ty;  // row of B this thread loads
  float acc = 0.f;
  for (int k0 = 0; k0 < p.k; k0 += kTile) {
    const int kk = k0 + tx;
    as[ty][tx] = (row < p.m && kk < p.k) ? load<kA>(p.a, size_t(row) * p.lda + kk) : 0.f;
    bs[ty][tx] = (brow < p.n && kk < p.k) ? load<kB>(b, size_t(brow) * ldb + kk) : 0.f;
    __syncthreads();
#pragma unroll
    for (int i = 0; i < kTile; ++i) acc = fmaf(as[ty][i], bs[tx][i], acc);
    __syncthreads();
  }
#if GK_SELFTEST_GROUPED_BUG_KIND == 2
  if (row == p.m - 1) return;  // the bug: the group's last row stays unwritten
#endif
  if (row < p.m && col < p.n) store<kOut>(p.d, size_t(row) * p.ldd + col, acc);
#if GK_SELFTEST_GROUPED_BUG_KIND == 3
  if (row == p.m - 1 && col < p.n) store<kOut>(p.d, size_t(row + 1) * p.ldd + col, acc);  // the bug: one row too many
#endif
}

// gk_check's messages name the rule and the group; one buffer, as the ABI allows one caller at a time.
char g_message[512];
template <class... Args>
const char* refuse(const char* format, Args... args) {
  std::snprintf(g_message, sizeof g_message, format, args...);
  return g_message;
}

bool aligned(const void* p, int bytes) { return reinterpret_cast<uintptr_t>(p) % static_cast<uintptr_t>(bytes) == 0; }

const GkKernelInfo kInfo = {
    /*name=*/"selftest_grouped", /*target=*/GK_SELFTEST_TARGET, kA, kB, kOut,
    /*tile_m=*/kTile, /*tile_n=*/kTile, /*tile_k=*/kTile, /*cluster_m=*/1, /*cluster_n=*/1,
    /*stages=*/1, /*threads=*/kTile * kTile, /*smem_bytes=*/int(2 * kTile * (kTile + 1) * sizeof(float)),
    /*split_k=*/1, /*scale=*/GkDType{}, /*scale_vector=*/0, /*op=*/GK_OP_GROUPED_GEMM,
    /*alpha=*/0, /*bias_type=*/GkDType{}, /*bias=*/0, /*activation=*/GK_ACT_NONE, /*max_groups=*/kMaxGroups,
};

}  // namespace

extern "C" const GkKernelInfo* gk_kernel_info() { return &kInfo; }

extern "C" const char* gk_check(const GkGemmArgs* args) {
  if (!args) return "GK-ARGS: no arguments given";
  if (args->a_type != kA || args->b_type != kB || args->d_type != kOut)
    return refuse("GK-DTYPE: selftest_grouped was built for A %s, B %s, D %s but was given A %s, B %s, D %s", dtype_name(kA),
                  dtype_name(kB), dtype_name(kOut), dtype_name(args->a_type), dtype_name(args->b_type), dtype_name(args->d_type));
  if (args->groups < 1 || args->groups > kMaxGroups)
    return refuse("GK-GROUPS: selftest_grouped takes 1 to %d groups per launch; got %d", kMaxGroups, args->groups);
  if (!args->group_list) return refuse("GK-GROUPS: group_list is null for %d groups", args->groups);
  for (int g = 0; g < args->groups; ++g) {
    const GkGemmGroup& p = args->group_list[g];
    if (p.m <= 0 || p.n <= 0 || p.k <= 0)
      return refuse("GK-SHAPE: group %d: M, N and K must be positive; got M=%d N=%d K=%d", g, p.m, p.n, p.k);
    if (p.lda < p.k || p.ldb < p.k || p.ldd < p.n)
      return refuse("GK-STRIDE: group %d: need lda >= K, ldb >= K, ldd >= N; got lda=%lld ldb=%lld ldd=%lld (K=%d N=%d)", g,
                    (long long)p.lda, (long long)p.ldb, (long long)p.ldd, p.k, p.n);
    // Scalar loads and stores: each tensor aligned to its element.
    if (!aligned(p.a, dtype_bytes(kA)) || !aligned(p.b, dtype_bytes(kB)) || !aligned(p.d, dtype_bytes(kOut)))
      return refuse("GK-ALIGN: group %d: A, B and D must be aligned to their element sizes (A=%p B=%p D=%p)", g, p.a, p.b, p.d);
    // gridDim.y covers the largest M in tiles of 16.
    if ((p.m + kTile - 1) / kTile > 65535) return refuse("GK-GRID: group %d: M=%d is too large for this kernel (M <= 1048560)", g, p.m);
  }
  return nullptr;
}

extern "C" size_t gk_workspace_bytes(const GkGemmArgs*) { return kWorkspaceBytes; }

extern "C" cudaError_t gk_launch(const GkGemmArgs* args, cudaStream_t stream) {
  if (gk_check(args) != nullptr) return cudaErrorInvalidValue;
  if (!args->workspace || args->workspace_bytes < kWorkspaceBytes) return cudaErrorInvalidValue;
  GroupTable table{};
  table.groups = args->groups;
  int max_m = 0, max_n = 0;
  for (int g = 0; g < args->groups; ++g) {
    const GkGemmGroup& p = args->group_list[g];
    if (!p.a || !p.b || !p.d) return cudaErrorInvalidValue;
    table.g[g] = p;
    max_m = p.m > max_m ? p.m : max_m;
    max_n = p.n > max_n ? p.n : max_n;
  }
  const dim3 block(kTile, kTile);
  const dim3 grid((max_n + kTile - 1) / kTile, (max_m + kTile - 1) / kTile, args->groups);
  grouped_naive_gemm<<<grid, block, 0, stream>>>(table);
  return cudaGetLastError();
}
