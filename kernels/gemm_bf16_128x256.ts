import { defineKernel, gemm, persistent, store } from "gemmkit";

// Large square GEMMs in bf16: a 128×256 tile per CTA (two consumer warpgroups of 64 rows), a 2×1
// cluster sharing each B tile through TMA multicast, four 48 KB stages.
export default defineKernel({
  name: "gemm_bf16_128x256",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [128, 256, 64], cluster: [2, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 8 }),
  epilogue: store(),
  problems: [
    { m: 8192, n: 8192, k: 8192 },
    { m: 4096, n: 4096, k: 4096 },
    { m: 200, n: 776, k: 1000 },
  ],
});
