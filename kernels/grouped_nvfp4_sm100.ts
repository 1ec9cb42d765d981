import { defineKernel, groupedGemm, persistent, store } from "gemmkit";

// The grouped GEMMs of the NVFP4 suite in NVFP4 on sm_100a (Blackwell): every group's A and B are
// e2m1 with a ue4m3 scale per 16 K elements (its own sfa / sfb in the blocked layout), fp16 out.
// One persistent launch walks the groups' tiles; per group the TMA producer takes that group's five
// tensor maps (A, B, D and the two scale maps) from the group table in the kernel's parameters.
// Compiled and SASS-checked here (no Blackwell GPU to run it on).
export const grouped_nvfp4_sm100 = defineKernel({
  name: "grouped_nvfp4_sm100",
  target: "sm_100a",
  op: groupedGemm({ a: "e2m1", b: "e2m1", scale: { dtype: "ue4m3", vector: 16 }, out: "fp16", maxGroups: 16 }),
  tiler: { mma: [128, 128, 256], cluster: [1, 1] },
  stages: 5,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: [80, 176, 128, 72, 64, 248, 96, 160], n: 4096, k: 7168 },
    { m: [40, 76, 168, 72, 164, 148, 196, 160], n: 7168, k: 2048 },
    { m: [192, 320], n: 3072, k: 4096 },
    { m: [128, 384], n: 4096, k: 1536 },
  ],
});
