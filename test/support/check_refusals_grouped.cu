// Host-only driver for the grouped GEMM refusal tests (test/grouped.test.ts): calls a generated
// grouped kernel's gk_check with arguments that break a rule and prints "case|message" per line.
// No GPU is needed: gk_check inspects the arguments only (the pointers are never dereferenced).
#include <cstdint>
#include <cstdio>
#include <vector>
#include "gemmkit_abi.h"

// Dense groups: A m×k, B n×k, D m×n (and scales for a block-scaled kernel), each at its own
// 256-byte-aligned fake address.
static std::vector<GkGemmGroup> groups_of(const std::vector<int>& ms, int n, int k) {
  const bool scaled = gk_kernel_info()->scale_vector > 0;
  std::vector<GkGemmGroup> out;
  uintptr_t at = 0x100000;
  for (int m : ms) {
    GkGemmGroup g{};
    g.m = m; g.n = n; g.k = k;
    g.a = reinterpret_cast<const void*>(at); g.lda = k; at += 0x100000;
    g.b = reinterpret_cast<const void*>(at); g.ldb = k; at += 0x100000;
    g.d = reinterpret_cast<void*>(at); g.ldd = n; at += 0x100000;
    if (scaled) {
      g.sfa = reinterpret_cast<const void*>(at); at += 0x100000;
      g.sfb = reinterpret_cast<const void*>(at); at += 0x100000;
    }
    if (gk_kernel_info()->bias) {  // an epilogue bias: one vector per group
      g.bias = reinterpret_cast<const void*>(at); at += 0x100000;
    }
    out.push_back(g);
  }
  return out;
}

static GkGemmArgs args_for(const std::vector<GkGemmGroup>& groups) {
  const GkKernelInfo* info = gk_kernel_info();
  GkGemmArgs a{};
  a.a_type = info->a; a.b_type = info->b; a.d_type = info->out;
  a.groups = static_cast<int>(groups.size());
  a.group_list = groups.data();
  return a;
}

static void report(const char* name, const GkGemmArgs& a) {
  const char* msg = gk_check(&a);
  std::printf("%s|%s\n", name, msg ? msg : "accepted");
}

int main() {
  const GkKernelInfo* info = gk_kernel_info();
  std::printf("info|%d %d\n", info->op, info->max_groups);
  std::vector<GkGemmGroup> g = groups_of({80, 176, 1, 72}, 4096, 7168);
  report("valid", args_for(g));
  report("workspace", [&] { GkGemmArgs a = args_for(g); a.workspace_bytes = gk_workspace_bytes(&a); return a; }());
  GkGemmArgs a = args_for(g);
  a.groups = 0;
  report("zero_groups", a);
  std::vector<GkGemmGroup> many = groups_of(std::vector<int>(info->max_groups + 1, 64), 256, 256);
  report("too_many", args_for(many));
  a = args_for(g);
  a.group_list = nullptr;
  report("null_list", a);
  std::vector<GkGemmGroup> bad = g;
  bad[2].m = 0;
  report("empty_group", args_for(bad));
  bad = g;
  bad[1].k = 1001; bad[1].lda = 1001; bad[1].ldb = 1001;
  report("k_stride", args_for(bad));
  bad = g;
  bad[3].d = reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(bad[3].d) + 8);
  report("misaligned_d", args_for(bad));
  bad = g;
  bad[0].ldd = 100;
  report("ldd", args_for(bad));
  a = args_for(g);
  a.d_type = GK_FP32;
  report("dtype", a);
  bad = g;
  bad[1].sfb = nullptr;
  report("no_sfb", args_for(bad));
  bad = g;
  bad[2].k = 7170; bad[2].lda = 7170; bad[2].ldb = 7170;
  report("k_not_32", args_for(bad));
  bad = g;
  bad[1].bias = nullptr;
  report("no_bias", args_for(bad));
  bad = g;
  bad[2].bias = reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(g[2].bias) + 4);
  report("misaligned_bias", args_for(bad));
  return 0;
}
