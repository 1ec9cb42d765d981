import { defineKernel, gemm, persistent, store } from "gemmkit";

// The GEMMs of the NVFP4 suite (../shared/problems/nvfp4-suite.json): e2m1 data two per byte, a ue4m3
// scale per 16 K elements in the blocked layout, fp16 out. tcgen05.mma kind::mxf4nvf4.block_scale
// .scale_vec::4X on 128×128 tiles (block-scaled tiles are N 128 in this generator), 256 K per stage
// (one 128-byte swizzle row of e2m1). With M = 128 every CTA needs the same A rows, so a 1×2 cluster
// loads each A tile once and multicasts it to both CTAs.
export default defineKernel({
  name: "gemm_nvfp4_m128_sm100",
  target: "sm_100a",
  op: gemm({ a: "e2m1", b: "e2m1", scale: { dtype: "ue4m3", vector: 16 }, out: "fp16" }),
  tiler: { mma: [128, 128, 256], cluster: [1, 2] },
  stages: 5,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store(),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 128, n: 4096, k: 7168 },
    { m: 128, n: 7168, k: 2048 },
  ],
});
