import { defineKernel, gemm, persistent, store } from "gemmkit";

// The M=128 GEMMs of the NVFP4 suite, as dense bf16. With one M-block the time goes into
// streaming B once from memory, so the tile is narrow (128×64) to give every SM a slice of B,
// with eight stages in flight. Tuned on an H100 (BENCHMARKS.md): wider tiles with split-K were slower.
export const gemm_bf16_m128 = defineKernel({
  name: "gemm_bf16_m128",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 64, 64], cluster: [1, 1] },
  stages: 8,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 128, n: 7168, k: 2048 },
    { m: 72, n: 7168, k: 2048 },
  ],
});

// N=4096 gives only 64 tiles of 128×64: split K in two so 128 CTAs stream B.
export const gemm_bf16_m128_split2 = defineKernel({
  name: "gemm_bf16_m128_split2",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 64, 64], cluster: [1, 1] },
  stages: 8,
  scheduler: persistent({ raster: "m", swizzle: 1, splitK: 2 }),
  epilogue: store(),
  problems: [{ m: 128, n: 4096, k: 7168 }],
});
