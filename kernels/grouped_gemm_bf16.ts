import { defineKernel, groupedGemm, persistent, store } from "gemmkit";

// The grouped GEMMs of the NVFP4 suite ("grouped_gemm"), as dense bf16 on sm_90a: every group
// D_g = A_g·B_gᵀ has its own M (40, 72, 80, ... — partial tiles), N and K, and one persistent launch
// walks one tile list across all of them. Inside a group the walk goes down the M-blocks of one N
// column before the next column, so the CTAs that share a B tile run at the same time and B is read
// from memory once (measured with Nsight Compute: 487 MB of DRAM reads for the 470 MB of B of the
// first case). These shapes stream B, so the tile is chosen per case for whole waves of tiles on 132
// SMs (BENCHMARKS.md): 128×176 for the first case (264 tiles, two per SM), 128×240 for the second
// (390 tiles, three per SM on 126 SMs), 128×128 for the last two (120 and 128 tiles).
//
// maxGroups sizes the group table, which travels in the launch's parameter block (three 128-byte
// tensor maps and a shape per group): each kernel allows only as many groups as its problems need,
// since a 6.9 KB table (16 groups) made the 16 µs 128,384 × 4096 × 1536 case 2–3% slower than a
// 0.9 KB one (2 groups) on the H100.
const odd = { m: [1, 40, 72, 200], n: [256, 776, 128, 4096], k: [64, 1000, 7168, 8] };

export const grouped_gemm_bf16 = defineKernel({
  name: "grouped_gemm_bf16",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 4 }),
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

// 8 groups × 4096 × 7168: 11 M-blocks × 24 N-blocks of 176 columns = 264 tiles, exactly two per
// SM; this case is bound by DRAM (B is 470 MB), and 128×192 tiles (242: 22 SMs idle in the second
// round) were 2% slower. Four stages beat five (177.4–178.2 against 177.8–182.6 µs).
export const grouped_gemm_bf16_n176 = defineKernel({
  name: "grouped_gemm_bf16_n176",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 8 }),
  tiler: { mma: [128, 176, 64], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [{ m: [80, 176, 128, 72, 64, 248, 96, 160], n: 4096, k: 7168 }, odd],
});

// 8 groups × 7168 × 2048: 13 M-blocks × 30 N-blocks of 240 columns = 390 tiles (three rounds on
// 126 SMs, two on 6), against 364 for 128×256 (the third round on 100 SMs): 101.3 against 103.4 µs.
export const grouped_gemm_bf16_n240 = defineKernel({
  name: "grouped_gemm_bf16_n240",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 8 }),
  tiler: { mma: [128, 240, 64], cluster: [1, 1] },
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
