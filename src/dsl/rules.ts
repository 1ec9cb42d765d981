/**
 * The registry of rule codes the validator (src/dsl/validate.ts) reports. Each rule says whether it
 * is a limit of the chip ("hardware") or of this code generator ("generator"), and where it comes
 * from: the citation of the facts.ts Fact it rests on, or the part of the generator that imposes it.
 *
 * Numbers that are hardware facts live in facts.ts; the few generator limits that are not there are
 * the exported constants below, each with the reason for it.
 */
import { CONSUMER_REGISTER_OVERHEAD, SM100_ACCUMULATOR_STAGES } from "./budget.js";
import {
  CLUSTER_WIDTHS,
  DTYPES,
  SCHEDULER_SWIZZLES,
  SM100,
  SM90,
  SM90_TILE_M,
  type DType,
  type Fact,
  type Sm100BlockScaleFormat,
  type Sm90OperandDType,
} from "./facts.js";

/** The GEMV template (a SIMT kernel with no Hopper-specific instruction: it is built for sm_100a too). */
const GEMV_TEMPLATE = "templates/sm90/gemv.cu.hbs";
/** 16-bit GEMV operands: read eight per 16-byte vector, a pair per 32-bit word widened to float2. */
export const GEMV_16BIT_DTYPES = ["bf16", "fp16"] as const satisfies readonly DType[];
/** fp8 GEMV operands: read sixteen per 16-byte vector, each pair decoded fp8x2 → half2 → float2 (exact). */
export const GEMV_FP8_DTYPES = ["e4m3", "e5m2"] as const satisfies readonly DType[];
/** GEMV operand dtypes without block scales: the 16-bit and the fp8 ones. */
export const GEMV_DTYPES = [...GEMV_16BIT_DTYPES, ...GEMV_FP8_DTYPES] as const;
/**
 * The block-scaled GEMV's format: NVFP4, e2m1 data with a ue4m3 scale per 16 K elements
 * (../shared/problems/nvfp4-suite.json "formats"), dequantised by the SIMT kernel itself (no MMA).
 */
export const GEMV_BLOCK_SCALE_FORMAT = "nvfp4" as const satisfies Sm100BlockScaleFormat;
/** Its data dtype: e2m1, read 32 per 16-byte vector. */
export const GEMV_SCALED_DTYPES = SM100.blockScale.value[GEMV_BLOCK_SCALE_FORMAT].operands;
/** Bytes of one load of a row of A (and of b): every lane reads 16-byte vectors. */
export const GEMV_LOAD_BYTES = 16;
/** Elements of dtype `t` per 16-byte load: 8 for bf16 / fp16, 16 for e4m3 / e5m2, 32 for e2m1 (two 16-element scale blocks). */
export function gemvVector(t: DType): number {
  return (GEMV_LOAD_BYTES * 8) / DTYPES[t].bits;
}
/** The targets a GEMV is generated for: the SIMT kernel uses no wgmma, TMA, setmaxnreg or tcgen05. */
export const GEMV_TARGETS = [SM90.target, SM100.target] as const;
/** Warps per GEMV block. */
export const GEMV_WARPS = [1, 2, 4, 8, 16] as const;
export const GEMV_MAX_ROWS_PER_WARP = 4;
export const GEMV_MAX_UNROLL = 8;
/** 16-byte A loads each lane keeps in flight (4 registers each): bounds the register use. */
export const GEMV_MAX_LOADS_IN_FLIGHT = 16;

export type RuleKind = "hardware" | "generator";

export interface RuleInfo {
  readonly kind: RuleKind;
  readonly summary: string;
  readonly source: string;
}

/**
 * Threads per block on compute capability 9.0. Not (yet) in facts.ts; it belongs there as
 * `SM90.maxThreadsPerBlock`, and this constant should then read it from there.
 */
export const SM90_MAX_THREADS_PER_BLOCK: Fact<number> = {
  value: 1024,
  source: "CUDA C++ Programming Guide, 'Compute Capability 9.0' technical specifications table: maximum 1024 threads per block",
};

/** The consumer releases a stage only after issuing the next k-block's MMAs, so one stage would deadlock. */
export const MIN_STAGES = 2;
/** The most ways the generated split-K reduction splits one output tile. */
export const MAX_SPLIT_K = 16;
/** CTAs per cluster this generator supports (the widest width of CLUSTER_WIDTHS; the hardware allows more). */
export const MAX_CLUSTER_SIZE: number = Math.max(...CLUSTER_WIDTHS);
/** m, n and k are passed to the generated kernel as C `int`. */
export const MAX_PROBLEM_DIM = 2 ** 31 - 1;
/** Rows of one 128-byte-swizzle atom (1024 B / 128 B): a TMA slice must start on one, so its rows are a multiple of this. */
export const SWIZZLE_ATOM_ROWS: number = SM90.smemAlignBytes.value / SM90.swizzleBytes.value;
/** The targets this generator has a backend for. */
export const GENERATED_TARGETS = [SM90.target, SM100.target] as const;

/** Rows of D one sm_100a CTA computes: the 128 TMEM lanes (M 64 and the 128-row CTA pair are not generated). */
export const SM100_CTA_TILE_M: number = SM100.tmem.value.lanes;
/** The one cluster shape generated for a CTA pair: the two CTAs of the pair and nothing else. */
export const SM100_CTA_PAIR_CLUSTER = [2, 1] as const;
/** Tile N of a block-scaled sm_100a kernel: one 128-row atom of B scales, and two accumulator stages plus the scales fit 512 TMEM columns. */
export const SM100_BLOCK_SCALED_TILE_N: number = SM100.scaleAtom.value.rows;

/** Output dtypes the store epilogue writes (check.ts's GemmOutDType; it could be derived from this). */
export const GEMM_OUT_DTYPES = ["bf16", "fp16", "fp32"] as const satisfies readonly DType[];

/**
 * Bias element types an epilogue reads (`store({ bias })`, `siluMul({ bias })`): each value is widened
 * to fp32 before it is added, so any of the output dtypes serves.
 */
export const EPILOGUE_BIAS_DTYPES = ["bf16", "fp16", "fp32"] as const satisfies readonly DType[];
/** Activations an epilogue may end with, applied in fp32 after alpha and the bias (templates/common/epilogue_math.hbs). */
export const EPILOGUE_ACTIVATIONS = ["relu", "gelu", "silu"] as const;
/** The options an epilogue builder takes besides its kind. */
export const EPILOGUE_OPTIONS = ["alpha", "bias", "activation"] as const;

/** The dtypes wgmma multiplies. */
export const OPERAND_DTYPES = Object.keys(SM90.wgmmaK.value) as Sm90OperandDType[];

const GEMM_TEMPLATE = "templates/sm90/gemm.cu.hbs";
const EPILOGUE_MATH = "templates/common/epilogue_math.hbs";
const SM100_TEMPLATE = "templates/sm100/gemm.cu.hbs";
const F = SM100.blockScale.value;

export const RULES = {
  "SPEC-FORM": {
    kind: "generator",
    summary:
      "the spec has the shape defineKernel produces: op gemm or dualGemm with fp32 accumulation, tiler.mma [M, N, K], tiler.cluster [M, N], a persistent scheduler, a store or siluMul epilogue (with optional alpha, bias, activation), a problems array",
    source: "src/dsl/types.ts: KernelSpec (kernels built from JavaScript bypass the type checker)",
  },
  TARGET: {
    kind: "generator",
    summary: `the target is one this generator has a backend for: ${GENERATED_TARGETS.join(", ")}`,
    source: `src/codegen/plan.ts: the backends are ${GEMM_TEMPLATE} and ${SM100_TEMPLATE}`,
  },
  "KERNEL-NAME": {
    kind: "generator",
    summary: "the kernel name is a C identifier ([A-Za-z_][A-Za-z0-9_]*), unique among the kernels generated together",
    source: `${GEMM_TEMPLATE}: the name becomes the CUDA function <name>_kernel and the file generated/<name>.cu`,
  },
  "GEMM-DTYPE-AB": {
    kind: "hardware",
    summary: `A and B are wgmma operand types (${OPERAND_DTYPES.join(", ")}); a 16-bit A needs the same B, fp8 A and B may mix e4m3 and e5m2`,
    source: SM90.wgmmaK.source,
  },
  "GEMM-DTYPE-OUT": {
    kind: "generator",
    summary: `the output dtype is one the store epilogue converts the fp32 accumulator to once (${GEMM_OUT_DTYPES.join(", ")})`,
    source: "src/dsl/check.ts: GemmOutDType (the type checker's list, mirrored by GEMM_OUT_DTYPES)",
  },
  "GEMM-SCALE-FORMAT": {
    kind: "generator",
    summary: `a block-scaled GEMM is one of the formats this generator builds: NVFP4 (e2m1 data, ${F.nvfp4.scale} scales) or MXFP8 (e4m3 / e5m2 data, ${F.mxfp8.scale} scales); the hardware has more (MXFP4, mixed fp6)`,
    source: `${SM100.blockScale.source}; src/dsl/facts.ts: SM100.blockScale`,
  },
  "GEMM-SCALE-VECTOR": {
    kind: "hardware",
    summary: `the scale vector size is the format's: ${F.nvfp4.vector} for NVFP4 (${F.nvfp4.instruction}), ${F.mxfp8.vector} for MXFP8 (${F.mxfp8.instruction})`,
    source: SM100.blockScale.source,
  },
  "SM90-MMA-M": {
    kind: "hardware",
    summary: `tile M is a multiple of the wgmma M (${SM90.wgmmaM.value}), one consumer warpgroup per ${SM90.wgmmaM.value} rows: one of ${SM90_TILE_M.join(", ")}`,
    source: SM90.wgmmaM.source,
  },
  "SM90-MMA-N": {
    kind: "hardware",
    summary: `tile N is a wgmma N: ${SM90.wgmmaN.value.min} to ${SM90.wgmmaN.value.max} in steps of ${SM90.wgmmaN.value.step}`,
    source: SM90.wgmmaN.source,
  },
  "SM90-MMA-K": {
    kind: "hardware",
    summary: `tile K is a positive multiple of the wgmma K (${Object.entries(SM90.wgmmaK.value).map(([t, k]) => `${k} for ${t}`).join(", ")})`,
    source: SM90.wgmmaK.source,
  },
  "GEN-K-ATOM": {
    kind: "generator",
    summary: `tile K is whole ${SM90.swizzleBytes.value}-byte swizzle rows: a multiple of budget.kPerSwizzleAtom (${SM90.swizzleBytes.value} B / bytes(A) elements)`,
    source: `${SM90.swizzleBytes.source}; ${GEMM_TEMPLATE} and ${SM100_TEMPLATE}: static_assert(kTileK == kKPerSwizzleAtom * kSwizzleAtomsPerStage)`,
  },
  "GEN-EPILOGUE-N": {
    kind: "generator",
    summary: `sm_100a: tile N is whole epilogue chunks, a multiple of budget.epilogueChunkColumns (one ${SM100.swizzleBytes.value}-byte row of the output dtype). (On sm_90a every wgmma N is: a tile N that is not whole rows is stored in the widest unswizzled chunks that divide it.)`,
    source: `${SM100_TEMPLATE}: static_assert(kTileN % kEpilogueColumns == 0); ${GEMM_TEMPLATE}: the same assert, met by sm90Budget's chunk choice`,
  },
  "SM90-CLUSTER": {
    kind: "hardware",
    summary: `each cluster width is a positive integer this generator builds multicast for (${CLUSTER_WIDTHS.join(", ")}), and a cluster holds at most ${SM90.clusterMaxPortable.value} CTAs (portable size)`,
    source: `${SM90.clusterMaxPortable.source}; src/dsl/facts.ts: CLUSTER_WIDTHS`,
  },
  "CLUSTER-SIZE": {
    kind: "generator",
    summary: `a cluster holds at most ${MAX_CLUSTER_SIZE} CTAs (cluster M × N), fewer than the hardware's ${SM90.clusterMaxPortable.value}`,
    source: "src/dsl/facts.ts: CLUSTER_WIDTHS (the multicast masks and the empty-barrier arrival counts are built for these widths)",
  },
  "SM90-TMA-BOX": {
    kind: "hardware",
    summary:
      `each CTA loads a 1/clusterN slice of the A tile and a 1/clusterM slice of the B tile (TMA multicast): tile M / cluster N and tile N / cluster M are whole, at most ${SM90.tmaMaxBoxDim.value} rows, and multiples of ${SWIZZLE_ATOM_ROWS} rows (one ${SM90.smemAlignBytes.value}-byte swizzle atom)`,
    source: `${SM90.tmaMaxBoxDim.source}; ${SM90.smemAlignBytes.source}`,
  },
  STAGES: {
    kind: "generator",
    summary: `stages is an integer >= ${MIN_STAGES} (the consumer frees a stage only after issuing the next one's MMAs)`,
    source: `${GEMM_TEMPLATE}: consumer loop releases previous_stage after wgmma_wait_group<1>`,
  },
  "SM90-SMEM": {
    kind: "hardware",
    summary: `shared memory of the kernel (stages of A and B — A, B1 and B2 for a dual GEMM — epilogue buffers, barriers, alignment slack) fits one block: budget.smemBytes <= ${SM90.smemPerBlockBytes.value} B`,
    source: SM90.smemPerBlockBytes.source,
  },
  "SM90-REG-ACC": {
    kind: "generator",
    summary: `the fp32 accumulators of a consumer thread (two sets for a dual GEMM: budget.accumulatorRegisters counts both) plus CONSUMER_REGISTER_OVERHEAD fit the registers setmaxnreg gives each consumer: budget.accumulatorRegisters + ${CONSUMER_REGISTER_OVERHEAD} <= budget.consumerRegisters`,
    source: `${SM90.registersPerSm.source}; ${SM90.setmaxnreg.source}; src/dsl/budget.ts: CONSUMER_REGISTER_OVERHEAD, CONSUMER_REGISTER_CEILING`,
  },
  "SM90-DUAL-N": {
    kind: "hardware",
    summary: `a dual GEMM on sm_90a multiplies its B1 and B2 tiles, stacked in each stage, with one wgmma of N = 2 × tile N (A is read from shared memory once for both products), so 2 × tile N <= ${SM90.wgmmaN.value.max}`,
    source: `${SM90.wgmmaN.source}; ${GEMM_TEMPLATE}: the dual GEMM's stacked B1|B2 stage`,
  },
  "SM90-THREADS": {
    kind: "hardware",
    summary: `the block (one producer and one consumer warpgroup per ${SM90.wgmmaM.value} rows of the tile) has at most ${SM90_MAX_THREADS_PER_BLOCK.value} threads`,
    source: SM90_MAX_THREADS_PER_BLOCK.source,
  },
  "SM90-CTA-GROUP": {
    kind: "hardware",
    summary: "sm_90a has no CTA-pair MMA: tiler.ctaGroup is 1 or left out",
    source: SM90.wgmmaM.source,
  },
  "SM90-BLOCK-SCALE": {
    kind: "hardware",
    summary: "sm_90a has no block-scaled MMA (wgmma takes no scale factors): a GEMM with scale targets sm_100a",
    source: SM90.wgmmaK.source,
  },
  "SM100-MMA-M": {
    kind: "hardware",
    summary: `MMA M is one tcgen05.mma takes for the kind and CTA group: ${Object.entries(SM100.mma.value)
      .map(([k, v]) => `kind::${k} ${v.ctaGroup1.m.join("/")} (ctaGroup 1), ${v.ctaGroup2.m.join("/")} (ctaGroup 2)`)
      .join("; ")}`,
    source: SM100.mma.source,
  },
  "SM100-MMA-N": {
    kind: "hardware",
    summary: `MMA N is ${SM100.mma.value.f16.ctaGroup1.n.min}..${SM100.mma.value.f16.ctaGroup1.n.max} in steps of ${SM100.mma.value.f16.ctaGroup1.n.step} with ctaGroup 1, ${SM100.mma.value.f16.ctaGroup2.n.min}..${SM100.mma.value.f16.ctaGroup2.n.max} in steps of ${SM100.mma.value.f16.ctaGroup2.n.step} with ctaGroup 2`,
    source: SM100.mma.source,
  },
  "SM100-MMA-K": {
    kind: "hardware",
    summary: `tile K is a positive multiple of the MMA K (${Object.entries(SM100.mma.value).map(([k, v]) => `${v.k} for kind::${k}`).join(", ")})`,
    source: SM100.mma.source,
  },
  "SM100-CTA-GROUP": {
    kind: "hardware",
    summary: "tiler.ctaGroup is 1 or 2 (cta_group::1 / ::2); a CTA pair is two CTAs adjacent along M in one cluster, so ctaGroup 2 needs an even cluster M",
    source: SM100.mma.source,
  },
  "SM100-CLUSTER": {
    kind: "hardware",
    summary: `each cluster width is a positive integer this generator builds multicast for (${CLUSTER_WIDTHS.join(", ")}), and a cluster holds at most ${SM100.clusterMaxPortable.value} CTAs (portable size)`,
    source: `${SM100.clusterMaxPortable.source}; src/dsl/facts.ts: CLUSTER_WIDTHS`,
  },
  "SM100-TMA-BOX": {
    kind: "hardware",
    summary: `each CTA loads a slice of the A and B tiles (a 1/clusterN share of A and 1/clusterM of B multicast, or with a CTA pair half of B): every slice is whole, at most ${SM100.tmaMaxBoxDim.value} rows, in whole ${SWIZZLE_ATOM_ROWS}-row swizzle atoms`,
    source: `${SM100.tmaMaxBoxDim.source}; ${SM100.smemAlignBytes.source}`,
  },
  "SM100-SMEM": {
    kind: "hardware",
    summary: `shared memory of the kernel (stages of A, B and their block scales, epilogue buffers, barriers, alignment slack) fits one block: budget.smemBytes <= ${SM100.smemPerBlockBytes.value} B`,
    source: SM100.smemPerBlockBytes.source,
  },
  "SM100-TMEM": {
    kind: "hardware",
    summary: `tensor memory holds ${SM100_ACCUMULATOR_STAGES} fp32 accumulator stages (N columns each) and the block scales of every stage: budget.tmemColumns <= ${SM100.tmem.value.columns}, allocated as a power of two >= ${SM100.tmem.value.minAllocColumns}`,
    source: SM100.tmem.source,
  },
  "GEN-SM100-TILE-M": {
    kind: "generator",
    summary: `each CTA computes ${SM100_CTA_TILE_M} rows (one per TMEM lane): MMA M ${SM100_CTA_TILE_M} with ctaGroup 1, ${2 * SM100_CTA_TILE_M} with ctaGroup 2 (the hardware's M 64 and 128-row pairs are not generated)`,
    source: `${SM100_TEMPLATE}: the epilogue maps TMEM lane i to row i of the CTA's tile (the M = 128 data-path layout)`,
  },
  "GEN-SM100-CTA-PAIR": {
    kind: "generator",
    summary: `a CTA pair (ctaGroup 2) is generated with cluster [${SM100_CTA_PAIR_CLUSTER.join(", ")}] only: the pair shares B by splitting it, not by multicast`,
    source: `${SM100_TEMPLATE}: the leader CTA (rank 0) issues the MMAs; the peer's TMA loads signal the leader's barriers`,
  },
  "GEN-SM100-SCALE-N": {
    kind: "generator",
    summary: `block-scaled kernels have tile N ${SM100_BLOCK_SCALED_TILE_N}: one 128-row atom of B scales per K atom, and ${SM100_ACCUMULATOR_STAGES} accumulator stages of N columns plus the scales fit ${SM100.tmem.value.columns} TMEM columns`,
    source: `${SM100.scaleAtom.source}; ${SM100_TEMPLATE}`,
  },
  "GEN-SM100-SCHED": {
    kind: "generator",
    summary: "sm_100a kernels are generated without split-K and stream-K (splitK 1, streamK false)",
    source: `${SM100_TEMPLATE}: each CTA accumulates whole output tiles in TMEM`,
  },
  "SCHED-RASTER": {
    kind: "generator",
    summary: 'the persistent scheduler rasters along "m" or "n"',
    source: "templates/common/scheduler.hbs: TileSchedule::at",
  },
  "SCHED-SWIZZLE": {
    kind: "generator",
    summary: `the persistent scheduler's swizzle (band width in tiles) is one of ${SCHEDULER_SWIZZLES.join(", ")}`,
    source: "src/dsl/facts.ts: SCHEDULER_SWIZZLES",
  },
  SPLITK: {
    kind: "generator",
    summary: `scheduler.splitK is an integer from 1 to ${MAX_SPLIT_K}`,
    source: `${GEMM_TEMPLATE}: the last split sums every split's fp32 partial tile in split order`,
  },
  "SCHED-STREAMK": {
    kind: "generator",
    summary: "stream-K is generated for 1×1 clusters and splitK 1 (a cluster's CTAs would need matching ranges)",
    source: `${GEMM_TEMPLATE}: StreamKSchedule gives each CTA its own range of (tile, k-block) iterations`,
  },
  "SPLITK-CLUSTER": {
    kind: "generator",
    summary: `reduction "cluster" (split-K reduced through distributed shared memory) is generated for a gemm on sm_90a with tiler.cluster [1, 1], streamK false and splitK 2, 4 or 8 (a portable cluster of ${SM90.clusterMaxPortable.value})`,
    source: `${SM90.clusterMaxPortable.source}; ${GEMM_TEMPLATE}: the cluster's CTAs are the splits of one tile`,
  },
  "SPLITK-CLUSTER-PIECES": {
    kind: "generator",
    summary: "the cluster reduction cuts a tile into splitK pieces of 64 rows × tile N / (splitK / consumer warpgroups) columns, a whole number of epilogue chunks each",
    source: `${GEMM_TEMPLATE}: CTA r of the cluster adds and stores piece r`,
  },
  "SPLITK-REG": {
    kind: "generator",
    summary: `with splitK > 1 or stream-K the last unit of a shared tile holds its accumulators and one split's partials in registers while it sums them: 2 × budget.accumulatorRegisters + ${CONSUMER_REGISTER_OVERHEAD} <= budget.consumerRegisters`,
    source: `${GEMM_TEMPLATE}: the split-K reduction loads a whole partial tile per split so the loads overlap`,
  },
  "EPILOGUE-SILU-MUL": {
    kind: "generator",
    summary: "the siluMul() epilogue combines the two products of a dual GEMM (silu(A·B1ᵀ) ⊙ (A·B2ᵀ)): it is legal only with op dualGemm",
    source: `${GEMM_TEMPLATE}: the siluMul epilogue reads the second accumulator set, which only a dualGemm has`,
  },
  "DUAL-GEMM-EPILOGUE": {
    kind: "generator",
    summary: "a dual GEMM's epilogue is siluMul(): store() has no way to combine its two products",
    source: `${GEMM_TEMPLATE}: the dual GEMM keeps two accumulator sets and stores silu(acc1) · acc2`,
  },
  "EPILOGUE-ALPHA": {
    kind: "generator",
    summary: "the epilogue option alpha is true (multiply the op's fp32 result by the run-time GkGemmArgs::alpha) or left out",
    source: `${EPILOGUE_MATH}: epilogue_apply multiplies by alpha only in kernels built with alpha: true`,
  },
  "EPILOGUE-BIAS": {
    kind: "generator",
    summary: `the epilogue option bias is the dtype of the bias vector, one of ${EPILOGUE_BIAS_DTYPES.join(", ")} (widened to fp32 before it is added)`,
    source: `${EPILOGUE_MATH}: the bias loads widen ${EPILOGUE_BIAS_DTYPES.join(" / ")} values to fp32`,
  },
  "EPILOGUE-ACTIVATION": {
    kind: "generator",
    summary: `the epilogue option activation is one of ${EPILOGUE_ACTIVATIONS.join(", ")} (applied in fp32 after alpha and the bias)`,
    source: `${EPILOGUE_MATH}: one device function per activation`,
  },
  "EPILOGUE-OPTION": {
    kind: "generator",
    summary: `an epilogue builder (store(), siluMul()) takes the options ${EPILOGUE_OPTIONS.join(", ")} and no others`,
    source: "src/dsl/types.ts: EpilogueOptions",
  },
  "DUAL-GEMM-SCHED": {
    kind: "generator",
    summary: "a dual GEMM is generated without split-K and stream-K (splitK 1, streamK false): the gated epilogue needs both complete fp32 products",
    source: `${GEMM_TEMPLATE}: the split-K / stream-K reduction sums one accumulator set`,
  },
  "DUAL-GEMM-CLUSTER": {
    kind: "generator",
    summary: "a dual GEMM is generated with cluster M 1 ([1, 1], [1, 2], [1, 4]): A may be multicast along N; B1 and B2 are not multicast (so on sm_100a no CTA pair, whose two CTAs split B)",
    source: `${GEMM_TEMPLATE} and ${SM100_TEMPLATE}: the dual GEMM's B2 loads are built and reviewed for the unicast B path only`,
  },
  "GROUPED-GEMM-MAX-GROUPS": {
    kind: "hardware",
    summary: `op.maxGroups is a positive integer whose group table (${SM90.tensorMapBytes.value}-byte tensor maps of A, B and D — and of the scales of A and B when block-scaled — plus a shape record per group) fits the ${SM90.kernelParamBytes.value} bytes of a kernel's parameters: budget.groupTableBytes <= ${SM90.kernelParamBytes.value}`,
    source: `${SM90.kernelParamBytes.source}; ${SM90.tensorMapBytes.source}`,
  },
  "GROUPED-GEMM-CLUSTER": {
    kind: "generator",
    summary: "a grouped GEMM is generated with cluster [1, 1]: consecutive tiles may belong to different groups, so cluster neighbours would multicast from different tensor maps",
    source: `${GEMM_TEMPLATE}: the grouped tile walk hands out single-CTA units`,
  },
  "GROUPED-GEMM-SCHED": {
    kind: "generator",
    summary: "a grouped GEMM is generated without split-K (splitK 1); stream-K (streamK: true) is how it balances the groups' work over the SMs",
    source: "templates/common/grouped_schedule.hbs: a unit is a whole output tile of one group, or with stream-K one CTA's range of (tile, k-block) iterations",
  },
  "PROBLEM-GROUPS": {
    kind: "generator",
    summary: "a grouped GEMM's problem lists m, n and k per group (lists of one length, or one number for every group), with at most op.maxGroups groups; every other op takes one number per dimension",
    source: "templates/common/host.hbs: gk_check (GK-GROUPS) and the runner's grouped --problem syntax",
  },
  "PROBLEM-POSITIVE": {
    kind: "generator",
    summary: `each problem's m, n and k are positive integers of at most ${MAX_PROBLEM_DIM} (passed as C int)`,
    source: "templates/common/host.hbs: gk_check (GK-SHAPE) and the kernel's int m, n, k",
  },
  "PROBLEM-ALIGN-K": {
    kind: "hardware",
    summary: `k × bytes(A) and k × bytes(B) are multiples of ${SM90.tmaAlignBytes.value}: the row strides of A and B (K-major) are TMA global strides`,
    source: SM90.tmaAlignBytes.source,
  },
  "PROBLEM-ALIGN-N": {
    kind: "hardware",
    summary: `n × bytes(out) is a multiple of ${SM90.tmaAlignBytes.value}: the row stride of D is a TMA global stride`,
    source: SM90.tmaAlignBytes.source,
  },
  "GEMV-TARGET": {
    kind: "generator",
    summary: `a GEMV is generated for ${GEMV_TARGETS.join(" and ")}: the one SIMT kernel (16-byte loads, warp shuffles, integer dot products, fp8 conversions of sm_89 and later) uses nothing specific to either`,
    source: `${GEMV_TEMPLATE}: no wgmma, TMA, setmaxnreg or tcgen05, so the same kernel compiles for both targets`,
  },
  "GEMV-DTYPE": {
    kind: "generator",
    summary: `a GEMV reads A and b of one dtype: 16-bit (${GEMV_16BIT_DTYPES.join(" or ")}), ${gemvVector("bf16")} elements per 16-byte load, fp8 (${GEMV_FP8_DTYPES.join(" or ")}), ${gemvVector("e4m3")} elements per 16-byte load, or with block scales NVFP4 (${GEMV_SCALED_DTYPES.join(", ")}), ${gemvVector("e2m1")} elements per 16-byte load`,
    source: `${GEMV_TEMPLATE}: the dot product unpacks 16-byte vectors of eight 16-bit elements, decodes sixteen fp8 elements in pairs with <cuda_fp8.h>'s __nv_cvt_fp8x2_to_halfraw2, or decodes 32 e2m1 values (templates/sm90/gemv_nvfp4.hbs)`,
  },
  "GEMV-EPILOGUE": {
    kind: "generator",
    summary: "a GEMV's epilogue is store() (with its options alpha, bias, activation): the fp32 sum of each row, through the epilogue, converted once to the output dtype",
    source: `${GEMV_TEMPLATE}: the reduced sum goes through epilogue_apply and is written directly; siluMul() has no second product to gate with`,
  },
  "GEMV-TILER": {
    kind: "generator",
    summary: `tiler.warps is one of ${GEMV_WARPS.join(", ")}; tiler.rowsPerWarp 1 to ${GEMV_MAX_ROWS_PER_WARP}; tiler.unroll 1 to ${GEMV_MAX_UNROLL}; rowsPerWarp × unroll <= ${GEMV_MAX_LOADS_IN_FLIGHT} (16-byte loads in flight per lane); tiler.splitK 1 to ${MAX_SPLIT_K}`,
    source: `${GEMV_TEMPLATE}: each lane holds rowsPerWarp × unroll 16-byte A vectors and unroll b vectors in registers`,
  },
  "GEMV-ALIGN-K": {
    kind: "generator",
    summary: `each GEMV problem's k is a multiple of the elements of one ${GEMV_LOAD_BYTES}-byte load: ${gemvVector("bf16")} for bf16 / fp16 (k × 2 bytes a multiple of 16), ${gemvVector("e4m3")} for e4m3 / e5m2 (k bytes a multiple of 16), ${gemvVector("e2m1")} for e2m1 (k / 2 bytes a multiple of 16, and whole pairs of 16-element scale blocks)`,
    source: `${GEMV_TEMPLATE}: the loads of A and b are 16-byte vectors (an NVFP4 vector and its two scales are decoded together), and gk_check refuses an lda that breaks the same rule`,
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleCode = keyof typeof RULES;

export const RULE_CODES = Object.keys(RULES) as RuleCode[];
