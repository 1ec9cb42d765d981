import { defineGemv, gemv, store } from "gemmkit";

// gemv_bf16 with an epilogue on each row's full sum: c[m, l] = relu(alpha·Σ_k A[m, k, l]·b[k, l] + bias[m]),
// in fp32, then bf16. The bias has one entry per row of A, the same for every batch. Where K is
// split, the epilogue runs once, in the last split's block, on the reduced sum.
export const gemv_bf16_epilogue = defineGemv({
  name: "gemv_bf16_epilogue",
  target: "sm_90a",
  op: gemv({ a: "bf16", b: "bf16", out: "bf16" }),
  tiler: { warps: 8, rowsPerWarp: 1, unroll: 8, splitK: 8 },
  epilogue: store({ alpha: true, bias: "bf16", activation: "relu" }),
  problems: [
    { m: 7168, k: 16384, l: 1 },
    { m: 4096, k: 7168, l: 8 },
    { m: 200, k: 1000, l: 3 },
  ],
});
