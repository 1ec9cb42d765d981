// Runs one GEMM problem end to end: checks, data, reference, timing, verification, baseline.
#pragma once
#include <cuda_runtime.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "compare.h"
#include "baseline.h"
#include "reference.h"
#include "results.h"
#include "timing.h"

namespace gkr {

// Output tolerance by output dtype, input dtype and K (see problem.cu for the reasoning);
// scale_vector > 0 for a block-scaled kernel; op a GkOp (the dual GEMM doubles the fp8 term).
double default_tolerance(GkDType out, GkDType a, int k, int scale_vector, int op = GK_OP_GEMM);

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
  // Grouped GEMM kernels (GK_OP_GROUPED_GEMM): run_checked hands every problem to this (grouped.cu).
  void run_grouped_checked(const Shape& s, ProblemResult& r);
  // The vendor baseline for one problem, timed in blocks between the kernel's blocks.
  struct BaselineRun {
    std::unique_ptr<Baseline> impl;
    std::string message;              // why there is none, when impl is null
    std::vector<double> samples_us;
  };
  // The baseline of the problem the kernel runs with `args` (its buffers, alpha and bias).
  BaselineRun start_baseline(const Shape& s, const GkGemmArgs& args);
  void time_baseline_block(BaselineRun& run, int reps, int warmup, const TimingConfig& tc, ProblemResult& r);
  // The timing set-up of one problem: the run config's counts, the L2 flush, D's poison range.
  TimingConfig timing_config(void* poison, size_t poison_bytes) const;
  // The kernel and the baseline alternate in blocks so that clock and temperature drift hits both
  // alike: kernel, baseline, kernel (time_kernel_blocks, which returns the kernel's summary), then —
  // after the kernel's output has been checked, so that D still holds it then — the baseline's last
  // block (time_last_baseline_block). With one repetition there is no baseline block in between.
  TimingResult time_kernel_blocks(const GkGemmArgs& args, BaselineRun& base, const TimingConfig& tc, ProblemResult& r);
  void time_last_baseline_block(BaselineRun& base, const TimingConfig& tc, ProblemResult& r);
  // The baseline's result: its median time for `flop` operations and the ratio, and — when it
  // computes the kernel's whole epilogue — its output checked by `check` (which compares D, where
  // the baseline's last run left its output, with the reference).
  void finish_baseline(BaselineRun& run, double flop, const std::function<ErrorStats()>& check, ProblemResult& r);
  void note_failure(const std::exception& e);
  // The epilogue's alpha, drawn so that alpha·x has an rms of 0.5 to 1.5 over the `count` values of
  // the fp64 reference x (see run_checked): set in args, e and r when the kernel has alpha. Returns
  // the scale of alpha·x (of x without alpha), which the bias is drawn at.
  double draw_epilogue_alpha(const double* d_ref, size_t count, GkGemmArgs& args, RefEpilogue& e, ProblemResult& r);
  // The device's copy bandwidth in GB/s (bytes read + written by a large device-to-device
  // cudaMemcpyAsync, median of several), measured the first time a GEMV problem asks for it.
  double copy_gbps();

  const RunConfig& cfg_;
  const DeviceInfo& dev_;
  const GkKernelInfo& info_;
  cudaStream_t stream_ = nullptr;
  DeviceBuffer flush_;
  DeviceBuffer flush_sink_;  // the read flush's 4-byte output
  std::string device_mismatch_;
  std::string broken_;
  bool hung_ = false;
  double copy_gbps_ = 0;
};

}  // namespace gkr
