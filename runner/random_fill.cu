#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "common.h"
#include "random_fill.h"

namespace gkr {
namespace {

// 64-bit finaliser (xor-shift / multiply rounds): a bijection with good avalanche.
__host__ __device__ __forceinline__ uint64_t mix64(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ULL;
  x ^= x >> 27;
  x *= 0x81dadef4bc2dd44dULL;
  x ^= x >> 33;
  return x;
}

__host__ __device__ __forceinline__ uint64_t hash_bits(uint64_t seed, uint32_t tensor, uint64_t i) {
  uint64_t key = mix64(seed * 0x9e3779b97f4a7c15ULL + tensor);
  return mix64(key ^ (i * 0xd1b54a32d192ed03ULL + 0x632be59bd9b4e019ULL));
}

__device__ __forceinline__ float hash_uniform01(uint64_t seed, uint32_t tensor, uint64_t i) {
  return static_cast<float>(hash_bits(seed, tensor, i) >> 40) * (1.0f / 16777216.0f);  // 24 random bits -> [0, 1)
}

// e2m1: byte i holds elements 2i (low nibble) and 2i+1 (high nibble), two random 4-bit codes.
__global__ void fill_e2m1_kernel(uint8_t* dst, size_t bytes, uint64_t seed, uint32_t tensor) {
  size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < bytes; i += stride)
    dst[i] = static_cast<uint8_t>(hash_bits(seed, tensor, i) >> 56);
}

// Walks the allocation byte by byte and inverts the blocked layout (gemmkit_abi.h): byte
// atom * 512 + (row % 32) * 16 + ((row % 128) / 32) * 4 + col % 4, atom = (row / 128) * (cols_padded / 4)
// + col / 4. So every byte, padding included, is written exactly once.
template <GkDType S>
__global__ void fill_scales_kernel(uint8_t* dst, size_t bytes, int rows, int64_t cols, int64_t cols_padded,
                                   uint64_t seed, uint32_t tensor) {
  size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  const int64_t atoms_per_row_block = cols_padded / 4;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < bytes; i += stride) {
    const int64_t atom = static_cast<int64_t>(i / 512);
    const int in_atom = static_cast<int>(i % 512);
    const int64_t row = (atom / atoms_per_row_block) * 128 + ((in_atom % 16) / 4) * 32 + in_atom / 16;
    const int64_t col = (atom % atoms_per_row_block) * 4 + in_atom % 4;
    uint8_t v = 0;
    if (row < rows && col < cols) {
      const uint64_t h = hash_bits(seed, tensor, static_cast<uint64_t>(row * cols + col));
      const unsigned hi = static_cast<unsigned>(h >> 32);
      if constexpr (S == GK_UE4M3)  // exponent field 5..8 (bias 7), any mantissa: 0.25 .. 3.75
        v = static_cast<uint8_t>(((5u + hi % 4u) << 3) | ((h >> 16) & 7u));
      else  // 2^-2 .. 2^2
        v = static_cast<uint8_t>(125u + hi % 5u);
    }
    dst[i] = v;
  }
}

unsigned grid_for(size_t count, int threads) {
  size_t want = (count + threads - 1) / threads;
  return static_cast<unsigned>(want < 65536 ? want : 65536);
}

template <GkDType T>
__global__ void fill_kernel(void* dst, size_t count, uint64_t seed, uint32_t tensor, float scale) {
  size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    float u = hash_uniform01(seed, tensor, i);
    if constexpr (T == GK_BF16) {
      static_cast<__nv_bfloat16*>(dst)[i] = __float2bfloat16_rn(scale * (2.0f * u - 1.0f));
    } else if constexpr (T == GK_FP16) {
      static_cast<__half*>(dst)[i] = __float2half_rn(scale * (2.0f * u - 1.0f));
    } else if constexpr (T == GK_FP32) {
      static_cast<float*>(dst)[i] = scale * (2.0f * u - 1.0f);
    } else if constexpr (T == GK_E4M3) {
      static_cast<__nv_fp8_storage_t*>(dst)[i] = __nv_cvt_float_to_fp8(4.0f * u - 2.0f, __NV_SATFINITE, __NV_E4M3);
    } else {
      static_cast<__nv_fp8_storage_t*>(dst)[i] = __nv_cvt_float_to_fp8(4.0f * u - 2.0f, __NV_SATFINITE, __NV_E5M2);
    }
  }
}

}  // namespace

double random_unit(uint64_t seed, uint32_t tensor_id, uint64_t i) {
  return static_cast<double>(hash_bits(seed, tensor_id, i) >> 11) * (1.0 / 9007199254740992.0);  // 53 bits -> [0, 1)
}

void fill_random(void* dst, GkDType t, size_t count, uint64_t seed, uint32_t tensor_id,
                 cudaStream_t stream, float scale) {
  if (count == 0) return;
  if (scale != 1.0f && t != GK_BF16 && t != GK_FP16 && t != GK_FP32)
    throw std::runtime_error(std::string("fill_random: a scaled fill is bf16, fp16 or fp32, not ") + dtype_name(t));
  const int threads = 256;
  const unsigned blocks = grid_for(count, threads);
  switch (t) {
    case GK_BF16: fill_kernel<GK_BF16><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id, scale); break;
    case GK_FP16: fill_kernel<GK_FP16><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id, scale); break;
    case GK_FP32: fill_kernel<GK_FP32><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id, scale); break;
    case GK_E4M3: fill_kernel<GK_E4M3><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id, scale); break;
    case GK_E5M2: fill_kernel<GK_E5M2><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id, scale); break;
    case GK_E2M1:
      if (count % 2) throw std::runtime_error("fill_random: e2m1 needs an even element count");
      fill_e2m1_kernel<<<grid_for(count / 2, threads), threads, 0, stream>>>(static_cast<uint8_t*>(dst), count / 2,
                                                                             seed, tensor_id);
      break;
    case GK_UE4M3: case GK_UE8M0: throw std::runtime_error("fill_random: scale dtypes are filled by fill_block_scales");
    default: throw std::runtime_error("fill_random: unknown dtype");
  }
  GKR_CHECK_LAUNCH();
}

void fill_block_scales(void* dst, GkDType scale_type, int rows, int k, int vec, uint64_t seed,
                       uint32_t tensor_id, cudaStream_t stream) {
  const size_t bytes = scale_layout_bytes(rows, k, vec);
  if (bytes == 0) return;
  const int threads = 256;
  const unsigned blocks = grid_for(bytes, threads);
  uint8_t* p = static_cast<uint8_t*>(dst);
  const int64_t cols = scale_cols(k, vec), cols_padded = scale_cols_padded(k, vec);
  switch (scale_type) {
    case GK_UE4M3:
      fill_scales_kernel<GK_UE4M3><<<blocks, threads, 0, stream>>>(p, bytes, rows, cols, cols_padded, seed, tensor_id);
      break;
    case GK_UE8M0:
      fill_scales_kernel<GK_UE8M0><<<blocks, threads, 0, stream>>>(p, bytes, rows, cols, cols_padded, seed, tensor_id);
      break;
    default: throw std::runtime_error(std::string("fill_block_scales: not a scale dtype: ") + dtype_name(scale_type));
  }
  GKR_CHECK_LAUNCH();
}

}  // namespace gkr
