import { defineKernel, gemm, persistent, store } from "gemmkit";

// The M=128 GEMMs of the NVFP4 suite, as dense bf16. With one or two M-blocks the time goes into
// streaming B once from memory while every CTA re-reads A from L2, so the tiles are narrow and the
// pipelines deep. Tuned on an H100 (BENCHMARKS.md).

// N = 7168: 64×112 tiles (cuBLAS's tile for this shape) give 2 × 64 = 128 CTAs, each with nine
// stages in flight; 128×64 tiles left 20 SMs idle (112 CTAs) and were 2% slower. A tile N of 112 is
// not whole 128-byte output rows, so D leaves in two unswizzled 56-column chunks. The odd shape
// checks partial tiles at both edges (776 = 6 × 112 + 104).
export const gemm_bf16_m128 = defineKernel({
  name: "gemm_bf16_m128",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [64, 112, 64], cluster: [1, 1] },
  stages: 9,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 128, n: 7168, k: 2048 },
    { m: 72, n: 7168, k: 2048 },
    { m: 200, n: 776, k: 1000 },
  ],
});

// N = 4096: 64×64 tiles give 2 × 64 = 128 CTAs without splitting K (no reduction at all), each
// with thirteen 16 KiB stages in flight; faster here than 128×64 tiles split in two.
export const gemm_bf16_m64 = defineKernel({
  name: "gemm_bf16_m64",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [64, 64, 64], cluster: [1, 1] },
  stages: 13,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 4096, k: 7168 },
    { m: 72, n: 4096, k: 7168 },
  ],
});

// Split-K reduced inside a cluster: the two CTAs that share a 128×64 tile run as one 2-CTA cluster
// and add their fp32 partials through distributed shared memory (no workspace, no counters). The
// example of `reduction: "cluster"`, built and checked with the others; on 128×4096×7168 it is as
// fast as the workspace reduction was (0.92× cuBLAS on the H100), slower than gemm_bf16_m64 above.
export const gemm_bf16_m128_split2 = defineKernel({
  name: "gemm_bf16_m128_split2",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 64, 64], cluster: [1, 1] },
  stages: 7,
  scheduler: persistent({ raster: "m", swizzle: 1, splitK: 2, reduction: "cluster" }),
  epilogue: store(),
  problems: [
    { m: 128, n: 4096, k: 7168 },
    { m: 200, n: 776, k: 1000 },
  ],
});
