// Deterministic pseudo-random operand fill, computed on the device.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "gemmkit_abi.h"

namespace gkr {

// Tensor ids mixed into the hash so that A, B and their scales differ for the same seed.
// kTensorSFB2: the scales of B2 (a block-scaled dual GEMM), a stream of their own like B2's.
enum : uint32_t {
  kTensorA = 1, kTensorB = 2, kTensorSFA = 3, kTensorSFB = 4, kTensorB2 = 5, kTensorBias = 6, kTensorAlpha = 7,
  kTensorSFB2 = 8,
};

// Fills `count` contiguous elements of dtype `t`. Element i gets a value derived from a
// counter-based hash of (seed, tensor_id, i), so the result does not depend on the launch
// shape or the GPU:
//   bf16 / fp16 / fp32: uniform in [-scale, scale) (scale 1 unless given), rounded to nearest;
//   e4m3 / e5m2:        uniform in [-2, 2), rounded to the nearest representable fp8 value;
//   e2m1:               each of the 16 codes (+-0, 0.5, 1, 1.5, 2, 3, 4, 6) equally likely; `count`
//                       must be even (two per byte, element 2i in the low nibble).
void fill_random(void* dst, GkDType t, size_t count, uint64_t seed, uint32_t tensor_id,
                 cudaStream_t stream, float scale = 1.0f);

// The same hash on the host, as a number uniform in [0, 1): element i of tensor `tensor_id` (for
// scalars drawn per problem, such as the epilogue's alpha).
double random_unit(uint64_t seed, uint32_t tensor_id, uint64_t i);

// Fills a whole scale-factor allocation of scale_layout_bytes(rows, k, vec) bytes in the blocked
// layout (gemmkit_abi.h): the scale of row r, scale column c (r < rows, c < ceil(k / vec)) is drawn
// from the hash of (seed, tensor_id, r * ceil(k / vec) + c), so it does not depend on the layout;
// every padding byte is 0.
//   ue4m3: exponent field 5..8 (2^-2 .. 2^1) with a random 3-bit mantissa: 0.25 .. 3.75, never 0 or NaN;
//   ue8m0: 2^-2 .. 2^2 (bytes 125 .. 129).
// The range is modest on purpose: with e2m1 data (rms ~2.9) the dequantised products have an rms of
// ~25 (nvfp4) or ~36 (mxfp4), so at K = 16384 the outputs stay ~3x below fp16's 65504 even 5 sigma out.
void fill_block_scales(void* dst, GkDType scale_type, int rows, int k, int vec, uint64_t seed,
                       uint32_t tensor_id, cudaStream_t stream);

}  // namespace gkr
