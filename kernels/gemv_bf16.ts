import { defineGemv, gemv, store } from "gemmkit";

// The GEMV of the NVFP4 suite (../shared/problems/nvfp4-suite.json, "gemv"), as dense bf16:
// c[m, l] = Σ_k A[m, k, l] · b[k, l]. Memory-bound: each warp streams one row of A with eight
// 16-byte loads per lane in flight; b is read through the read-only cache. Where row groups ×
// batches make less than one wave of blocks, K is split up to eight ways. Tuned on an H100
// (BENCHMARKS.md): one-warp blocks beat 2-, 4-, 8- and 16-warp blocks by 1–3% on the two long
// shapes and tie on the short one; 2 rows × 4 loads and 4 rows × 4 loads per warp were slower.
export const gemv_bf16 = defineGemv({
  name: "gemv_bf16",
  target: "sm_90a",
  op: gemv({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { warps: 1, rowsPerWarp: 1, unroll: 8, splitK: 8 },
  epilogue: store(),
  problems: [
    { m: 7168, k: 16384, l: 1 },
    { m: 4096, k: 7168, l: 8 },
    { m: 7168, k: 2048, l: 4 },
  ],
});
