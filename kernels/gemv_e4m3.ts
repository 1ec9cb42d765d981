import { defineGemv, gemv, store } from "gemmkit";

// The GEMV of the NVFP4 suite (../shared/problems/nvfp4-suite.json, "gemv"), with fp8 e4m3 A and b:
// c[m, l] = Σ_k A[m, k, l] · b[k, l], bf16 out, fp32 accumulation. Memory-bound: each warp streams one
// row of A with four 16-byte loads (16 e4m3 values each) per lane in flight; every pair of values is
// decoded fp8x2 → half2 → float2 (exact) and multiplied in fp32. One-warp blocks, one row, split-K up
// to eight ways where row groups × batches make less than one wave. Four loads, not eight as in
// gemv_bf16: a step then covers 2048 fp8 values, so K = 2048 is one whole step instead of a remainder
// walked one vector at a time (H100: 26.2 against 29.0 µs on 7168×2048×4, the others equal or better;
// BENCHMARKS.md). The last shape has an M that is no multiple of anything and three batches; K must
// be a multiple of 16 (GEMV-ALIGN-K).
export const gemv_e4m3 = defineGemv({
  name: "gemv_e4m3",
  target: "sm_90a",
  op: gemv({ a: "e4m3", out: "bf16" }),
  tiler: { warps: 1, rowsPerWarp: 1, unroll: 4, splitK: 8 },
  epilogue: store(),
  problems: [
    { m: 7168, k: 16384, l: 1 },
    { m: 4096, k: 7168, l: 8 },
    { m: 7168, k: 2048, l: 4 },
    { m: 200, k: 1024, l: 3 },
  ],
});
