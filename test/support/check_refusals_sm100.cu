// Host-only driver for test/sm100-refusals.test.ts: calls a generated block-scaled sm_100a kernel's
// gk_check (NVFP4: e2m1 data, ue4m3 scales) with arguments that break a rule and prints
// "case|message" per line. No GPU is needed: gk_check never dereferences the pointers below.
// Built with -DGK_REFUSALS_DUAL against a block-scaled dual GEMM, it also gives B2 and its scales and
// adds the cases of B2.
#include <cstdio>
#include <cstdint>
#include "gemmkit_abi.h"

static GkGemmArgs valid(int m, int n, int k) {
  const GkKernelInfo* info = gk_kernel_info();
  GkGemmArgs g{};
  g.m = m; g.n = n; g.k = k;
  g.a = reinterpret_cast<const void*>(uintptr_t{0x10000}); g.lda = k;
  g.b = reinterpret_cast<const void*>(uintptr_t{0x20000}); g.ldb = k;
  g.d = reinterpret_cast<void*>(uintptr_t{0x30000}); g.ldd = n;
  g.a_type = info->a; g.b_type = info->b; g.d_type = info->out;
  g.sfa = reinterpret_cast<const void*>(uintptr_t{0x40000});
  g.sfb = reinterpret_cast<const void*>(uintptr_t{0x50000});
#ifdef GK_REFUSALS_DUAL
  g.b2 = reinterpret_cast<const void*>(uintptr_t{0x60000}); g.ldb2 = k;
  g.sfb2 = reinterpret_cast<const void*>(uintptr_t{0x70000});
#endif
  return g;
}

static void report(const char* name, const GkGemmArgs& g) {
  const char* msg = gk_check(&g);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  const GkKernelInfo* info = gk_kernel_info();
  std::printf("info|%d %d %d\n", static_cast<int>(info->a), static_cast<int>(info->scale), info->scale_vector);
  std::printf("op|%d\n", info->op);
  GkGemmArgs g = valid(128, 256, 512);
  g.sfa = nullptr;
  report("no_sfa", g);
  g = valid(128, 256, 512);
  g.sfb = reinterpret_cast<const void*>(uintptr_t{0x50008});
  report("misaligned_sfb", g);
  g = valid(128, 256, 528);  // 528 e2m1 = 264 bytes per row: not a multiple of 16
  report("k_stride", g);
  g = valid(128, 256, 511);
  g.lda = 512; g.ldb = 512;
  report("odd_k", g);
  g = valid(128, 256, 512);
  g.a_type = GK_E4M3;
  report("dtype", g);
#ifdef GK_REFUSALS_DUAL
  g = valid(128, 256, 512);
  g.b2 = nullptr;
  report("no_b2", g);
  g = valid(128, 256, 512);
  g.sfb2 = nullptr;
  report("no_sfb2", g);
  g = valid(128, 256, 512);
  g.sfb2 = reinterpret_cast<const void*>(uintptr_t{0x70008});
  report("misaligned_sfb2", g);
  g = valid(128, 256, 512);
  g.ldb2 = 528;  // 264 bytes per row of B2
  report("ldb2_stride", g);
  g = valid(128, 256, 512);
  g.ldb2 = 256;
  report("ldb2_short", g);
#endif
  g = valid(128, 256, 512);
  report("valid", g);
  return 0;
}
