#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
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

// Untouched bytes kept on both sides of D: a kernel that writes past its output is caught.
constexpr size_t kGuardBytes = 64 << 10;

// Useful flops of one run: 2·M·N·K per product and batch (a dual GEMM computes two; its silu-mul is
// not counted).
double flops(const Shape& s, int op) {
  return (op == GK_OP_DUAL_GEMM_SILU_MUL ? 2.0 : 1.0) * 2.0 * s.m * double(s.n) * s.k * (op == GK_OP_GEMV ? s.l : 1);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// True when the CUDA context still works after an error (the error was not sticky).
bool context_usable() {
  cudaGetLastError();  // clears a non-sticky error
  if (cudaDeviceSynchronize() != cudaSuccess) return false;
  void* p = nullptr;
  if (cudaMalloc(&p, 256) != cudaSuccess) return false;
  cudaFree(p);
  return cudaGetLastError() == cudaSuccess;
}

}  // namespace

// Tolerances. The reference uses the very same (dequantised) inputs in fp64, so the only
// differences are the kernel's fp32 accumulation and the final rounding to the output dtype.
//  * Rounding to nearest is off by at most half an ulp. For an output in the top binade of D
//    [2^e, 2^(e+1)) that is 2^(e-8) for bf16 (8-bit significand) and 2^(e-11) for fp16
//    (11-bit), while max|D_ref| >= 2^e. So rounding alone keeps max_err below 2^-8 = 3.9e-3
//    (bf16) and 2^-11 = 4.9e-4 (fp16); rel_err (a Frobenius ratio over all outputs) is a few
//    times smaller still.
//  * fp32 accumulation over K adds about 2^-24 * sqrt(K) relative (~1e-5 at K = 16384), whatever
//    the order of the sums (split-K, tile order).
//  So: bf16 8e-3 (2x the rounding bound), fp16 2e-3 (4x), fp32 1e-4 (~10x the accumulation
//  noise at large K). Real bugs (a wrong tile, a dropped K slice, swapped operands, a race)
//  give errors of order 1e-2 to 1 and unwritten outputs, far above all three.
//  fp8 inputs: Hopper's fp8 tensor-core MMA keeps only about 14 significant bits while it adds
//  products into the accumulator (DeepSeek-V3 technical report, section 3.3.2, measured on H800),
//  unless a kernel promotes partial sums into fp32 registers every few MMAs. The sm_90a kernels
//  here do not promote (the same contract as cuBLASLt's CUBLASLT_MATMUL_DESC_FAST_ACCUM, which is
//  why that is the default fp8 baseline). Rounding at 2^-14 relative over ~K/32 MMA steps grows
//  like a random walk: we allow 2^-13 * sqrt(K) on top of the output's bound (1.1e-2 extra at
//  K = 8192, 1.6e-2 at K = 16384). A dropped k-block or a wrong tile still errs by far more.
//  A GEMV with plain fp8 inputs (op GK_OP_GEMV, scale_vector 0) has no MMA: the SIMT kernel decodes
//  each e4m3 / e5m2 value exactly (to fp16, then fp32), multiplies in fp32 (a product of two fp8
//  values has at most 8 significant bits: exact) and adds in fp32, so it keeps the output dtype's
//  tolerance alone, without the fp8 term. (Its baseline, where cuBLASLt runs one, is an fp8 MMA and is
//  checked against that same tolerance: a baseline over it shows in the baseline's errors only.)
//  Block-scaled inputs (scale_vector > 0: nvfp4 = e2m1 x ue4m3 per 16 K, mxfp4 / mxfp8 = e2m1 / e4m3
//  x ue8m0 per 32 K): a dequantised value has at most 2 (e2m1) or 4 (e4m3) significant bits times a
//  ue4m3 (4 bits) or power-of-two ue8m0 scale, so it is exact in fp32, and the product of two of them
//  (at most 16 significant bits) is exact in fp32 too. What is left is the fp32 accumulation and
//  the final rounding, exactly as for bf16 / fp16 inputs, so the tolerance is the output dtype's
//  alone, without the fp8 term above. That term exists for Hopper's fp8 wgmma, which adds with
//  ~14 bits; block-scaled MMAs (Blackwell) are taken at the fp32-accumulation contract of the
//  format, and a kernel that keeps fewer bits than that is meant to show up here as a failure.
//  Gated dual GEMM (op GK_OP_DUAL_GEMM_SILU_MUL): D = silu(G) * U with G = A·Bᵀ and U = A·B2ᵀ, G and U
//  accumulated in fp32, silu and the product in fp32, one rounding to the output dtype at the end,
//  against the same expression in fp64. The rounding bound is the output dtype's as above (one
//  rounding of D). The fp32 errors of G and U are ~2^-24·sqrt(K) relative each (~1e-5 at K = 16384);
//  silu has slope within [-0.1, 1.1], so they reach D as at most about the sum of the two, and the
//  fp32 silu itself (__expf, a division, a multiply) adds a few ulp of fp32: all far below bf16/fp16
//  rounding and still ~5x below the fp32 tolerance. So the output dtype's tolerance stands. With
//  fp8 inputs each product carries the fast-accumulation term above, and D's error is about their
//  sum, so that term is doubled. A dual kernel that computed only A·Bᵀ (or used B for both) errs by
//  O(1) relative, far above every tolerance. A block-scaled dual GEMM (G with scales (sfa, sfb), U with
//  (sfa, sfb2)) has exact products in both, as for one block-scaled GEMM above, so it too keeps the
//  output dtype's tolerance; a kernel that scales B2 with sfb (or B with sfb2) multiplies each of U's
//  K blocks by an unrelated factor of 1/15 .. 15 (ue4m3) or 1/16 .. 16 (ue8m0): O(1) relative again.
//  Epilogues (GkKernelInfo::alpha / bias / activation): D = act(alpha·x + bias) with x the op's fp32
//  result, all in fp32 and rounded once to the output dtype, against the same expression in fp64 on
//  the fp64 x, with the same alpha (the float the kernel gets) and the same bias values (read from the
//  kernel's own bias buffer). alpha·x and + bias add one fp32 rounding each (2^-24 relative), far
//  below the accumulation's. The activations are Lipschitz with small constants: relu' is 0 or 1,
//  gelu' lies in [-0.13, 1.13] and silu' in [-0.10, 1.10], so an error in y reaches act(y) multiplied by
//  at most 1.13, and the fp32 activation itself (erff, __expf, a division) adds a few ulp of fp32. The
//  output's rounding bound is unchanged (one rounding of D). Since alpha is drawn so that alpha·x has
//  an rms of 0.5 to 1.5 and the bias is of that scale (see run_checked), max|D_ref| is of the
//  order of max|alpha·x| (relu halves the values, it does not shrink the largest), so the errors of x,
//  measured against max|D_ref| instead of max|alpha·x|, grow by a small factor at most: still ~5x
//  below the fp32 tolerance and far below bf16 / fp16 rounding. So each output dtype's tolerance
//  stands. Epilogue bugs err far more: a dropped bias by ~0.58·rms / max|D| (~0.1), a bias indexed by row,
//  a wrong activation (gelu for relu differs by up to 0.17 near 0) or a missing alpha by O(0.1..1) —
//  which is why alpha·x is brought to unit scale, where the activations bend. (The exact-erf gelu and
//  its tanh approximation differ by at most ~1e-3·|y| near |y| ~ 2, about the fp32 tolerance: that
//  difference is not reliably caught.)
double default_tolerance(GkDType out, GkDType a, int k, int scale_vector, int op) {
  double tol = 0;
  switch (out) {
    case GK_BF16: tol = 8e-3; break;
    case GK_FP16: tol = 2e-3; break;
    case GK_FP32: tol = 1e-4; break;
    default: return 0;
  }
  const double products = op == GK_OP_DUAL_GEMM_SILU_MUL ? 2.0 : 1.0;
  if (scale_vector <= 0 && dtype_is_fp8(a) && op != GK_OP_GEMV) tol += products * std::ldexp(1.0, -13) * std::sqrt(static_cast<double>(k));
  return tol;
}

std::string kernel_device_mismatch(const GkKernelInfo& info, const DeviceInfo& dev) {
  const std::string target = info.target ? info.target : "";
  int want_major = -1, want_minor = -1;
  if (target == "sm_90a") { want_major = 9; want_minor = 0; }
  else if (target == "sm_100a") { want_major = 10; want_minor = 0; }
  else return "runner: unknown kernel target '" + target + "' (expected sm_90a or sm_100a)";
#ifdef GK_BUILD_SM  // build.sh: 90 for sm_90a, 100 for sm_100a
  const std::string built = GK_BUILD_SM == 100 ? "sm_100a" : "sm_90a";
  if (target != built)
    return "runner: kernel says target " + target + " but the binary was built for " + built;
#endif
  if (dev.cc_major != want_major || dev.cc_minor != want_minor)
    return "runner: kernel target " + target + " needs compute capability " + std::to_string(want_major) + "." +
           std::to_string(want_minor) + ", but " + dev.name + " is " + dev.cc();
  if (info.out != GK_BF16 && info.out != GK_FP16 && info.out != GK_FP32)
    return std::string("runner: output dtype ") + dtype_name(info.out) + " is not supported (bf16, fp16, fp32)";
  for (GkDType t : {info.a, info.b})
    if (!dtype_is_operand(t))
      return std::string("runner: kernel reports input dtype ") + dtype_name(t) +
             ", which is not an operand dtype (bf16, fp16, fp32, e4m3, e5m2, e2m1)";
  if (info.op != GK_OP_GEMM && info.op != GK_OP_DUAL_GEMM_SILU_MUL && info.op != GK_OP_GEMV && info.op != GK_OP_GROUPED_GEMM)
    return "runner: kernel reports op " + std::to_string(info.op) +
           ", which this runner does not know (0 gemm, 1 dual gemm silu-mul, 2 gemv, 3 grouped gemm)";
  if (info.op == GK_OP_GROUPED_GEMM && !grouped_kernel_mismatch(info).empty()) return grouped_kernel_mismatch(info);
  if (info.alpha != 0 && info.alpha != 1) return "runner: kernel reports alpha " + std::to_string(info.alpha) + " (0 or 1)";
  if (info.bias != 0 && info.bias != 1) return "runner: kernel reports bias " + std::to_string(info.bias) + " (0 or 1)";
  if (info.bias == 1 && info.bias_type != GK_BF16 && info.bias_type != GK_FP16 && info.bias_type != GK_FP32)
    return std::string("runner: kernel reports bias dtype ") + dtype_name(info.bias_type) + " (bf16, fp16 or fp32)";
  if (info.activation < GK_ACT_NONE || info.activation > GK_ACT_SILU)
    return "runner: kernel reports activation " + std::to_string(info.activation) + ", which this runner does not know (0 none, 1 relu, 2 gelu, 3 silu)";
  if (info.scale_vector < 0) return "runner: kernel reports scale_vector " + std::to_string(info.scale_vector) + " (< 0)";
  if (info.scale_vector > 0) {
    if (!dtype_is_scale(info.scale))
      return std::string("runner: block-scaled kernel (scale_vector ") + std::to_string(info.scale_vector) +
             ") reports scale dtype " + dtype_name(info.scale) + "; expected ue4m3 or ue8m0";
    for (GkDType t : {info.a, info.b})
      if (t != GK_E2M1 && !dtype_is_fp8(t))
        return std::string("runner: block-scaled operands must be e2m1, e4m3 or e5m2, not ") + dtype_name(t);
  }
  return "";
}

ProblemRunner::ProblemRunner(const RunConfig& cfg, const DeviceInfo& dev, const GkKernelInfo& info)
    : cfg_(cfg), dev_(dev), info_(info) {
  device_mismatch_ = kernel_device_mismatch(info, dev);
  if (device_mismatch_.empty()) {
    GKR_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    flush_.alloc(2 * static_cast<size_t>(dev.l2_bytes > 0 ? dev.l2_bytes : (64 << 20)));
    GKR_CHECK(cudaMemset(flush_.get(), 0x5A, flush_.bytes()));  // defined contents for the read flush
    flush_sink_.alloc(sizeof(unsigned));
  }
}

ProblemRunner::~ProblemRunner() {
  if (stream_) cudaStreamDestroy(stream_);
}

void ProblemRunner::note_failure(const std::exception& e) {
  if (dynamic_cast<const HangFailure*>(&e)) {
    hung_ = true;
    broken_ = e.what();
  } else if (!context_usable()) {
    broken_ = std::string("sticky CUDA error: ") + e.what();
  }
}

ProblemResult ProblemRunner::run(const Shape& s) {
  ProblemResult r;
  r.shape = s;
  // Grouped problems: the largest K over the groups.
  r.tolerance = cfg_.tolerance ? *cfg_.tolerance : default_tolerance(info_.out, info_.a, tolerance_k(s), info_.scale_vector, info_.op);
  if (!device_mismatch_.empty()) {
    r.status = "refused";
    r.message = device_mismatch_;
    return r;
  }
  if (broken()) {
    r.status = "error";
    r.message = "not run: the GPU is unusable after an earlier problem (" + broken_ + ")";
    return r;
  }
  try {
    run_checked(s, r);
  } catch (const std::exception& e) {
    r.status = "error";
    r.message = e.what();
    note_failure(e);
  }
  return r;
}

double ProblemRunner::copy_gbps() {
  if (copy_gbps_ > 0) return copy_gbps_;
  // Large enough to dwarf the L2 and launch overheads: 1 GiB each way (less on small GPUs).
  size_t bytes = size_t(1) << 30;
  if (dev_.memory_bytes > 0) bytes = std::min(bytes, static_cast<size_t>(dev_.memory_bytes / 8));
  DeviceBuffer src(bytes), dst(bytes);
  GKR_CHECK(cudaMemsetAsync(src.get(), 0x5A, bytes, stream_));
  cudaEvent_t start = nullptr, stop = nullptr;
  GKR_CHECK(cudaEventCreate(&start));
  GKR_CHECK(cudaEventCreate(&stop));
  std::vector<double> samples;
  for (int i = 0; i < 13; ++i) {
    GKR_CHECK(cudaEventRecord(start, stream_));
    GKR_CHECK(cudaMemcpyAsync(dst.get(), src.get(), bytes, cudaMemcpyDeviceToDevice, stream_));
    GKR_CHECK(cudaEventRecord(stop, stream_));
    wait_stream(stream_, cfg_.timeout_s, "device copy bandwidth");
    float ms = 0;
    GKR_CHECK(cudaEventElapsedTime(&ms, start, stop));
    if (i >= 3) samples.push_back(double(ms) * 1e3);  // the first three warm up
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  const TimingResult t = summarize(samples);
  copy_gbps_ = 2.0 * double(bytes) / (t.median_us * 1e3);  // read + written
  return copy_gbps_;
}

void ProblemRunner::run_checked(const Shape& s, ProblemResult& r) {
  // Grouped GEMMs have their own data layout and checks (grouped.cu); other kernels take no groups.
  if (info_.op == GK_OP_GROUPED_GEMM) return run_grouped_checked(s, r);
  if (!s.groups.empty()) {
    r.status = "refused";
    r.message = grouped_problem_refusal(s, info_);
    return;
  }
  GkGemmArgs args{};
  args.m = s.m; args.n = s.n; args.k = s.k;
  args.lda = s.k; args.ldb = s.k; args.ldd = s.n;
  args.a_type = info_.a; args.b_type = info_.b; args.d_type = info_.out;
  const bool dual = info_.op == GK_OP_DUAL_GEMM_SILU_MUL;
  if (dual) args.ldb2 = s.k;
  // GEMV: n = 1, L batches packed one after the other (A m×k, B 1×k and D m×1 per batch).
  const bool gemv = info_.op == GK_OP_GEMV;
  const int l = s.l;
  if (!gemv && l != 1) {
    r.status = "refused";
    r.message = "runner: batches (MxNxKxL with L = " + std::to_string(l) + ") are run for GEMV kernels only";
    return;
  }
  if (gemv) {
    args.batch = l;
    args.batch_stride_a = int64_t(s.m) * s.k;
    args.batch_stride_b = int64_t(s.n) * s.k;
    args.batch_stride_d = int64_t(s.m) * s.n;
  }
  if (l <= 0) {
    const char* msg = gk_check(&args);
    r.status = "refused";
    r.message = msg ? std::string(msg) : std::string("runner: L must be positive");
    return;
  }

  if (s.m <= 0 || s.n <= 0 || s.k <= 0) {
    // Nothing can be allocated; the kernel's own verdict (with null pointers) comes first.
    const char* msg = gk_check(&args);
    r.status = "refused";
    r.message = msg ? std::string(msg) : std::string("runner: m, n and k must be positive");
    return;
  }

  // The authoritative gk_check sees the real pointers (alignment rules); this early one, with
  // null pointers, only decides what to report if the buffers cannot even be allocated.
  const char* early_refusal = gk_check(&args);
  // The runner's own rules: what it needs to build the inputs at all. The kernel's verdict, when
  // it has one, is reported first.
  const int vec = info_.scale_vector;  // > 0: block-scaled
  std::string runner_refusal;
  if ((info_.a == GK_E2M1 || info_.b == GK_E2M1) && s.k % 2 != 0)
    runner_refusal = "runner: e2m1 operands need an even K (two elements per byte), got K = " + std::to_string(s.k);
  else if (vec > 0 && s.k % vec != 0)
    runner_refusal = "runner: a block-scaled GEMM needs K to be a multiple of the kernel's scale_vector (" +
                     std::to_string(vec) + "), got K = " + std::to_string(s.k);
  if (!runner_refusal.empty()) {
    r.status = "refused";
    r.message = early_refusal ? std::string(early_refusal) : runner_refusal;
    return;
  }
  const size_t a_bytes = tensor_bytes(info_.a, size_t(s.m) * s.k * l);
  const size_t b_bytes = tensor_bytes(info_.b, size_t(s.n) * s.k * l);
  const size_t d_bytes = tensor_bytes(info_.out, size_t(s.m) * s.n * l);
  // Block scales: one blocked layout of A's and one of B's per batch, the batches packed (gemmkit_abi.h);
  // a block-scaled dual GEMM (one batch) also one of B2's, the size of B's.
  const size_t sfa_batch = vec > 0 ? scale_layout_bytes(s.m, s.k, vec) : 0;
  const size_t sfb_batch = vec > 0 ? scale_layout_bytes(s.n, s.k, vec) : 0;
  // The epilogue's bias: one entry per column of D (GEMM, dual GEMM), or per row for a GEMV.
  const int bias_count = gemv ? s.m : s.n;
  DeviceBuffer a, b, b2, sfa, sfb, sfb2, d_alloc, ws, bias;
  try {
    a.alloc(a_bytes);
    b.alloc(b_bytes);
    if (dual) b2.alloc(b_bytes);  // B2: n x k like B, of B's dtype
    if (info_.bias) bias.alloc(tensor_bytes(info_.bias_type, bias_count));
    if (vec > 0) {
      sfa.alloc(sfa_batch * l);
      sfb.alloc(sfb_batch * l);
      if (dual) sfb2.alloc(sfb_batch);
    }
    d_alloc.alloc(d_bytes + 2 * kGuardBytes);
  } catch (const CudaFailure& e) {
    if (e.code != cudaErrorMemoryAllocation || !early_refusal) throw;
    cudaGetLastError();  // out of memory is not sticky
    r.status = "refused";
    r.message = std::string(early_refusal);
    return;
  }
  unsigned char* d = d_alloc.as<unsigned char>() + kGuardBytes;
  args.a = a.get();
  args.b = b.get();
  args.d = d;
  args.sfa = sfa.get();  // null for a plain GEMM
  args.sfb = sfb.get();
  args.b2 = b2.get();  // null unless dual
  args.sfb2 = sfb2.get();  // null unless a block-scaled dual GEMM
  args.bias = bias.get();  // null unless the kernel adds a bias
  const size_t ws_bytes = gk_workspace_bytes(&args);
  ws.alloc(ws_bytes);
  args.workspace = ws.get();
  args.workspace_bytes = ws_bytes;
  // The ABI asks for a zeroed workspace before the first launch; kernels leave it zeroed.
  if (ws_bytes > 0) GKR_CHECK(cudaMemset(ws.get(), 0, ws_bytes));

  if (const char* msg = gk_check(&args)) {
    r.status = "refused";
    r.message = std::string(msg);
    return;
  }

  // Inputs, the reference, and D (with its guards) poisoned to 0xFF: NaN in bf16/fp16/fp32.
  fill_random(a.get(), info_.a, size_t(s.m) * s.k * l, cfg_.seed, kTensorA, stream_);
  fill_random(b.get(), info_.b, size_t(s.n) * s.k * l, cfg_.seed, kTensorB, stream_);
  if (dual) fill_random(b2.get(), info_.b, size_t(s.n) * s.k, cfg_.seed, kTensorB2, stream_);
  RefScales scales;
  if (vec > 0) {
    // Batch i's scales from their own hash stream (tensor id | i << 8; batch 0 is the plain problem's).
    for (int i = 0; i < l; ++i) {
      fill_block_scales(sfa.as<unsigned char>() + i * sfa_batch, info_.scale, s.m, s.k, vec, cfg_.seed, kTensorSFA | (uint32_t(i) << 8), stream_);
      fill_block_scales(sfb.as<unsigned char>() + i * sfb_batch, info_.scale, s.n, s.k, vec, cfg_.seed, kTensorSFB | (uint32_t(i) << 8), stream_);
    }
    // B2's scales (a dual GEMM has one batch): from a hash stream of their own, like B2's data.
    if (dual) fill_block_scales(sfb2.get(), info_.scale, s.n, s.k, vec, cfg_.seed, kTensorSFB2, stream_);
    scales.sfa = sfa.get();
    scales.sfb = sfb.get();
    scales.type = info_.scale;
    scales.vector = vec;
  }
  GKR_CHECK(cudaMemsetAsync(d_alloc.get(), 0xFF, d_alloc.bytes(), stream_));
  DeviceBuffer d_ref(size_t(s.m) * s.n * l * sizeof(double));
  // One fp64 GEMM per batch (a GEMV's batch is an n = 1 GEMM), into consecutive m×n blocks.
  for (int i = 0; i < l; ++i) {
    const unsigned char* a_i = static_cast<const unsigned char*>(a.get()) + tensor_bytes(info_.a, size_t(i) * s.m * s.k);
    const unsigned char* b_i = static_cast<const unsigned char*>(b.get()) + tensor_bytes(info_.b, size_t(i) * s.n * s.k);
    RefScales scales_i = scales;
    if (vec > 0) {
      scales_i.sfa = sfa.as<unsigned char>() + i * sfa_batch;
      scales_i.sfb = sfb.as<unsigned char>() + i * sfb_batch;
    }
    reference_gemm(a_i, info_.a, s.k, b_i, info_.b, s.k, d_ref.as<double>() + size_t(i) * s.m * s.n, s.m, s.n, s.k,
                   stream_, scales_i);
  }
  if (dual) {
    // ref = silu(A·Bᵀ) ⊙ (A·B2ᵀ): the second fp64 product into its own buffer, then combined in place.
    // Block-scaled: A·Bᵀ above used (sfa, sfb); A·B2ᵀ uses (sfa, sfb2).
    RefScales up_scales = scales;
    if (vec > 0) up_scales.sfb = sfb2.get();
    DeviceBuffer up_ref(size_t(s.m) * s.n * sizeof(double));
    reference_gemm(a.get(), info_.a, s.k, b2.get(), info_.b, s.k, up_ref.as<double>(), s.m, s.n, s.k, stream_, up_scales);
    reference_silu_mul(d_ref.as<double>(), up_ref.as<double>(), size_t(s.m) * s.n, stream_);
  }
  if (info_.alpha || info_.bias || info_.activation != GK_ACT_NONE) {
    // The epilogue on the reference x, with inputs drawn from the seed at the scale of x, so that
    // each step changes D visibly:
    //  * alpha = u / rms(x), u uniform in [0.5, 1.5): alpha·x has an rms of 0.5 to 1.5 (alpha is
    //    never 0 or 1 by design), where relu, gelu and silu bend, so the check sees the activation;
    //  * the bias uniform in [-s, s), s the rms of alpha·x (of x without alpha): a dropped or
    //    misplaced bias moves D by about its own size. (Without alpha, x + bias keeps x's scale, where
    //    the activations are nearly max(y, 0): their check is weaker there.)
    RefEpilogue e;
    const double scale = draw_epilogue_alpha(d_ref.as<double>(), size_t(s.m) * s.n * l, args, e, r);  // of alpha·x
    if (info_.bias) {
      fill_random(bias.get(), info_.bias_type, size_t(bias_count), cfg_.seed, kTensorBias, stream_, static_cast<float>(scale));
      e.bias = bias.get();
      e.bias_type = info_.bias_type;
      e.bias_period = gemv ? s.m : 0;  // a GEMV's (L·M)×1 rows: bias[row % M]
    }
    e.activation = info_.activation;
    reference_epilogue(d_ref.as<double>(), s.m * l, s.n, e, stream_);
  }

  const TimingConfig tc = timing_config(d, d_bytes);
  BaselineRun base;
  if (cfg_.baseline) base = start_baseline(s, args);
  const TimingResult t = time_kernel_blocks(args, base, tc, r);
  r.us = t.median_us;
  r.tflops = flops(s, info_.op) / (t.median_us * 1e6);
  // A GEMV's traffic: A (e2m1 two per byte), B and D, and the scales it reads (m and n rows of
  // ceil(k / vec) per batch; the blocked layout's padding is never read).
  const size_t scale_bytes = vec > 0 ? size_t(l) * (size_t(s.m) + size_t(s.n)) * size_t(scale_cols(s.k, vec)) : 0;
  const size_t moved_bytes = a_bytes + b_bytes + d_bytes + scale_bytes;
  if (gemv) {
    r.gbps = double(moved_bytes) / (t.median_us * 1e3);
    r.copy_gbps = copy_gbps();
  }

  // Verify the output of the last timed run (L batches of m×n are (L·m)×n rows).
  const ErrorStats st = compare_output(d, info_.out, s.n, d_ref.as<double>(), s.m * l, s.n, stream_);
  r.rel_err = st.rel_err;
  r.max_err = st.max_err;
  r.unwritten = st.nonfinite;

  std::vector<unsigned char> guard(2 * kGuardBytes);
  GKR_CHECK(cudaMemcpy(guard.data(), d_alloc.get(), kGuardBytes, cudaMemcpyDeviceToHost));
  GKR_CHECK(cudaMemcpy(guard.data() + kGuardBytes, d + d_bytes, kGuardBytes, cudaMemcpyDeviceToHost));
  size_t stray = 0;
  for (unsigned char c : guard) stray += (c != 0xFF);

  const double tol = *r.tolerance;
  std::string why;
  auto add = [&why](const std::string& w) { why += (why.empty() ? "" : "; ") + w; };
  if (st.nonfinite) add(std::to_string(st.nonfinite) + " outputs unwritten or non-finite");
  if (!(st.rel_err <= tol)) add("rel_err " + fmt("%.3g", st.rel_err) + " > tolerance " + fmt("%.3g", tol));
  if (!(st.max_err <= tol)) add("max_err " + fmt("%.3g", st.max_err) + " > tolerance " + fmt("%.3g", tol));
  if (stray) add(std::to_string(stray) + " bytes written outside D (64 KiB guards before/after)");
  r.status = why.empty() ? "pass" : "fail";
  if (!why.empty()) r.message = why;

  // The baseline's (second) block ends with its own output in D: check that one too.
  time_last_baseline_block(base, tc, r);
  finish_baseline(base, flops(s, info_.op), [&] { return compare_output(d, info_.out, s.n, d_ref.as<double>(), s.m * s.l, s.n, stream_); }, r);
  if (gemv && r.baseline) r.base_gbps = double(moved_bytes) / (r.baseline->us * 1e3);
}

ProblemRunner::BaselineRun ProblemRunner::start_baseline(const Shape& s, const GkGemmArgs& args) {
  BaselineRun run;
  // Block-scaled tensor-core MMAs exist from Blackwell (cc 10.x) on; Hopper has no vendor path.
  if (info_.scale_vector > 0 && dev_.cc_major != 10) {
    run.message = "no vendor baseline for block-scaled " + block_format_name(info_.a, info_.scale, info_.scale_vector) +
                  " on this GPU (cc " + dev_.cc() + ")";
    return run;
  }
  try {
    BaselineProblem bp;
    bp.m = s.m; bp.n = s.n; bp.k = s.k;
    bp.a = args.a; bp.b = args.b; bp.d = args.d;
    bp.a_type = info_.a; bp.b_type = info_.b; bp.d_type = info_.out;
    bp.fp8_fast_accum = cfg_.fp8_fast_accum;
    if (info_.op == GK_OP_GEMV) {
      bp.batch = s.l;
      bp.stride_a = int64_t(s.m) * s.k;
      bp.stride_b = int64_t(s.n) * s.k;
      bp.stride_d = int64_t(s.m) * s.n;
    }
    if (info_.op == GK_OP_DUAL_GEMM_SILU_MUL) {
      bp.dual_silu_mul = true;
      bp.b2 = args.b2;
    }
    if (info_.scale_vector > 0) {
      bp.sfa = args.sfa; bp.sfb = args.sfb;
      bp.sfb2 = args.sfb2;  // null unless a block-scaled dual GEMM
      bp.scale_type = info_.scale;
      bp.scale_vector = info_.scale_vector;
    }
    // The epilogue: alpha as cuBLAS's alpha; the bias (the kernel's own buffer) and the activation
    // where cuBLASLt has them (baseline.h).
    if (info_.alpha) bp.alpha = args.alpha;
    if (info_.bias) {
      bp.bias = args.bias;
      bp.bias_type = info_.bias_type;
      bp.bias_per_row = info_.op == GK_OP_GEMV;
    }
    bp.activation = info_.activation;
    run.impl = make_baseline(bp, stream_, &run.message);
  } catch (const std::exception& e) {
    run.impl.reset();
    run.message = std::string("baseline error: ") + e.what();
    note_failure(e);
  }
  return run;
}

double ProblemRunner::draw_epilogue_alpha(const double* d_ref, size_t count, GkGemmArgs& args, RefEpilogue& e, ProblemResult& r) {
  const double rms = reference_rms(d_ref, count, stream_);
  double scale = rms > 0 ? rms : 1.0;
  if (info_.alpha) {
    const double u = 0.5 + random_unit(cfg_.seed, kTensorAlpha, 0);
    args.alpha = static_cast<float>(u / scale);
    e.alpha = args.alpha;
    r.alpha = args.alpha;
    scale = u;
  }
  return scale;
}

TimingConfig ProblemRunner::timing_config(void* poison, size_t poison_bytes) const {
  TimingConfig tc;
  tc.warmup = cfg_.warmup;
  tc.reps = cfg_.reps;
  tc.timeout_s = cfg_.timeout_s;
  tc.flush = flush_.get();
  tc.flush_bytes = flush_.bytes();
  tc.flush_by_read = cfg_.flush_by_read;
  tc.flush_sink = flush_sink_.as<unsigned>();
  tc.poison = poison;
  tc.poison_bytes = poison_bytes;
  tc.stream = stream_;
  return tc;
}

TimingResult ProblemRunner::time_kernel_blocks(const GkGemmArgs& args, BaselineRun& base, const TimingConfig& tc, ProblemResult& r) {
  const LaunchFn kernel = [&args](cudaStream_t st) -> std::string {
    cudaError_t e = gk_launch(&args, st);
    if (e == cudaSuccess) return std::string();
    return std::string("gk_launch returned ") + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
  };
  const int first_half = (cfg_.reps + 1) / 2;
  const int second_half = cfg_.reps - first_half;
  std::vector<double> kernel_us;
  auto time_block = [&](int reps, int warmup) {
    TimingConfig block = tc;
    block.reps = reps;
    block.warmup = warmup;
    const TimingResult t = time_launches(kernel, block);
    kernel_us.insert(kernel_us.end(), t.samples_us.begin(), t.samples_us.end());
  };
  time_block(first_half, cfg_.warmup);
  if (second_half > 0) {
    time_baseline_block(base, first_half, cfg_.warmup, tc, r);
    time_block(second_half, 2);
  }
  return summarize(kernel_us);
}

void ProblemRunner::time_last_baseline_block(BaselineRun& base, const TimingConfig& tc, ProblemResult& r) {
  const int first_half = (cfg_.reps + 1) / 2;
  const int second_half = cfg_.reps - first_half;
  time_baseline_block(base, second_half > 0 ? second_half : first_half, second_half > 0 ? 2 : cfg_.warmup, tc, r);
}

void ProblemRunner::time_baseline_block(BaselineRun& run, int reps, int warmup, const TimingConfig& tc, ProblemResult&) {
  if (!run.impl || reps <= 0) return;
  try {
    TimingConfig block = tc;
    block.reps = reps;
    block.warmup = warmup;
    Baseline* bl = run.impl.get();
    const TimingResult t = time_launches([bl](cudaStream_t st) { return bl->launch(st); }, block);
    run.samples_us.insert(run.samples_us.end(), t.samples_us.begin(), t.samples_us.end());
  } catch (const std::exception& e) {
    // The kernel's own verdict stands; only the baseline is missing.
    run.impl.reset();
    run.message = std::string("baseline error: ") + e.what();
    note_failure(e);
  }
}

void ProblemRunner::finish_baseline(BaselineRun& run, double flop, const std::function<ErrorStats()>& check, ProblemResult& r) {
  if (!run.impl) {
    if (!run.message.empty()) r.baseline_message = run.message;
    return;
  }
  try {
    const TimingResult t = summarize(run.samples_us);
    BaselineResult br;
    br.name = run.impl->name();
    br.epilogue = run.impl->epilogue();
    br.us = t.median_us;
    br.tflops = flop / (t.median_us * 1e6);
    // A baseline that leaves the epilogue out computes something else: timed, never compared.
    if (run.impl->computes_epilogue()) {
      const ErrorStats st = check();
      br.rel_err = st.rel_err;
      br.max_err = st.max_err;
      br.unwritten = st.nonfinite;
    }
    r.baseline = br;
    if (r.us && *r.us > 0) r.ratio = br.us / *r.us;
  } catch (const std::exception& e) {
    r.baseline_message = std::string("baseline error: ") + e.what();
    note_failure(e);
  }
}

}  // namespace gkr
