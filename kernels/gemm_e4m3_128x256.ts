import { defineKernel, gemm, persistent, store } from "gemmkit";

// Large square GEMMs in fp8 (e4m3 in, bf16 out): 128×256×128 tiles, so each stage is one
// 128-byte swizzle row of K, as in the bf16 kernel.
export default defineKernel({
  name: "gemm_e4m3_128x256",
  target: "sm_90a",
  op: gemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [128, 256, 128], cluster: [2, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 8 }),
  epilogue: store(),
  problems: [
    { m: 8192, n: 8192, k: 8192 },
    { m: 4096, n: 4096, k: 4096 },
    { m: 200, n: 776, k: 1008 },
  ],
});
