import { defineGemv, gemv, store } from "gemmkit";

// The GEMV of the NVFP4 suite (../shared/problems/nvfp4-suite.json, "gemv"), as dense bf16:
// c[m, l] = Σ_k A[m, k, l] · b[k, l]. Memory-bound: each warp streams two rows of A with four
// 16-byte loads per row and lane in flight; b is read through the read-only cache. Where row groups ×
// batches make less than one wave of blocks (m 7168, l 1), K is split up to four ways.
export const gemv_bf16 = defineGemv({
  name: "gemv_bf16",
  target: "sm_90a",
  op: gemv({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { warps: 8, rowsPerWarp: 2, unroll: 4, splitK: 4 },
  epilogue: store(),
  problems: [
    { m: 7168, k: 16384, l: 1 },
    { m: 4096, k: 7168, l: 8 },
    { m: 7168, k: 2048, l: 4 },
  ],
});
