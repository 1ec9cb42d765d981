import { defineKernel, groupedGemm, persistent, store } from "gemmkit";

// The grouped GEMMs of the NVFP4 suite as dense fp8 (e4m3 in, bf16 out) on sm_90a; see
// grouped_gemm_bf16.ts. An fp8 128×N×128 stage moves the same bytes as the bf16 128×N×64 one;
// 128×192 for the first case, 128×240 for the second, 128×128 for the last two (BENCHMARKS.md).
// Each group table holds only as many groups as the kernel's problems need (it is copied at launch).
const odd = { m: [1, 40, 72, 200], n: [256, 784, 128, 4096], k: [64, 1008, 7168, 16] };

export const grouped_gemm_e4m3 = defineKernel({
  name: "grouped_gemm_e4m3",
  target: "sm_90a",
  op: groupedGemm({ a: "e4m3", b: "e4m3", out: "bf16", maxGroups: 4 }),
  tiler: { mma: [128, 128, 128], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [{ m: [192, 320], n: 3072, k: 4096 }, { m: [128, 384], n: 4096, k: 1536 }, odd],
});

// 8 groups × 4096 × 7168: 128×176 tiles (two per SM, as in bf16) were no faster here, 97.0–97.1
// against 97.2–97.8 µs.
export const grouped_gemm_e4m3_n192 = defineKernel({
  name: "grouped_gemm_e4m3_n192",
  target: "sm_90a",
  op: groupedGemm({ a: "e4m3", b: "e4m3", out: "bf16", maxGroups: 8 }),
  tiler: { mma: [128, 192, 128], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [{ m: [80, 176, 128, 72, 64, 248, 96, 160], n: 4096, k: 7168 }, odd],
});

// 8 groups × 7168 × 2048: 390 tiles of 128×240 (three rounds on 126 SMs): 57.5 against 59.2–59.9 µs
// for 128×192 on the H100.
export const grouped_gemm_e4m3_n240 = defineKernel({
  name: "grouped_gemm_e4m3_n240",
  target: "sm_90a",
  op: groupedGemm({ a: "e4m3", b: "e4m3", out: "bf16", maxGroups: 8 }),
  tiler: { mma: [128, 240, 128], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [{ m: [40, 76, 168, 72, 164, 148, 196, 160], n: 7168, k: 2048 }, odd],
});
