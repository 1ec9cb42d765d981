/**
 * plan: ValidKernel -> KernelPlan. Decides the shared-memory layout, warp roles, register split,
 * TMA boxes and multicast, the MMA atom and the tile schedule. The result is plain data that the
 * templates print; nothing downstream computes any of it again.
 */
import type { ClusterReduction, Sm100Budget, Sm90Budget } from "../dsl/budget.js";
import { SM90, type Sm90OperandDType } from "../dsl/facts.js";
import type { GemvBudget } from "../dsl/validateGemv.js";
import type { GemvSpec, KernelSpec, Target } from "../dsl/types.js";
import { planGemv, type GemvKernelPlan } from "./gemv.js";
import { planSchedule, type SchedulePlan } from "./schedule.js";
import { cudaType, type CudaType } from "./cudaTypes.js";
import { planEpilogueMath, type EpilogueMathPlan } from "./epilogue.js";
import { sm90MmaAtom, type Sm90MmaAtom } from "./sm90/atom.js";
import { planSm100, type Sm100KernelPlan } from "./sm100/plan.js";

export type { Sm100KernelPlan } from "./sm100/plan.js";
export type { GemvKernelPlan } from "./gemv.js";

export const GENERATOR_VERSION = "gemmkit 0.1.0";

export interface PlanInput {
  readonly spec: KernelSpec;
  /** The budget the validator computed for the spec's target. */
  readonly budget: Sm90Budget | Sm100Budget;
  /** The kernel file, relative to the project root, for the header comment and manifest. */
  readonly source: string;
}

/** What the templates print: one plan type per target (GEMM-family), or a GEMV plan. */
export type KernelPlan = Sm90KernelPlan | Sm100KernelPlan;
/** Any plan the emitter prints. */
export type AnyKernelPlan = KernelPlan | GemvKernelPlan;

export interface Sm90KernelPlan {
  readonly generator: string;
  readonly source: string;
  readonly name: string;
  readonly target: Target;
  readonly template: "sm90/gemm.cu.hbs";
  /**
   * Gated dual GEMM: each stage holds A and B1 with B2 right below it (B1's tile N rows, then B2's, in
   * every swizzle atom), so one wgmma of N = 2 × tile N computes both products from one read of A;
   * the accumulator's first half is A·B1ᵀ, its second A·B2ᵀ; the epilogue stores silu(first) · second.
   */
  readonly dual: boolean;
  /** Products per tile: 1, or 2 for a dual GEMM (B tiles per stage, accumulator halves). */
  readonly products: number;
  /**
   * Grouped GEMM: the tile list spans every group of a launch and the per-group tensor maps travel in
   * a `tableBytes`-byte kernel parameter sized for `maxGroups` groups; false for other ops.
   */
  readonly grouped: false | { readonly maxGroups: number; readonly tableBytes: number };
  /** No CTA pairs and no block scales on sm_90a (the shared TMA producer reads these). */
  readonly ctaPair: false;
  readonly scale: false;
  readonly types: { readonly a: CudaType; readonly b: CudaType; readonly out: CudaType };
  readonly tile: { readonly m: number; readonly n: number; readonly k: number };
  /**
   * m × n: the multicast cluster (`size` CTAs share A and B tiles; `multi` when more than one).
   * `launchCtas`: CTAs per launched cluster — size × splitK with a cluster reduction, whose CTAs
   * are the splits of one tile; `launched` when that is more than one (cluster launch and barriers).
   */
  readonly cluster: {
    readonly m: number;
    readonly n: number;
    readonly size: number;
    readonly multi: boolean;
    readonly launchCtas: number;
    readonly launched: boolean;
  };
  /** Split-K through distributed shared memory (budget.ts: ClusterReduction), placed at receiveOffset. */
  readonly reduction: false | (ClusterReduction & { readonly receiveOffset: number });
  readonly stages: number;
  readonly threads: number;
  readonly consumerWarpgroups: number;
  readonly registers: { readonly producer: number; readonly consumer: number };
  readonly smem: {
    readonly kPerSwizzleAtom: number;
    readonly swizzleAtomsPerStage: number;
    readonly aBytesPerStage: number;
    /** The B part of a stage: B1 and B2 stacked for a dual GEMM (products × one B tile). */
    readonly bBytesPerStage: number;
    /** Rows of one swizzle atom of a B stage: products × tile N (B1's rows, then B2's). */
    readonly bRowsPerAtom: number;
    readonly aOffset: number;
    readonly bOffset: number;
    /**
     * Where B2's rows of stage 0 start: tile N swizzle rows into the stacked stage (each further stage
     * bBytesPerStage on); equal to bOffset without a B2.
     */
    readonly b2Offset: number;
    readonly epilogueOffset: number;
    /** The cluster reduction's receive slots (equal to barrierOffset without one). */
    readonly receiveOffset: number;
    readonly barrierOffset: number;
    readonly splitFlagOffset: number;
    readonly alignmentSlackBytes: number;
    readonly totalBytes: number;
  };
  readonly tma: {
    readonly aSliceRows: number;
    readonly bSliceRows: number;
    readonly multicastA: boolean;
    readonly multicastB: boolean;
    /**
     * Thread 0 loads the first tile's first `stages` k-blocks right after initialising the barriers,
     * before the CTA-wide barrier, so that they leave while the other warps start up. Only without a
     * launched cluster (a peer's TMA must not reach barriers the cluster barrier has not yet shown to be
     * initialised), and only for one consumer warpgroup: on an H100 it made the four one-consumer M = 128
     * GEMMs 0.6–1.8% faster, left the two-consumer grouped and dual n64 kernels unchanged and made
     * dual n48 3% slower (BENCHMARKS.md, session 12).
     */
    readonly preload: boolean;
  };
  /** The wgmma: N = products × tile N (a dual GEMM's stacked B1|B2). */
  readonly mma: Sm90MmaAtom;
  /** The store path (chunk width) and the shared epilogue math (alpha, bias per column, activation). */
  readonly epilogue: EpilogueMathPlan & {
    readonly kind: "store" | "siluMul";
    readonly chunkColumns: number;
    /** 128-byte swizzled chunks (D's tensor map swizzles too), or one narrow unswizzled chunk per row. */
    readonly swizzled: boolean;
  };
  readonly scheduler: SchedulePlan;
  readonly problems: KernelSpec["problems"];
}

export function plan(input: PlanInput & { readonly budget: Sm90Budget }): Sm90KernelPlan;
export function plan(input: PlanInput & { readonly budget: Sm100Budget }): Sm100KernelPlan;
export function plan(input: PlanInput): KernelPlan;
export function plan(input: PlanInput): KernelPlan {
  const { spec, budget } = input;
  if (budget.target !== spec.target) throw new Error(`plan: a ${budget.target} budget for a ${spec.target} spec`);
  if (budget.target === "sm_100a") return planSm100(spec, budget, input.source, GENERATOR_VERSION);
  return planSm90(spec, budget, input.source);
}

function planSm90(spec: KernelSpec, budget: Sm90Budget, source: string): Sm90KernelPlan {
  const [tileM, tileN, tileK] = spec.tiler.mma;
  const [clusterM, clusterN] = spec.tiler.cluster;
  const aOffset = 0;
  const bOffset = aOffset + spec.stages * budget.aBytesPerStage;
  // B1 and B2 share each stage (SM90-DUAL-N): B2's rows follow B1's inside every swizzle atom.
  const bBytesPerStage = budget.products * budget.bBytesPerStage;
  const b2Offset = bOffset + (budget.products - 1) * tileN * SM90.swizzleBytes.value;
  const epilogueOffset = bOffset + spec.stages * bBytesPerStage;
  const receiveOffset = epilogueOffset + budget.epilogueBytes;
  const reduction = budget.clusterReduction;
  const barrierOffset = receiveOffset + (reduction?.receiveBytes ?? 0);
  // full[stages], empty[stages], then the cluster reduction's receive-full and slots-free barriers.
  const splitFlagOffset = barrierOffset + 2 * spec.stages * 8 + (reduction ? 2 * 8 : 0);
  const launchCtas = clusterM * clusterN * (reduction ? reduction.splits : 1);
  return {
    generator: GENERATOR_VERSION,
    source,
    name: spec.name,
    target: spec.target,
    template: "sm90/gemm.cu.hbs",
    dual: spec.op.kind === "dualGemm",
    products: budget.products,
    grouped: spec.op.kind === "groupedGemm" ? { maxGroups: spec.op.maxGroups, tableBytes: budget.groupTableBytes } : false,
    ctaPair: false,
    scale: false,
    types: { a: cudaType(spec.op.a), b: cudaType(spec.op.b), out: cudaType(spec.op.out) },
    tile: { m: tileM, n: tileN, k: tileK },
    cluster: { m: clusterM, n: clusterN, size: clusterM * clusterN, multi: clusterM * clusterN > 1, launchCtas, launched: launchCtas > 1 },
    reduction: reduction ? { ...reduction, receiveOffset } : false,
    stages: spec.stages,
    threads: budget.threads,
    consumerWarpgroups: budget.consumerWarpgroups,
    registers: { producer: budget.producerRegisters, consumer: budget.consumerRegisters },
    smem: {
      kPerSwizzleAtom: budget.kPerSwizzleAtom,
      swizzleAtomsPerStage: budget.swizzleAtomsPerStage,
      aBytesPerStage: budget.aBytesPerStage,
      bBytesPerStage,
      bRowsPerAtom: budget.products * tileN,
      aOffset,
      bOffset,
      b2Offset,
      epilogueOffset,
      receiveOffset,
      barrierOffset,
      splitFlagOffset,
      alignmentSlackBytes: budget.alignmentSlackBytes,
      totalBytes: budget.smemBytes,
    },
    tma: {
      aSliceRows: tileM / clusterN,
      bSliceRows: tileN / clusterM,
      multicastA: clusterN > 1,
      multicastB: clusterM > 1,
      preload: launchCtas === 1 && budget.consumerWarpgroups === 1,
    },
    mma: sm90MmaAtom(spec.op.a as Sm90OperandDType, spec.op.b as Sm90OperandDType, budget.products * tileN),
    epilogue: {
      kind: spec.epilogue.kind,
      chunkColumns: budget.epilogueChunkColumns,
      swizzled: budget.epilogueSwizzled,
      ...planEpilogueMath(spec.epilogue, spec.op.kind === "dualGemm" ? "silu(A·B1ᵀ) ⊙ (A·B2ᵀ), in fp32" : "A·Bᵀ, the fp32 accumulator", "column", cudaType(spec.op.out)),
    },
    scheduler: planSchedule(spec.scheduler, spec.op.kind === "groupedGemm" ? "tiles" : "cluster tiles"),
    problems: spec.problems,
  };
}

/** Plans a validated GEMV spec (validate() gave the budget). */
export function planGemvKernel(input: { readonly spec: GemvSpec; readonly budget: GemvBudget; readonly source: string }): GemvKernelPlan {
  return planGemv(input.spec, input.budget, input.source, GENERATOR_VERSION);
}
