import { defineKernel, dualGemm, persistent, siluMul } from "gemmkit";

// The gated dual GEMM with a scaled, biased gate output: D = alpha·(silu(A·B1ᵀ) ⊙ (A·B2ᵀ)) + bias[n],
// all in fp32, converted once to bf16. Tile, stages and walk are dual_gemm_bf16's, so the two
// differ only in the epilogue.
export const dual_gemm_bf16_bias = defineKernel({
  name: "dual_gemm_bf16_bias",
  target: "sm_90a",
  op: dualGemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 128, 64], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 4 }),
  epilogue: siluMul({ alpha: true, bias: "bf16" }),
  problems: [
    { m: 512, n: 4096, k: 7168 },
    { m: 200, n: 776, k: 1000 },
  ],
});
