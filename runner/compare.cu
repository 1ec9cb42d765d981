#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cmath>
#include <cstring>

#include "common.h"
#include "compare.h"

namespace gkr {
namespace {

struct Accum {
  unsigned long long nonfinite;
  double sum_sq_err;
  double sum_sq_ref;
  unsigned long long max_abs_err_bits;  // non-negative doubles order like their bit patterns
  unsigned long long max_abs_ref_bits;
};

template <GkDType T>
__device__ __forceinline__ double load_out(const void* p, size_t i) {
  if constexpr (T == GK_BF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  else if constexpr (T == GK_FP16) return __half2float(static_cast<const __half*>(p)[i]);
  else return static_cast<const float*>(p)[i];
}

template <GkDType T>
__global__ void __launch_bounds__(256)
compare_kernel(const void* d, int64_t ldd, const double* ref, int m, int n, Accum* out) {
  unsigned long long bad = 0;
  double se = 0, sr = 0, me = 0, mr = 0;
  const size_t total = static_cast<size_t>(m) * n;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride) {
    const size_t r = i / n, c = i % n;
    const double x = load_out<T>(d, r * static_cast<size_t>(ldd) + c);
    const double y = ref[i];
    if (!isfinite(x)) { ++bad; continue; }
    const double e = x - y;
    se += e * e;
    sr += y * y;
    me = fmax(me, fabs(e));
    mr = fmax(mr, fabs(y));
  }
  for (int off = 16; off > 0; off >>= 1) {
    bad += __shfl_down_sync(0xffffffffu, bad, off);
    se += __shfl_down_sync(0xffffffffu, se, off);
    sr += __shfl_down_sync(0xffffffffu, sr, off);
    me = fmax(me, __shfl_down_sync(0xffffffffu, me, off));
    mr = fmax(mr, __shfl_down_sync(0xffffffffu, mr, off));
  }
  __shared__ unsigned long long s_bad[8];
  __shared__ double s_se[8], s_sr[8], s_me[8], s_mr[8];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) { s_bad[warp] = bad; s_se[warp] = se; s_sr[warp] = sr; s_me[warp] = me; s_mr[warp] = mr; }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < static_cast<int>(blockDim.x / 32); ++w) {
      bad += s_bad[w]; se += s_se[w]; sr += s_sr[w];
      me = fmax(me, s_me[w]); mr = fmax(mr, s_mr[w]);
    }
    atomicAdd(&out->nonfinite, bad);
    atomicAdd(&out->sum_sq_err, se);
    atomicAdd(&out->sum_sq_ref, sr);
    atomicMax(&out->max_abs_err_bits, static_cast<unsigned long long>(__double_as_longlong(me)));
    atomicMax(&out->max_abs_ref_bits, static_cast<unsigned long long>(__double_as_longlong(mr)));
  }
}

double bits_to_double(unsigned long long b) {
  double d;
  static_assert(sizeof(d) == sizeof(b), "");
  memcpy(&d, &b, sizeof d);
  return d;
}

}  // namespace

ErrorStats compare_output(const void* d, GkDType d_type, int64_t ldd, const double* d_ref, int m,
                          int n, cudaStream_t stream) {
  DeviceBuffer acc(sizeof(Accum));
  GKR_CHECK(cudaMemsetAsync(acc.get(), 0, sizeof(Accum), stream));
  const int threads = 256;
  size_t total = static_cast<size_t>(m) * n;
  size_t want = (total + threads - 1) / threads;
  unsigned blocks = static_cast<unsigned>(want < 4096 ? want : 4096);
  Accum* out = acc.as<Accum>();
  switch (d_type) {
    case GK_BF16: compare_kernel<GK_BF16><<<blocks, threads, 0, stream>>>(d, ldd, d_ref, m, n, out); break;
    case GK_FP16: compare_kernel<GK_FP16><<<blocks, threads, 0, stream>>>(d, ldd, d_ref, m, n, out); break;
    case GK_FP32: compare_kernel<GK_FP32><<<blocks, threads, 0, stream>>>(d, ldd, d_ref, m, n, out); break;
    default: throw std::runtime_error(std::string("compare: unsupported output dtype ") + dtype_name(d_type));
  }
  GKR_CHECK_LAUNCH();
  Accum h{};
  GKR_CHECK(cudaMemcpyAsync(&h, out, sizeof h, cudaMemcpyDeviceToHost, stream));
  GKR_CHECK(cudaStreamSynchronize(stream));

  ErrorStats s;
  s.nonfinite = h.nonfinite;
  const double err_norm = std::sqrt(h.sum_sq_err), ref_norm = std::sqrt(h.sum_sq_ref);
  const double max_e = bits_to_double(h.max_abs_err_bits), max_r = bits_to_double(h.max_abs_ref_bits);
  // A zero reference (never happens with the random fill) falls back to absolute errors.
  s.rel_err = ref_norm > 0 ? err_norm / ref_norm : err_norm;
  s.max_err = max_r > 0 ? max_e / max_r : max_e;
  return s;
}

}  // namespace gkr
