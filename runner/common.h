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

inline size_t dtype_bytes(GkDType t) {
  switch (t) {
    case GK_BF16: case GK_FP16: return 2;
    case GK_FP32: return 4;
    case GK_E4M3: case GK_E5M2: return 1;
  }
  return 0;
}

inline const char* dtype_name(GkDType t) {
  switch (t) {
    case GK_BF16: return "bf16";
    case GK_FP16: return "fp16";
    case GK_FP32: return "fp32";
    case GK_E4M3: return "e4m3";
    case GK_E5M2: return "e5m2";
  }
  return "unknown";
}

inline bool dtype_is_fp8(GkDType t) { return t == GK_E4M3 || t == GK_E5M2; }

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
