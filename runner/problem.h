// Runs one GEMM problem end to end: checks, data, reference, timing, verification, baseline.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "common.h"
#include "results.h"

namespace gkr {

// Output tolerance by output dtype (see problem.cu for the reasoning).
double default_tolerance(GkDType out, GkDType a, int k);

// Why this kernel cannot run on this device at all (target / compute capability / dtypes),
// or "" when it can.
std::string kernel_device_mismatch(const GkKernelInfo& info, const DeviceInfo& dev);

class ProblemRunner {
 public:
  ProblemRunner(const RunConfig& cfg, const DeviceInfo& dev, const GkKernelInfo& info);
  ~ProblemRunner();
  ProblemRunner(const ProblemRunner&) = delete;
  ProblemRunner& operator=(const ProblemRunner&) = delete;

  ProblemResult run(const Shape& s);

  // Set once the GPU hung or the CUDA context hit a sticky error: nothing more can run.
  bool broken() const { return !broken_.empty(); }
  bool hung() const { return hung_; }

 private:
  void run_checked(const Shape& s, ProblemResult& r);
  void run_baseline(const Shape& s, const void* a, const void* b, void* d, const double* d_ref,
                    size_t d_bytes, ProblemResult& r);
  void note_failure(const std::exception& e);

  const RunConfig& cfg_;
  const DeviceInfo& dev_;
  const GkKernelInfo& info_;
  cudaStream_t stream_ = nullptr;
  DeviceBuffer flush_;
  std::string device_mismatch_;
  std::string broken_;
  bool hung_ = false;
};

}  // namespace gkr
