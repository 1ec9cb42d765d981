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
 * Rules are grouped per target (`TargetRuleSets`): sm_90a has its set; sm_100a accepts any tile and
 * cluster for now. Rules that do not depend on the target (`CommonRules`, and the dtype rules of
 * `gemm`, which has no target) apply to every kernel.
 */
import type {
  CLUSTER_WIDTHS,
  DType,
  DTYPES,
  SCHEDULER_SWIZZLES,
  SM90,
  SM90_TILE_M,
  SM90_WGMMA_N,
  Sm90OperandDType,
} from "./facts.js";
import type { GEMM_OUT_DTYPES, MIN_STAGES } from "./rules.js";
import type { KernelConfig, Target } from "./types.js";

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
  | "GEMM-DTYPE-AB"
  | "GEMM-DTYPE-OUT"
  | "SCHED-SWIZZLE"
  | "STAGES";

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
  "a and b must be wgmma operand dtypes of one family: (bf16, bf16), (fp16, fp16), or any pair of e4m3 / e5m2"
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

type CommonRules<T extends KernelConfig> = Fragment<
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

type Sm90Rules<T extends KernelConfig> = Sm90TileRules<T> & Sm90ClusterRules<T>;

// ---------------------------------------------------------------------------------------------
// sm_100a (Blackwell): no tile or cluster rules yet, so any choice is accepted.
// ---------------------------------------------------------------------------------------------

type Sm100Rules<_T extends KernelConfig> = unknown;

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

/**
 * `unknown` when (a, b, out) is a legal GEMM dtype triple; otherwise marks `a`, `b` or `out` with
 * GEMM-DTYPE-AB / GEMM-DTYPE-OUT. Target-independent, as `gemm()` has no target.
 */
export type CheckGemmDTypes<A extends DType, B extends DType, Out extends DType> = CheckGemmAB<A, B> &
  CheckGemmOut<Out>;
