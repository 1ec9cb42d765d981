import { defineKernel, gemm, persistent, store } from "gemmkit";

// MXFP8: e4m3 data with a ue8m0 (power-of-two) scale per 32 K elements, bf16 out, through tcgen05.mma
// kind::mxf8f6f4.block_scale. 128×128×128 tiles: one 512-byte scale atom of A and of B per stage,
// copied into tensor memory with tcgen05.cp; a 2×1 cluster shares each B tile by TMA multicast.
export default defineKernel({
  name: "gemm_mxfp8_sm100",
  target: "sm_100a",
  op: gemm({ a: "e4m3", b: "e4m3", scale: { dtype: "ue8m0", vector: 32 }, out: "bf16" }),
  tiler: { mma: [128, 128, 128], cluster: [2, 1] },
  stages: 5,
  scheduler: persistent({ raster: "n", swizzle: 8 }),
  epilogue: store(),
  problems: [
    { m: 8192, n: 8192, k: 8192 },
    { m: 4096, n: 4096, k: 4096 },
    { m: 128, n: 7168, k: 16384 },
  ],
});
