/**
 * The vocabulary a user writes, as plain data. A KernelSpec is what `defineKernel` returns and what
 * the validator, planner and emitter consume; it holds no functions and survives JSON.
 */
import type { DType } from "./facts.js";

export type Target = "sm_90a" | "sm_100a";

/** Dense GEMM: D[M,N] = A[M,K] · B[N,K]ᵀ, both operands K-major, fp32 accumulation. */
export interface GemmOp<A extends DType = DType, B extends DType = DType, Out extends DType = DType> {
  readonly kind: "gemm";
  readonly a: A;
  readonly b: B;
  readonly out: Out;
  readonly accumulator: "fp32";
}

export type Op = GemmOp;

export interface Tiler {
  /** The CTA tile [M, N, K] in elements. */
  readonly mma: readonly [number, number, number];
  /** CTAs per cluster along [M, N]. */
  readonly cluster?: readonly [number, number];
}

/** Order in which a persistent CTA walks the output tiles. */
export interface PersistentScheduler {
  readonly kind: "persistent";
  /** "n": consecutive tiles advance along N inside a band of `swizzle` M-blocks; "m": the transpose. */
  readonly raster: "m" | "n";
  /** Band width in tiles (1 = plain row/column order). */
  readonly swizzle: number;
  /** Split K across this many CTAs per output tile (1 = no split); partial sums reduced in fp32. */
  readonly splitK: number;
  /**
   * Stream-K: cut all (tile, k-block) iterations into one equal range per CTA, so every SM has
   * work however few tiles there are; tiles shared by several CTAs are reduced in fp32 like split-K.
   */
  readonly streamK: boolean;
}

export type Scheduler = PersistentScheduler;

/** Epilogue: write the fp32 accumulator, converted once to the output dtype. */
export interface StoreEpilogue {
  readonly kind: "store";
}

export type Epilogue = StoreEpilogue;

export interface Problem {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** What a user passes to defineKernel (before defaults are applied). */
export interface KernelConfig {
  readonly name: string;
  readonly target: Target;
  readonly op: Op;
  readonly tiler: Tiler;
  readonly stages: number;
  readonly scheduler: Scheduler;
  readonly epilogue: Epilogue;
  /** Shapes the benchmark runs for this kernel. */
  readonly problems: readonly Problem[];
}

/** The plain, serialisable kernel description that leaves the DSL layer. */
export interface KernelSpec {
  readonly name: string;
  readonly target: Target;
  readonly op: Op;
  readonly tiler: { readonly mma: readonly [number, number, number]; readonly cluster: readonly [number, number] };
  readonly stages: number;
  readonly scheduler: Scheduler;
  readonly epilogue: Epilogue;
  readonly problems: readonly Problem[];
}
