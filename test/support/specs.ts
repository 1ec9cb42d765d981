// Builders for plain KernelSpecs in tests (bypassing the type-level checks on purpose).
import type { DType } from "../../src/dsl/facts.js";
import type { EpilogueOptions, KernelSpec } from "../../src/dsl/types.js";

export interface SpecOptions {
  name?: string;
  a?: DType;
  b?: DType;
  out?: DType;
  tile?: [number, number, number];
  cluster?: [number, number];
  stages?: number;
  raster?: "m" | "n";
  swizzle?: number;
  splitK?: number;
  streamK?: boolean;
  reduction?: "workspace" | "cluster";
  /** A gated dual GEMM (dualGemm + siluMul) instead of a GEMM. */
  dual?: boolean;
  /** A grouped GEMM with this many groups at most (groupedGemm) instead of a GEMM. */
  maxGroups?: number;
  /** The epilogue's options (alpha, bias, activation); none when left out. */
  epilogue?: EpilogueOptions;
}

export function sm90Spec(o: SpecOptions = {}): KernelSpec {
  const a = o.a ?? "bf16";
  return {
    name: o.name ?? "test_kernel",
    target: "sm_90a",
    op:
      o.maxGroups !== undefined
        ? { kind: "groupedGemm", a, b: o.b ?? a, out: o.out ?? "bf16", accumulator: "fp32", maxGroups: o.maxGroups }
        : { kind: o.dual ? "dualGemm" : "gemm", a, b: o.b ?? a, out: o.out ?? "bf16", accumulator: "fp32" },
    tiler: { mma: o.tile ?? [128, 256, 64], cluster: o.cluster ?? [1, 1] },
    stages: o.stages ?? 4,
    scheduler: { kind: "persistent", raster: o.raster ?? "n", swizzle: o.swizzle ?? 8, splitK: o.splitK ?? 1, streamK: o.streamK ?? false, reduction: o.reduction ?? "workspace" },
    epilogue: { kind: o.dual ? "siluMul" : "store", ...o.epilogue },
    problems: o.maxGroups !== undefined ? [{ m: [40, 256], n: [256], k: [256] }] : [{ m: 256, n: 256, k: 256 }],
  };
}
