// Deterministic pseudo-random operand fill, computed on the device.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "gemmkit_abi.h"

namespace gkr {

// Tensor ids mixed into the hash so that A and B differ for the same seed.
enum : uint32_t { kTensorA = 1, kTensorB = 2 };

// Fills `count` contiguous elements of dtype `t`. Element i gets a value derived from a
// counter-based hash of (seed, tensor_id, i), so the result does not depend on the launch
// shape or the GPU:
//   bf16 / fp16 / fp32: uniform in [-1, 1), rounded to nearest;
//   e4m3 / e5m2:        uniform in [-2, 2), rounded to the nearest representable fp8 value.
void fill_random(void* dst, GkDType t, size_t count, uint64_t seed, uint32_t tensor_id,
                 cudaStream_t stream);

}  // namespace gkr
