// Shared helpers for the runner: error handling, dtype facts, RAII device memory.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "gemmkit_abi.h"

namespace gkr {

// Thrown for any failed CUDA call; the problem loop turns it into status "error".
struct CudaFailure : std::runtime_error {
  cudaError_t code;
  CudaFailure(cudaError_t c, const std::string& what) : std::runtime_error(what), code(c) {}
};

// Thrown when the GPU does not finish within the watchdog limit (a hung kernel).
struct HangFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Set once the GPU is known to hang. From then on nothing may wait for it: cudaFree (and
// anything else that synchronises) would block forever, so device memory is leaked instead
// and the process exits without CUDA teardown.
inline bool& gpu_hung() {
  static bool hung = false;
  return hung;
}

inline void cuda_check(cudaError_t e, const char* expr, const char* file, int line) {
  if (e == cudaSuccess) return;
  throw CudaFailure(e, std::string(expr) + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}
#define GKR_CHECK(expr) ::gkr::cuda_check((expr), #expr, __FILE__, __LINE__)
// After every kernel launch of the runner's own kernels.
#define GKR_CHECK_LAUNCH() ::gkr::cuda_check(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)

// Bits per element of a tensor of dtype t; 0 for a value that is no GkDType.
inline int dtype_bits(GkDType t) {
  switch (t) {
    case GK_BF16: case GK_FP16: return 16;
    case GK_FP32: return 32;
    case GK_E4M3: case GK_E5M2: case GK_UE4M3: case GK_UE8M0: return 8;
    case GK_E2M1: return 4;
  }
  return 0;
}

// Bytes of `count` contiguous elements of dtype t (e2m1: two per byte, so count must be even).
inline size_t tensor_bytes(GkDType t, size_t count) { return count * static_cast<size_t>(dtype_bits(t)) / 8; }

inline const char* dtype_name(GkDType t) {
  switch (t) {
    case GK_BF16: return "bf16";
    case GK_FP16: return "fp16";
    case GK_FP32: return "fp32";
    case GK_E4M3: return "e4m3";
    case GK_E5M2: return "e5m2";
    case GK_E2M1: return "e2m1";
    case GK_UE4M3: return "ue4m3";
    case GK_UE8M0: return "ue8m0";
  }
  return "unknown";
}

inline bool dtype_is_fp8(GkDType t) { return t == GK_E4M3 || t == GK_E5M2; }
inline bool dtype_is_scale(GkDType t) { return t == GK_UE4M3 || t == GK_UE8M0; }
// Operand (A/B) dtypes the runner can fill and dequantise: every known dtype but the scale ones.
inline bool dtype_is_operand(GkDType t) { return dtype_bits(t) > 0 && !dtype_is_scale(t); }

// ---- Block-scaled GEMMs (GkKernelInfo::scale_vector > 0) ------------------------------------
// One scale per `vec` K elements of each row; scale columns = ceil(k / vec). The blocked layout
// (gemmkit_abi.h) pads rows to a multiple of 128 and scale columns to a multiple of 4.
inline int64_t scale_cols(int k, int vec) { return (int64_t(k) + vec - 1) / vec; }
inline int64_t scale_cols_padded(int k, int vec) { return (scale_cols(k, vec) + 3) / 4 * 4; }
inline int64_t scale_rows_padded(int rows) { return (int64_t(rows) + 127) / 128 * 128; }
inline size_t scale_layout_bytes(int rows, int k, int vec) {
  return static_cast<size_t>(scale_rows_padded(rows) * scale_cols_padded(k, vec));  // 1 byte per scale
}

// "nvfp4", "mxfp4", "mxfp8" for the standard combinations, else e.g. "e4m3/ue4m3x16".
inline std::string block_format_name(GkDType data, GkDType scale, int vec) {
  if (data == GK_E2M1 && scale == GK_UE4M3 && vec == 16) return "nvfp4";
  if (data == GK_E2M1 && scale == GK_UE8M0 && vec == 32) return "mxfp4";
  if (data == GK_E4M3 && scale == GK_UE8M0 && vec == 32) return "mxfp8";
  return std::string(dtype_name(data)) + "/" + dtype_name(scale) + "x" + std::to_string(vec);
}

// ---- Epilogues (GkKernelInfo::alpha / bias / activation) ---------------------------------------
inline const char* activation_name(int a) {
  switch (a) {
    case GK_ACT_NONE: return "none";
    case GK_ACT_RELU: return "relu";
    case GK_ACT_GELU: return "gelu";
    case GK_ACT_SILU: return "silu";
  }
  return "unknown";
}

// What a kernel writes in terms of its op's fp32 result x: "x", "alpha*x", "gelu(alpha*x + bias[n])"
// (bias[m] for a GEMV, whose bias has one entry per row).
inline std::string epilogue_formula(const GkKernelInfo& info) {
  std::string f = info.alpha ? "alpha*x" : "x";
  if (info.bias) f += info.op == GK_OP_GEMV ? " + bias[m]" : " + bias[n]";
  if (info.activation != GK_ACT_NONE) f = std::string(activation_name(info.activation)) + "(" + f + ")";
  return f;
}

// Owning device allocation; frees on scope exit (errors on free are ignored on purpose:
// after a sticky error every call fails and there is nothing better to do).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes) { alloc(bytes); }
  ~DeviceBuffer() { reset(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void alloc(size_t bytes) {
    reset();
    if (bytes == 0) return;
    GKR_CHECK(cudaMalloc(&ptr_, bytes));
    bytes_ = bytes;
  }
  void reset() {
    if (ptr_ && !gpu_hung()) cudaFree(ptr_);
    ptr_ = nullptr;
    bytes_ = 0;
  }
  void* get() const { return ptr_; }
  template <class T> T* as() const { return static_cast<T*>(ptr_); }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace gkr
