/**
 * Type-level rules: an illegal discrete choice becomes a type error at the user's property, worded
 * like the rule it breaks and prefixed with the rule's code.
 *
 * How it works. `defineKernel` takes `config: T & CheckKernel<T>` and `gemm` takes
 * `dtypes & CheckGemmDTypes<A, B, Out>`. When every rule holds, the check is `unknown`, so the
 * parameter is exactly what the user wrote. When a rule fails, the check is an object type that
 * follows the path to the offending value (`{ tiler: { mma: [Illegal<"SM90-MMA-M: ...">, unknown,
 * unknown] } }`), so the user's value at that path becomes `96 & Illegal<"SM90-MMA-M: ...">`.
 * Nothing is assignable to that, and tsc elaborates the error down the object and array literals to
 * the value itself:
 *
 *     Type '96' is not assignable to type '96 & Illegal<"SM90-MMA-M: on sm_90a the tile M must be a
 *     multiple of 64 (one wgmma is m64); legal: 64 | 128 | 192 | 256">'.
 *
 * (The message cannot be a bare string-literal type: the user's value is intersected with it, and
 * `96 & "SM90-MMA-M: ..."` reduces to `never`, which tsc would report as "not assignable to type
 * 'never'" with the rule text lost.)
 *
 * Every legal set is read off the literal tuples and facts of facts.ts (and the generator limits
 * MIN_STAGES and GEMM_OUT_DTYPES of rules.ts), never written out again here; test/facts.test.ts
 * checks those tuples against the numeric facts they stand for. Only discrete
 * choices are checked here; quantitative limits (shared memory, registers, stages upper bound) are
 * the validator's.
 *
 * The epilogue builders (`store(options)`, `siluMul(options)`) check their options the same way
 * (CheckEpilogueOptions): alpha, the bias dtype, the activation name, and no other option.
 *
 * Rules are grouped per target (`TargetRuleSets`): sm_90a (wgmma) and sm_100a (tcgen05.mma, whose
 * legal M depends on the MMA kind and the CTA group). Rules that do not depend on the target
 * (`CommonRules`, and the dtype and block-scale rules of `gemm`, which has no target) apply to every
 * kernel.
 */
import type {
  CLUSTER_WIDTHS,
  DType,
  DTYPES,
  SCHEDULER_SWIZZLES,
  SM100,
  SM100_CTA_GROUPS,
  SM100_MMA_N_CTA1,
  SM100_MMA_N_CTA2,
  SM90,
  SM90_TILE_M,
  SM90_WGMMA_N,
  Sm100MmaKind,
  Sm90OperandDType,
} from "./facts.js";
import type {
  EPILOGUE_ACTIVATIONS,
  EPILOGUE_BIAS_DTYPES,
  EPILOGUE_OPTIONS,
  GEMM_OUT_DTYPES,
  GEMV_16BIT_DTYPES,
  GEMV_BLOCK_SCALE_FORMAT,
  GEMV_DTYPES,
  GEMV_FP8_DTYPES,
  GEMV_SCALED_DTYPES,
  MIN_STAGES,
} from "./rules.js";
import type { BlockScale, GemvKernelConfig, KernelConfig, Target } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Rule codes and the error marker
// ---------------------------------------------------------------------------------------------

/**
 * Codes of the type-level rules; every message starts with one, followed by ": ". They are codes of
 * the validator's registry (rules.ts), which checks the same rules again at run time.
 */
export type CheckRuleCode =
  | "SM90-MMA-M"
  | "SM90-MMA-N"
  | "SM90-MMA-K"
  | "SM90-CLUSTER"
  | "SM90-CTA-GROUP"
  | "SM90-BLOCK-SCALE"
  | "SM100-MMA-M"
  | "SM100-MMA-N"
  | "SM100-MMA-K"
  | "SM100-CLUSTER"
  | "SM100-CTA-GROUP"
  | "GEMM-DTYPE-AB"
  | "GEMM-DTYPE-OUT"
  | "GEMM-SCALE-FORMAT"
  | "GEMM-SCALE-VECTOR"
  | "SCHED-SWIZZLE"
  | "STAGES"
  | "EPILOGUE-SILU-MUL"
  | "DUAL-GEMM-EPILOGUE"
  | "GROUPED-GEMM-CLUSTER"
  | "SPLITK-CLUSTER"
  | "EPILOGUE-ALPHA"
  | "EPILOGUE-BIAS"
  | "EPILOGUE-ACTIVATION"
  | "EPILOGUE-OPTION"
  | "GEMV-DTYPE"
  | "GEMV-EPILOGUE";

/**
 * What an illegal value is intersected with. No value has this property, so nothing is assignable
 * to `V & Illegal<...>`, and the message shows in tsc's error as the type argument.
 */
export interface Illegal<Message extends string> {
  readonly "illegal kernel configuration": Message;
}

/**
 * The marker for a broken rule: its code, then what the rule says. (Written as a conditional so
 * that tsc prints the resulting `Illegal<"CODE: text">` instead of the name of the alias that
 * produced it, such as `Sm90MmaM`.)
 */
export type Violation<Code extends CheckRuleCode, Text extends string> = `${Code}: ${Text}` extends infer M extends string
  ? Illegal<M>
  : never;

// ---------------------------------------------------------------------------------------------
// Small type-level helpers
// ---------------------------------------------------------------------------------------------

type Printable = string | number;

/** `[64, 128, 192]` → `"64 | 128 | 192"`. */
type Join<T, Sep extends string = " | "> = T extends readonly [
  infer H extends Printable,
]
  ? `${H}`
  : T extends readonly [infer H extends Printable, ...infer R]
    ? `${H}${Sep}${Join<R, Sep>}`
    : "";

/** A long ascending list as its first three entries and its last: `"8 | 16 | 24 | ... | 256"`. */
type Abbreviate<T> = T extends readonly [
  infer A extends Printable,
  infer B extends Printable,
  infer C extends Printable,
  infer _D extends Printable,
  ...(readonly Printable[]),
]
  ? T extends readonly [...(readonly Printable[]), infer Z extends Printable]
    ? `${A} | ${B} | ${C} | ... | ${Z}`
    : Join<T>
  : Join<T>;

/** A tuple of `N` unknowns (N a non-negative integer literal). */
type TupleOf<N extends number, Acc extends readonly unknown[] = []> = Acc["length"] extends N
  ? Acc
  : TupleOf<N, [...Acc, unknown]>;

/** 0 | 1 | ... | N-1 (N a non-negative integer literal). */
type NaturalsBelow<N extends number, Acc extends readonly unknown[] = [], Out = never> = Acc["length"] extends N
  ? Out
  : NaturalsBelow<N, [...Acc, unknown], Out | Acc["length"]>;

/**
 * The positive multiples of `Step` up to `Max`, ascending, as a tuple: `MultiplesUpTo<16, 64>` is
 * `[16, 32, 48, 64]`. (Tail-recursive; a multiple is kept while its tuple fits inside `Max`'s.)
 */
type MultiplesUpTo<
  Step extends number,
  Max extends number,
  Acc extends readonly unknown[] = TupleOf<Step>,
  Out extends readonly unknown[] = [],
> = TupleOf<Max> extends readonly [...Acc, ...unknown[]]
  ? MultiplesUpTo<Step, Max, [...Acc, ...TupleOf<Step>], [...Out, Acc["length"]]>
  : Out;

/** The element type of a tuple (unconstrained, so it never forces a recursive type's constraint). */
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

/**
 * `unknown` when the (literal) value `V` lies in `Legal`, else the violation. A union value must lie
 * in `Legal` entirely; a widened `number` never does, so the rules ask for literals.
 */
type Require<V, Legal, Broken> = [V] extends [Legal] ? unknown : Broken;

/** `unknown` when none of the checks in `Checks` (intersected) failed, else the fragment `F`. */
type Fragment<Checks, F> = unknown extends Checks ? unknown : F;

// ---------------------------------------------------------------------------------------------
// Legal sets, read off facts.ts
// ---------------------------------------------------------------------------------------------

type Sm90 = typeof SM90;
type Sm90TileM = (typeof SM90_TILE_M)[number];
type Sm90TileN = (typeof SM90_WGMMA_N)[number];
type Sm90WgmmaK = Sm90["wgmmaK"]["value"];
type ClusterWidth = (typeof CLUSTER_WIDTHS)[number];
type SchedulerSwizzle = (typeof SCHEDULER_SWIZZLES)[number];
type Bytes<D extends DType> = (typeof DTYPES)[D]["bytes"];

/**
 * The type checker lists the multiples of the wgmma K up to this tile K, so a larger K is refused at
 * type level (the message shows the bound). It is a bound of the literal union, not a hardware
 * fact: raise it if a kernel ever needs more; shared memory is the validator's to check.
 */
type TileKListedMax = 512;

/** The legal tile K values for operand dtype `A` on sm_90a, as a tuple. */
type Sm90TileKs<A extends Sm90OperandDType> = MultiplesUpTo<Sm90WgmmaK[A], TileKListedMax>;

/** Output dtypes the store epilogue writes (it converts the fp32 accumulator once). */
export type GemmOutDType = (typeof GEMM_OUT_DTYPES)[number];

/** Stage counts below the minimum: 0 | 1 for MIN_STAGES = 2. */
type BelowMinStages = NaturalsBelow<typeof MIN_STAGES>;

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

type Sm90MmaM = Violation<
  "SM90-MMA-M",
  `on sm_90a the tile M must be a multiple of ${Sm90["wgmmaM"]["value"]} (one wgmma is m${Sm90["wgmmaM"]["value"]}); legal: ${Join<typeof SM90_TILE_M>}`
>;

type Sm90MmaN = Violation<
  "SM90-MMA-N",
  `on sm_90a the tile N must be a wgmma N, ${Sm90["wgmmaN"]["value"]["min"]} to ${Sm90["wgmmaN"]["value"]["max"]} in steps of ${Sm90["wgmmaN"]["value"]["step"]}; legal: ${Abbreviate<typeof SM90_WGMMA_N>}`
>;

// (`infer L extends string` keeps tsc from expanding the recursive list while A is still generic.)
type Sm90MmaK<A extends Sm90OperandDType> =
  Abbreviate<Sm90TileKs<A>> extends infer L extends string
    ? Violation<"SM90-MMA-K", `on sm_90a the tile K must be a multiple of ${Sm90WgmmaK[A]} (the wgmma K for ${A}); legal: ${L}`>
    : never;

type Sm90Cluster = Violation<
  "SM90-CLUSTER",
  `on sm_90a each cluster dimension must be a supported width; legal: ${Join<typeof CLUSTER_WIDTHS>}`
>;

type SchedSwizzle = Violation<
  "SCHED-SWIZZLE",
  `the persistent scheduler's swizzle must be a supported band width; legal: ${Join<typeof SCHEDULER_SWIZZLES>}`
>;

type Stages = Violation<
  "STAGES",
  `stages must be an integer literal >= ${typeof MIN_STAGES} (one stage loads while another is consumed); shared memory bounds it from above`
>;

type GemmDTypeAB = Violation<
  "GEMM-DTYPE-AB",
  "a and b must be tensor-core operand dtypes of one family: (bf16, bf16), (fp16, fp16), or any pair of e4m3 / e5m2 (e2m1 only with block scales)"
>;

type GemmDTypeABScaled = Violation<
  "GEMM-DTYPE-AB",
  "block-scaled a and b must be one format's data dtypes: both e2m1 (NVFP4), or any pair of e4m3 / e5m2 (MXFP8)"
>;

type BlockScaleFormats = Sm100["blockScale"]["value"];

type GemmScaleFormat = Violation<
  "GEMM-SCALE-FORMAT",
  `the scale dtype must be the block-scale format's: ${BlockScaleFormats["nvfp4"]["scale"]} for e2m1 data (NVFP4), ${BlockScaleFormats["mxfp8"]["scale"]} for e4m3 / e5m2 data (MXFP8)`
>;

type GemmScaleVector<F extends keyof BlockScaleFormats> = Violation<
  "GEMM-SCALE-VECTOR",
  `${Uppercase<F>} has one ${BlockScaleFormats[F]["scale"]} scale per ${BlockScaleFormats[F]["vector"]} K elements (${BlockScaleFormats[F]["instruction"]}); legal: ${BlockScaleFormats[F]["vector"]}`
>;

type GemmDTypeOut = Violation<
  "GEMM-DTYPE-OUT",
  `out must be a dtype the epilogue converts the fp32 accumulator to; legal: ${Join<typeof GEMM_OUT_DTYPES>}`
>;

// ---------------------------------------------------------------------------------------------
// Rules common to every target
// ---------------------------------------------------------------------------------------------

/** `true` for an integer literal >= MIN_STAGES; distributes over unions. */
type IsStageCount<S> = S extends number
  ? `${S}` extends `-${string}` | `${string}.${string}` | `${string}e${string}` | `${BelowMinStages}`
    ? false
    : true
  : false;

type CheckStages<S> = number extends S ? Stages : false extends IsStageCount<S> ? Stages : unknown;

type EpilogueSiluMul = Violation<
  "EPILOGUE-SILU-MUL",
  "siluMul() is the gated epilogue of a dual GEMM (silu(A·B1ᵀ) ⊙ (A·B2ᵀ)): it needs op dualGemm({ a, b, out }); a plain gemm takes store()"
>;

type DualGemmEpilogue = Violation<
  "DUAL-GEMM-EPILOGUE",
  "a dual GEMM writes silu(A·B1ᵀ) ⊙ (A·B2ᵀ), so its epilogue is siluMul(); store() would leave the two products uncombined"
>;

/** The epilogue matches the op: siluMul() with dualGemm and only with it. */
type CheckEpilogue<T extends KernelConfig> = T["epilogue"] extends { readonly kind: "siluMul" }
  ? T["op"] extends { readonly kind: "dualGemm" }
    ? unknown
    : { readonly epilogue: EpilogueSiluMul }
  : T["op"] extends { readonly kind: "dualGemm" }
    ? { readonly epilogue: DualGemmEpilogue }
    : unknown;

type GroupedGemmCluster = Violation<
  "GROUPED-GEMM-CLUSTER",
  "a grouped GEMM is generated for single-CTA clusters (neighbouring tiles may belong to different groups); legal: 1"
>;

/** A grouped GEMM: a cluster (if given) of [1, 1]. */
type CheckGrouped<T extends KernelConfig> = T["op"] extends { readonly kind: "groupedGemm" }
  ? (T["tiler"] extends { readonly cluster: readonly [infer X, infer Y] }
        ? Fragment<
            Require<X, 1, GroupedGemmCluster> & Require<Y, 1, GroupedGemmCluster>,
            {
              readonly tiler: {
                readonly cluster: readonly [Require<X, 1, GroupedGemmCluster>, Require<Y, 1, GroupedGemmCluster>];
              };
            }
          >
        : unknown)
  : unknown;

type SplitKCluster = Violation<
  "SPLITK-CLUSTER",
  'reduction "cluster" runs the splitK CTAs of a tile as one cluster that reduces through distributed shared memory: it needs target sm_90a, tiler.cluster [1, 1] (or none) and splitK 2, 4 or 8'
>;

/** Split-K reduced inside a cluster: sm_90a, no multicast cluster, a power-of-two cluster of splits. */
type CheckSplitKCluster<T extends KernelConfig> = T["scheduler"] extends { readonly reduction: "cluster" }
  ? Fragment<
      Require<T["target"], "sm_90a", SplitKCluster>,
      { readonly scheduler: { readonly reduction: Require<T["target"], "sm_90a", SplitKCluster> } }
    > &
      Fragment<
        Require<T["scheduler"]["splitK"], 2 | 4 | 8, SplitKCluster>,
        { readonly scheduler: { readonly splitK: Require<T["scheduler"]["splitK"], 2 | 4 | 8, SplitKCluster> } }
      > &
      (T["tiler"] extends { readonly cluster: readonly [infer X, infer Y] }
        ? Fragment<
            Require<X, 1, SplitKCluster> & Require<Y, 1, SplitKCluster>,
            { readonly tiler: { readonly cluster: readonly [Require<X, 1, SplitKCluster>, Require<Y, 1, SplitKCluster>] } }
          >
        : unknown)
  : unknown;

type CommonRules<T extends KernelConfig> = CheckEpilogue<T> & CheckGrouped<T> & CheckSplitKCluster<T> & Fragment<
  CheckStages<T["stages"]>,
  { readonly stages: CheckStages<T["stages"]> }
> &
  Fragment<
    Require<T["scheduler"]["swizzle"], SchedulerSwizzle, SchedSwizzle>,
    { readonly scheduler: { readonly swizzle: Require<T["scheduler"]["swizzle"], SchedulerSwizzle, SchedSwizzle> } }
  >;

// ---------------------------------------------------------------------------------------------
// sm_90a (Hopper)
// ---------------------------------------------------------------------------------------------

/** Tile K check for operand dtype `A`; skipped when `A` is not a wgmma dtype (gemm() reports that). */
type CheckSm90TileK<K, A> = [A] extends [Sm90OperandDType]
  ? Require<K, ElementOf<Sm90TileKs<A>>, Sm90MmaK<A>>
  : unknown;

type Sm90TileRules<
  T extends KernelConfig,
  M = Require<T["tiler"]["mma"][0], Sm90TileM, Sm90MmaM>,
  N = Require<T["tiler"]["mma"][1], Sm90TileN, Sm90MmaN>,
  K = CheckSm90TileK<T["tiler"]["mma"][2], T["op"]["a"]>,
> = Fragment<M & N & K, { readonly tiler: { readonly mma: readonly [M, N, K] } }>;

type Sm90ClusterRules<T extends KernelConfig> = T["tiler"] extends {
  readonly cluster: readonly [infer X, infer Y];
}
  ? Fragment<
      Require<X, ClusterWidth, Sm90Cluster> & Require<Y, ClusterWidth, Sm90Cluster>,
      {
        readonly tiler: {
          readonly cluster: readonly [Require<X, ClusterWidth, Sm90Cluster>, Require<Y, ClusterWidth, Sm90Cluster>];
        };
      }
    >
  : unknown;

type Sm90CtaGroup = Violation<"SM90-CTA-GROUP", "sm_90a has no CTA-pair MMA (that is tcgen05's, sm_100a): ctaGroup must be 1 or left out; legal: 1">;

type Sm90CtaGroupRules<T extends KernelConfig> = T["tiler"] extends { readonly ctaGroup: infer G }
  ? Fragment<Require<G, 1, Sm90CtaGroup>, { readonly tiler: { readonly ctaGroup: Require<G, 1, Sm90CtaGroup> } }>
  : unknown;

type Sm90BlockScale = Violation<
  "SM90-BLOCK-SCALE",
  "sm_90a has no block-scaled MMA (wgmma takes no scale factors): block-scaled GEMMs are generated for sm_100a; drop scale or use target: \"sm_100a\""
>;

type Sm90BlockScaleRules<T extends KernelConfig> = T["op"] extends { readonly scale: BlockScale }
  ? { readonly op: Sm90BlockScale }
  : unknown;

type Sm90Rules<T extends KernelConfig> = Sm90TileRules<T> & Sm90ClusterRules<T> & Sm90CtaGroupRules<T> & Sm90BlockScaleRules<T>;

// ---------------------------------------------------------------------------------------------
// sm_100a (Blackwell): tcgen05.mma shapes per kind and CTA group
// ---------------------------------------------------------------------------------------------

type Sm100 = typeof SM100;
type Sm100Kinds = Sm100["mma"]["value"];
type Sm100CtaGroup = (typeof SM100_CTA_GROUPS)[number];

/**
 * The tcgen05.mma kind of an op: block-scaled ops by their data dtype (e2m1: mxf4nvf4, fp8:
 * mxf8f6f4), dense ops by theirs (bf16/fp16: f16, fp8: f8f6f4); never when the dtypes are not legal
 * (gemm() reports that).
 */
type Sm100KindOf<Op> = Op extends { readonly a: infer A; readonly scale: BlockScale }
  ? [A] extends ["e2m1"]
    ? "mxf4nvf4"
    : [A] extends ["e4m3" | "e5m2"]
      ? "mxf8f6f4"
      : never
  : Op extends { readonly a: infer A }
    ? [A] extends ["bf16" | "fp16"]
      ? "f16"
      : [A] extends ["e4m3" | "e5m2"]
        ? "f8f6f4"
        : never
    : never;

/** The CTA group a tiler asks for (1 when left out). */
type CtaGroupOf<Tl> = Tl extends { readonly ctaGroup: infer G } ? G : 1;

/** "ctaGroup1" or "ctaGroup2" (the keys of the facts table). */
type GroupKey<G> = [G] extends [2] ? "ctaGroup2" : "ctaGroup1";

type Sm100LegalM<K extends Sm100MmaKind, G> = Sm100Kinds[K][GroupKey<G>]["m"];
type Sm100LegalN<G> = [G] extends [2] ? typeof SM100_MMA_N_CTA2 : typeof SM100_MMA_N_CTA1;
type Sm100TileKs<K extends Sm100MmaKind> = MultiplesUpTo<Sm100Kinds[K]["k"], TileKListedMax>;

type Sm100MmaM<K extends Sm100MmaKind, G> = Violation<
  "SM100-MMA-M",
  [G] extends [2]
    ? `on sm_100a a kind::${K} MMA of a CTA pair (ctaGroup 2) has M ${Join<Sm100LegalM<K, G>, " or ">}; legal: ${Join<Sm100LegalM<K, G>>}`
    : `on sm_100a a kind::${K} MMA of one CTA (ctaGroup 1) has M ${Join<Sm100LegalM<K, G>, " or ">}; M 256 needs ctaGroup: 2 and an even cluster M; legal: ${Join<Sm100LegalM<K, G>>}`
>;

type Sm100MmaN<G> = Violation<
  "SM100-MMA-N",
  `on sm_100a the MMA N of ${[G] extends [2] ? "a CTA pair (ctaGroup 2)" : "one CTA (ctaGroup 1)"} runs from ${Sm100Kinds["f16"][GroupKey<G>]["n"]["min"]} to ${Sm100Kinds["f16"][GroupKey<G>]["n"]["max"]} in steps of ${Sm100Kinds["f16"][GroupKey<G>]["n"]["step"]}; legal: ${Abbreviate<Sm100LegalN<G>>}`
>;

type Sm100MmaK<K extends Sm100MmaKind> =
  Abbreviate<Sm100TileKs<K>> extends infer L extends string
    ? Violation<"SM100-MMA-K", `on sm_100a the tile K must be a multiple of ${Sm100Kinds[K]["k"]} (the K of one kind::${K} MMA); legal: ${L}`>
    : never;

type Sm100Cluster = Violation<
  "SM100-CLUSTER",
  `on sm_100a each cluster dimension must be a supported width; legal: ${Join<typeof CLUSTER_WIDTHS>}`
>;

type Sm100CtaGroupValue = Violation<
  "SM100-CTA-GROUP",
  `ctaGroup is how many CTAs one tcgen05.mma spans (cta_group::1 or ::2); legal: ${Join<typeof SM100_CTA_GROUPS>}`
>;

type Sm100CtaPair = Violation<
  "SM100-CTA-GROUP",
  "ctaGroup 2 pairs CTAs along M inside the cluster, so the cluster M must be even; legal: 2 | 4"
>;

type Sm100TileRules<
  T extends KernelConfig,
  K extends Sm100MmaKind,
  G,
  M = Require<T["tiler"]["mma"][0], ElementOf<Sm100LegalM<K, G>>, Sm100MmaM<K, G>>,
  N = Require<T["tiler"]["mma"][1], ElementOf<Sm100LegalN<G>>, Sm100MmaN<G>>,
  Kt = Require<T["tiler"]["mma"][2], ElementOf<Sm100TileKs<K>>, Sm100MmaK<K>>,
> = Fragment<M & N & Kt, { readonly tiler: { readonly mma: readonly [M, N, Kt] } }>;

/** Cluster widths; with ctaGroup 2 also an even cluster M (checked only where the width is legal). */
type Sm100ClusterRules<T extends KernelConfig, G> = T["tiler"] extends {
  readonly cluster: readonly [infer X, infer Y];
}
  ? Fragment<
      Sm100ClusterM<X, G> & Require<Y, ClusterWidth, Sm100Cluster>,
      {
        readonly tiler: {
          readonly cluster: readonly [Sm100ClusterM<X, G>, Require<Y, ClusterWidth, Sm100Cluster>];
        };
      }
    >
  : [G] extends [2]
    ? { readonly tiler: { readonly ctaGroup: Sm100CtaPair } }
    : unknown;

type Sm100ClusterM<X, G> =
  Require<X, ClusterWidth, Sm100Cluster> extends infer W
    ? unknown extends W
      ? [G] extends [2]
        ? Require<X, 2 | 4, Sm100CtaPair>
        : unknown
      : W
    : never;

type Sm100CtaGroupRules<G> = Fragment<
  Require<G, Sm100CtaGroup, Sm100CtaGroupValue>,
  { readonly tiler: { readonly ctaGroup: Require<G, Sm100CtaGroup, Sm100CtaGroupValue> } }
>;

type Sm100Rules<T extends KernelConfig, G = CtaGroupOf<T["tiler"]>> = [G] extends [Sm100CtaGroup]
  ? ([Sm100KindOf<T["op"]>] extends [never]
      ? unknown
      : Sm100KindOf<T["op"]> extends infer K extends Sm100MmaKind
        ? Sm100TileRules<T, K, G>
        : unknown) &
      Sm100ClusterRules<T, G>
  : Sm100CtaGroupRules<G>;

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** The rule set of each target. Adding a Target without a rule set here is a compile error below. */
type TargetRuleSets<T extends KernelConfig> = {
  readonly [K in Target]: { readonly sm_90a: Sm90Rules<T>; readonly sm_100a: Sm100Rules<T> }[K];
};

/**
 * `unknown` when the config breaks no type-level rule; otherwise an object type that marks each
 * offending value with the rule it breaks (see the header).
 */
export type CheckKernel<T extends KernelConfig> = CommonRules<T> & TargetRuleSets<T>[T["target"]];

/** `true` for a legal (a, b) operand pair: equal, or both one-byte (fp8) wgmma dtypes. */
type IsOperandPair<A extends DType, B extends DType> = [A] extends [B]
  ? [B] extends [A]
    ? true
    : false
  : [Bytes<A>] extends [1]
    ? [Bytes<B>] extends [1]
      ? true
      : false
    : false;

type CheckGemmAB<A extends DType, B extends DType> = [A] extends [Sm90OperandDType]
  ? [B] extends [Sm90OperandDType]
    ? IsOperandPair<A, B> extends true
      ? unknown
      : { readonly b: GemmDTypeAB }
    : { readonly b: GemmDTypeAB }
  : { readonly a: GemmDTypeAB };

type CheckGemmOut<Out extends DType> = Fragment<
  Require<Out, GemmOutDType, GemmDTypeOut>,
  { readonly out: Require<Out, GemmOutDType, GemmDTypeOut> }
>;

/** The block-scale format whose data dtype `A` is (never for other dtypes). */
type FormatOfData<A> = [A] extends ["e2m1"] ? "nvfp4" : [A] extends ["e4m3" | "e5m2"] ? "mxfp8" : never;

/** Block-scaled (a, b): a format's data dtypes, the same format for both. */
type CheckScaledAB<A, B> = [FormatOfData<A>] extends [never]
  ? { readonly a: GemmDTypeABScaled }
  : [FormatOfData<B>] extends [FormatOfData<A>]
    ? unknown
    : { readonly b: GemmDTypeABScaled };

/** The scale dtype and vector size of the format of `A` (checked once a and b are legal). */
type CheckScale<A, S extends BlockScale> = FormatOfData<A> extends infer F extends keyof BlockScaleFormats
  ? [S["dtype"]] extends [BlockScaleFormats[F]["scale"]]
    ? Fragment<
        Require<S["vector"], BlockScaleFormats[F]["vector"], GemmScaleVector<F>>,
        { readonly scale: { readonly vector: Require<S["vector"], BlockScaleFormats[F]["vector"], GemmScaleVector<F>> } }
      >
    : { readonly scale: { readonly dtype: GemmScaleFormat } }
  : unknown;

type CheckGemmScaled<A, B, S extends BlockScale> = unknown extends CheckScaledAB<A, B>
  ? CheckScale<A, S>
  : CheckScaledAB<A, B>;

/**
 * `unknown` when (a, b, out[, scale]) is a legal GEMM; otherwise marks `a`, `b`, `out` or the
 * scale's `dtype` / `vector` with GEMM-DTYPE-AB / GEMM-DTYPE-OUT / GEMM-SCALE-FORMAT /
 * GEMM-SCALE-VECTOR. Target-independent, as `gemm()` has no target.
 */
export type CheckGemmDTypes<A extends DType, B extends DType, Out extends DType, S extends BlockScale | undefined = undefined> = ([
  S,
] extends [BlockScale]
  ? CheckGemmScaled<A, B, S>
  : CheckGemmAB<A, B>) &
  CheckGemmOut<Out>;

// ---------------------------------------------------------------------------------------------
// GEMV
// ---------------------------------------------------------------------------------------------

type GemvDType = (typeof GEMV_DTYPES)[number];
type GemvScaledDType = (typeof GEMV_SCALED_DTYPES)[number];
type GemvFormat = BlockScaleFormats[typeof GEMV_BLOCK_SCALE_FORMAT];

type GemvDTypeA = Violation<
  "GEMV-DTYPE",
  `a GEMV reads A and b as 16-bit (${Join<typeof GEMV_16BIT_DTYPES>}) or fp8 (${Join<typeof GEMV_FP8_DTYPES>}) vectors, or as ${Join<typeof GEMV_SCALED_DTYPES>} with block scales (scale: { dtype: "${GemvFormat["scale"]}", vector: ${GemvFormat["vector"]} }); legal: ${Join<typeof GEMV_DTYPES>}`
>;
type GemvDTypeScaled = Violation<
  "GEMV-DTYPE",
  `a block-scaled GEMV is ${Uppercase<typeof GEMV_BLOCK_SCALE_FORMAT>}: A and b ${Join<typeof GEMV_SCALED_DTYPES>} with a ${GemvFormat["scale"]} scale per ${GemvFormat["vector"]} K elements; legal: ${Join<typeof GEMV_SCALED_DTYPES>}`
>;
type GemvEpilogue = Violation<"GEMV-EPILOGUE", "a GEMV's epilogue is store(), with or without its options; siluMul() gates a dual GEMM's second product; legal: store()">;

/**
 * `unknown` when a GEMV config breaks no type-level rule: the store() epilogue (GEMV-EPILOGUE). The
 * dtypes are checked by `gemv()` (CheckGemvDTypes). Both targets are legal (the SIMT kernel has
 * nothing specific to either), so the target has no type-level rule; the validator still refuses a
 * target outside them in a spec built from JavaScript (GEMV-TARGET).
 */
export type CheckGemv<T extends GemvKernelConfig> = T["epilogue"] extends { readonly kind: "store" }
  ? unknown
  : { readonly epilogue: { readonly kind: GemvEpilogue } };

type GemvDTypeB<A extends string> = Violation<"GEMV-DTYPE", `a GEMV reads b with A's dtype; legal: ${A}`>;

/** The dtype of A without block scales: a 16-bit or fp8 GEMV operand. */
type CheckGemvA<A> = Fragment<Require<A, GemvDType, GemvDTypeA>, { readonly a: Require<A, GemvDType, GemvDTypeA> }>;

/** A block-scaled A (NVFP4 data), then the scale's dtype and vector as for a block-scaled GEMM. */
type CheckGemvScaled<A, S extends BlockScale> = [A] extends [GemvScaledDType] ? CheckScale<A, S> : { readonly a: GemvDTypeScaled };

/**
 * `unknown` when (a, b, out[, scale]) is a legal GEMV: a 16-bit or fp8 A (GEMV-DTYPE), or with a scale an
 * e2m1 A (GEMV-DTYPE) with NVFP4's scale dtype and vector (GEMM-SCALE-FORMAT, GEMM-SCALE-VECTOR);
 * b of A's dtype or left out (GEMV-DTYPE); a store-epilogue output (GEMM-DTYPE-OUT).
 */
export type CheckGemvDTypes<A extends DType, Out extends DType, B extends DType = A, S extends BlockScale | undefined = undefined> = ([
  S,
] extends [BlockScale]
  ? CheckGemvScaled<A, S>
  : CheckGemvA<A>) &
  ([B] extends [A] ? ([A] extends [B] ? unknown : { readonly b: GemvDTypeB<A> }) : { readonly b: GemvDTypeB<A> }) &
  CheckGemmOut<Out>;

// ---------------------------------------------------------------------------------------------
// Epilogue options (store(options), siluMul(options))
// ---------------------------------------------------------------------------------------------

/** What an epilogue builder accepts before the checks: wide enough that a wrong value is marked by its rule. */
export interface EpilogueOptionsInput {
  readonly alpha?: boolean;
  readonly bias?: DType;
  readonly activation?: string;
}

type EpilogueAlpha = Violation<
  "EPILOGUE-ALPHA",
  "alpha: true multiplies the op's fp32 result by the run-time GkGemmArgs::alpha; leave alpha out for no scaling; legal: true"
>;

type EpilogueBias = Violation<
  "EPILOGUE-BIAS",
  `bias is the dtype of the bias vector, widened to fp32 before it is added; legal: ${Join<typeof EPILOGUE_BIAS_DTYPES>}`
>;

type EpilogueActivation = Violation<
  "EPILOGUE-ACTIVATION",
  `activation is applied in fp32 after alpha and the bias; legal: ${Join<typeof EPILOGUE_ACTIVATIONS>}`
>;

type EpilogueOption = Violation<"EPILOGUE-OPTION", `an epilogue takes these options only; legal: ${Join<typeof EPILOGUE_OPTIONS>}`>;

/** The rule of one option: `unknown` when the option is absent or legal. */
type CheckOption<O, K extends string, Legal, Broken> = O extends { readonly [P in K]: infer V }
  ? Fragment<Require<V, Legal, Broken>, { readonly [P in K]: Require<V, Legal, Broken> }>
  : unknown;

/** Options other than alpha, bias and activation, each marked EPILOGUE-OPTION. */
type CheckUnknownOptions<O> = [Exclude<keyof O, (typeof EPILOGUE_OPTIONS)[number]>] extends [never]
  ? unknown
  : { readonly [K in Exclude<keyof O, (typeof EPILOGUE_OPTIONS)[number]>]: EpilogueOption };

/**
 * `unknown` when an epilogue builder's options are legal: alpha `true` (EPILOGUE-ALPHA), bias one of
 * EPILOGUE_BIAS_DTYPES (EPILOGUE-BIAS), activation one of EPILOGUE_ACTIVATIONS (EPILOGUE-ACTIVATION),
 * nothing else (EPILOGUE-OPTION); each may be left out.
 */
export type CheckEpilogueOptions<O> = CheckOption<O, "alpha", true, EpilogueAlpha> &
  CheckOption<O, "bias", (typeof EPILOGUE_BIAS_DTYPES)[number], EpilogueBias> &
  CheckOption<O, "activation", (typeof EPILOGUE_ACTIVATIONS)[number], EpilogueActivation> &
  CheckUnknownOptions<O>;
