// gemmkit runner: correctness + timing harness for one generated GEMM kernel (see README.md).
//
// Exit codes: 0 every non-refused problem passed; 1 some problem failed or errored;
//             2 bad command line; 3 no usable CUDA device.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>

#include "baseline.h"
#include "device.h"
#include "gemmkit_abi.h"
#include "grouped.h"
#include "problem.h"
#include "report.h"
#include "results.h"

namespace {

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitNoDevice = 3;

void usage(FILE* f, const char* argv0) {
  std::fprintf(f,
               "usage: %s --problem MxNxK[xL] [--problem MxNxK[xL] ...] [options]\n"
               "       %s --problem M1,M2,...xN1,...xK1,... [...] [options]   (grouped GEMM kernels)\n"
               "       %s --probe\n"
               "options:\n"
               "  --problem MxNxK   a GEMM D[M,N] = A[M,K] * B[N,K]^T to check and time (repeatable);\n"
               "                    MxNxKxL: L batches (GEMV kernels: N = 1, D[m, l] = sum_k A[m, k, l] * B[0, k, l])\n"
               "  --problem M1,M2,...xN1,...xK1,...\n"
               "                    a grouped GEMM (grouped kernels only): D_g = A_g * B_g^T for every group g, all in\n"
               "                    one launch; comma lists in the M, N and K positions, each of G values or of one\n"
               "                    value shared by all groups, e.g. 80,176,128x4096x7168 or 1,40,72x512,256,128x64;\n"
               "                    a grouped kernel reads a plain MxNxK as one group\n"
               "  --reps N          timed runs per problem, median reported (default 50)\n"
               "  --warmup N        untimed runs first (default 10)\n"
               "  --seed N          seed of the deterministic input data (default 1)\n"
               "  --json PATH       write the JSON report to PATH\n"
               "  --no-baseline     skip the cuBLAS / cuBLASLt baseline\n"
               "  --fp8-precise-accum  cuBLASLt fp8 baseline without CUBLASLT_MATMUL_DESC_FAST_ACCUM (the default\n"
               "                     baseline uses fast accumulation, the same contract as the generated kernels)\n"
               "  --flush HOW       how L2 is flushed before every timed run: read (default: a kernel reads 2x the L2\n"
               "                    size, so the run starts with clean lines) or write (a 2x-L2 memset, which leaves\n"
               "                    dirty lines for the run's misses to write back; the protocol before 2026-11-23 s9)\n"
               "  --tolerance X     override the output-dtype tolerance (bf16 8e-3, fp16 2e-3, fp32 1e-4)\n"
               "  --timeout S       give up when one run does not finish within S seconds (default 120)\n"
               "  --device N        CUDA device index (default 0)\n"
               "  --probe           print one JSON line about the device and exit (3: no device)\n"
               "exit: 0 all non-refused problems passed, 1 a failure or error, 2 usage, 3 no CUDA device\n",
               argv0, argv0, argv0);
}

[[noreturn]] void bad_usage(const char* argv0, const std::string& msg) {
  std::fprintf(stderr, "gemmkit runner: %s\n", msg.c_str());
  usage(stderr, argv0);
  std::exit(kExitUsage);
}

bool parse_int64(const char* s, long long lo, long long hi, long long* out) {
  if (!s || !*s) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// "MxNxK" or "MxNxKxL" (x or X; L batches, for GEMV kernels); values may be zero or negative so
// that refusals can be tested.
bool parse_shape(const std::string& s, gkr::Shape* out) {
  long long v[4] = {0, 0, 0, 1};
  size_t pos = 0;
  int parts = 0;
  while (parts < 4) {
    size_t end = s.find_first_of("xX", pos);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(pos, end - pos);
    if (!parse_int64(part.c_str(), -2147483647LL, 2147483647LL, &v[parts])) return false;
    ++parts;
    if (end == s.size()) break;
    pos = end + 1;
  }
  if (parts < 3 || pos > s.size()) return false;
  if (parts == 4 && s.find_first_of("xX", pos) != std::string::npos) return false;
  out->m = int(v[0]);
  out->n = int(v[1]);
  out->k = int(v[2]);
  out->l = int(v[3]);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  gkr::RunConfig cfg;
  bool probe = false;
  const char* argv0 = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](const char* what) -> const char* {
      if (i + 1 >= argc) bad_usage(argv0, std::string(a) + " needs " + what);
      return argv[++i];
    };
    long long v = 0;
    if (a == "--help" || a == "-h") {
      usage(stdout, argv0);
      return kExitOk;
    } else if (a == "--probe") {
      probe = true;
    } else if (a == "--problem") {
      gkr::Shape s;
      const char* t = next("MxNxK");
      std::string why;
      if (std::strchr(t, ',')) {
        if (!gkr::parse_grouped_shape(t, &s, &why)) bad_usage(argv0, std::string("bad --problem '") + t + "': " + why);
      } else if (!parse_shape(t, &s)) {
        bad_usage(argv0, std::string("bad --problem '") + t + "' (want MxNxK, or M1,M2,...xNxK for groups)");
      }
      cfg.problems.push_back(s);
    } else if (a == "--reps") {
      if (!parse_int64(next("a count"), 1, 100000, &v)) bad_usage(argv0, "--reps must be in 1..100000");
      cfg.reps = int(v);
    } else if (a == "--warmup") {
      if (!parse_int64(next("a count"), 0, 100000, &v)) bad_usage(argv0, "--warmup must be in 0..100000");
      cfg.warmup = int(v);
    } else if (a == "--seed") {
      if (!parse_int64(next("a number"), 0, 0x7fffffffffffffffLL, &v)) bad_usage(argv0, "--seed must be >= 0");
      cfg.seed = uint64_t(v);
    } else if (a == "--json") {
      cfg.json_path = next("a path");
    } else if (a == "--no-baseline") {
      cfg.baseline = false;
    } else if (a == "--flush") {
      const std::string how = next("read or write");
      if (how != "read" && how != "write") bad_usage(argv0, "--flush must be read or write");
      cfg.flush_by_read = how == "read";
    } else if (a == "--fp8-precise-accum") {
      cfg.fp8_fast_accum = false;
    } else if (a == "--tolerance") {
      const char* t = next("a number");
      char* end = nullptr;
      double x = std::strtod(t, &end);
      if (*end || !(x > 0)) bad_usage(argv0, "--tolerance must be a positive number");
      cfg.tolerance = x;
    } else if (a == "--timeout") {
      if (!parse_int64(next("seconds"), 1, 86400, &v)) bad_usage(argv0, "--timeout must be in 1..86400");
      cfg.timeout_s = double(v);
    } else if (a == "--device") {
      if (!parse_int64(next("an index"), 0, 1023, &v)) bad_usage(argv0, "--device must be >= 0");
      cfg.device = int(v);
    } else {
      bad_usage(argv0, "unknown argument '" + a + "'");
    }
  }

  gkr::DeviceInfo dev;
  const std::string no_device = gkr::query_device(cfg.device, &dev);
  if (!no_device.empty()) {
    std::fprintf(stderr, "gemmkit runner: %s\n", no_device.c_str());
    return kExitNoDevice;
  }
  if (probe) {
    std::printf("%s\n", gkr::probe_json(dev).c_str());
    return kExitOk;
  }
  if (cfg.problems.empty()) bad_usage(argv0, "no --problem given");

  gkr::RunReport rep;
  rep.info = gk_kernel_info();
  if (!rep.info) {
    std::fprintf(stderr, "gemmkit runner: gk_kernel_info() returned null\n");
    return kExitFailed;
  }
  // A grouped kernel runs every problem as groups (a plain MxNxK is one), and reports them so.
  if (rep.info->op == GK_OP_GROUPED_GEMM)
    for (gkr::Shape& s : cfg.problems) gkr::as_grouped(&s);
  rep.device = dev;
  rep.config = cfg;
  rep.date = gkr::iso_date_utc();
  rep.baseline_library = cfg.baseline ? gkr::baseline_library() : "disabled";

  try {
    // Not destroyed after a hang (its destructor would wait for the GPU): see gpu_hung().
    gkr::ProblemRunner* runner = new gkr::ProblemRunner(cfg, dev, *rep.info);
    for (const gkr::Shape& s : cfg.problems) {
      std::fprintf(stderr, "gemmkit runner: %s ...\n", gkr::problem_text(s).c_str());
      rep.results.push_back(runner->run(s));
      const gkr::ProblemResult& r = rep.results.back();
      std::fprintf(stderr, "gemmkit runner: %s %s%s%s\n", gkr::problem_text(s).c_str(), r.status.c_str(),
                   r.message ? ": " : "", r.message ? r.message->c_str() : "");
    }
    if (!gkr::gpu_hung()) delete runner;
  } catch (const std::exception& e) {
    // Only set-up outside any one problem lands here (stream, L2 flush buffer).
    std::fprintf(stderr, "gemmkit runner: set-up failed: %s\n", e.what());
    for (size_t i = rep.results.size(); i < cfg.problems.size(); ++i) {
      gkr::ProblemResult r;
      r.shape = cfg.problems[i];
      r.status = "error";
      r.message = std::string("runner set-up failed: ") + e.what();
      rep.results.push_back(r);
    }
  }

  int code = kExitOk;
  for (const gkr::ProblemResult& r : rep.results)
    if (r.status == "fail" || r.status == "error") code = kExitFailed;

  if (!cfg.json_path.empty()) {
    std::ofstream f(cfg.json_path);
    f << gkr::report_json(rep);
    f.close();
    if (!f) {
      std::fprintf(stderr, "gemmkit runner: cannot write %s\n", cfg.json_path.c_str());
      code = kExitFailed;
    }
  }
  std::fputs(gkr::report_table(rep).c_str(), stdout);
  std::fflush(stdout);
  std::fflush(stderr);
  // After a hang the GPU is still busy: skip the CUDA teardown, which could wait on it.
  if (gkr::gpu_hung()) std::_Exit(code);
  return code;
}
