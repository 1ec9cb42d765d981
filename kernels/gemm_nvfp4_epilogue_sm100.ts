import { defineKernel, gemm, persistent, store } from "gemmkit";

// gemm_nvfp4_m128_sm100 with the epilogue: D = silu(alpha·(A·Bᵀ) + bias[n]) in fp32, written as
// fp16. The epilogue warps apply it to each chunk after tcgen05.ld, with the chunk's bias entries
// (fp16, the same for every lane) loaded before the tensor-memory load so their latency overlaps it.
export const gemm_nvfp4_epilogue_sm100 = defineKernel({
  name: "gemm_nvfp4_epilogue_sm100",
  target: "sm_100a",
  op: gemm({ a: "e2m1", b: "e2m1", scale: { dtype: "ue4m3", vector: 16 }, out: "fp16" }),
  tiler: { mma: [128, 128, 256], cluster: [1, 2] },
  stages: 5,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store({ alpha: true, bias: "fp16", activation: "silu" }),
  problems: [
    { m: 128, n: 7168, k: 16384 },
    { m: 200, n: 776, k: 1024 },
  ],
});
