/**
 * Public entry point of the DSL: `defineKernel` and the builders users compose a kernel from.
 */
import type { DType } from "./facts.js";
import type { CheckEpilogueOptions, CheckGemv, CheckGemvDTypes, CheckKernel, CheckGemmDTypes, EpilogueOptionsInput } from "./check.js";
import type {
  BlockScale,
  DualGemmOp,
  EpilogueOptions,
  GemmOp,
  GroupedGemmOp,
  GroupedProblem,
  Problem,
  GemvKernelConfig,
  GemvOp,
  GemvSpec,
  KernelConfig,
  KernelSpec,
  PersistentScheduler,
  SiluMulEpilogue,
  SplitKReduction,
  StoreEpilogue,
} from "./types.js";

export type { DType } from "./facts.js";
export type * from "./types.js";

/**
 * Declares a kernel. Illegal discrete choices (tile shape, dtypes, cluster width, ...) are type
 * errors at the offending property, worded like the rule they break (see check.ts).
 */
export function defineKernel<const T extends KernelConfig>(config: T & CheckKernel<T>): KernelSpec {
  const c: KernelConfig = config;
  return {
    name: c.name,
    target: c.target,
    op: c.op,
    tiler: {
      mma: [...c.tiler.mma],
      cluster: c.tiler.cluster ? [...c.tiler.cluster] : [1, 1],
      ...(c.tiler.ctaGroup !== undefined ? { ctaGroup: c.tiler.ctaGroup } : {}),
    },
    stages: c.stages,
    scheduler: c.scheduler,
    epilogue: c.epilogue,
    problems: c.problems.map((p) =>
      c.op.kind === "groupedGemm"
        ? { m: asList(p.m), n: asList(p.n), k: asList(p.k) }
        : // A list given to a plain op is kept as a list for the validator to report (PROBLEM-GROUPED).
          Array.isArray(p.m) || Array.isArray(p.n) || Array.isArray(p.k)
          ? { m: asList(p.m), n: asList(p.n), k: asList(p.k) }
          : { m: p.m as number, n: p.n as number, k: p.k as number },
    ),
  };
}

function asList(v: number | readonly number[]): readonly number[] {
  return typeof v === "number" ? [v] : [...v];
}

/** True for a grouped problem (lists of M, N, K), false for a plain one. */
export function isGroupedProblem(p: Problem | GroupedProblem): p is GroupedProblem {
  return Array.isArray(p.m);
}

/**
 * One shape per group of a validated grouped problem: entry g of each list, a one-entry list
 * standing for every group.
 */
export function groupShapes(p: GroupedProblem): Problem[] {
  const groups = Math.max(p.m.length, p.n.length, p.k.length);
  const at = (list: readonly number[], g: number): number => (list.length === 1 ? list[0]! : list[g]!);
  return Array.from({ length: groups }, (_, g) => ({ m: at(p.m, g), n: at(p.n, g), k: at(p.k, g) }));
}

/** An op built with block scales S carries them as a required field (so later rules see a scaled op). */
export type Scaled<Op, S extends BlockScale | undefined> = Op & (S extends BlockScale ? { readonly scale: S } : unknown);

/** An op with its block scales copied in (as plain data), or the op alone when it has none. */
function withScale<Op extends object>(op: Op, scale: BlockScale | undefined): Op | (Op & { readonly scale: BlockScale }) {
  return scale === undefined ? op : { ...op, scale: { dtype: scale.dtype, vector: scale.vector } };
}

/**
 * GEMM D = A·Bᵀ with A: M×K and B: N×K, both K-major; fp32 accumulation. With `scale`, a
 * block-scaled GEMM (sm_100a): `gemm({ a: "e2m1", b: "e2m1", scale: { dtype: "ue4m3", vector: 16 },
 * out: "fp16" })` is NVFP4, `gemm({ a: "e4m3", b: "e4m3", scale: { dtype: "ue8m0", vector: 32 },
 * out: "bf16" })` MXFP8.
 */
export function gemm<
  const A extends DType,
  const B extends DType,
  const Out extends DType,
  const S extends BlockScale | undefined = undefined,
>(
  dtypes: { readonly a: A; readonly b: B; readonly out: Out; readonly scale?: S } & CheckGemmDTypes<A, B, Out, S>,
): Scaled<GemmOp<A, B, Out, S>, S> {
  const op = { kind: "gemm", a: dtypes.a, b: dtypes.b, out: dtypes.out, accumulator: "fp32" } as const;
  return withScale(op, dtypes.scale) as Scaled<GemmOp<A, B, Out, S>, S>;
}

/**
 * Gated dual GEMM: D = silu(A·B1ᵀ) ⊙ (A·B2ᵀ), A: M×K, B1 and B2: N×K (dtype `b`), all K-major; both
 * products accumulated in fp32 from the same A. Its epilogue is `siluMul()`. sm_90a and sm_100a; with
 * `scale`, block-scaled like gemm() (sm_100a; B2 has scales of its own).
 */
export function dualGemm<
  const A extends DType,
  const B extends DType,
  const Out extends DType,
  const S extends BlockScale | undefined = undefined,
>(
  dtypes: { readonly a: A; readonly b: B; readonly out: Out; readonly scale?: S } & CheckGemmDTypes<A, B, Out, S>,
): Scaled<DualGemmOp<A, B, Out, S>, S> {
  const op = { kind: "dualGemm", a: dtypes.a, b: dtypes.b, out: dtypes.out, accumulator: "fp32" } as const;
  return withScale(op, dtypes.scale) as Scaled<DualGemmOp<A, B, Out, S>, S>;
}

/**
 * Grouped GEMM: D_g = A_g·B_gᵀ for every group g (each with its own M, N, K and pointers), one
 * launch for all groups; fp32 accumulation. `maxGroups` (default 16) is the most groups a launch
 * takes: their tensor maps travel in the launch's parameter block. sm_90a and sm_100a (with `scale`,
 * block-scaled like gemm(), sm_100a); its epilogue is store(). Problems list M (and N, K) per group: `{ m: [80, 176, 128], n: 4096, k: 7168 }`.
 */
export function groupedGemm<
  const A extends DType,
  const B extends DType,
  const Out extends DType,
  const S extends BlockScale | undefined = undefined,
>(
  dtypes: { readonly a: A; readonly b: B; readonly out: Out; readonly scale?: S; readonly maxGroups?: number } & CheckGemmDTypes<A, B, Out, S>,
): Scaled<GroupedGemmOp<A, B, Out, S>, S> {
  const op = { kind: "groupedGemm", a: dtypes.a, b: dtypes.b, out: dtypes.out, accumulator: "fp32", maxGroups: dtypes.maxGroups ?? 16 } as const;
  return withScale(op, dtypes.scale) as Scaled<GroupedGemmOp<A, B, Out, S>, S>;
}

/** Persistent CTAs walking the tile list; see PersistentScheduler for the order. */
export function persistent<
  const R extends "m" | "n",
  const S extends number,
  const K extends number = 1,
  const Red extends SplitKReduction = "workspace",
>(options: {
  readonly raster: R;
  readonly swizzle: S;
  readonly splitK?: K;
  readonly streamK?: boolean;
  /** "cluster": the splits of a tile reduce through distributed shared memory (see PersistentScheduler). */
  readonly reduction?: Red;
}): PersistentScheduler & { readonly raster: R; readonly swizzle: S; readonly splitK: K; readonly reduction: Red } {
  return {
    kind: "persistent",
    raster: options.raster,
    swizzle: options.swizzle,
    splitK: (options.splitK ?? 1) as K,
    streamK: options.streamK ?? false,
    reduction: (options.reduction ?? "workspace") as Red,
  };
}

/**
 * Store the op's fp32 result converted once to the output dtype; with options, first
 * `alpha: true` (y = alpha·x, alpha given at run time), `bias: "bf16" | "fp16" | "fp32"` (y += bias,
 * one entry per output column; a GEMV's per output row) and `activation: "relu" | "gelu" | "silu"`,
 * in that order, in fp32 (EpilogueOptions has the details). `store({ alpha: true, bias: "fp32",
 * activation: "gelu" })`.
 */
export function store<const O extends EpilogueOptionsInput = Record<never, never>>(options?: O & CheckEpilogueOptions<O>): StoreEpilogue {
  return withOptions("store", options);
}

/**
 * The dual GEMM's epilogue: x = silu(acc1) · acc2 in fp32, then the same options as store() (alpha,
 * bias, activation, in that order), converted once to the output dtype.
 */
export function siluMul<const O extends EpilogueOptionsInput = Record<never, never>>(options?: O & CheckEpilogueOptions<O>): SiluMulEpilogue {
  return withOptions("siluMul", options);
}

/**
 * An epilogue of `kind` with the options as given (the validator checks them again for specs built
 * from JavaScript); no options, no properties besides the kind.
 */
function withOptions<K extends "store" | "siluMul">(kind: K, options: EpilogueOptionsInput | undefined): { readonly kind: K } & EpilogueOptions {
  return { ...(options as EpilogueOptions | undefined), kind };
}

/**
 * Declares a GEMV kernel: c[m, l] = Σ_k A[m, k, l] · b[k, l], fp32 accumulation. One SIMT kernel for
 * sm_90a and sm_100a, with the store() epilogue (type error otherwise: GEMV-EPILOGUE). Problems
 * without `l` are one batch.
 */
export function defineGemv<const T extends GemvKernelConfig>(config: T & CheckGemv<T>): GemvSpec {
  const c: GemvKernelConfig = config;
  return {
    name: c.name,
    target: c.target,
    op: c.op,
    tiler: { warps: c.tiler.warps, rowsPerWarp: c.tiler.rowsPerWarp, unroll: c.tiler.unroll, splitK: c.tiler.splitK },
    epilogue: c.epilogue,
    problems: c.problems.map((p) => ({ m: p.m, k: p.k, l: p.l ?? 1 })),
  };
}

/**
 * GEMV c = A·b with A: M×K (K contiguous) and b a K-vector, both of dtype `a` (bf16 or fp16; `b`
 * may be given and must equal `a`); fp32 accumulation. With `scale`, NVFP4: `gemv({ a: "e2m1", b:
 * "e2m1", scale: { dtype: "ue4m3", vector: 16 }, out: "fp16" })`, A and b dequantised as value × the
 * scale of its 16 K elements (sfa, sfb in the blocked layout of gemmkit_abi.h).
 */
export function gemv<
  const A extends DType,
  const Out extends DType,
  const B extends DType = A,
  const S extends BlockScale | undefined = undefined,
>(
  dtypes: { readonly a: A; readonly b?: B; readonly out: Out; readonly scale?: S } & CheckGemvDTypes<A, Out, B, S>,
): Scaled<GemvOp<A, Out, S>, S> {
  const op = { kind: "gemv", a: dtypes.a, b: dtypes.a, out: dtypes.out, accumulator: "fp32" } as const;
  return withScale(op, dtypes.scale) as Scaled<GemvOp<A, Out, S>, S>;
}
