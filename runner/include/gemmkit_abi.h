// The C ABI between a generated kernel (generated/<name>.cu) and the runner (runner/*.cu).
// A generated file implements the four gk_* functions; the runner links against exactly one.
// Fields are only ever appended: GkKernelInfo::op and GkGemmArgs::b2 / ldb2 (the gated dual GEMM),
// then GkGemmArgs::batch and the batch strides (GEMV), then the epilogue fields (GkKernelInfo::alpha,
// bias_type, bias, activation; GkGemmArgs::alpha, bias), then GkGemmArgs::groups / group_list and
// GkKernelInfo::max_groups (grouped GEMM), then GkGemmArgs::sfb2 (block-scaled dual GEMM) came last,
// so a kernel or caller that does not set them gets 0 / null (a plain GEMM, one batch, D the op's
// result converted once, no groups).
#pragma once
#include <cuda_runtime.h>
#include <cstddef>
#include <cstdint>

enum GkDType : int {
  GK_BF16 = 0, GK_FP16 = 1, GK_FP32 = 2, GK_E4M3 = 3, GK_E5M2 = 4,
  GK_E2M1 = 5,   // fp4: two per byte, element 2i in the low nibble, 2i+1 in the high nibble
  GK_UE4M3 = 6,  // block scale: unsigned use of float8 e4m3 (NVFP4, one per 16 K)
  GK_UE8M0 = 7,  // block scale: a power of two 2^(byte - 127) (MXFP8/MXFP4, one per 32 K)
};

// What a kernel computes (GkKernelInfo::op).
enum GkOp : int {
  GK_OP_GEMM = 0,                // D = A * B^T
  GK_OP_DUAL_GEMM_SILU_MUL = 1,  // D = silu(A * B^T) * (A * B2^T), elementwise; silu(x) = x / (1 + e^-x),
                                 // both products and the gate in fp32, converted once to D's dtype
  GK_OP_GEMV = 2,                // D[m, 0] = sum_k A[m, k] * B[0, k] per batch: n = 1, B is the K-vector
  GK_OP_GROUPED_GEMM = 3,        // D_g = A_g * B_g^T for every group g of GkGemmArgs::group_list, one launch
};

// One problem of a grouped GEMM (GK_OP_GROUPED_GEMM): D[m, n] = A[m, k] * B[n, k]^T with its own
// shape, pointers and strides; all row-major, A and B K-major, dtypes those of GkGemmArgs.
struct GkGemmGroup {
  int m, n, k;                 // each >= 1 (M need not be a multiple of the tile: 1, 40, 72 are fine)
  const void* a; int64_t lda;  // elements between consecutive rows (>= k)
  const void* b; int64_t ldb;  // (>= k)
  void* d; int64_t ldd;        // (>= n)
  // Block-scaled grouped kernels only (else null): this group's scales of A (m x k / scale_vector) and
  // of B (n x k / scale_vector), in the blocked layout described at GkGemmArgs::sfa.
  const void* sfa;
  const void* sfb;
  // Kernels whose epilogue adds a bias (GkKernelInfo::bias) only (else null): this group's bias, one
  // entry per column of its D (n values of GkKernelInfo::bias_type), 16-byte aligned.
  const void* bias;
};

// The activation an epilogue ends with (GkKernelInfo::activation), applied in fp32 after alpha and
// the bias.
enum GkActivation : int {
  GK_ACT_NONE = 0,
  GK_ACT_RELU = 1,  // max(y, 0)
  GK_ACT_GELU = 2,  // 0.5 * y * (1 + erf(y / sqrt(2))): the exact erf form, not the tanh approximation
  GK_ACT_SILU = 3,  // y / (1 + e^-y)
};

struct GkKernelInfo {
  const char* name;
  const char* target;  // "sm_90a" or "sm_100a"
  GkDType a, b, out;   // operand and output dtypes the kernel was built for
  int tile_m, tile_n, tile_k;
  int cluster_m, cluster_n;
  int stages;
  int threads;
  int smem_bytes;
  int split_k;
  // Block-scaled kernels: the scale dtype (GK_UE4M3 / GK_UE8M0) and K elements per scale;
  // scale_vector 0 for plain GEMMs (then `scale` is unused).
  GkDType scale;
  int scale_vector;
  int op;  // a GkOp: 0 a GEMM, 1 a dual GEMM with the silu-mul gate (then GkGemmArgs::b2 is required),
           // 2 a GEMV (then n must be 1; tile_m is rows per block, tile_k K per warp step, smem_bytes 0),
           // 3 a grouped GEMM (then GkGemmArgs::groups / group_list are required)
  // ---- Epilogue (appended together; all 0 in a kernel without one: D is the op's result x) ----
  // In this order, in fp32, after the op's result x (the accumulator; silu(A B^T) * (A B2^T) for a
  // dual GEMM; the dot product for a GEMV): y = alpha * x (when alpha is 1), y = y + bias[i] (when
  // bias is 1), y = act(y) (activation), then one conversion to `out`.
  int alpha;          // 1: the kernel multiplies by GkGemmArgs::alpha
  GkDType bias_type;  // the bias vector's dtype (GK_BF16, GK_FP16 or GK_FP32) when bias is 1
  int bias;           // 1: the kernel adds GkGemmArgs::bias (then required; gk_check refuses it null or misaligned)
  int activation;     // a GkActivation
  int max_groups;  // grouped GEMM: the most groups one launch takes (0 for other ops)
};

// D[m, n] = A[m, k] * B[n, k]^T (then the kernel's epilogue, GkKernelInfo::alpha / bias / activation).
// All three row-major; A and B are K-major (K contiguous).
// Dual GEMM kernels (GkKernelInfo::op == GK_OP_DUAL_GEMM_SILU_MUL):
// D[m, n] = silu((A B^T)[m, n]) * (A B2^T)[m, n], with B2 (b2, ldb2) N x K like B, of B's dtype.
struct GkGemmArgs {
  int m, n, k;
  const void* a; int64_t lda;  // elements between consecutive rows of A (>= k)
  const void* b; int64_t ldb;  // elements between consecutive rows of B (>= k)
  void* d; int64_t ldd;        // elements between consecutive rows of D (>= n)
  GkDType a_type, b_type, d_type;  // what the caller holds; must equal the kernel's
  void* workspace; size_t workspace_bytes;  // >= gk_workspace_bytes(args), zeroed before the first launch;
                                            // a kernel leaves it zeroed again when it returns
  // Block-scaled kernels only (else null): one scale per scale_vector K elements of each row of A
  // (sfa) and of B (sfb), in the blocked layout that tensor cores and cuBLAS consume
  // (../shared/problems/nvfp4-suite.json, "scale_blocked_layout"): 128 rows x 4 scale columns form
  // a 512-byte atom, byte (row % 32) * 16 + ((row % 128) / 32) * 4 + (col % 4) inside it; atoms
  // ordered (row / 128) * ceil(cols / 4) + col / 4.
  const void* sfa;
  const void* sfb;
  // Dual GEMM kernels only (else null / 0; gk_check refuses a null or misaligned b2 for them): the
  // second weight B2, n x k, K-major, of B's dtype, ldb2 elements between consecutive rows (>= k).
  const void* b2; int64_t ldb2;
  // Batches (GEMV kernels, GkKernelInfo::op == GK_OP_GEMV; 0 is read as 1 for callers that predate
  // it): batch i reads A + i * batch_stride_a and B + i * batch_stride_b and writes D + i *
  // batch_stride_d, strides in elements. A GEMV has n = 1: A is m x k (lda), B the 1 x k vector
  // (ldb >= k), D m x 1 (ldd >= 1). Its gk_check refuses batch strides that make batches overlap, and
  // (16-byte loads of A and B) k, lda, batch_stride_a or batch_stride_b not a multiple of 8 elements
  // (GEMV-ALIGN-K / GEMV-ALIGN-LDA / GEMV-ALIGN-BATCH) and A or B not 16-byte aligned (GEMV-ALIGN-PTR).
  // A block-scaled GEMV (NVFP4: scale_vector 16, A and B e2m1, 32 per 16-byte load, so those
  // multiples are 32 elements) also needs sfa and sfb (GK-SCALES), each 16-byte aligned
  // (GEMV-ALIGN-PTR). Its scales are the blocked layout above per batch, the batches packed: batch i's
  // scales of A start at sfa + i * ceil(m / 128) * ceil(ceil(k / 16) / 4) * 512 bytes, those of B (one
  // row, padded to one 128-row atom) at sfb + i * ceil(ceil(k / 16) / 4) * 512.
  int batch;
  int64_t batch_stride_a, batch_stride_b, batch_stride_d;
  // ---- Epilogue inputs (appended together; see GkKernelInfo::alpha / bias) ----
  // alpha: read only by a kernel built with alpha (GkKernelInfo::alpha 1), which uses it as given
  // (0 included); any other kernel ignores it, so callers that predate it (leaving 0) are unaffected.
  float alpha;
  // bias: required by a kernel built with a bias (GkKernelInfo::bias 1), ignored by others. Of
  // GkKernelInfo::bias_type, starting on a 16-byte boundary (gk_check refuses null or misaligned:
  // GK-BIAS). GEMM and dual GEMM: n entries, entry j added to column j of every row of D. GEMV (D is
  // m x 1 per batch): m entries, entry i added to row i, the same vector for every batch.
  const void* bias;
  // Grouped GEMM kernels only (GkKernelInfo::op == GK_OP_GROUPED_GEMM; else 0 / null): `groups`
  // problems in `group_list` (host memory, read only during gk_check / gk_launch), all computed by
  // one launch. m, n, k, a, b, d and their strides above are then unused (gk_check ignores them);
  // a_type, b_type, d_type and workspace apply to every group. gk_check refuses groups outside
  // [1, max_groups] (GK-GROUPS) and checks every group as it would a plain GEMM, naming the group.
  int groups;
  const GkGemmGroup* group_list;
  // Block-scaled dual GEMM kernels only (op GK_OP_DUAL_GEMM_SILU_MUL with scale_vector > 0; else
  // null): the scales of B2 (n x k / scale_vector), in the blocked layout described at sfa, 16-byte
  // aligned. gk_check refuses it null or misaligned for those kernels (GK-SCALES).
  const void* sfb2;
};

extern "C" const GkKernelInfo* gk_kernel_info();
// nullptr when the arguments are acceptable, else a message that names the broken rule.
// Touches no memory and launches nothing.
extern "C" const char* gk_check(const GkGemmArgs* args);
extern "C" size_t gk_workspace_bytes(const GkGemmArgs* args);
// Runs gk_check first; on refusal returns cudaErrorInvalidValue and launches nothing.
extern "C" cudaError_t gk_launch(const GkGemmArgs* args, cudaStream_t stream);
