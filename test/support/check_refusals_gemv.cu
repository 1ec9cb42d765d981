// Host-only driver for the GEMV refusal tests (test/gemv.test.ts): calls a generated GEMV kernel's
// gk_check with arguments that break a rule and prints "case|message" per line. No GPU is needed:
// gk_check inspects the arguments only (the pointers below are never dereferenced).
#include <cstdio>
#include <cstdint>
#include "gemmkit_abi.h"

// A valid batched GEMV: A l×m×k, B l×k, D l×m, packed; a workspace as large as asked for.
static GkGemmArgs valid(int m, int k, int l) {
  const GkKernelInfo* info = gk_kernel_info();
  GkGemmArgs g{};
  g.m = m; g.n = 1; g.k = k;
  g.a = reinterpret_cast<const void*>(uintptr_t{0x100000}); g.lda = k;
  g.b = reinterpret_cast<const void*>(uintptr_t{0x200000}); g.ldb = k;
  g.d = reinterpret_cast<void*>(uintptr_t{0x300000}); g.ldd = 1;
  g.a_type = info->a; g.b_type = info->b; g.d_type = info->out;
  g.batch = l;
  g.batch_stride_a = int64_t(m) * k; g.batch_stride_b = k; g.batch_stride_d = m;
  g.workspace = reinterpret_cast<void*>(uintptr_t{0x400000});
  g.workspace_bytes = gk_workspace_bytes(&g);
  return g;
}

static void report(const char* name, const GkGemmArgs& g) {
  const char* msg = gk_check(&g);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  std::printf("op|%d\n", gk_kernel_info()->op);
  report("valid", valid(4096, 7168, 8));
  GkGemmArgs g = valid(4096, 7168, 0);  // batch 0: one batch (callers that predate the field)
  g.batch_stride_a = g.batch_stride_b = g.batch_stride_d = 0;
  report("batch0", g);
  g = valid(4096, 7168, 1);
  g.n = 2;
  report("n2", g);
  g = valid(256, 1001, 1);
  report("k_align", g);
  g = valid(256, 1024, 1);
  g.lda = 1028;
  report("lda_align", g);
  g = valid(256, 1024, 1);
  g.a = reinterpret_cast<const void*>(uintptr_t{0x100008});
  report("misaligned_a", g);
  g = valid(256, 1024, 1);
  g.b = reinterpret_cast<const void*>(uintptr_t{0x200004});
  report("misaligned_b", g);
  g = valid(256, 1024, 4);
  g.batch_stride_a = 256 * 1024 - 8;
  report("overlap", g);
  g = valid(256, 1024, 4);
  g.batch_stride_b = 1028;
  report("batch_align", g);
  g = valid(256, 1024, 1);
  g.workspace = nullptr;
  report("workspace", g);
  g = valid(256, 1024, 1);
  g.ldd = 0;
  report("ldd", g);
  return 0;
}
