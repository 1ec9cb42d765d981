import { defineKernel, groupedGemm, persistent, store } from "gemmkit";

// A grouped GEMM with the whole epilogue: D_g = silu(alpha·A_g·B_gᵀ + bias_g), alpha one value for the
// launch, bias_g one vector per group (N_g entries, GkGemmGroup::bias), in fp32 before the one cast.
export const grouped_gemm_bf16_epilogue = defineKernel({
  name: "grouped_gemm_bf16_epilogue",
  target: "sm_90a",
  op: groupedGemm({ a: "bf16", b: "bf16", out: "bf16", maxGroups: 16 }),
  tiler: { mma: [128, 128, 64], cluster: [1, 1] },
  stages: 6,
  scheduler: persistent({ raster: "m", swizzle: 1 }),
  epilogue: store({ alpha: true, bias: "bf16", activation: "silu" }),
  problems: [
    { m: [192, 320], n: 3072, k: 4096 },
    { m: [1, 40, 72, 200], n: [256, 776, 128, 4096], k: [64, 1000, 7168, 8] },
  ],
});
