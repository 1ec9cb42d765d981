/**
 * plan for GEMV kernels (op kind "gemv", sm_90a or sm_100a: one SIMT kernel): what
 * templates/sm90/gemv.cu.hbs prints, for fp8 which <cuda_fp8.h> interpretation decodes the pairs,
 * and for NVFP4 how the e2m1 data and its scales are decoded (templates/sm90/gemv_nvfp4.hbs).
 */
import { SM100, type DType } from "../dsl/facts.js";
import { GEMV_BLOCK_SCALE_FORMAT, GEMV_FP8_DTYPES, gemvVector } from "../dsl/rules.js";
import type { GemvBudget } from "../dsl/validateGemv.js";
import type { GemvSpec, Target } from "../dsl/types.js";
import { cudaType, type CudaType } from "./cudaTypes.js";
import { planE2m1Decode, type E2m1DecodePlan } from "./e2m1.js";
import { planEpilogueMath, type EpilogueMathPlan } from "./epilogue.js";

/** NVFP4: the scales of A and b and how a vector of e2m1 values is decoded. */
export interface GemvScalePlan {
  readonly format: "NVFP4";
  readonly dtype: string;
  /** The GkDType gk_kernel_info reports for the scales. */
  readonly abi: string;
  /** K elements per scale. */
  readonly vector: number;
  /** Scale blocks one 16-byte load of A covers (vector elements / scale vector). */
  readonly blocksPerLoad: number;
  /** The blocked layout's atom: rows × columns of scales in `bytes` bytes. */
  readonly atom: { readonly rows: number; readonly columns: number; readonly bytes: number };
  readonly decode: E2m1DecodePlan;
}

/**
 * fp8 (e4m3 / e5m2) without scales: each 16-byte load is 16 values, decoded two at a time by
 * __nv_cvt_fp8x2_to_halfraw2 (exact: every e4m3 and e5m2 value is an fp16 value) and widened to float2.
 */
export interface GemvFp8Plan {
  /** The __nv_fp8_interpretation_t of A and b. */
  readonly interpretation: "__NV_E4M3" | "__NV_E5M2";
  /** fp8 pairs (float2s) per 16-byte load: vector / 2. */
  readonly pairs: number;
}

export interface GemvKernelPlan {
  readonly generator: string;
  readonly source: string;
  readonly name: string;
  readonly target: Target;
  readonly template: "sm90/gemv.cu.hbs";
  readonly types: { readonly a: CudaType; readonly b: CudaType; readonly out: CudaType };
  readonly warps: number;
  readonly threads: number;
  readonly rowsPerWarp: number;
  readonly rowsPerBlock: number;
  readonly unroll: number;
  /** Elements per 16-byte load (8 bf16 / fp16, 16 e4m3 / e5m2, 32 e2m1). */
  readonly vector: number;
  /** K elements one warp covers per unrolled step (32 lanes × unroll × vector). */
  readonly kPerStep: number;
  /** The most blocks that share one row group's K; the launch picks 1..this from the shape. */
  readonly splitK: number;
  /** Whether the fp32 split-K reduction is emitted. */
  readonly split: boolean;
  /** The shared epilogue math on each row's full fp32 sum (the bias has one entry per row). */
  readonly epilogue: EpilogueMathPlan;
  /** How the 16-bit pairs become floats ("" for fp8 and NVFP4, which decode their own way). */
  readonly toFloat2: string;
  /** The fp8 decode; false for a 16-bit or NVFP4 GEMV. */
  readonly fp8: GemvFp8Plan | false;
  /** Whether the kernel includes <cuda_fp8.h> (fp8 data, or NVFP4's ue4m3 scales). */
  readonly fp8Header: boolean;
  /** NVFP4's scales and e2m1 decode; false for a 16-bit GEMV. */
  readonly scale: GemvScalePlan | false;
  /** gk_kernel_info's scale fields. */
  readonly abi: { readonly scale: string; readonly scaleVector: number };
  readonly problems: GemvSpec["problems"];
}

export function planGemv(spec: GemvSpec, budget: GemvBudget, source: string, generator: string): GemvKernelPlan {
  const { warps, rowsPerWarp, unroll, splitK } = spec.tiler;
  const vector = gemvVector(spec.op.a);
  const scale = spec.op.scale === undefined ? false : planScale(vector);
  const fp8 = scale ? false : planFp8(spec.op.a, vector);
  const x = scale
    ? "Σ_k dq(A)[m,k]·dq(b)[k], the fp32 dot product of the dequantised values (after the split-K reduction)"
    : "Σ_k A[m,k]·b[k], the fp32 dot product (after the split-K reduction)";
  return {
    generator,
    source,
    name: spec.name,
    target: spec.target,
    template: "sm90/gemv.cu.hbs",
    types: { a: cudaType(spec.op.a), b: cudaType(spec.op.b), out: cudaType(spec.op.out) },
    warps,
    threads: budget.threads,
    rowsPerWarp,
    rowsPerBlock: warps * rowsPerWarp,
    unroll,
    vector,
    kPerStep: 32 * unroll * vector,
    splitK,
    split: splitK > 1,
    epilogue: planEpilogueMath(spec.epilogue, x, "row", cudaType(spec.op.out)),
    toFloat2: scale || fp8 ? "" : cudaType(spec.op.a).pairToFloat2,
    fp8,
    fp8Header: scale !== false || fp8 !== false,
    scale,
    abi: scale ? { scale: scale.abi, scaleVector: scale.vector } : { scale: "GkDType{}", scaleVector: 0 },
    problems: spec.problems,
  };
}

/** The fp8 decode of an unscaled e4m3 / e5m2 A (b has A's dtype); false for a 16-bit A. */
function planFp8(a: DType, vector: number): GemvFp8Plan | false {
  if (!(GEMV_FP8_DTYPES as readonly DType[]).includes(a)) return false;
  return { interpretation: a === "e4m3" ? "__NV_E4M3" : "__NV_E5M2", pairs: vector / 2 };
}

/** The NVFP4 scales (the validator accepted only NVFP4 for a block-scaled GEMV). */
function planScale(vector: number): GemvScalePlan {
  const f = SM100.blockScale.value[GEMV_BLOCK_SCALE_FORMAT];
  if (vector % f.vector !== 0) throw new Error(`planGemv: a ${vector}-element load is not whole ${f.vector}-element scale blocks`);
  return {
    format: "NVFP4",
    dtype: f.scale,
    abi: cudaType(f.scale).abi,
    vector: f.vector,
    blocksPerLoad: vector / f.vector,
    atom: SM100.scaleAtom.value,
    decode: planE2m1Decode(),
  };
}
