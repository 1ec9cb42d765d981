import { defineKernel, dualGemm, persistent, siluMul } from "gemmkit";

// The gated dual GEMM of the NVFP4 suite ("dual_gemm"), as dense bf16 on sm_90a:
// D = silu(A·B1ᵀ) ⊙ (A·B2ᵀ), both products accumulated in fp32 from the same A tiles.
// Each stage holds A and B1 with B2 right below it, so each consumer warpgroup multiplies both with
// one m64n256 wgmma (A read once) into 2 × 64 accumulator registers, as many as one 128×256 GEMM
// tile; a stage holds A, B1 and B2 (48 KB), so four stages fit. The tile walk goes down the
// M-blocks of one N column first, so the CTAs running at once share their B1/B2 tiles through L2.
export const dual_gemm_bf16 = defineKernel({
  name: "dual_gemm_bf16",
  target: "sm_90a",
  op: dualGemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 128, 64], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 4 }),
  epilogue: siluMul(),
  problems: [
    { m: 256, n: 4096, k: 7168 },
    { m: 512, n: 4096, k: 7168 },
    { m: 256, n: 3072, k: 4096 },
    { m: 512, n: 3072, k: 7168 },
    { m: 200, n: 776, k: 1000 },
  ],
});

// M = 256 gives a 128×128 tile only 48–64 tiles for 132 SMs: a 128×64 tile doubles that
// (2 × 32 accumulator registers), with six stages of A, B1 and B2 (32 KB each) in flight.
export const dual_gemm_bf16_n64 = defineKernel({
  name: "dual_gemm_bf16_n64",
  target: "sm_90a",
  op: dualGemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 64, 64], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "n", swizzle: 2 }),
  epilogue: siluMul(),
  problems: [
    { m: 256, n: 4096, k: 7168 },
    { m: 200, n: 776, k: 1000 },
  ],
});

// N = 3072: 128×48 tiles give 2 × 64 = 128 CTAs (128×64 gives 96), with six stages of A and the
// stacked B1|B2 (28 KB each). Measured on the H100: 34.3 µs against 35.1 µs for 128×64 on 256×3072×4096.
export const dual_gemm_bf16_n48 = defineKernel({
  name: "dual_gemm_bf16_n48",
  target: "sm_90a",
  op: dualGemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 48, 64], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "n", swizzle: 2 }),
  epilogue: siluMul(),
  problems: [
    { m: 256, n: 3072, k: 4096 },
    { m: 200, n: 776, k: 1000 },
  ],
});

// M = 512, N = 3072: 128×128 tiles give 4 × 24 = 96 tiles for 132 SMs; 128×96 tiles give 4 × 32 =
// 128, each one m64n192 wgmma per k-step for both products (2 × 48 accumulator registers), four
// stages of A and the stacked B1|B2 (40 KB each). Measured on the H100: 60.0 µs against 74.2 µs for
// 128×128 on 512×3072×7168.
export const dual_gemm_bf16_n96 = defineKernel({
  name: "dual_gemm_bf16_n96",
  target: "sm_90a",
  op: dualGemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 96, 64], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 4 }),
  epilogue: siluMul(),
  problems: [
    { m: 512, n: 3072, k: 7168 },
    { m: 200, n: 776, k: 1000 },
  ],
});
