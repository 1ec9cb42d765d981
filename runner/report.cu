#include <cstdio>
#include <ctime>

#include "common.h"
#include "grouped.h"
#include "json.h"
#include "report.h"

namespace gkr {
namespace {

template <class T>
void opt_field(JsonWriter& j, const char* k, const std::optional<T>& v) {
  if (v) j.field(k, *v);
  else j.field_null(k);
}

std::string num(const std::optional<double>& v, const char* f) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, *v);
  return buf;
}

}  // namespace

std::string iso_date_utc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string report_json(const RunReport& rep) {
  const GkKernelInfo& in = *rep.info;
  JsonWriter j;
  j.begin_object();
  j.field("kernel", in.name ? in.name : "")
      .field("target", in.target ? in.target : "")
      .field("gpu", rep.device.name)
      .field("sm_count", rep.device.sm_count)
      .field("cc", rep.device.cc())
      .field("date", rep.date)
      .field("reps", rep.config.reps)
      .field("warmup", rep.config.warmup)
      .field("l2_flush", rep.config.flush_by_read ? "read" : "write")
      .field("seed", rep.config.seed)
      .field("l2_bytes", rep.device.l2_bytes)
      .field("baseline_library", rep.baseline_library);
  j.key("kernel_info").begin_object()
      .field("a", dtype_name(in.a)).field("b", dtype_name(in.b)).field("out", dtype_name(in.out))
      .field("tile_m", in.tile_m).field("tile_n", in.tile_n).field("tile_k", in.tile_k)
      .field("cluster_m", in.cluster_m).field("cluster_n", in.cluster_n)
      .field("stages", in.stages).field("threads", in.threads)
      .field("smem_bytes", in.smem_bytes).field("split_k", in.split_k).field("op", in.op);
  // Block-scaled kernels: the scale dtype and K elements per scale; a plain GEMM: null and 0.
  if (in.scale_vector > 0) j.field("scale", dtype_name(in.scale));
  else j.field_null("scale");
  j.field("scale_vector", in.scale_vector);
  // The epilogue: D = epilogue(x), x the op's fp32 result ("x" when there is none).
  j.field("epilogue", epilogue_formula(in)).field("alpha", in.alpha);
  if (in.bias) j.field("bias", dtype_name(in.bias_type));
  else j.field_null("bias");
  j.field("activation", activation_name(in.activation)).end_object();
  j.key("results").begin_array();
  for (const ProblemResult& r : rep.results) {
    j.begin_object();
    j.field("m", r.shape.m).field("n", r.shape.n).field("k", r.shape.k).field("l", r.shape.l);
    // Grouped problems: every group's shape (m above is their M summed, n and k those of group 0).
    if (!r.shape.groups.empty()) {
      j.key("groups").begin_array();
      for (const GroupDims& g : r.shape.groups) j.begin_object().field("m", g.m).field("n", g.n).field("k", g.k).end_object();
      j.end_array();
    }
    j.field("status", r.status);
    opt_field(j, "message", r.message);
    opt_field(j, "us", r.us);
    opt_field(j, "tflops", r.tflops);
    opt_field(j, "rel_err", r.rel_err);
    opt_field(j, "max_err", r.max_err);
    opt_field(j, "tolerance", r.tolerance);
    opt_field(j, "unwritten", r.unwritten);
    opt_field(j, "alpha", r.alpha);
    if (r.baseline) {
      // "epilogue": what the baseline computes of the kernel's epilogue; "checked": whether its output
      // was compared with the reference (not when it leaves the epilogue out: "gemm only").
      j.key("baseline").begin_object()
          .field("name", r.baseline->name)
          .field("epilogue", r.baseline->epilogue)
          .field("checked", r.baseline->rel_err.has_value())
          .field("us", r.baseline->us)
          .field("tflops", r.baseline->tflops);
      opt_field(j, "rel_err", r.baseline->rel_err);
      opt_field(j, "max_err", r.baseline->max_err);
      opt_field(j, "unwritten", r.baseline->unwritten);
      j.end_object();
    } else {
      j.field_null("baseline");
    }
    opt_field(j, "baseline_message", r.baseline_message);
    opt_field(j, "ratio", r.ratio);
    // GEMV kernels: GB/s of bytes moved, the runner's device copy bandwidth, and the ratio.
    opt_field(j, "gbps", r.gbps);
    opt_field(j, "copy_gbps", r.copy_gbps);
    opt_field(j, "base_gbps", r.base_gbps);
    if (r.gbps && r.copy_gbps && *r.copy_gbps > 0) j.field("copy_fraction", *r.gbps / *r.copy_gbps);
    else j.field_null("copy_fraction");
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

std::string report_table(const RunReport& rep) {
  const GkKernelInfo& in = *rep.info;
  std::string out;
  char line[512];
  std::string scaled;
  if (in.scale_vector > 0)
    scaled = std::string(", block-scaled ") + dtype_name(in.scale) + " per " + std::to_string(in.scale_vector) + " K";
  if (in.alpha || in.bias || in.activation != GK_ACT_NONE) {
    scaled += ", D = " + epilogue_formula(in);
    if (in.bias) scaled += std::string(" (bias ") + dtype_name(in.bias_type) + ")";
  }
  std::snprintf(line, sizeof line, "kernel %s (%s, %s x %s -> %s%s) on %s (%d SMs, cc %s), reps %d, warmup %d, L2 flush by %s\n",
                in.name ? in.name : "?", in.target ? in.target : "?", dtype_name(in.a), dtype_name(in.b),
                dtype_name(in.out), scaled.c_str(), rep.device.name.c_str(), rep.device.sm_count,
                rep.device.cc().c_str(), rep.config.reps, rep.config.warmup, rep.config.flush_by_read ? "read" : "write");
  out += line;
  std::snprintf(line, sizeof line, "%7s %7s %7s  %-7s %10s %8s %9s %9s %6s %10s %8s %6s\n", "M", "N", "K", "status",
                "us", "TFLOP/s", "rel_err", "max_err", "unwr", "base_us", "base_TF", "ratio");
  out += line;
  for (const ProblemResult& r : rep.results) {
    std::optional<double> bus, btf;
    if (r.baseline) { bus = r.baseline->us; btf = r.baseline->tflops; }
    std::string unwr = r.unwritten ? std::to_string(*r.unwritten) : "-";
    std::snprintf(line, sizeof line, "%7d %7d %7d  %-7s %10s %8s %9s %9s %6s %10s %8s %6s\n", r.shape.m, r.shape.n,
                  r.shape.k, r.status.c_str(), num(r.us, "%.1f").c_str(), num(r.tflops, "%.1f").c_str(),
                  num(r.rel_err, "%.2e").c_str(), num(r.max_err, "%.2e").c_str(), unwr.c_str(),
                  num(bus, "%.1f").c_str(), num(btf, "%.1f").c_str(), num(r.ratio, "%.2f").c_str());
    out += line;
    if (!r.shape.groups.empty()) out += "        " + group_summary(r.shape) + "\n";
    if (r.gbps) {
      std::snprintf(line, sizeof line, "        %s GB/s of A + B + D (%s%% of the %s GB/s device copy bandwidth); baseline %s GB/s\n",
                    num(r.gbps, "%.0f").c_str(),
                    num(r.copy_gbps && *r.copy_gbps > 0 ? std::optional<double>(100.0 * *r.gbps / *r.copy_gbps) : std::nullopt, "%.1f").c_str(),
                    num(r.copy_gbps, "%.0f").c_str(), num(r.base_gbps, "%.0f").c_str());
      out += line;
    }
    if (r.alpha) out += "        alpha " + num(r.alpha, "%.6g") + "\n";
    if (r.message) out += "        " + *r.message + "\n";
    if (r.baseline && !r.baseline->epilogue.empty())
      out += "        baseline epilogue: " + r.baseline->epilogue + (r.baseline->rel_err ? "\n" : "; timed only, its output not checked\n");
    if (r.baseline_message) out += "        " + *r.baseline_message + "\n";
  }
  return out;
}

}  // namespace gkr
