import { defineKernel, gemm, persistent, store } from "gemmkit";

// Dense fp8 (e4m3 in, bf16 out) on sm_100a: tcgen05.mma kind::f8f6f4, 128×256 per CTA with two
// accumulator stages of 256 columns (all 512 TMEM columns), 128 K per stage, a 2×1 cluster sharing
// each B tile through TMA multicast.
export default defineKernel({
  name: "gemm_e4m3_sm100",
  target: "sm_100a",
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
