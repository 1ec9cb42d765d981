// Tensor-core ceiling of the GPU, measured (session 12; not part of the generator or the runner).
// Every SM runs 2 (or 3) warpgroups that issue back-to-back wgmma m64n256k16 bf16 -> fp32 from shared
// memory filled with random bf16 values (or zeros, for contrast): no global-memory traffic at all, so
// this is the most MMA work a kernel of a given length can do. Each configuration is launched
// repeatedly, each launch timed alone with a CUDA event pair as the runner times kernels; the
// median and best launch are printed with the SM clock that block 0 saw (clock64 / globaltimer).
//
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -o wgmma_peak benchmarks/tools/wgmma_peak.cu
//   ./wgmma_peak
//
// FLOPs per launch = SMs x warpgroups x iterations x 4 wgmma x 2 x 64 x 256 x 16.
#include <cstdio>
#include <cstdint>
#include <vector>
#include <algorithm>
#include <cuda_runtime.h>
#include <cuda_bf16.h>

// Shared-memory matrix descriptor (PTX ISA "Matrix Descriptor Format" for wgmma): bits 0-13 hold
// the start address >> 4; the constant part (leading byte offset 16 B, stride byte offset 1024 B, swizzle 128B) is fixed: the tiles are 128-byte swizzled, K-major.
__device__ __forceinline__ uint64_t smem_descriptor(const void* smem_tile) {
  const uint32_t address = static_cast<uint32_t>(__cvta_generic_to_shared(smem_tile));
  return 0x4000004000010000ull | static_cast<uint64_t>((address & 0x3FFFF) >> 4);
}

__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit_group() { asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory"); }
template <int kPending>
__device__ __forceinline__ void wgmma_wait_group() {
  asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(kPending) : "memory");
}

// wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16: D(128 fp32 per thread) += A(smem) · B(smem)ᵀ, both K-major.
__device__ __forceinline__ void wgmma_m64n256k16_f32_bf16_bf16(float (&d)[128], uint64_t desc_a, uint64_t desc_b) {
  asm volatile(
      "{\n"
      ".reg .pred accumulate;\n"
      "setp.ne.b32 accumulate, 1, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16\n"
      "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127},\n"
      " %128, %129, accumulate, 1, 1, 0, 0;\n"
      "}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "l"(desc_a), "l"(desc_b));
}


template <int kWarpgroups>
__global__ void __launch_bounds__(kWarpgroups * 128, 1) peak(const uint4* fill, int iters, float* sink, unsigned long long* clk) {
  extern __shared__ __align__(1024) uint8_t smem_raw[];
  uint8_t* smem = smem_raw + ((1024 - (static_cast<uint32_t>(__cvta_generic_to_shared(smem_raw)) & 1023)) & 1023);
  // A: 64x64 bf16 per warpgroup (8 KB), B: 256x64 bf16 shared (32 KB), 128B swizzled layout (contents random).
  const int bytes = 32768 + kWarpgroups * 8192;
  for (int i = threadIdx.x; i < bytes / 16; i += blockDim.x) reinterpret_cast<uint4*>(smem)[i] = fill[(blockIdx.x * 977 + i) % (1 << 16)];
  __syncthreads();
  const int wg = threadIdx.x / 128;
  uint8_t* b = smem;
  uint8_t* a = smem + 32768 + wg * 8192;
  float acc[128];
#pragma unroll
  for (int i = 0; i < 128; ++i) acc[i] = 0.f;
  unsigned long long c0 = clock64(), t0;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  for (int it = 0; it < iters; ++it) {
    wgmma_fence();
#pragma unroll
    for (int s = 0; s < 4; ++s) wgmma_m64n256k16_f32_bf16_bf16(acc, smem_descriptor(a + s * 32), smem_descriptor(b + s * 32));
    wgmma_commit_group();
    wgmma_wait_group<1>();
  }
  wgmma_wait_group<0>();
  unsigned long long c1 = clock64(), t1;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t1));
  float s = 0;
#pragma unroll
  for (int i = 0; i < 128; ++i) s += acc[i];
  if (s == 12345.f) sink[threadIdx.x] = s;
  if (threadIdx.x == 0 && blockIdx.x == 0) { clk[0] = c1 - c0; clk[1] = t1 - t0; }
}

template <int kWarpgroups>
void run(const uint4* fill, float* sink, unsigned long long* clk, int sms, int iters, int reps, const char* label) {
  const int smem = 32768 + kWarpgroups * 8192 + 1024;
  cudaFuncSetAttribute(peak<kWarpgroups>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
  cudaEvent_t e0, e1; cudaEventCreate(&e0); cudaEventCreate(&e1);
  std::vector<float> t;
  double mhz = 0;
  for (int r = 0; r < reps; ++r) {
    cudaEventRecord(e0);
    peak<kWarpgroups><<<sms, kWarpgroups * 128, smem>>>(fill, iters, sink, clk);
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms; cudaEventElapsedTime(&ms, e0, e1); t.push_back(ms);
    unsigned long long h[2]; cudaMemcpy(h, clk, 16, cudaMemcpyDeviceToHost);
    mhz = 1e3 * double(h[0]) / double(h[1]);
  }
  std::sort(t.begin(), t.end());
  const double flop = double(sms) * kWarpgroups * iters * 4 * 2.0 * 64 * 256 * 16;
  printf("%-28s WG=%d iters=%7d  median %9.1f us  %7.1f TFLOP/s  best %7.1f TFLOP/s  SM clock (last) %6.0f MHz\n", label, kWarpgroups, iters,
         1e3 * t[t.size() / 2], flop / (1e-3 * t[t.size() / 2]) / 1e12, flop / (1e-3 * t[0]) / 1e12, mhz);
  if (cudaGetLastError() != cudaSuccess) printf("error\n");
}

int main() {
  int sms; cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  std::vector<uint16_t> h(1 << 19);
  uint32_t x = 12345;
  for (auto& v : h) { x = x * 1664525u + 1013904223u; float f = (int((x >> 8) & 0xFFFF) - 32768) / 32768.f; __nv_bfloat16 b = __float2bfloat16(f); v = *reinterpret_cast<uint16_t*>(&b); }
  uint4* fill; cudaMalloc(&fill, h.size() * 2); cudaMemcpy(fill, h.data(), h.size() * 2, cudaMemcpyHostToDevice);
  uint4* zero; cudaMalloc(&zero, h.size() * 2); cudaMemset(zero, 0, h.size() * 2);
  float* sink; cudaMalloc(&sink, 4096);
  unsigned long long* clk; cudaMalloc(&clk, 16);
  run<2>(fill, sink, clk, sms, 20000, 5, "warm-up");
  for (int r = 0; r < 2; ++r) {
    run<2>(fill, sink, clk, sms, 85, 300, "random, ~60us launches");
    run<3>(fill, sink, clk, sms, 57, 300, "random, ~60us launches");
    run<2>(fill, sink, clk, sms, 110, 300, "random, ~78us launches");
    run<2>(fill, sink, clk, sms, 200, 200, "random, ~140us launches");
    run<2>(zero, sink, clk, sms, 85, 300, "zeros, ~60us launches");
  }
  return 0;
}
