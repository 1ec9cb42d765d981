// A deliberately simple, correct SIMT GEMM that implements the kernel ABI, used to test the
// runner itself (build it with runner/build.sh like any generated kernel).
//
// Dtypes are chosen at compile time:
//   -DGK_SELFTEST_A=GK_E4M3 -DGK_SELFTEST_B=GK_E4M3 -DGK_SELFTEST_OUT=GK_BF16
// inputs may be any operand GkDType (e2m1 included), the output bf16 / fp16 / fp32. Default:
// bf16 x bf16 -> bf16. Accumulates in fp32 (like a tensor-core kernel), so it should pass the
// runner's tolerances.
// Block-scaled (the runner then allocates, fills and checks sfa / sfb):
//   NVFP4: -DGK_SELFTEST_A=GK_E2M1 -DGK_SELFTEST_B=GK_E2M1 -DGK_SELFTEST_SCALE=GK_UE4M3 -DGK_SELFTEST_VEC=16
//   MXFP8: -DGK_SELFTEST_A=GK_E4M3 -DGK_SELFTEST_B=GK_E4M3 -DGK_SELFTEST_SCALE=GK_UE8M0 -DGK_SELFTEST_VEC=32
// Each element is dequantised (value x the scale of its (row, k / VEC) block) as it is staged; the
// e2m1 / ue4m3 / ue8m0 decoders and the blocked-layout offset below are written independently of the
// runner's (reference.cu), so a layout or decoding bug in either shows up as a failure.
// Dual GEMM (GkKernelInfo::op GK_OP_DUAL_GEMM_SILU_MUL): -DGK_SELFTEST_DUAL makes it compute
// D = silu(A·Bᵀ) ⊙ (A·B2ᵀ), both products and the gate in fp32, one rounding to D's dtype; with any of
// the dtypes above, block-scaled ones included (then A·Bᵀ uses the scales (sfa, sfb) and A·B2ᵀ (sfa,
// sfb2)). Its gk_check refuses a null or misaligned b2 (GK-B2) and, block-scaled, sfb2 (GK-SCALES).
// Optional knobs for testing the runner's failure paths:
//   -DGK_SELFTEST_SKIP_LAST_ROW   leaves the last row of D unwritten (-> "fail", unwritten > 0)
//   -DGK_SELFTEST_WORKSPACE=BYTES asks for a workspace and writes to it (checks the plumbing)
//   -DGK_SELFTEST_SCALE_BUG       reads the scales with the row quadrant and the column swapped inside
//                                 each 512-byte atom (a layout bug: -> "fail")
//   -DGK_SELFTEST_LAX_CHECK       gk_check skips its e2m1 / scale-vector K rules, so the runner's own
//                                 refusals (odd K for e2m1, K not a multiple of VEC) are what you see
//   -DGK_SELFTEST_DUAL_SCALE_BUG  (block-scaled dual builds) A·B2ᵀ reads B2 with sfb instead of sfb2
//                                 (-> "fail")
#include <cstdint>
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
#ifndef GK_SELFTEST_VEC
#define GK_SELFTEST_VEC 0  // K elements per scale; 0: a plain GEMM
#endif
#ifndef GK_SELFTEST_SCALE
#define GK_SELFTEST_SCALE GK_UE4M3  // used only when GK_SELFTEST_VEC > 0
#endif
#if defined(GK_SELFTEST_DUAL_SCALE_BUG) && !defined(GK_SELFTEST_DUAL)
#error "GK_SELFTEST_DUAL_SCALE_BUG is a bug of the dual GEMM: build with -DGK_SELFTEST_DUAL too"
#endif
// build.sh defines GK_BUILD_SM (90 for sm_90a, 100 for sm_100a) from its target argument.
#if defined(GK_BUILD_SM) && GK_BUILD_SM == 100
#define GK_SELFTEST_TARGET "sm_100a"
#else
#define GK_SELFTEST_TARGET "sm_90a"
#endif

namespace {

constexpr GkDType kA = GK_SELFTEST_A, kB = GK_SELFTEST_B, kOut = GK_SELFTEST_OUT;
constexpr GkDType kScale = GK_SELFTEST_SCALE;
constexpr int kVec = GK_SELFTEST_VEC;
constexpr int kVecDiv = kVec > 0 ? kVec : 1;  // a divisor that is never 0 (plain builds)
#ifdef GK_SELFTEST_DUAL
constexpr bool kDual = true;
#else
constexpr bool kDual = false;
#endif
#ifdef GK_SELFTEST_DUAL_SCALE_BUG
constexpr bool kDualScaleBug = true;
#else
constexpr bool kDualScaleBug = false;
#endif
static_assert(kOut == GK_BF16 || kOut == GK_FP16 || kOut == GK_FP32, "selftest output must be bf16/fp16/fp32");
static_assert(kVec >= 0, "GK_SELFTEST_VEC must be >= 0");
static_assert(kVec == 0 || kScale == GK_UE4M3 || kScale == GK_UE8M0, "GK_SELFTEST_SCALE must be GK_UE4M3 or GK_UE8M0");
// Without block scales B2 has no scales to mix up: the bug would change nothing.
static_assert(!kDualScaleBug || kVec > 0, "GK_SELFTEST_DUAL_SCALE_BUG needs a block-scaled build (GK_SELFTEST_VEC > 0)");
constexpr int kTile = 16;

// e2m1 codes: bit 3 the sign, then magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6.
__constant__ float kE2M1[16] = {0.f,  0.5f,  1.f,  1.5f,  2.f,  3.f,  4.f,  6.f,
                                -0.f, -0.5f, -1.f, -1.5f, -2.f, -3.f, -4.f, -6.f};

// A scale byte as fp32, from its bits (the runner's reference uses CUDA's converters instead).
__device__ __forceinline__ float decode_scale(unsigned byte) {
  if constexpr (kScale == GK_UE4M3) {  // eeee mmm after an ignored top bit, bias 7, subnormal when e == 0
    const unsigned e = (byte >> 3) & 0xF, m = byte & 7;
    if (e == 0) return static_cast<float>(m) * (1.0f / 512.0f);  // m * 2^-3 * 2^-6
    return __uint_as_float(((e + 120u) << 23) | (m << 20));      // fp32 exponent e - 7 + 127
  } else {  // ue8m0: byte is the fp32 exponent field itself (2^-127 is fp32's subnormal 0x00400000)
    return byte == 0 ? __uint_as_float(0x00400000u) : __uint_as_float(byte << 23);
  }
}

// Where the scale of (row, scale column col) lives: split row = 128 * rb + 32 * q + r and
// col = 4 * cb + c; atoms (512 bytes) are numbered rb * col_blocks + cb, and inside one the byte
// is r * 16 + q * 4 + c (the tensor view (32, 4, rest_m, 4, rest_k) of the suite's layout).
__device__ __forceinline__ size_t scale_offset(int row, int col, int col_blocks) {
  const unsigned r = row & 31, q = (row >> 5) & 3, c = col & 3;
  const size_t atom = size_t(row >> 7) * col_blocks + (col >> 2);
#ifdef GK_SELFTEST_SCALE_BUG
  return (atom << 9) | (r << 4) | (c << 2) | q;  // deliberately wrong: q and c swapped
#else
  return (atom << 9) | (r << 4) | (q << 2) | c;
#endif
}

template <GkDType T>
__device__ __forceinline__ float load(const void* p, size_t i) {
  if constexpr (T == GK_BF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  else if constexpr (T == GK_FP16) return __half2float(static_cast<const __half*>(p)[i]);
  else if constexpr (T == GK_FP32) return static_cast<const float*>(p)[i];
  else if constexpr (T == GK_E4M3)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E4M3)));
  else if constexpr (T == GK_E5M2)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E5M2)));
  else {
    static_assert(T == GK_E2M1, "selftest inputs: bf16, fp16, fp32, e4m3, e5m2 or e2m1");
    const unsigned byte = static_cast<const unsigned char*>(p)[i >> 1];
    return kE2M1[(byte >> ((i & 1) * 4)) & 0xF];  // element 2j low nibble, 2j+1 high nibble
  }
}

// Element (row, kk) of a K-major operand, dequantised with its block scale when kVec > 0.
template <GkDType T>
__device__ __forceinline__ float load_operand(const void* p, int64_t ld, const void* sf, int row, int kk,
                                              int col_blocks) {
  float v = load<T>(p, size_t(row) * ld + kk);
  if constexpr (kVec > 0) v *= decode_scale(static_cast<const unsigned char*>(sf)[scale_offset(row, kk / kVecDiv, col_blocks)]);
  return v;
}

template <GkDType T>
__device__ __forceinline__ void store(void* p, size_t i, float v) {
  if constexpr (T == GK_BF16) static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(v);
  else if constexpr (T == GK_FP16) static_cast<__half*>(p)[i] = __float2half_rn(v);
  else static_cast<float*>(p)[i] = v;
}

// The dual GEMM's gate in fp32: silu(g) = g / (1 + e^-g) (e^-g overflowing to inf gives -0, the limit).
__device__ __forceinline__ float silu(float g) { return g / (1.0f + expf(-g)); }

// One output per thread, 16x16 tiles of A and B (and, dual, B2) staged through shared memory.
__global__ void naive_gemm(GkGemmArgs args) {
  __shared__ float as[kTile][kTile + 1];
  __shared__ float bs[kTile][kTile + 1];
  __shared__ float b2s[kDual ? kTile : 1][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * kTile + ty;  // of A and D
  const int col = blockIdx.x * kTile + tx;  // of B^T and D
  const int brow = blockIdx.x * kTile + ty;  // row of B this thread loads
  // Scale columns ceil(K / VEC), in blocks of 4 (the layout pads them to a multiple of 4).
  const int col_blocks = ((args.k + kVecDiv - 1) / kVecDiv + 3) / 4;
  // B2's scales: sfb2 (the bug switch reads B's instead).
  const void* sf_b2 = kDualScaleBug ? args.sfb : args.sfb2;
  float acc = 0.f, acc2 = 0.f;  // A·Bᵀ and (dual) A·B2ᵀ
  for (int k0 = 0; k0 < args.k; k0 += kTile) {
    const int kk = k0 + tx;
    as[ty][tx] = (row < args.m && kk < args.k) ? load_operand<kA>(args.a, args.lda, args.sfa, row, kk, col_blocks) : 0.f;
    bs[ty][tx] = (brow < args.n && kk < args.k) ? load_operand<kB>(args.b, args.ldb, args.sfb, brow, kk, col_blocks) : 0.f;
    if constexpr (kDual)
      b2s[ty][tx] = (brow < args.n && kk < args.k) ? load_operand<kB>(args.b2, args.ldb2, sf_b2, brow, kk, col_blocks) : 0.f;
    __syncthreads();
#pragma unroll
    for (int i = 0; i < kTile; ++i) {
      acc = fmaf(as[ty][i], bs[tx][i], acc);
      if constexpr (kDual) acc2 = fmaf(as[ty][i], b2s[tx][i], acc2);
    }
    __syncthreads();
  }
  if constexpr (kDual) acc = silu(acc) * acc2;
#ifdef GK_SELFTEST_SKIP_LAST_ROW
  if (row == args.m - 1) return;
#endif
  if (row < args.m && col < args.n) store<kOut>(args.d, size_t(row) * args.ldd + col, acc);
  if (args.workspace && row == 0 && col == 0) static_cast<unsigned char*>(args.workspace)[0] = 1;
}

const GkKernelInfo kInfo = {
    /*name=*/kDual ? "selftest_naive_dual" : "selftest_naive", /*target=*/GK_SELFTEST_TARGET, kA, kB, kOut,
    /*tile_m=*/kTile, /*tile_n=*/kTile, /*tile_k=*/kTile, /*cluster_m=*/1, /*cluster_n=*/1,
    /*stages=*/1, /*threads=*/kTile * kTile, /*smem_bytes=*/int((kDual ? 3 : 2) * kTile * (kTile + 1) * sizeof(float)),
    /*split_k=*/1, /*scale=*/kVec > 0 ? kScale : GkDType{}, /*scale_vector=*/kVec,
    /*op=*/kDual ? GK_OP_DUAL_GEMM_SILU_MUL : GK_OP_GEMM,
};

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

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
  if (kDual && p->ldb2 < p->k) return "ldb2 must be >= k";
#ifndef GK_SELFTEST_LAX_CHECK  // leaves these K rules to the runner's own refusals (to test those)
  if (kA == GK_E2M1 || kB == GK_E2M1) {
    if (p->k % 2) return "e2m1 operands need an even k (two elements per byte)";
    if ((kA == GK_E2M1 && p->lda % 2) || (kB == GK_E2M1 && p->ldb % 2)) return "e2m1 rows must start on a byte: lda, ldb even";
    if (kDual && kB == GK_E2M1 && p->ldb2 % 2) return "e2m1 rows must start on a byte: ldb2 even";
  }
  if (kVec > 0 && p->k % kVecDiv) return "k must be a multiple of the scale vector (GK_SELFTEST_VEC)";
#endif
  if ((p->m + kTile - 1) / kTile > 65535) return "m too large for this kernel's grid (m <= 1048560)";
  // The dual GEMM's second operand and its scales, last: the K rules above are what a caller that
  // has not allocated anything yet (null pointers) hears first.
  if (kDual) {
    if (!p->b2) return "GK-B2: selftest_naive_dual is a dual GEMM (silu(A·Bᵀ) ⊙ (A·B2ᵀ)): b2 must point to B2 (n x k, K-major), got null";
    if (!aligned16(p->b2)) return "GK-B2: b2 must start on a 16-byte boundary";
    if (kVec > 0) {
      if (!p->sfb2) return "GK-SCALES: a block-scaled dual GEMM needs sfb2, the scales of B2 (blocked layout), got null";
      if (!aligned16(p->sfb2)) return "GK-SCALES: sfb2 must start on a 16-byte boundary";
    }
  }
  return nullptr;
}

extern "C" size_t gk_workspace_bytes(const GkGemmArgs*) { return GK_SELFTEST_WORKSPACE; }

extern "C" cudaError_t gk_launch(const GkGemmArgs* p, cudaStream_t stream) {
  if (gk_check(p) != nullptr) return cudaErrorInvalidValue;
  if (!p->a || !p->b || !p->d) return cudaErrorInvalidValue;
  if (kVec > 0 && (!p->sfa || !p->sfb)) return cudaErrorInvalidValue;
  if (GK_SELFTEST_WORKSPACE > 0 && (!p->workspace || p->workspace_bytes < size_t(GK_SELFTEST_WORKSPACE)))
    return cudaErrorInvalidValue;
  dim3 block(kTile, kTile);
  dim3 grid((p->n + kTile - 1) / kTile, (p->m + kTile - 1) / kTile);
  naive_gemm<<<grid, block, 0, stream>>>(*p);
  return cudaGetLastError();
}
