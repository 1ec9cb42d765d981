import { defineGemv, gemv, store } from "gemmkit";

// The GEMV of the NVFP4 suite (../shared/problems/nvfp4-suite.json, "gemv"): c[m, l] = Σ_k dq(A)[m, k, l] ·
// dq(b)[k, l], A and b e2m1 with a ue4m3 scale per 16 K elements (sfa, sfb in the blocked layout),
// fp32 accumulation, fp16 out. Memory-bound and SIMT (no tensor cores): each lane streams 16-byte
// vectors of packed A (32 values, two scale blocks), decodes them with byte-permute table lookups and
// sums exact integer products with dp4a, one fp32 multiply-add per block with its two scales. The
// same kernel builds for sm_90a (runs on an H100: there is no vendor NVFP4 GEMV to compare with) and
// for sm_100a. Two rows per warp share each decoded vector of b. Not yet tuned on hardware.
const nvfp4 = gemv({ a: "e2m1", b: "e2m1", scale: { dtype: "ue4m3", vector: 16 }, out: "fp16" });
const tiler = { warps: 4, rowsPerWarp: 2, unroll: 4, splitK: 8 } as const;
const problems = [
  { m: 7168, k: 16384, l: 1 },
  { m: 4096, k: 7168, l: 8 },
  { m: 7168, k: 2048, l: 4 },
  // Odd: m not a multiple of the rows per block or of 128 (a partial scale atom), K = 32 vectors.
  { m: 200, k: 1024, l: 3 },
];

export const gemv_nvfp4 = defineGemv({
  name: "gemv_nvfp4",
  target: "sm_90a",
  op: nvfp4,
  tiler,
  epilogue: store(),
  problems,
});

export const gemv_nvfp4_sm100 = defineGemv({
  name: "gemv_nvfp4_sm100",
  target: "sm_100a",
  op: nvfp4,
  tiler,
  epilogue: store(),
  problems,
});
