/**
 * The vocabulary a user writes, as plain data. A KernelSpec is what `defineKernel` returns and what
 * the validator, planner and emitter consume; it holds no functions and survives JSON.
 */
import type { DType, ScaleDType } from "./facts.js";
import type { EPILOGUE_ACTIVATIONS, EPILOGUE_BIAS_DTYPES } from "./rules.js";

export type Target = "sm_90a" | "sm_100a";

/**
 * Block scales: one `dtype` scale per `vector` consecutive K elements of each row of A and of B, so
 * D[m,n] = Σ_k A[m,k]·sa[m,k/vector] · B[n,k]·sb[n,k/vector]. NVFP4 is e2m1 data with a ue4m3 scale
 * per 16; MXFP8 is e4m3/e5m2 data with a ue8m0 scale per 32.
 */
export interface BlockScale<S extends ScaleDType = ScaleDType, V extends number = number> {
  readonly dtype: S;
  readonly vector: V;
}

/**
 * GEMM: D[M,N] = A[M,K] · B[N,K]ᵀ, both operands K-major, fp32 accumulation; with `scale`, a
 * block-scaled GEMM (sm_100a).
 */
export interface GemmOp<
  A extends DType = DType,
  B extends DType = DType,
  Out extends DType = DType,
  S extends BlockScale | undefined = BlockScale | undefined,
> {
  readonly kind: "gemm";
  readonly a: A;
  readonly b: B;
  readonly out: Out;
  readonly accumulator: "fp32";
  /** Block scales of A and B; absent for a plain GEMM. */
  readonly scale?: S;
}

/**
 * Gated dual GEMM (sm_90a, sm_100a; block-scaled on sm_100a): G = A·B1ᵀ and U = A·B2ᵀ from the same
 * A, both accumulated in fp32, and D = silu(G) ⊙ U (silu(x) = x / (1 + e^-x)) computed in fp32 by the
 * `siluMul()` epilogue and converted once to `out`. B1 (`b` at run time) and B2 (`b2`) are both N×K,
 * K-major, of dtype `b`; block-scaled, B2 has scales of its own (`sfb2`).
 */
export interface DualGemmOp<
  A extends DType = DType,
  B extends DType = DType,
  Out extends DType = DType,
  S extends BlockScale | undefined = BlockScale | undefined,
> {
  readonly kind: "dualGemm";
  readonly a: A;
  readonly b: B;
  readonly out: Out;
  readonly accumulator: "fp32";
  /** Block scales of A, B1 and B2 (sm_100a); absent for a plain dual GEMM. */
  readonly scale?: S;
}

/**
 * Grouped GEMM (sm_90a, sm_100a; block-scaled on sm_100a): for every group g of a launch, D_g[M_g,N_g] = A_g[M_g,K_g] · B_g[N_g,K_g]ᵀ,
 * each group with its own shape and pointers, all computed by one persistent launch that walks one
 * tile list across the groups. `maxGroups` sizes the table of per-group tensor maps that travels in
 * the launch's parameter block (so a launch takes 1..maxGroups groups).
 */
export interface GroupedGemmOp<
  A extends DType = DType,
  B extends DType = DType,
  Out extends DType = DType,
  S extends BlockScale | undefined = BlockScale | undefined,
> {
  readonly kind: "groupedGemm";
  readonly a: A;
  readonly b: B;
  readonly out: Out;
  readonly accumulator: "fp32";
  readonly maxGroups: number;
  /** Block scales of every group's A and B (sm_100a); absent for a plain grouped GEMM. */
  readonly scale?: S;
}

export type Op = GemmOp | DualGemmOp | GroupedGemmOp;

export interface Tiler {
  /**
   * The MMA tile [M, N, K] in elements: on sm_90a the CTA tile; on sm_100a the tcgen05.mma shape
   * (with ctaGroup 2 a pair of CTAs computes the M rows, each CTA M / 2 of them) and K per stage.
   */
  readonly mma: readonly [number, number, number];
  /** CTAs per cluster along [M, N]. */
  readonly cluster?: readonly [number, number];
  /** sm_100a: how many CTAs one tcgen05.mma spans (cta_group::1 or ::2); 1 when left out. */
  readonly ctaGroup?: number;
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
   * Where split-K partials meet: "workspace" (default) — each split writes an fp32 partial tile to
   * global memory and the last to finish sums them; "cluster" — the splits of a tile run as one
   * thread-block cluster and reduce through distributed shared memory (sm_90a; cluster [1, 1]).
   */
  readonly reduction: SplitKReduction;
  /**
   * Stream-K: cut all (tile, k-block) iterations into one equal range per CTA, so every SM has
   * work however few tiles there are; tiles shared by several CTAs are reduced in fp32 like split-K.
   */
  readonly streamK: boolean;
}

export type Scheduler = PersistentScheduler;

/** How the CTAs that share an output tile under split-K combine their fp32 partials. */
export type SplitKReduction = "workspace" | "cluster";

/** Element types of an epilogue's bias vector (each value is widened to fp32 before it is added). */
export type BiasDType = (typeof EPILOGUE_BIAS_DTYPES)[number];

/** Activations an epilogue may end with. */
export type Activation = (typeof EPILOGUE_ACTIVATIONS)[number];

/**
 * What an epilogue does to the op's fp32 result x before D is written. The order is fixed, every
 * step is fp32, and each step is present only when asked for:
 *
 *   1. y = alpha · x          `alpha: true`: alpha is a run-time argument (GkGemmArgs::alpha)
 *   2. y = y + bias[i]        `bias: dtype`: a run-time vector (GkGemmArgs::bias) of that dtype, widened
 *                             to fp32. GEMM and dual GEMM: N entries, i the output column. GEMV (whose
 *                             output is M×1 per batch): M entries, i the output row, the same vector
 *                             for every batch.
 *   3. y = act(y)             `activation`: relu(y) = max(y, 0); gelu(y) = 0.5·y·(1 + erf(y/√2)) (the
 *                             exact erf form, not the tanh approximation); silu(y) = y / (1 + e^-y)
 *   4. D = y converted once to the output dtype.
 *
 * x is the accumulator A·Bᵀ (gemm), silu(A·B1ᵀ) ⊙ (A·B2ᵀ) (dualGemm, siluMul()), or the dot product
 * Σ_k A[m,k]·b[k] (gemv). With split-K the steps run once, on the full sum.
 */
export interface EpilogueOptions {
  readonly alpha?: true;
  readonly bias?: BiasDType;
  readonly activation?: Activation;
}

/** Epilogue: write the fp32 accumulator, through the options' steps, converted once to the output dtype. */
export interface StoreEpilogue extends EpilogueOptions {
  readonly kind: "store";
}

/**
 * Epilogue of a dual GEMM: x = silu(acc1) · acc2 in fp32, then the options' steps, converted once to
 * the output dtype.
 */
export interface SiluMulEpilogue extends EpilogueOptions {
  readonly kind: "siluMul";
}

export type Epilogue = StoreEpilogue | SiluMulEpilogue;

export interface Problem {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/**
 * A grouped GEMM's problem as a user writes it: lists of M, N and K, one entry per group; a single
 * number stands for every group (the suite's cases share N and K: `{ m: [80, 176, 128], n: 4096,
 * k: 7168 }`).
 */
export interface GroupedProblemInput {
  readonly m: number | readonly number[];
  readonly n: number | readonly number[];
  readonly k: number | readonly number[];
}

/**
 * A grouped GEMM's problem after defineKernel: the lists as written, single numbers made one-entry
 * lists. The validator checks that the lists are as long as each other (or one entry long, which
 * stands for every group); `groupShapes` then expands them to one shape per group.
 */
export interface GroupedProblem {
  readonly m: readonly number[];
  readonly n: readonly number[];
  readonly k: readonly number[];
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
  /** Shapes the benchmark runs for this kernel (a grouped GEMM's may list M, N, K per group). */
  readonly problems: readonly (Problem | GroupedProblemInput)[];
}

/** The plain, serialisable kernel description that leaves the DSL layer. */
export interface KernelSpec {
  readonly name: string;
  readonly target: Target;
  readonly op: Op;
  readonly tiler: {
    readonly mma: readonly [number, number, number];
    readonly cluster: readonly [number, number];
    /** sm_100a CTA group (1 when absent). */
    readonly ctaGroup?: number;
  };
  readonly stages: number;
  readonly scheduler: Scheduler;
  readonly epilogue: Epilogue;
  /** Plain shapes for gemm and dualGemm; GroupedProblem for groupedGemm (checked by the validator). */
  readonly problems: readonly (Problem | GroupedProblem)[];
}

/**
 * GEMV (sm_90a or sm_100a: one SIMT kernel): c[m, l] = Σ_k A[m, k, l] · b[k, l] for each batch l;
 * A row-major (K contiguous), b one K-vector per batch, fp32 accumulation, c converted once to
 * `out`. A and b have the same dtype: 16-bit, or with `scale` NVFP4 (e2m1 data, a ue4m3 scale per 16
 * K elements of each row of A and of b), where c[m, l] = Σ_k dq(A)[m, k, l] · dq(b)[k, l] and dq(x)
 * is x times the scale of its block (../shared/problems/nvfp4-suite.json, "gemv").
 */
export interface GemvOp<A extends DType = DType, Out extends DType = DType, S extends BlockScale | undefined = BlockScale | undefined> {
  readonly kind: "gemv";
  readonly a: A;
  readonly b: A;
  readonly out: Out;
  readonly accumulator: "fp32";
  /** Block scales of A and b (NVFP4); absent for a 16-bit GEMV. */
  readonly scale?: S;
}

/** How a GEMV kernel splits the work: warps per block, rows per warp, loads in flight, K splits. */
export interface GemvTiler {
  /** Warps per thread block (1, 2, 4, 8 or 16). */
  readonly warps: number;
  /** Rows of A each warp reduces together (1 to 4): their loads interleave. */
  readonly rowsPerWarp: number;
  /** 16-byte loads of each row every lane keeps in flight per step (1 to 8). */
  readonly unroll: number;
  /** Blocks that share one row group's K (1 = none); partial sums reduced in an fp32 workspace. */
  readonly splitK: number;
}

/** A GEMV shape: A is m×k, `l` batches (1 when left out). */
export interface GemvProblem {
  readonly m: number;
  readonly k: number;
  readonly l?: number;
}

/** What a user passes to defineGemv. */
export interface GemvKernelConfig {
  readonly name: string;
  readonly target: Target;
  readonly op: GemvOp;
  readonly tiler: GemvTiler;
  readonly epilogue: Epilogue;
  readonly problems: readonly GemvProblem[];
}

/** The plain, serialisable GEMV kernel description (l filled in). */
export interface GemvSpec {
  readonly name: string;
  readonly target: Target;
  readonly op: GemvOp;
  readonly tiler: GemvTiler;
  readonly epilogue: Epilogue;
  readonly problems: readonly { readonly m: number; readonly k: number; readonly l: number }[];
}

/** Any kernel description `npm run gen` accepts. */
export type AnyKernelSpec = KernelSpec | GemvSpec;
