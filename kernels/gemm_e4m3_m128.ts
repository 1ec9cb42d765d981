import { defineKernel, gemm, persistent, store } from "gemmkit";

// The M=128 GEMMs of the NVFP4 suite, as dense fp8 (e4m3 in, bf16 out); see gemm_bf16_m128.ts.
// In fp8 a 64×112×128 stage moves the same bytes as the bf16 64×112×64 one.
export const gemm_e4m3_m128 = defineKernel({
  name: "gemm_e4m3_m128",
  target: "sm_90a",
  op: gemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [64, 112, 128], cluster: [1, 1] },
  stages: 9,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 128, n: 7168, k: 2048 },
    { m: 200, n: 776, k: 1008 },
  ],
});

// N = 4096: 64×64 tiles, 128 CTAs, no split (see gemm_bf16_m64).
export const gemm_e4m3_m64 = defineKernel({
  name: "gemm_e4m3_m64",
  target: "sm_90a",
  op: gemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [64, 64, 128], cluster: [1, 1] },
  stages: 13,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 4096, k: 7168 },
    { m: 72, n: 4096, k: 7168 },
  ],
});
