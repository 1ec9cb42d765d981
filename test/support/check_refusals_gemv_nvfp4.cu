// Host-only driver for the NVFP4 GEMV refusal tests (test/gemv.test.ts): calls generated/gemv_nvfp4.cu's
// gk_check with arguments that break a rule and prints "case|message" per line. No GPU is needed:
// gk_check inspects the arguments only (the pointers below are never dereferenced).
#include <cstdio>
#include <cstdint>
#include "gemmkit_abi.h"

static const void* at(uintptr_t address) { return reinterpret_cast<const void*>(address); }

// A valid batched NVFP4 GEMV: A l×m×k e2m1, B l×k, D l×m, packed (strides in elements); the scales
// anywhere 16-byte aligned; a workspace as large as asked for.
static GkGemmArgs valid(int m, int k, int l) {
  const GkKernelInfo* info = gk_kernel_info();
  GkGemmArgs g{};
  g.m = m; g.n = 1; g.k = k;
  g.a = at(0x1000000); g.lda = k;
  g.b = at(0x2000000); g.ldb = k;
  g.d = const_cast<void*>(at(0x3000000)); g.ldd = 1;
  g.a_type = info->a; g.b_type = info->b; g.d_type = info->out;
  g.sfa = at(0x4000000);
  g.sfb = at(0x5000000);
  g.batch = l;
  g.batch_stride_a = int64_t(m) * k; g.batch_stride_b = k; g.batch_stride_d = m;
  g.workspace = const_cast<void*>(at(0x6000000));
  g.workspace_bytes = gk_workspace_bytes(&g);
  return g;
}

static void report(const char* name, const GkGemmArgs& g) {
  const char* msg = gk_check(&g);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  const GkKernelInfo* info = gk_kernel_info();
  std::printf("info|op %d a %d b %d out %d scale %d scale_vector %d\n", info->op, info->a, info->b, info->out, info->scale,
              info->scale_vector);
  report("valid", valid(4096, 7168, 8));
  report("odd_m", valid(200, 1024, 3));
  GkGemmArgs g = valid(4096, 7168, 0);  // batch 0: one batch
  g.batch_stride_a = g.batch_stride_b = g.batch_stride_d = 0;
  report("batch0", g);
  g = valid(256, 1024, 1);
  g.a_type = g.b_type = GK_BF16;
  report("bf16_given", g);
  g = valid(256, 1008, 1);  // a multiple of 16 (whole scale blocks), not of 32
  report("k_align", g);
  g = valid(256, 1024, 1);
  g.lda = 1040;  // 520 bytes: a multiple of 8 bytes, not of 16
  report("lda_align", g);
  g = valid(256, 1024, 1);
  g.a = at(0x1000008);
  report("misaligned_a", g);
  g = valid(256, 1024, 4);
  g.batch_stride_b = 1040;
  report("batch_align", g);
  g = valid(256, 1024, 1);
  g.sfa = nullptr;
  report("null_sfa", g);
  g = valid(256, 1024, 1);
  g.sfb = nullptr;
  report("null_sfb", g);
  g = valid(256, 1024, 1);
  g.sfa = at(0x4000002);
  report("misaligned_sfa", g);
  g = valid(256, 1024, 1);
  g.sfb = at(0x5000008);
  report("misaligned_sfb", g);
  g = valid(256, 1024, 1);
  g.n = 2;
  report("n2", g);
  g = valid(256, 1024, 4);
  g.batch_stride_a = 256 * 1024 - 32;
  report("overlap", g);
  g = valid(256, 1024, 1);
  g.workspace = nullptr;
  report("workspace", g);
  return 0;
}
