import { defineKernel, dualGemm, persistent, siluMul } from "gemmkit";

// The gated dual GEMM of the NVFP4 suite ("dual_gemm") as dense fp8 on sm_90a: e4m3 A, B1 and B2,
// bf16 out, both products accumulated in fp32 from the same A tiles (QGMMA). In fp8 a 128×64×128
// stage of A, B1 and B2 moves the same 32 KB as the bf16 128×64×64 one, so the tile and depth of
// dual_gemm_bf16_n64 carry over; the M = 512 shapes get the 128×128 tile like dual_gemm_bf16.
export const dual_gemm_e4m3_n64 = defineKernel({
  name: "dual_gemm_e4m3_n64",
  target: "sm_90a",
  op: dualGemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [128, 64, 128], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "n", swizzle: 2 }),
  epilogue: siluMul(),
  problems: [
    { m: 256, n: 4096, k: 7168 },
    { m: 256, n: 3072, k: 4096 },
    { m: 200, n: 776, k: 1024 },
  ],
});

export const dual_gemm_e4m3 = defineKernel({
  name: "dual_gemm_e4m3",
  target: "sm_90a",
  op: dualGemm({ a: "e4m3", b: "e4m3", out: "bf16" }),
  tiler: { mma: [128, 128, 128], cluster: [1, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 4 }),
  epilogue: siluMul(),
  problems: [
    { m: 512, n: 4096, k: 7168 },
    { m: 512, n: 3072, k: 7168 },
    { m: 200, n: 776, k: 1024 },
  ],
});
