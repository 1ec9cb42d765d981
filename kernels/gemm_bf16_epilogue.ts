import { defineKernel, gemm, persistent, store } from "gemmkit";

// A GEMM with the whole epilogue: D = gelu(alpha·(A·Bᵀ) + bias[n]) in fp32, written as fp32. The
// tile and cluster are gemm_bf16_128x256's, so the two time the same main loop and the difference
// is the epilogue (and fp32's twice as many bytes of D). Each consumer thread reads its columns'
// bias entries (fp32 pairs) before each chunk's barrier, so the loads overlap it.
export const gemm_bf16_epilogue = defineKernel({
  name: "gemm_bf16_epilogue",
  target: "sm_90a",
  op: gemm({ a: "bf16", b: "bf16", out: "fp32" }),
  tiler: { mma: [128, 256, 64], cluster: [2, 1] },
  stages: 4,
  scheduler: persistent({ raster: "n", swizzle: 8 }),
  epilogue: store({ alpha: true, bias: "fp32", activation: "gelu" }),
  problems: [
    { m: 200, n: 776, k: 1000 },
    { m: 4096, n: 4096, k: 4096 },
  ],
});
