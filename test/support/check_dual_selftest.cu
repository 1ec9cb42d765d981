// Host-only driver for test/runner-dual.test.ts: linked with runner/selftest_naive.cu built as a dual
// GEMM (-DGK_SELFTEST_DUAL, plain or block-scaled), it prints gk_kernel_info's fields and gk_check's
// verdict on arguments that break one rule each, one "case|message" line per case ("accepted" for
// none). No GPU is needed: gk_check only inspects the arguments (the made-up pointers below are never
// dereferenced) and gk_launch returns before touching the device when gk_check refuses.
#include <cstdint>
#include <cstdio>
#include "gemmkit_abi.h"

static const void* at(uintptr_t address) { return reinterpret_cast<const void*>(address); }

// Valid arguments for an m x n x k problem: every pointer 16-byte aligned, dense strides, the scales
// (sfa, sfb, sfb2) only for a block-scaled build.
static GkGemmArgs valid(int m, int n, int k) {
  const GkKernelInfo* info = gk_kernel_info();
  GkGemmArgs g{};
  g.m = m; g.n = n; g.k = k;
  g.a = at(0x100000); g.lda = k;
  g.b = at(0x200000); g.ldb = k;
  g.d = const_cast<void*>(at(0x300000)); g.ldd = n;
  g.a_type = info->a; g.b_type = info->b; g.d_type = info->out;
  g.workspace = const_cast<void*>(at(0x400000));
  g.workspace_bytes = gk_workspace_bytes(&g);
  g.b2 = at(0x500000); g.ldb2 = k;
  if (info->scale_vector > 0) {
    g.sfa = at(0x600000);
    g.sfb = at(0x700000);
    g.sfb2 = at(0x800000);
  }
  return g;
}

static void report(const char* name, const GkGemmArgs& g) {
  const char* msg = gk_check(&g);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  const GkKernelInfo* info = gk_kernel_info();
  std::printf("info|op=%d a=%d b=%d out=%d scale=%d scale_vector=%d\n", info->op, static_cast<int>(info->a),
              static_cast<int>(info->b), static_cast<int>(info->out), static_cast<int>(info->scale), info->scale_vector);
  std::printf("name|%s\n", info->name);
  std::printf("target|%s\n", info->target);

  const int m = 128, n = 256, k = 512;
  GkGemmArgs g = valid(m, n, k);
  report("valid", g);

  // B2.
  g = valid(m, n, k); g.b2 = nullptr; report("null_b2", g);
  g = valid(m, n, k); g.b2 = at(0x500008); report("misaligned_b2_8", g);
  g = valid(m, n, k); g.b2 = at(0x500001); report("misaligned_b2_1", g);
  g = valid(m, n, k); g.b2 = at(0x500010); report("aligned_b2_16", g);
  g = valid(m, n, k); g.b2 = nullptr; g.sfb2 = nullptr; report("null_b2_null_sfb2", g);

  // B2's scales (a block-scaled build needs them; a plain one ignores sfb2).
  g = valid(m, n, k); g.sfb2 = nullptr; report("null_sfb2", g);
  g = valid(m, n, k); g.sfb2 = at(0x800008); report("misaligned_sfb2_8", g);
  g = valid(m, n, k); g.sfb2 = at(0x800004); report("misaligned_sfb2_4", g);
  g = valid(m, n, k); g.sfb2 = at(0x800010); report("aligned_sfb2_16", g);

  // The K rules come before B2's checks: with nothing allocated yet (b2 and sfb2 null) a K that breaks
  // one is what gk_check reports.
  g = valid(m, n, 511); g.lda = g.ldb = g.ldb2 = 512; g.b2 = nullptr; g.sfb2 = nullptr; report("odd_k_null", g);
  g = valid(m, n, 520); g.b2 = nullptr; g.sfb2 = nullptr; report("k_520_null", g);  // even, not a multiple of 16
  g = valid(m, n, k); g.ldb2 = 513; g.b2 = nullptr; g.sfb2 = nullptr; report("odd_ldb2_null", g);
  g = valid(m, n, k); g.ldb2 = k - 2; g.b2 = nullptr; g.sfb2 = nullptr; report("short_ldb2_null", g);
  g = valid(m, n, 0); g.b2 = nullptr; g.sfb2 = nullptr; report("zero_k_null", g);

  // gk_launch runs gk_check first and launches nothing on a refusal.
  g = valid(m, n, k); g.b2 = nullptr;
  std::printf("launch_null_b2|%d\n", static_cast<int>(gk_launch(&g, nullptr)));
  if (info->scale_vector > 0) {  // (a plain build would accept this one and launch)
    g = valid(m, n, k); g.sfb2 = at(0x800008);
    std::printf("launch_misaligned_sfb2|%d\n", static_cast<int>(gk_launch(&g, nullptr)));
  }
  return 0;
}
