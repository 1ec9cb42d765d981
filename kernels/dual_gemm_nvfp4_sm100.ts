import { defineKernel, dualGemm, persistent, siluMul } from "gemmkit";

// The gated dual GEMM of the NVFP4 suite ("dual_gemm") on sm_100a, as the suite defines it: e2m1 data
// two per byte, a ue4m3 scale per 16 K elements of A, B1 and B2 (blocked layout), fp16 out once.
// D = silu(A·B1ᵀ) ⊙ (A·B2ᵀ): each stage holds A, B1, B2 and their scales (54 KB), so three fit; the
// MMA issuer runs both products from the same A tile into two 128-column TMEM accumulators. Two such
// pairs (512 columns) would leave no room for the scales, so there is one accumulator stage and the
// epilogue of a tile does not overlap the next tile's MMAs (the generator decides; see sm100Budget).
export default defineKernel({
  name: "dual_gemm_nvfp4_sm100",
  target: "sm_100a",
  op: dualGemm({ a: "e2m1", b: "e2m1", scale: { dtype: "ue4m3", vector: 16 }, out: "fp16" }),
  tiler: { mma: [128, 128, 256], cluster: [1, 1] },
  stages: 3,
  scheduler: persistent({ raster: "n", swizzle: 4 }),
  epilogue: siluMul(),
  problems: [
    { m: 256, n: 4096, k: 7168 },
    { m: 512, n: 4096, k: 7168 },
    { m: 256, n: 3072, k: 4096 },
    { m: 512, n: 3072, k: 7168 },
  ],
});
