import { defineKernel, gemm, persistent, store } from "gemmkit";

// The M=128 GEMMs of the NVFP4 suite, as dense bf16. With one M-block there are only N/128 output
// tiles, too few for 132 SMs, and the time is spent streaming B: split K so every SM streams part
// of B, and share each A tile across a 1×2 cluster with multicast.
export const gemm_bf16_m128_split2 = defineKernel({
  name: "gemm_bf16_m128_split2",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 128, 64], cluster: [1, 2] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1, splitK: 2 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 128, n: 7168, k: 2048 },
  ],
});

export const gemm_bf16_m128_split4 = defineKernel({
  name: "gemm_bf16_m128_split4",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 128, 64], cluster: [1, 2] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1, splitK: 4 }),
  epilogue: store(),
  problems: [{ m: 128, n: 4096, k: 7168 }],
});
