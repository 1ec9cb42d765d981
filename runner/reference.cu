#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp4.h>
#include <cuda_fp8.h>

#include <cmath>
#include <string>

#include "common.h"
#include "reference.h"

namespace gkr {
namespace {

// Blocks of a grid-stride loop over `count` elements: one per `threads` elements, at most 65536.
unsigned grid_for(size_t count, int threads) {
  const size_t want = (count + threads - 1) / threads;
  return static_cast<unsigned>(want < 65536 ? want : 65536);
}

template <GkDType T>
__device__ __forceinline__ float load_as_float(const void* p, size_t i) {
  if constexpr (T == GK_BF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  else if constexpr (T == GK_FP16) return __half2float(static_cast<const __half*>(p)[i]);
  else if constexpr (T == GK_FP32) return static_cast<const float*>(p)[i];
  else if constexpr (T == GK_E4M3)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E4M3)));
  else if constexpr (T == GK_E5M2)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<const __nv_fp8_storage_t*>(p)[i], __NV_E5M2)));
  else {  // GK_E2M1: element i is in byte i / 2, the low nibble for even i
    static_assert(T == GK_E2M1, "load_as_float: not an operand dtype");
    const uint8_t byte = static_cast<const uint8_t*>(p)[i / 2];
    const __nv_fp4_storage_t code = static_cast<__nv_fp4_storage_t>((i % 2) ? (byte >> 4) : (byte & 0xF));
    return __half2float(__half(__nv_cvt_fp4_to_halfraw(code, __NV_E2M1)));
  }
}

// Byte offset of the scale of (row, scale column col) in the blocked layout (gemmkit_abi.h;
// ../shared/problems/nvfp4-suite.json "scale_blocked_layout"), cols_padded = ceil(ceil(K / vec) / 4) * 4:
//   128 rows x 4 scale columns form one 512-byte atom;
//   inside the atom: (row % 32) * 16 + ((row % 128) / 32) * 4 + (col % 4)
//   atom index:      (row / 128) * (cols_padded / 4) + col / 4
__device__ __forceinline__ size_t blocked_scale_offset(int64_t row, int64_t col, int64_t cols_padded) {
  const int64_t atom = (row / 128) * (cols_padded / 4) + col / 4;
  return static_cast<size_t>(atom * 512 + (row % 32) * 16 + ((row % 128) / 32) * 4 + (col % 4));
}

// ue4m3: the bits of an e4m3 read as a non-negative number; ue8m0: 2^(byte - 127). Exact in fp32.
__device__ __forceinline__ float scale_value(uint8_t byte, GkDType type) {
  if (type == GK_UE4M3)
    return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(byte & 0x7F), __NV_E4M3)));
  return ldexpf(1.0f, static_cast<int>(byte) - 127);
}

// rows x cols (leading dimension ld, in elements) of dtype T -> dense rows x cols fp32, each value
// times the scale of its (row, col / vec) block when sf is not null. Exact (see reference.h).
template <GkDType T>
__global__ void dequant_kernel(const void* src, int64_t ld, float* dst, int rows, int cols, const uint8_t* sf,
                               GkDType sf_type, int vec, int64_t sf_cols_padded) {
  size_t total = static_cast<size_t>(rows) * cols;
  size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride) {
    size_t r = i / cols, c = i % cols;
    float v = load_as_float<T>(src, r * static_cast<size_t>(ld) + c);
    if (sf) v *= scale_value(sf[blocked_scale_offset(r, c / vec, sf_cols_padded)], sf_type);
    dst[i] = v;
  }
}

void dequantize(const void* src, GkDType t, int64_t ld, float* dst, int rows, int cols, const void* sf_ptr,
                const RefScales& sc, cudaStream_t s) {
  const int threads = 256;
  size_t total = static_cast<size_t>(rows) * cols;
  const unsigned blocks = grid_for(total, threads);
  const uint8_t* sf = sc.vector > 0 ? static_cast<const uint8_t*>(sf_ptr) : nullptr;
  if (sc.vector > 0 && (!sf || !dtype_is_scale(sc.type)))
    throw std::runtime_error("reference: block-scaled GEMM without scale factors of a scale dtype");
  const int vec = sc.vector > 0 ? sc.vector : 1;
  const int64_t cp = sc.vector > 0 ? scale_cols_padded(cols, sc.vector) : 0;
  switch (t) {
    case GK_BF16: dequant_kernel<GK_BF16><<<blocks, threads, 0, s>>>(src, ld, dst, rows, cols, sf, sc.type, vec, cp); break;
    case GK_FP16: dequant_kernel<GK_FP16><<<blocks, threads, 0, s>>>(src, ld, dst, rows, cols, sf, sc.type, vec, cp); break;
    case GK_FP32: dequant_kernel<GK_FP32><<<blocks, threads, 0, s>>>(src, ld, dst, rows, cols, sf, sc.type, vec, cp); break;
    case GK_E4M3: dequant_kernel<GK_E4M3><<<blocks, threads, 0, s>>>(src, ld, dst, rows, cols, sf, sc.type, vec, cp); break;
    case GK_E5M2: dequant_kernel<GK_E5M2><<<blocks, threads, 0, s>>>(src, ld, dst, rows, cols, sf, sc.type, vec, cp); break;
    case GK_E2M1: dequant_kernel<GK_E2M1><<<blocks, threads, 0, s>>>(src, ld, dst, rows, cols, sf, sc.type, vec, cp); break;
    case GK_UE4M3: case GK_UE8M0: throw std::runtime_error("reference: a scale dtype is not an operand dtype");
    default: throw std::runtime_error("reference: unknown input dtype");
  }
  GKR_CHECK_LAUNCH();
}

// Classic shared-memory tiled GEMM in fp64: a 64x64 output tile per 256-thread block, each
// thread owns a 4x4 sub-grid (rows ty + 16 i, columns tx + 16 j), K staged 16 at a time.
constexpr int kTile = 64;
constexpr int kTileK = 16;

__global__ void __launch_bounds__(256)
reference_fp64_kernel(const float* __restrict__ a, const float* __restrict__ b,
                      double* __restrict__ d, int m, int n, int k) {
  __shared__ double as[kTileK][kTile + 1];
  __shared__ double bs[kTileK][kTile + 1];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int row0 = blockIdx.y * kTile, col0 = blockIdx.x * kTile;
  double acc[4][4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) acc[i][j] = 0.0;

  for (int k0 = 0; k0 < k; k0 += kTileK) {
    for (int e = threadIdx.x; e < kTile * kTileK; e += blockDim.x) {
      const int r = e / kTileK, c = e % kTileK;
      const int gk = k0 + c;
      const int ga = row0 + r, gb = col0 + r;
      as[c][r] = (ga < m && gk < k) ? static_cast<double>(a[static_cast<size_t>(ga) * k + gk]) : 0.0;
      bs[c][r] = (gb < n && gk < k) ? static_cast<double>(b[static_cast<size_t>(gb) * k + gk]) : 0.0;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kTileK; ++kk) {
      double av[4], bv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) av[i] = as[kk][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = bs[kk][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty + 16 * i;
    if (r >= m) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx + 16 * j;
      if (c < n) d[static_cast<size_t>(r) * n + c] = acc[i][j];
    }
  }
}

// silu(x) = x / (1 + e^-x) in fp64: the dual GEMM's gate and the silu activation.
__device__ __forceinline__ double silu_fp64(double x) { return x / (1.0 + exp(-x)); }

__global__ void silu_mul_fp64_kernel(double* __restrict__ gate, const double* __restrict__ up, size_t count) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    gate[i] = silu_fp64(gate[i]) * up[i];
  }
}

// The epilogue in fp64, in place: y = alpha·x, y += bias[j], y = act(y) (the order of gemmkit_abi.h).
// Bias entry of element i: its column (i % cols), or with bias_period > 0 its row modulo bias_period
// (a GEMV's (batch, row) rows share one bias per row).
template <GkDType B>
__global__ void epilogue_fp64_kernel(double* __restrict__ d, size_t count, int cols, double alpha, const void* bias,
                                     int bias_period, int activation) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    double y = alpha * d[i];
    if (bias) {
      const size_t j = bias_period > 0 ? (i / cols) % bias_period : i % cols;
      y += static_cast<double>(load_as_float<B>(bias, j));  // exact: the widening of a bf16 / fp16 / fp32 value
    }
    switch (activation) {
      case GK_ACT_RELU: y = y < 0.0 ? 0.0 : y; break;
      case GK_ACT_GELU: y = 0.5 * y * (1.0 + erf(y * 0.70710678118654752440)); break;
      case GK_ACT_SILU: y = silu_fp64(y); break;
      default: break;
    }
    d[i] = y;
  }
}

__global__ void sum_squares_kernel(const double* __restrict__ d, size_t count, double* out) {
  double s = 0;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) s += d[i] * d[i];
  for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
  if (threadIdx.x % 32 == 0) atomicAdd(out, s);
}

}  // namespace

void reference_epilogue(double* d, int rows, int cols, const RefEpilogue& e, cudaStream_t stream) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (count == 0) return;
  if (e.bias && e.bias_type != GK_BF16 && e.bias_type != GK_FP16 && e.bias_type != GK_FP32)
    throw std::runtime_error(std::string("reference: bias dtype ") + dtype_name(e.bias_type) + " (want bf16, fp16 or fp32)");
  const int threads = 256;
  const unsigned blocks = grid_for(count, threads);
  switch (e.bias ? e.bias_type : GK_FP32) {
    case GK_BF16: epilogue_fp64_kernel<GK_BF16><<<blocks, threads, 0, stream>>>(d, count, cols, e.alpha, e.bias, e.bias_period, e.activation); break;
    case GK_FP16: epilogue_fp64_kernel<GK_FP16><<<blocks, threads, 0, stream>>>(d, count, cols, e.alpha, e.bias, e.bias_period, e.activation); break;
    default: epilogue_fp64_kernel<GK_FP32><<<blocks, threads, 0, stream>>>(d, count, cols, e.alpha, e.bias, e.bias_period, e.activation); break;
  }
  GKR_CHECK_LAUNCH();
  GKR_CHECK(cudaStreamSynchronize(stream));
}

double reference_rms(const double* d, size_t count, cudaStream_t stream) {
  if (count == 0) return 0;
  DeviceBuffer sum(sizeof(double));
  GKR_CHECK(cudaMemsetAsync(sum.get(), 0, sizeof(double), stream));
  sum_squares_kernel<<<grid_for(count, 256), 256, 0, stream>>>(d, count, sum.as<double>());
  GKR_CHECK_LAUNCH();
  double h = 0;
  GKR_CHECK(cudaMemcpyAsync(&h, sum.get(), sizeof h, cudaMemcpyDeviceToHost, stream));
  GKR_CHECK(cudaStreamSynchronize(stream));
  return std::sqrt(h / static_cast<double>(count));
}

void reference_silu_mul(double* gate, const double* up, size_t count, cudaStream_t stream) {
  if (count == 0) return;
  const int threads = 256;
  const unsigned blocks = grid_for(count, threads);
  silu_mul_fp64_kernel<<<blocks, threads, 0, stream>>>(gate, up, count);
  GKR_CHECK_LAUNCH();
  GKR_CHECK(cudaStreamSynchronize(stream));
}

void reference_gemm(const void* a, GkDType a_type, int64_t lda, const void* b, GkDType b_type,
                    int64_t ldb, double* d_ref, int m, int n, int k, cudaStream_t stream, const RefScales& scales) {
  DeviceBuffer af(static_cast<size_t>(m) * k * sizeof(float));
  DeviceBuffer bf(static_cast<size_t>(n) * k * sizeof(float));
  dequantize(a, a_type, lda, af.as<float>(), m, k, scales.sfa, scales, stream);
  dequantize(b, b_type, ldb, bf.as<float>(), n, k, scales.sfb, scales, stream);
  dim3 grid((n + kTile - 1) / kTile, (m + kTile - 1) / kTile);
  if (grid.y > 65535) throw std::runtime_error("reference: m too large for the reference grid");
  reference_fp64_kernel<<<grid, 256, 0, stream>>>(af.as<float>(), bf.as<float>(), d_ref, m, n, k);
  GKR_CHECK_LAUNCH();
  GKR_CHECK(cudaStreamSynchronize(stream));  // the temporaries are freed on return
}

}  // namespace gkr
