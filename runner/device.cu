#include <cuda_runtime.h>

#include "device.h"
#include "json.h"

namespace gkr {

std::string query_device(int index, DeviceInfo* out) {
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess)
    return std::string("no CUDA device available (is an NVIDIA GPU and its driver present?): cudaGetDeviceCount failed with ") + cudaGetErrorName(e) +
           " (" + cudaGetErrorString(e) + ")";
  if (count == 0) return "no CUDA device available: cudaGetDeviceCount found 0 devices";
  if (index < 0 || index >= count)
    return "CUDA device " + std::to_string(index) + " does not exist (" + std::to_string(count) + " present)";
  auto fail = [](const char* what, cudaError_t err) {
    return std::string("cannot use the CUDA device: ") + what + " failed with " + cudaGetErrorName(err) + " (" +
           cudaGetErrorString(err) + ")";
  };
  if ((e = cudaSetDevice(index)) != cudaSuccess) return fail("cudaSetDevice", e);
  cudaDeviceProp prop{};
  if ((e = cudaGetDeviceProperties(&prop, index)) != cudaSuccess) return fail("cudaGetDeviceProperties", e);
  int sm = 0, major = 0, minor = 0, l2 = 0;
  if ((e = cudaDeviceGetAttribute(&sm, cudaDevAttrMultiProcessorCount, index)) != cudaSuccess)
    return fail("cudaDeviceGetAttribute(MultiProcessorCount)", e);
  if ((e = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, index)) != cudaSuccess)
    return fail("cudaDeviceGetAttribute(ComputeCapabilityMajor)", e);
  if ((e = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, index)) != cudaSuccess)
    return fail("cudaDeviceGetAttribute(ComputeCapabilityMinor)", e);
  if ((e = cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, index)) != cudaSuccess)
    return fail("cudaDeviceGetAttribute(L2CacheSize)", e);
  out->index = index;
  out->name = prop.name;
  out->sm_count = sm;
  out->cc_major = major;
  out->cc_minor = minor;
  out->l2_bytes = l2;
  out->memory_bytes = static_cast<int64_t>(prop.totalGlobalMem);
  cudaDriverGetVersion(&out->driver_version);
  cudaRuntimeGetVersion(&out->runtime_version);
  return "";
}

std::string probe_json(const DeviceInfo& dev) {
  JsonWriter j(/*pretty=*/false);
  j.begin_object()
      .field("device", dev.index)
      .field("name", dev.name)
      .field("sm_count", dev.sm_count)
      .field("cc", dev.cc())
      .field("l2_bytes", dev.l2_bytes)
      .field("memory_bytes", dev.memory_bytes)
      .field("cuda_driver", dev.driver_version)
      .field("cuda_runtime", dev.runtime_version)
      .end_object();
  return j.str();
}

}  // namespace gkr
