// Host-only driver for test/refusals.test.ts: calls a generated kernel's gk_check with arguments
// that break a rule and prints "case|message" per line. No GPU is needed: gk_check inspects the
// arguments only (the pointers below are never dereferenced).
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
  return g;
}

static void report(const char* name, const GkGemmArgs& g) {
  const char* msg = gk_check(&g);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  GkGemmArgs g = valid(256, 256, 1001);  // bf16: 1001 × 2 B is not a multiple of 16
  report("k_stride", g);
  g = valid(256, 260, 256);              // bf16 D: 260 × 2 B rows
  report("n_stride", g);
  g = valid(256, 256, 256);
  g.a = reinterpret_cast<const void*>(uintptr_t{0x10008});
  report("misaligned_a", g);
  g = valid(256, 256, 256);
  g.a_type = GK_FP16;
  report("dtype", g);
  g = valid(0, 256, 256);
  report("empty_m", g);
  g = valid(256, 256, 256);
  g.lda = 128;
  report("short_lda", g);
  return 0;
}
