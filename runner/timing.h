// The timing protocol shared by the generated kernel and the vendor baseline.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace gkr {

// Enqueues exactly one GEMM on the stream; returns "" on success, else a message.
using LaunchFn = std::function<std::string(cudaStream_t)>;

struct TimingConfig {
  int warmup = 10;
  int reps = 50;
  double timeout_s = 120;     // watchdog: the most one run may take
  void* flush = nullptr;      // L2 flush buffer (2x the L2 size), read (or memset) before every timed run
  size_t flush_bytes = 0;
  // true: flush by reading the buffer, so L2 holds clean lines when the timed run starts; false:
  // memset it, which leaves L2 full of dirty lines that the timed run's misses must write back.
  bool flush_by_read = true;
  unsigned* flush_sink = nullptr;  // 4 bytes the read flush may write (it never does for real data)
  void* poison = nullptr;     // the output D, set to 0xFF bytes before EVERY run
  size_t poison_bytes = 0;
  cudaStream_t stream = nullptr;
};

struct TimingResult {
  double median_us = 0;
  double min_us = 0;
  std::vector<double> samples_us;  // every timed run, in order
};

// Median and minimum of samples gathered over several blocks of runs.
TimingResult summarize(std::vector<double> samples_us);

// Protocol:
//   warmup runs: poison D, launch (the first one is waited for on its own, so a bad launch or
//   a hang is reported before anything else is queued);
//   reps timed runs: flush L2 and poison D (outside the events), then a cudaEvent pair around
//   only the launch; every launch is followed by cudaGetLastError. The flush reads 2x the L2 size
//   (flush_by_read), so the timed run inherits no dirty lines from it: with a memset flush, a kernel
//   whose loads evict the flush's dirty lines pays for writing them back inside its own timing, and a
//   kernel that avoids evicting them (an L2 evict-first hint) leaves that cost to the next, untimed,
//   flush.
// On return the stream is idle and D holds the output of the LAST timed run.
// Throws CudaFailure / HangFailure / std::runtime_error on any error.
TimingResult time_launches(const LaunchFn& launch, const TimingConfig& cfg);

// Waits for `stream` with the watchdog; throws HangFailure after timeout_s.
void wait_stream(cudaStream_t stream, double timeout_s, const std::string& what);

}  // namespace gkr
