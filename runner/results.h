// Plain data shared by the problem loop, the report writer and main.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gemmkit_abi.h"

namespace gkr {

// One group of a grouped GEMM problem (GK_OP_GROUPED_GEMM): D_g[m, n] = A_g[m, k] * B_g[n, k]^T.
struct GroupDims {
  int m = 0, n = 0, k = 0;
};

struct Shape {
  int m = 0, n = 0, k = 0;
  int l = 1;  // batches (GEMV kernels); 1 for the GEMM family
  // Grouped problems (`--problem 80,176x4096x7168`, or any problem of a grouped kernel): one entry per
  // group, and then m = the sum of the groups' M, n and k those of group 0. Empty otherwise.
  std::vector<GroupDims> groups;
};

struct RunConfig {
  std::vector<Shape> problems;
  int reps = 50;
  int warmup = 10;
  uint64_t seed = 1;
  std::string json_path;            // empty: no JSON file
  bool baseline = true;             // --no-baseline turns it off
  bool fp8_fast_accum = true;       // cuBLASLt FAST_ACCUM for the fp8 baseline; --fp8-precise-accum turns it off
  bool flush_by_read = true;        // --flush read (default) or write: how L2 is flushed before each timed run
  double timeout_s = 120;           // --timeout: watchdog per wait on the GPU
  int device = 0;                   // --device
  std::optional<double> tolerance;  // --tolerance: overrides the per-dtype default
};

struct DeviceInfo {
  int index = 0;
  std::string name;
  int sm_count = 0;
  int cc_major = 0, cc_minor = 0;
  int64_t l2_bytes = 0;
  int64_t memory_bytes = 0;
  int driver_version = 0, runtime_version = 0;
  std::string cc() const { return std::to_string(cc_major) + "." + std::to_string(cc_minor); }
};

struct BaselineResult {
  std::string name;
  // What the baseline computes of the kernel's epilogue (baseline.h: BaselineProblem::epilogue):
  // "" when the kernel has none, "gemm only" (or "silu-mul only") when the baseline leaves it out.
  std::string epilogue;
  double us = 0, tflops = 0;
  // Its output against the reference; absent when the baseline does not compute the kernel's
  // epilogue (it computes something else, so the comparison would mean nothing).
  std::optional<double> rel_err, max_err;
  std::optional<uint64_t> unwritten;
};

struct ProblemResult {
  Shape shape;
  std::string status;                  // "pass" | "fail" | "refused" | "error"
  std::optional<std::string> message;  // why it was refused / failed / errored
  std::optional<double> us, tflops;    // median of the timed runs
  std::optional<double> rel_err, max_err;
  std::optional<uint64_t> unwritten;
  std::optional<double> tolerance;
  std::optional<BaselineResult> baseline;
  std::optional<std::string> baseline_message;  // why there is no baseline (null when it ran or was disabled)
  std::optional<double> ratio;                  // baseline us / our us: > 1 means faster than the baseline
  // GEMV kernels (memory-bound): bytes moved (A + B + D) per second, and the device's copy bandwidth
  // measured once per run by the runner (a device-to-device cudaMemcpyAsync, bytes read + written).
  std::optional<double> gbps, copy_gbps, base_gbps;
  // Kernels with alpha (GkKernelInfo::alpha): the GkGemmArgs::alpha this problem ran with.
  std::optional<double> alpha;
};

}  // namespace gkr
