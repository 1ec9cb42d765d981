import { defineKernel, gemm, persistent, store } from "gemmkit";

// The M=128 GEMMs of the NVFP4 suite, as dense fp8 (e4m3 in, bf16 out); see gemm_bf16_m128.ts.
export const gemm_e4m3_m128_split2 = defineKernel({
  name: "gemm_e4m3_m128_split2",
  target: "sm_90a",
  op: gemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [128, 128, 128], cluster: [1, 2] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1, splitK: 2 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 128, n: 7168, k: 2048 },
  ],
});

export const gemm_e4m3_m128_split4 = defineKernel({
  name: "gemm_e4m3_m128_split4",
  target: "sm_90a",
  op: gemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [128, 128, 128], cluster: [1, 2] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1, splitK: 4 }),
  epilogue: store(),
  problems: [{ m: 128, n: 4096, k: 7168 }],
});
