import { defineKernel, groupedGemm, persistent, store } from "gemmkit";

// The grouped GEMMs of the NVFP4 suite ("grouped_gemm"), as dense bf16 on sm_90a: every group
// D_g = A_g·B_gᵀ has its own M (40, 72, 80, ... — partial tiles), N and K, and one persistent launch
// walks one tile list across all of them. Inside a group the walk goes down the M-blocks of one N
// column before the next column, so the CTAs that share a B tile run at the same time and read it
// from L2 once.
const suite = [
  { m: [80, 176, 128, 72, 64, 248, 96, 160], n: 4096, k: 7168 },
  { m: [40, 76, 168, 72, 164, 148, 196, 160], n: 7168, k: 2048 },
  { m: [192, 320], n: 3072, k: 4096 },
  { m: [128, 384], n: 4096, k: 1536 },
];

export const grouped_gemm_bf16 = defineKernel({
  name: "grouped_gemm_bf16",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 16 }),
  tiler: { mma: [128, 128, 64], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    ...suite,
    // Odd groups: M = 1, M not a multiple of the tile, N and K different per group.
    { m: [1, 40, 72, 200], n: [256, 776, 128, 4096], k: [64, 1000, 7168, 8] },
  ],
});
