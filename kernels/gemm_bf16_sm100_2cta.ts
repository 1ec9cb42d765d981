import { defineKernel, gemm, persistent, store } from "gemmkit";

// Dense bf16 on a CTA pair: tcgen05.mma.cta_group::2 kind::f16 with M = 256 (128 rows in each CTA's
// tensor memory) and N = 256, the two CTAs of a 2×1 cluster each loading their A rows and half of B.
// The even CTA issues the MMAs and commits to both CTAs' barriers.
export default defineKernel({
  name: "gemm_bf16_sm100_2cta",
  target: "sm_100a",
  op: gemm({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { mma: [256, 256, 64], cluster: [2, 1], ctaGroup: 2 },
  stages: 6,
  scheduler: persistent({ raster: "n", swizzle: 8 }),
  epilogue: store(),
  problems: [
    { m: 8192, n: 8192, k: 8192 },
    { m: 4096, n: 4096, k: 4096 },
    { m: 200, n: 776, k: 1000 },
  ],
});
