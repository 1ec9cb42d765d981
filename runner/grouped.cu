// Grouped GEMM problems (GK_OP_GROUPED_GEMM): D_g = A_g * B_g^T for every group g, one launch.
//
// Data: one slab per operand and one pointer per group into it, each group's tensor starting on a
// 256-byte boundary (what cudaMalloc gives a plain problem), all dense:
//   A slab  A_0 (m_0 x k_0, lda = k_0) | A_1 | ...
//   B slab  B_0 (n_0 x k_0, ldb = k_0) | B_1 | ...
//   D slab  64 KiB guard | D_0 (m_0 x n_0, ldd = n_0) | gap >= 4 KiB | D_1 | ... | D_last | 64 KiB guard
// The whole D slab is poisoned to 0xFF (NaN) before every run, so after the last timed run every
// guard and gap byte that is not 0xFF was written by the kernel outside its groups' outputs: a group
// that writes past its last row or column lands in a gap, where a shared slab would hide it in the
// next group's D.
//
// Check: the fp64 reference and compare_output per group; the result reports the WORST rel_err and
// max_err over the groups and the unwritten outputs summed, and a failure names the worst group.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "baseline.h"
#include "compare.h"
#include "grouped.h"
#include "problem.h"
#include "random_fill.h"
#include "reference.h"
#include "timing.h"

namespace gkr {
namespace {

constexpr size_t kGuardBytes = 64 << 10;  // before the first and after the last D (as problem.cu does)
constexpr size_t kGapBytes = 4 << 10;     // at least this much between consecutive groups' D
constexpr size_t kAlign = 256;            // every group's A, B and D start on such a boundary

size_t align_up(size_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Each (tensor, group) gets its own hash stream: the group index above the tensor id's low byte.
// Group 0 keeps the plain tensor id, so a one-group problem gets the data of the plain MxNxK.
uint32_t group_tensor(uint32_t tensor, int g) { return tensor | (static_cast<uint32_t>(g) << 8); }

// "80,176,128" -> {80, 176, 128}; every value an integer in the int range (sign allowed).
bool parse_list(const std::string& text, std::vector<int>* out) {
  out->clear();
  size_t pos = 0;
  for (;;) {
    const size_t end = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, end - pos);
    if (item.empty()) return false;
    char* stop = nullptr;
    errno = 0;
    const long long v = std::strtoll(item.c_str(), &stop, 10);
    if (errno || *stop || v < -2147483647LL || v > 2147483647LL) return false;
    out->push_back(static_cast<int>(v));
    if (end == text.size()) return true;
    pos = end + 1;
  }
}

// "80,176" or "4096" (when every value is the same and `collapse` is set).
std::string join(const std::vector<int>& v, bool collapse, size_t max_shown = 0) {
  if (collapse && std::all_of(v.begin(), v.end(), [&](int x) { return x == v.front(); })) return std::to_string(v.front());
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (max_shown && i == max_shown && v.size() > max_shown + 1) return s + ",…";
    s += (i ? "," : "") + std::to_string(v[i]);
  }
  return s;
}

std::vector<GroupDims> groups_of(const Shape& s) {
  if (!s.groups.empty()) return s.groups;
  return {GroupDims{s.m, s.n, s.k}};
}

std::vector<int> field(const std::vector<GroupDims>& g, int GroupDims::*f) {
  std::vector<int> v;
  for (const GroupDims& x : g) v.push_back(x.*f);
  return v;
}

// The worst group of each metric over per-group error statistics.
struct GroupErrors {
  double rel_err = 0, max_err = 0;
  uint64_t unwritten = 0;
  int worst_rel = 0, worst_max = 0, most_unwritten = 0;
};

GroupErrors worst_of(const std::vector<ErrorStats>& st) {
  GroupErrors w;
  for (size_t g = 0; g < st.size(); ++g) {
    // NaN compares false: `!(x <= worst)` makes a NaN error the worst one.
    if (g == 0 || !(st[g].rel_err <= w.rel_err)) { w.rel_err = st[g].rel_err; w.worst_rel = int(g); }
    if (g == 0 || !(st[g].max_err <= w.max_err)) { w.max_err = st[g].max_err; w.worst_max = int(g); }
    if (st[g].nonfinite > st[w.most_unwritten].nonfinite) w.most_unwritten = int(g);
    w.unwritten += st[g].nonfinite;
  }
  return w;
}

}  // namespace

bool parse_grouped_shape(const std::string& text, Shape* out, std::string* why) {
  std::vector<std::string> parts;
  size_t pos = 0;
  for (;;) {
    const size_t end = std::min(text.find_first_of("xX", pos), text.size());
    parts.push_back(text.substr(pos, end - pos));
    if (end == text.size()) break;
    pos = end + 1;
  }
  if (parts.size() != 3) {
    *why = "a grouped problem is M1,M2,...xN1,...xK1,... (three lists, no L)";
    return false;
  }
  std::vector<int> lists[3];
  const char* names[3] = {"M", "N", "K"};
  for (int i = 0; i < 3; ++i)
    if (!parse_list(parts[i], &lists[i])) {
      *why = std::string("the ") + names[i] + " list '" + parts[i] + "' is not a comma-separated list of integers";
      return false;
    }
  size_t groups = 1;
  for (const auto& l : lists) groups = std::max(groups, l.size());
  for (const auto& l : lists)
    if (l.size() != 1 && l.size() != groups) {
      *why = "the M, N and K lists must have equal lengths or length 1 (one value for every group); got " +
             std::to_string(lists[0].size()) + ", " + std::to_string(lists[1].size()) + " and " +
             std::to_string(lists[2].size()) + " values";
      return false;
    }
  Shape s;
  long long m_sum = 0;
  for (size_t g = 0; g < groups; ++g) {
    auto at = [&](const std::vector<int>& l) { return l.size() == 1 ? l[0] : l[g]; };
    s.groups.push_back(GroupDims{at(lists[0]), at(lists[1]), at(lists[2])});
    m_sum += s.groups.back().m;
  }
  if (m_sum > 2147483647LL || m_sum < -2147483647LL) {
    *why = "the M values add up to more than 2147483647";
    return false;
  }
  s.m = static_cast<int>(m_sum);
  s.n = s.groups[0].n;
  s.k = s.groups[0].k;
  *out = s;
  return true;
}

void as_grouped(Shape* s) {
  if (s->groups.empty()) s->groups.push_back(GroupDims{s->m, s->n, s->k});
}

int tolerance_k(const Shape& s) {
  if (s.groups.empty()) return s.k;
  int k = s.groups[0].k;
  for (const GroupDims& g : s.groups) k = std::max(k, g.k);
  return k;
}

std::string problem_text(const Shape& s) {
  if (s.groups.empty())
    return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k) + "x" + std::to_string(s.l);
  // M is never collapsed, so the text reads back as the same number of groups.
  const std::vector<GroupDims>& g = s.groups;
  return join(field(g, &GroupDims::m), false) + "x" + join(field(g, &GroupDims::n), true) + "x" +
         join(field(g, &GroupDims::k), true);
}

std::string group_summary(const Shape& s) {
  const std::vector<GroupDims> g = groups_of(s);
  return std::to_string(g.size()) + (g.size() == 1 ? " group" : " groups") + " m=" + join(field(g, &GroupDims::m), false, 8) +
         " n=" + join(field(g, &GroupDims::n), true, 8) + " k=" + join(field(g, &GroupDims::k), true, 8);
}

std::string grouped_kernel_mismatch(const GkKernelInfo& info) {
  if (info.max_groups < 1)
    return "runner: grouped kernel reports max_groups " + std::to_string(info.max_groups) + " (< 1)";
  return "";
}

std::string grouped_problem_refusal(const Shape& s, const GkKernelInfo& info) {
  return "runner: " + problem_text(s) + " is a grouped problem (" + std::to_string(s.groups.size()) +
         " groups), but kernel " + (info.name ? info.name : "?") + " is not a grouped GEMM (op " +
         std::to_string(info.op) + "); give it one MxNxK per --problem";
}

void ProblemRunner::run_grouped_checked(const Shape& s, ProblemResult& r) {
  const std::vector<GroupDims> dims = groups_of(s);
  const int groups = static_cast<int>(dims.size());
  auto refuse = [&r](const std::string& why) {
    r.status = "refused";
    r.message = why;
  };
  if (s.l != 1) {
    refuse("runner: batches (MxNxKxL with L = " + std::to_string(s.l) + ") are run for GEMV kernels only");
    return;
  }
  // "group 3 (m=72)": N and K too when the groups differ in them.
  const bool same_nk = std::all_of(dims.begin(), dims.end(), [&](const GroupDims& g) { return g.n == dims[0].n && g.k == dims[0].k; });
  auto label = [&](int g) {
    std::string t = "group " + std::to_string(g) + " (m=" + std::to_string(dims[g].m);
    if (!same_nk) t += " n=" + std::to_string(dims[g].n) + " k=" + std::to_string(dims[g].k);
    return t + ")";
  };

  // The kernel's group table: dense groups (lda = ldb = k_g, ldd = n_g); pointers once allocated.
  // args.m / n / k / a / b / d stay 0 / null: a grouped kernel does not read them.
  std::vector<GkGemmGroup> table(groups);
  for (int g = 0; g < groups; ++g) {
    const GroupDims& x = dims[g];
    table[g] = GkGemmGroup{x.m, x.n, x.k, nullptr, x.k, nullptr, x.k, nullptr, x.n, nullptr, nullptr, nullptr};
  }
  GkGemmArgs args{};
  args.a_type = info_.a; args.b_type = info_.b; args.d_type = info_.out;
  args.groups = groups;
  args.group_list = table.data();

  for (int g = 0; g < groups; ++g)
    if (dims[g].m <= 0 || dims[g].n <= 0 || dims[g].k <= 0) {
      // Nothing can be allocated; the kernel's own verdict (with null pointers) comes first.
      const char* msg = gk_check(&args);
      refuse(msg ? std::string(msg)
                 : "runner: group " + std::to_string(g) + ": m, n and k must be positive; got m=" + std::to_string(dims[g].m) +
                       " n=" + std::to_string(dims[g].n) + " k=" + std::to_string(dims[g].k));
      return;
    }

  // As for a plain problem: this early gk_check (null pointers) only decides what to report when the
  // runner's own rules or the allocation refuse; the authoritative one sees the real pointers.
  const char* early_refusal = gk_check(&args);
  std::string runner_refusal;
  if (groups > info_.max_groups)
    runner_refusal = "runner: " + std::to_string(groups) + " groups, but the kernel takes at most " +
                     std::to_string(info_.max_groups) + " per launch (max_groups)";
  const int vec = info_.scale_vector;  // > 0: block-scaled, every group with its own scales
  for (int g = 0; g < groups && runner_refusal.empty(); ++g)
    if ((info_.a == GK_E2M1 || info_.b == GK_E2M1) && dims[g].k % 2 != 0)
      runner_refusal = "runner: group " + std::to_string(g) + ": e2m1 operands need an even K (two elements per byte), got K = " +
                       std::to_string(dims[g].k);
    else if (vec > 0 && dims[g].k % vec != 0)
      runner_refusal = "runner: group " + std::to_string(g) + ": a block-scaled GEMM needs K to be a multiple of the kernel's scale_vector (" +
                       std::to_string(vec) + "), got K = " + std::to_string(dims[g].k);
  if (!runner_refusal.empty()) {
    refuse(early_refusal ? std::string(early_refusal) : runner_refusal);
    return;
  }

  // Byte offsets of every group's tensors in their slabs, and of its block of the fp64 reference.
  std::vector<size_t> a_off(groups), b_off(groups), d_off(groups), d_len(groups), ref_off(groups), sfa_off(groups), sfb_off(groups),
      bias_off(groups);
  size_t a_total = 0, b_total = 0, d_end = kGuardBytes, ref_total = 0, sfa_total = 0, sfb_total = 0, bias_total = 0;
  for (int g = 0; g < groups; ++g) {
    const GroupDims& x = dims[g];
    a_off[g] = a_total;
    a_total = align_up(a_total + tensor_bytes(info_.a, size_t(x.m) * x.k));
    b_off[g] = b_total;
    b_total = align_up(b_total + tensor_bytes(info_.b, size_t(x.n) * x.k));
    d_off[g] = g == 0 ? kGuardBytes : align_up(d_end + kGapBytes);
    d_len[g] = tensor_bytes(info_.out, size_t(x.m) * x.n);
    d_end = d_off[g] + d_len[g];
    ref_off[g] = ref_total;
    ref_total += size_t(x.m) * x.n;
    if (vec > 0) {  // block scales in the blocked layout, one allocation's worth per group
      sfa_off[g] = sfa_total;
      sfa_total = align_up(sfa_total + scale_layout_bytes(x.m, x.k, vec));
      sfb_off[g] = sfb_total;
      sfb_total = align_up(sfb_total + scale_layout_bytes(x.n, x.k, vec));
    }
    if (info_.bias) {  // the epilogue's bias: one vector of N_g entries per group
      bias_off[g] = bias_total;
      bias_total = align_up(bias_total + tensor_bytes(info_.bias_type, size_t(x.n)));
    }
  }
  const size_t d_slab_bytes = d_end + kGuardBytes;

  DeviceBuffer a, b, d_slab, ws, sfa, sfb, bias;
  try {
    a.alloc(a_total);
    b.alloc(b_total);
    d_slab.alloc(d_slab_bytes);
    if (info_.bias) bias.alloc(bias_total);
    if (vec > 0) {
      sfa.alloc(sfa_total);
      sfb.alloc(sfb_total);
    }
  } catch (const CudaFailure& e) {
    if (e.code != cudaErrorMemoryAllocation || !early_refusal) throw;
    cudaGetLastError();  // out of memory is not sticky
    refuse(std::string(early_refusal));
    return;
  }
  unsigned char* const a_base = a.as<unsigned char>();
  unsigned char* const b_base = b.as<unsigned char>();
  unsigned char* const d_base = d_slab.as<unsigned char>();
  for (int g = 0; g < groups; ++g) {
    table[g].a = a_base + a_off[g];
    table[g].b = b_base + b_off[g];
    table[g].d = d_base + d_off[g];
    if (vec > 0) {
      table[g].sfa = sfa.as<unsigned char>() + sfa_off[g];
      table[g].sfb = sfb.as<unsigned char>() + sfb_off[g];
    }
    if (info_.bias) table[g].bias = bias.as<unsigned char>() + bias_off[g];
  }
  const size_t ws_bytes = gk_workspace_bytes(&args);
  ws.alloc(ws_bytes);
  args.workspace = ws.get();
  args.workspace_bytes = ws_bytes;
  // The ABI asks for a zeroed workspace before the first launch; kernels leave it zeroed.
  if (ws_bytes > 0) GKR_CHECK(cudaMemset(ws.get(), 0, ws_bytes));

  if (const char* msg = gk_check(&args)) {
    refuse(std::string(msg));
    return;
  }

  // Inputs (one hash stream per tensor and group), D poisoned, the fp64 reference per group.
  for (int g = 0; g < groups; ++g) {
    const GroupDims& x = dims[g];
    fill_random(a_base + a_off[g], info_.a, size_t(x.m) * x.k, cfg_.seed, group_tensor(kTensorA, g), stream_);
    fill_random(b_base + b_off[g], info_.b, size_t(x.n) * x.k, cfg_.seed, group_tensor(kTensorB, g), stream_);
    if (vec > 0) {
      fill_block_scales(const_cast<void*>(table[g].sfa), info_.scale, x.m, x.k, vec, cfg_.seed, group_tensor(kTensorSFA, g), stream_);
      fill_block_scales(const_cast<void*>(table[g].sfb), info_.scale, x.n, x.k, vec, cfg_.seed, group_tensor(kTensorSFB, g), stream_);
    }
  }
  GKR_CHECK(cudaMemsetAsync(d_base, 0xFF, d_slab_bytes, stream_));
  DeviceBuffer d_ref(ref_total * sizeof(double));
  for (int g = 0; g < groups; ++g) {
    const GroupDims& x = dims[g];
    RefScales scales;  // none for a plain grouped GEMM
    if (vec > 0) {
      scales.sfa = table[g].sfa;
      scales.sfb = table[g].sfb;
      scales.type = info_.scale;
      scales.vector = vec;
    }
    reference_gemm(table[g].a, info_.a, x.k, table[g].b, info_.b, x.k, d_ref.as<double>() + ref_off[g], x.m, x.n, x.k, stream_, scales);
  }
  if (info_.alpha || info_.bias || info_.activation != GK_ACT_NONE) {
    // The epilogue on each group's reference x, drawn as for a plain GEMM (problem.cu): alpha, one value
    // for the launch, = u / rms(x) over all groups (u uniform in [0.5, 1.5)); each group's bias uniform
    // in [-s, s) with s the rms of alpha·x, from its own hash stream, so a bias taken from the wrong
    // group (or dropped) moves D by about its own size.
    RefEpilogue e;
    const double scale = draw_epilogue_alpha(d_ref.as<double>(), ref_total, args, e, r);  // of alpha·x
    e.activation = info_.activation;
    for (int g = 0; g < groups; ++g) {
      if (info_.bias) {
        fill_random(const_cast<void*>(table[g].bias), info_.bias_type, size_t(dims[g].n), cfg_.seed, group_tensor(kTensorBias, g), stream_,
                    static_cast<float>(scale));
        e.bias = table[g].bias;
        e.bias_type = info_.bias_type;
      }
      reference_epilogue(d_ref.as<double>() + ref_off[g], dims[g].m, dims[g].n, e, stream_);
    }
  }

  // Poisoned: the whole slab, guards and gaps too, so a stray write of the last run shows.
  const TimingConfig tc = timing_config(d_base, d_slab_bytes);

  // The baseline: a CUDA graph of one vendor GEMM per group, into the same D_g (set up outside timing).
  BaselineRun base;
  if (cfg_.baseline) {
    try {
      std::vector<BaselineProblem> per_group(groups);
      for (int g = 0; g < groups; ++g) {
        BaselineProblem& bp = per_group[g];
        bp.m = dims[g].m; bp.n = dims[g].n; bp.k = dims[g].k;
        bp.a = table[g].a; bp.b = table[g].b; bp.d = table[g].d;
        bp.a_type = info_.a; bp.b_type = info_.b; bp.d_type = info_.out;
        bp.fp8_fast_accum = cfg_.fp8_fast_accum;
        // The epilogue as for a plain GEMM (problem.cu): alpha as cuBLAS's alpha, this group's bias and
        // the activation where cuBLASLt has them.
        if (info_.alpha) bp.alpha = args.alpha;
        if (info_.bias) {
          bp.bias = table[g].bias;
          bp.bias_type = info_.bias_type;
        }
        bp.activation = info_.activation;
        if (vec > 0) {
          bp.sfa = table[g].sfa; bp.sfb = table[g].sfb;
          bp.scale_type = info_.scale;
          bp.scale_vector = vec;
        }
      }
      // Block-scaled tensor-core MMAs exist from Blackwell (cc 10.x) on; Hopper has no vendor path.
      if (vec > 0 && dev_.cc_major != 10)
        base.message = "no vendor baseline for block-scaled " + block_format_name(info_.a, info_.scale, vec) + " on this GPU (cc " + dev_.cc() + ")";
      else
        base.impl = make_grouped_baseline(per_group, stream_, &base.message);
    } catch (const std::exception& e) {
      base.impl.reset();
      base.message = std::string("baseline error: ") + e.what();
      note_failure(e);
    }
  }

  const TimingResult t = time_kernel_blocks(args, base, tc, r);
  double flop = 0;
  for (const GroupDims& x : dims) flop += 2.0 * x.m * double(x.n) * x.k;
  r.us = t.median_us;
  r.tflops = flop / (t.median_us * 1e6);

  // Verify the last timed run, group by group.
  auto check_groups = [&]() {
    std::vector<ErrorStats> st(groups);
    for (int g = 0; g < groups; ++g)
      st[g] = compare_output(table[g].d, info_.out, dims[g].n, d_ref.as<double>() + ref_off[g], dims[g].m, dims[g].n, stream_);
    return st;
  };
  const std::vector<ErrorStats> st = check_groups();
  const GroupErrors w = worst_of(st);
  r.rel_err = w.rel_err;
  r.max_err = w.max_err;
  r.unwritten = w.unwritten;

  // Every byte of the slab outside the groups' D: the leading guard, the gaps, the trailing guard.
  size_t stray = 0;
  int first_stray_region = -1;  // 0: before group 0; g + 1: after group g
  std::vector<unsigned char> host;
  for (int region = 0; region <= groups; ++region) {
    const size_t from = region == 0 ? 0 : d_off[region - 1] + d_len[region - 1];
    const size_t to = region == groups ? d_slab_bytes : d_off[region];
    host.resize(to - from);
    GKR_CHECK(cudaMemcpy(host.data(), d_base + from, to - from, cudaMemcpyDeviceToHost));
    const size_t n = static_cast<size_t>(std::count_if(host.begin(), host.end(), [](unsigned char c) { return c != 0xFF; }));
    if (n && first_stray_region < 0) first_stray_region = region;
    stray += n;
  }

  const double tol = *r.tolerance;
  std::string why;
  auto add = [&why](const std::string& x) { why += (why.empty() ? "" : "; ") + x; };
  if (w.unwritten)
    add(std::to_string(w.unwritten) + " outputs unwritten or non-finite (most in " + label(w.most_unwritten) + ": " +
        std::to_string(st[w.most_unwritten].nonfinite) + ")");
  if (!(w.rel_err <= tol)) add(label(w.worst_rel) + ": rel_err " + fmt("%.3g", w.rel_err) + " > tolerance " + fmt("%.3g", tol));
  if (!(w.max_err <= tol)) add(label(w.worst_max) + ": max_err " + fmt("%.3g", w.max_err) + " > tolerance " + fmt("%.3g", tol));
  if (stray)
    add(std::to_string(stray) + " bytes written outside D (first " +
        (first_stray_region == 0 ? std::string("before group 0") : "after group " + std::to_string(first_stray_region - 1)) +
        "; 64 KiB guards before/after, >= 4 KiB gaps between groups)");
  std::string failing;
  int n_failing = 0;
  for (int g = 0; g < groups; ++g)
    if (st[g].nonfinite || !(st[g].rel_err <= tol) || !(st[g].max_err <= tol)) {
      if (++n_failing <= 16) failing += (failing.empty() ? "" : ",") + std::to_string(g);
    }
  if (n_failing > 16) failing += ",…";
  if (n_failing > 1) add(std::to_string(n_failing) + " of " + std::to_string(groups) + " groups fail: " + failing);
  r.status = why.empty() ? "pass" : "fail";
  if (!why.empty()) r.message = why;

  // The baseline's last block, then its output checked like the kernel's (worst group).
  time_last_baseline_block(base, tc, r);
  finish_baseline(base, flop, [&] {
    const GroupErrors bw = worst_of(check_groups());
    ErrorStats st;
    st.rel_err = bw.rel_err;
    st.max_err = bw.max_err;
    st.nonfinite = bw.unwritten;
    return st;
  }, r);
}

}  // namespace gkr
