/**
 * plan for GEMV kernels (op kind "gemv", sm_90a): what templates/sm90/gemv.cu.hbs prints.
 */
import { GEMV_VECTOR } from "../dsl/rules.js";
import type { GemvBudget } from "../dsl/validateGemv.js";
import type { GemvSpec, Target } from "../dsl/types.js";
import { cudaType, type CudaType } from "./cudaTypes.js";
import { planEpilogueMath, type EpilogueMathPlan } from "./epilogue.js";

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
  /** Elements per 16-byte load. */
  readonly vector: number;
  /** K elements one warp covers per unrolled step (32 lanes × unroll × vector). */
  readonly kPerStep: number;
  /** The most blocks that share one row group's K; the launch picks 1..this from the shape. */
  readonly splitK: number;
  /** Whether the fp32 split-K reduction is emitted. */
  readonly split: boolean;
  /** The shared epilogue math on each row's full fp32 sum (the bias has one entry per row). */
  readonly epilogue: EpilogueMathPlan;
  /** How the 16-bit pairs become floats. */
  readonly toFloat2: string;
  readonly problems: GemvSpec["problems"];
}

export function planGemv(spec: GemvSpec, budget: GemvBudget, source: string, generator: string): GemvKernelPlan {
  const { warps, rowsPerWarp, unroll, splitK } = spec.tiler;
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
    vector: GEMV_VECTOR,
    kPerStep: 32 * unroll * GEMV_VECTOR,
    splitK,
    split: splitK > 1,
    epilogue: planEpilogueMath(spec.epilogue, "Σ_k A[m,k]·b[k], the fp32 dot product (after the split-K reduction)", "row", cudaType(spec.op.out)),
    toFloat2: cudaType(spec.op.a).pairToFloat2,
    problems: spec.problems,
  };
}
