#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "common.h"
#include "timing.h"

namespace gkr {
namespace {

class EventPool {
 public:
  explicit EventPool(size_t n) : ev_(n, nullptr) {
    for (auto& e : ev_) GKR_CHECK(cudaEventCreate(&e));
  }
  ~EventPool() {
    for (auto e : ev_)
      if (e) cudaEventDestroy(e);
  }
  cudaEvent_t operator[](size_t i) const { return ev_[i]; }

 private:
  std::vector<cudaEvent_t> ev_;
};

void wait_event(cudaEvent_t ev, double timeout_s, const std::string& what) {
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    cudaError_t e = cudaEventQuery(ev);
    if (e == cudaSuccess) return;
    if (e != cudaErrorNotReady) cuda_check(e, ("waiting for " + what).c_str(), __FILE__, __LINE__);
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (waited > timeout_s) {
      gpu_hung() = true;
      throw HangFailure(what + " did not finish within " + std::to_string(static_cast<int>(timeout_s)) +
                        " s (hung kernel?)");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void launch_checked(const LaunchFn& launch, cudaStream_t s, const char* phase) {
  std::string err = launch(s);
  if (!err.empty()) throw std::runtime_error(std::string(phase) + " launch: " + err);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    throw CudaFailure(e, std::string(phase) + " launch: cudaGetLastError: " + cudaGetErrorName(e) + " (" +
                             cudaGetErrorString(e) + ")");
}

// The read flush: every 16-byte word of the buffer is loaded once (grid-stride); the XOR of all of
// them is compared with a value the buffer never holds in full, so the loads are not optimised away.
__global__ void flush_l2_by_reading(const uint4* __restrict__ words, size_t count, unsigned* sink) {
  uint4 x = make_uint4(0, 0, 0, 0);
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const uint4 w = words[i];
    x.x ^= w.x;
    x.y ^= w.y;
    x.z ^= w.z;
    x.w ^= w.w;
  }
  if ((x.x & x.y & x.z & x.w) == 0xFFFFFFFFu) *sink = x.x;
}

void flush_l2(const TimingConfig& cfg, int rep, cudaStream_t s) {
  if (!cfg.flush_by_read) {
    GKR_CHECK(cudaMemsetAsync(cfg.flush, rep & 0xFF, cfg.flush_bytes, s));
    return;
  }
  if (cfg.flush_sink == nullptr) throw std::runtime_error("time_launches: the read flush needs flush_sink");
  flush_l2_by_reading<<<1024, 256, 0, s>>>(static_cast<const uint4*>(cfg.flush), cfg.flush_bytes / sizeof(uint4), cfg.flush_sink);
  GKR_CHECK(cudaGetLastError());
}

}  // namespace

void wait_stream(cudaStream_t stream, double timeout_s, const std::string& what) {
  cudaEvent_t ev = nullptr;
  GKR_CHECK(cudaEventCreateWithFlags(&ev, cudaEventDisableTiming));
  try {
    GKR_CHECK(cudaEventRecord(ev, stream));
    wait_event(ev, timeout_s, what);
  } catch (...) {
    cudaEventDestroy(ev);
    throw;
  }
  cudaEventDestroy(ev);
}

TimingResult time_launches(const LaunchFn& launch, const TimingConfig& cfg) {
  if (cfg.reps < 1) throw std::runtime_error("time_launches: reps must be >= 1");
  cudaStream_t s = cfg.stream;
  GKR_CHECK(cudaGetLastError());  // start from a clean error state

  // The watchdog limit applies to each run on its own (waiting for run i once run i-1 is done).
  EventPool warm(cfg.warmup);
  for (int i = 0; i < cfg.warmup; ++i) {
    GKR_CHECK(cudaMemsetAsync(cfg.poison, 0xFF, cfg.poison_bytes, s));
    launch_checked(launch, s, "warmup");
    GKR_CHECK(cudaEventRecord(warm[i], s));
    if (i == 0) wait_event(warm[0], cfg.timeout_s, "first warmup run");
  }
  for (int i = 1; i < cfg.warmup; ++i) wait_event(warm[i], cfg.timeout_s, "warmup run " + std::to_string(i));

  EventPool start(cfg.reps), stop(cfg.reps);
  for (int i = 0; i < cfg.reps; ++i) {
    flush_l2(cfg, i, s);
    GKR_CHECK(cudaMemsetAsync(cfg.poison, 0xFF, cfg.poison_bytes, s));
    GKR_CHECK(cudaEventRecord(start[i], s));
    launch_checked(launch, s, "timed");
    GKR_CHECK(cudaEventRecord(stop[i], s));
  }
  for (int i = 0; i < cfg.reps; ++i) wait_event(stop[i], cfg.timeout_s, "timed run " + std::to_string(i));

  std::vector<double> us(cfg.reps);
  for (int i = 0; i < cfg.reps; ++i) {
    float ms = 0;
    GKR_CHECK(cudaEventElapsedTime(&ms, start[i], stop[i]));
    us[i] = 1000.0 * ms;
  }
  return summarize(std::move(us));
}

TimingResult summarize(std::vector<double> samples_us) {
  TimingResult r;
  r.samples_us = samples_us;
  std::sort(samples_us.begin(), samples_us.end());
  const size_t n = samples_us.size();
  if (n == 0) return r;
  r.median_us = (n % 2) ? samples_us[n / 2] : 0.5 * (samples_us[n / 2 - 1] + samples_us[n / 2]);
  r.min_us = samples_us.front();
  return r;
}

}  // namespace gkr
