// Host-only driver for test/epilogue-refusals.test.ts: calls gk_check of a generated kernel whose
// epilogue adds a bias (any op: GEMM, dual GEMM, GEMV, block-scaled) with arguments that break the
// bias rule, and prints "case|message" per line. No GPU is needed: gk_check inspects the arguments
// only (the pointers below are never dereferenced).
#include <cstdio>
#include <cstdint>
#include "gemmkit_abi.h"

static const void* at(uintptr_t address) { return reinterpret_cast<const void*>(address); }

// Arguments the kernel accepts, whatever its op: a 256×256×512 problem (a GEMV: 256×1×512).
static GkGemmArgs valid() {
  const GkKernelInfo* info = gk_kernel_info();
  const bool gemv = info->op == GK_OP_GEMV;
  GkGemmArgs g{};
  g.m = 256; g.n = gemv ? 1 : 256; g.k = 512;
  g.a = at(0x100000); g.lda = g.k;
  g.b = at(0x200000); g.ldb = g.k;
  g.d = const_cast<void*>(at(0x300000)); g.ldd = gemv ? 1 : g.n;
  g.a_type = info->a; g.b_type = info->b; g.d_type = info->out;
  if (info->op == GK_OP_DUAL_GEMM_SILU_MUL) { g.b2 = at(0x400000); g.ldb2 = g.k; }
  if (info->scale_vector > 0) { g.sfa = at(0x500000); g.sfb = at(0x580000); }
  g.alpha = 1.25f;
  g.bias = at(0x600000);
  g.workspace = const_cast<void*>(at(0x700000));
  g.workspace_bytes = gk_workspace_bytes(&g);
  return g;
}

static void report(const char* name, const GkGemmArgs& g) {
  const char* msg = gk_check(&g);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  const GkKernelInfo* info = gk_kernel_info();
  std::printf("info|op %d alpha %d bias_type %d bias %d activation %d\n", info->op, info->alpha, static_cast<int>(info->bias_type),
              info->bias, info->activation);
  report("valid", valid());
  GkGemmArgs g = valid();
  g.alpha = 0.0f;  // used as given: no rule about its value
  report("alpha_zero", g);
  g = valid();
  g.bias = nullptr;
  report("no_bias", g);
  g = valid();
  g.bias = at(0x600004);  // 4-byte aligned: enough for an fp32 entry, not for the kernel's vector loads
  report("misaligned_bias", g);
  return 0;
}
