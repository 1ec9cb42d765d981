import { defineKernel, groupedGemm, persistent, store } from "gemmkit";

// The grouped GEMMs of the NVFP4 suite ("grouped_gemm"), as dense bf16 on sm_90a: every group
// D_g = A_g·B_gᵀ has its own M (40, 72, 80, ... — partial tiles), N and K, and one persistent launch
// walks one tile list across all of them. Inside a group the walk goes down the M-blocks of one N
// column before the next column, so the CTAs that share a B tile run at the same time and B is read
// from memory once (measured with Nsight Compute: 487 MB of DRAM reads for the 470 MB of B of the
// first case). These shapes stream B, so the tile is chosen per case for whole waves of tiles on 132
// SMs (BENCHMARKS.md): 128×192 for the first case (242 tiles), 128×256 for the second (364), 128×128
// for the last two (120 and 128 tiles).
const odd = { m: [1, 40, 72, 200], n: [256, 776, 128, 4096], k: [64, 1000, 7168, 8] };

export const grouped_gemm_bf16 = defineKernel({
  name: "grouped_gemm_bf16",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 16 }),
  tiler: { mma: [128, 128, 64], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: [192, 320], n: 3072, k: 4096 },
    { m: [128, 384], n: 4096, k: 1536 },
    // Odd groups: M = 1, M not a multiple of the tile, N and K different per group.
    odd,
  ],
});

export const grouped_gemm_bf16_n192 = defineKernel({
  name: "grouped_gemm_bf16_n192",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 16 }),
  tiler: { mma: [128, 192, 64], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [{ m: [80, 176, 128, 72, 64, 248, 96, 160], n: 4096, k: 7168 }, odd],
});

export const grouped_gemm_bf16_n256 = defineKernel({
  name: "grouped_gemm_bf16_n256",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 16 }),
  tiler: { mma: [128, 256, 64], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [{ m: [40, 76, 168, 72, 164, 148, 196, 160], n: 7168, k: 2048 }, odd],
});

// Stream-K across the groups (every CTA gets an equal range of (tile, k-block) iterations). Correct
// on every shape tried, but slower on the suite's: a CTA's range walks consecutive tiles, so the CTAs
// running at once no longer share B tiles in L2, and B is read from memory several times over.
export const grouped_gemm_bf16_streamk = defineKernel({
  name: "grouped_gemm_bf16_streamk",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 16 }),
  tiler: { mma: [128, 128, 64], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1, streamK: true }),
  epilogue: store(),
  problems: [{ m: [192, 320], n: 3072, k: 4096 }, odd],
});
