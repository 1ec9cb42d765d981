// Builders for plain sm_100a KernelSpecs in tests (bypassing the type-level checks on purpose).
import type { DType } from "../../src/dsl/facts.js";
import type { BlockScale, EpilogueOptions, KernelSpec, Problem } from "../../src/dsl/types.js";

export interface Sm100SpecOptions {
  name?: string;
  a?: DType;
  b?: DType;
  out?: DType;
  scale?: BlockScale;
  /** tiler.mma: [M, N, K] of the MMA (M 256 with ctaGroup 2). */
  mma?: readonly [number, number, number];
  cluster?: readonly [number, number];
  ctaGroup?: number;
  stages?: number;
  raster?: "m" | "n";
  swizzle?: number;
  splitK?: number;
  streamK?: boolean;
  reduction?: "workspace" | "cluster";
  problems?: readonly Problem[];
  /** The epilogue's options (alpha, bias, activation); none when left out. */
  epilogue?: EpilogueOptions;
  /** A grouped GEMM with this many groups at most (problems then list M per group). */
  maxGroups?: number;
  /** A gated dual GEMM (op dualGemm, epilogue siluMul with the epilogue options). */
  dual?: boolean;
}

export const NVFP4: BlockScale = { dtype: "ue4m3", vector: 16 };
export const MXFP8: BlockScale = { dtype: "ue8m0", vector: 32 };

/** A valid sm_100a spec by default: bf16 128×256×64, 4 stages, one CTA, no cluster. */
export function sm100Spec(o: Sm100SpecOptions = {}): KernelSpec {
  const a = o.a ?? "bf16";
  return {
    name: o.name ?? "test_kernel_sm100",
    target: "sm_100a",
    op:
      o.maxGroups !== undefined
        ? { kind: "groupedGemm", a, b: o.b ?? a, out: o.out ?? "bf16", accumulator: "fp32", maxGroups: o.maxGroups, ...(o.scale ? { scale: o.scale } : {}) }
        : { kind: o.dual ? "dualGemm" : "gemm", a, b: o.b ?? a, out: o.out ?? "bf16", accumulator: "fp32", ...(o.scale ? { scale: o.scale } : {}) },
    tiler: { mma: o.mma ?? [128, 256, 64], cluster: o.cluster ?? [1, 1], ...(o.ctaGroup !== undefined ? { ctaGroup: o.ctaGroup } : {}) },
    stages: o.stages ?? 4,
    scheduler: { kind: "persistent", raster: o.raster ?? "n", swizzle: o.swizzle ?? 8, splitK: o.splitK ?? 1, streamK: o.streamK ?? false, reduction: o.reduction ?? "workspace" },
    epilogue: { kind: o.dual ? "siluMul" : "store", ...o.epilogue },
    problems: o.problems ?? (o.maxGroups !== undefined ? [{ m: [80, 176, 40], n: [4096], k: [7168] }] : [{ m: 256, n: 256, k: 512 }]),
  };
}
