#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "common.h"
#include "random_fill.h"

namespace gkr {
namespace {

// 64-bit finaliser (xor-shift / multiply rounds): a bijection with good avalanche.
__device__ __forceinline__ uint64_t mix64(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ULL;
  x ^= x >> 27;
  x *= 0x81dadef4bc2dd44dULL;
  x ^= x >> 33;
  return x;
}

__device__ __forceinline__ float hash_uniform01(uint64_t seed, uint32_t tensor, uint64_t i) {
  uint64_t key = mix64(seed * 0x9e3779b97f4a7c15ULL + tensor);
  uint64_t h = mix64(key ^ (i * 0xd1b54a32d192ed03ULL + 0x632be59bd9b4e019ULL));
  return static_cast<float>(h >> 40) * (1.0f / 16777216.0f);  // 24 random bits -> [0, 1)
}

template <GkDType T>
__global__ void fill_kernel(void* dst, size_t count, uint64_t seed, uint32_t tensor) {
  size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    float u = hash_uniform01(seed, tensor, i);
    if constexpr (T == GK_BF16) {
      static_cast<__nv_bfloat16*>(dst)[i] = __float2bfloat16_rn(2.0f * u - 1.0f);
    } else if constexpr (T == GK_FP16) {
      static_cast<__half*>(dst)[i] = __float2half_rn(2.0f * u - 1.0f);
    } else if constexpr (T == GK_FP32) {
      static_cast<float*>(dst)[i] = 2.0f * u - 1.0f;
    } else if constexpr (T == GK_E4M3) {
      static_cast<__nv_fp8_storage_t*>(dst)[i] = __nv_cvt_float_to_fp8(4.0f * u - 2.0f, __NV_SATFINITE, __NV_E4M3);
    } else {
      static_cast<__nv_fp8_storage_t*>(dst)[i] = __nv_cvt_float_to_fp8(4.0f * u - 2.0f, __NV_SATFINITE, __NV_E5M2);
    }
  }
}

}  // namespace

void fill_random(void* dst, GkDType t, size_t count, uint64_t seed, uint32_t tensor_id,
                 cudaStream_t stream) {
  if (count == 0) return;
  const int threads = 256;
  size_t want = (count + threads - 1) / threads;
  unsigned blocks = static_cast<unsigned>(want < 65536 ? want : 65536);
  switch (t) {
    case GK_BF16: fill_kernel<GK_BF16><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id); break;
    case GK_FP16: fill_kernel<GK_FP16><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id); break;
    case GK_FP32: fill_kernel<GK_FP32><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id); break;
    case GK_E4M3: fill_kernel<GK_E4M3><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id); break;
    case GK_E5M2: fill_kernel<GK_E5M2><<<blocks, threads, 0, stream>>>(dst, count, seed, tensor_id); break;
    default: throw std::runtime_error("fill_random: unknown dtype");
  }
  GKR_CHECK_LAUNCH();
}

}  // namespace gkr
