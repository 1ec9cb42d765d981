/**
 * The sm_100a plan: shared-memory and tensor-memory layout, warp roles, TMA boxes and multicast, the
 * tcgen05 MMA atom and the scale-factor path, the tile schedule. Plain data that
 * templates/sm100/gemm.cu.hbs prints.
 */
import { planSchedule, type SchedulePlan } from "../schedule.js";
import { SM100_EPILOGUE_ROWS_PER_WARP, SM100_WARPS, type Sm100Budget } from "../../dsl/budget.js";
import { DTYPES, SM100, type Sm100BlockScaleFormat } from "../../dsl/facts.js";
import type { KernelSpec } from "../../dsl/types.js";
import { cudaType, type CudaType } from "../cudaTypes.js";
import { planEpilogueMath, type EpilogueMathPlan } from "../epilogue.js";
import { scaleAtom, sm100MmaAtom, type Sm100MmaAtom } from "./atom.js";

export interface Sm100ScalePlan {
  readonly format: Sm100BlockScaleFormat;
  /** "NVFP4" / "MXFP8", for comments and messages. */
  readonly formatName: string;
  readonly dtype: string;
  readonly abi: string;
  readonly vector: number;
  /** 512-byte atoms (128 rows × 4 scale columns) per stage along K, and 128-row blocks of B per tile. */
  readonly atomsPerStage: number;
  readonly bRowBlocks: number;
  readonly mmasPerAtom: number;
  /** Several MMAs read one TMEM scale column, each its byte (the descriptor's scale factor ID). */
  readonly selectsByte: boolean;
  readonly copyDescriptor: string;
  readonly copyDescriptorFields: string;
}

export interface Sm100KernelPlan {
  readonly generator: string;
  readonly source: string;
  readonly name: string;
  readonly target: "sm_100a";
  readonly template: "sm100/gemm.cu.hbs";
  /**
   * Grouped GEMM: one tile list across the groups of a launch, the per-group tensor maps (with the
   * scale maps when block-scaled) in a `tableBytes`-byte kernel parameter; false for other ops.
   */
  readonly grouped: false | { readonly maxGroups: number; readonly tableBytes: number };
  /**
   * Gated dual GEMM: each stage holds A, B1 and B2 (and, block-scaled, the scales of all three); the
   * MMA issuer accumulates both products into two tensor-memory accumulators per accumulator stage
   * and the epilogue stores silu(G) ⊙ U.
   */
  readonly dual: boolean;
  readonly types: { readonly a: CudaType; readonly b: CudaType; readonly out: CudaType };
  /** The CTA tile: rows of D one CTA computes (one per TMEM lane), N, and K per stage. */
  readonly tile: { readonly m: number; readonly n: number; readonly k: number };
  readonly cluster: { readonly m: number; readonly n: number; readonly size: number; readonly multi: boolean };
  /** ctaGroup 2: the two CTAs of the cluster share each MMA; the even (rank 0) one issues it. */
  readonly ctaPair: boolean;
  readonly stages: number;
  readonly threads: number;
  readonly warps: {
    readonly producer: number;
    readonly mma: number;
    readonly firstEpilogue: number;
    readonly lastEpilogue: number;
    readonly epilogue: number;
  };
  readonly mma: Sm100MmaAtom;
  readonly smem: {
    readonly kPerSwizzleAtom: number;
    readonly swizzleAtomsPerStage: number;
    readonly aBytesPerStage: number;
    readonly bBytesPerStage: number;
    readonly sfaBytesPerStage: number;
    readonly sfbBytesPerStage: number;
    readonly aOffset: number;
    readonly bOffset: number;
    readonly sfaOffset: number;
    readonly sfbOffset: number;
    /** B2's stages and its scales' (a dual GEMM; otherwise where the next region starts). */
    readonly b2Offset: number;
    readonly sfb2Offset: number;
    readonly epilogueOffset: number;
    readonly barrierOffset: number;
    readonly alignmentSlackBytes: number;
    readonly totalBytes: number;
    /**
     * Dynamic shared memory requested at launch: at least half an SM's, so that two CTAs never share
     * an SM and its tensor memory (a second CTA would wait in tcgen05.alloc for the first to finish).
     */
    readonly launchBytes: number;
  };
  readonly tma: {
    /** e2m1 moves through TMA as bytes holding two values: K coordinates and extents are divided by this. */
    readonly packing: number;
    readonly packed: boolean;
    /** Bytes of one TMA element of A and B. */
    readonly elementBytes: number;
    /** TMA elements in one 128-byte swizzle row (the box's inner dimension). */
    readonly boxColumns: number;
    readonly aSliceRows: number;
    readonly bSliceRows: number;
    /** Rows of B in this CTA's shared memory: N, or N / 2 for a CTA pair. */
    readonly bRowsPerCta: number;
    readonly multicastA: boolean;
    readonly multicastB: boolean;
    /** Bytes each stage's full barrier expects: this CTA's, or both CTAs' on the pair's leader. */
    readonly txBytesPerStage: number;
    /** Loads issued before the CTA-wide barrier (the sm_90a plan's `preload`): not on sm_100a. */
    readonly preload: false;
  };
  readonly tmem: {
    readonly allocColumns: number;
    readonly accumulatorStages: number;
    /** Columns of one accumulator stage: N, or 2 N for a dual GEMM (G's accumulator, then U's). */
    readonly accumulatorColumnsPerStage: number;
    /** First column of each operand's scales, and columns per stage (B2's as many as B's). */
    readonly sfaColumn: number;
    readonly sfbColumn: number;
    readonly sfb2Column: number;
    readonly sfaColumnsPerStage: number;
    readonly sfbColumnsPerStage: number;
    readonly columnsUsed: number;
  };
  readonly scale: Sm100ScalePlan | false;
  /** The TMEM-to-TMA store path and the shared epilogue math (alpha, bias per column, activation). */
  readonly epilogue: EpilogueMathPlan & {
    readonly kind: "store";
    /** Output columns per chunk (one 128-byte row), fp32 accumulator columns loaded per tcgen05.ld. */
    readonly chunkColumns: number;
    readonly rowsPerWarp: number;
    /** Output elements per 16-byte store, and the pairs they are packed from. */
    readonly elementsPerStore: number;
    readonly pairsPerStore: number;
    /** The tcgen05.ld helper: `tcgen05_ld_32x32b_x64` loads 64 columns of 32 bits per thread. */
    readonly load: { readonly name: string; readonly shape: string; readonly registers: number; readonly operandList: string; readonly constraints: string };
  };
  readonly scheduler: SchedulePlan;
  readonly problems: KernelSpec["problems"];
}

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

export function planSm100(spec: KernelSpec, budget: Sm100Budget, source: string, generator: string): Sm100KernelPlan {
  const [mmaM, tileN, tileK] = spec.tiler.mma;
  const [clusterM, clusterN] = spec.tiler.cluster;
  const ctaPair = budget.ctaGroup === 2;
  const format = budget.format;

  const dual = budget.products === 2;
  // Shared memory from a 1024-byte-aligned base: A, B, (B2,) their scales, the epilogue buffers, barriers.
  const aOffset = 0;
  const bOffset = aOffset + spec.stages * budget.aBytesPerStage;
  const b2Offset = bOffset + spec.stages * budget.bBytesPerStage;
  const sfaOffset = b2Offset + (dual ? spec.stages * budget.bBytesPerStage : 0);
  const sfbOffset = sfaOffset + spec.stages * budget.sfaBytesPerStage;
  const sfb2Offset = sfbOffset + spec.stages * budget.sfbBytesPerStage;
  const epilogueOffset = alignUp(sfb2Offset + (dual ? spec.stages * budget.sfbBytesPerStage : 0), SM100.smemAlignBytes.value);
  const barrierOffset = epilogueOffset + budget.epilogueBytes;
  const totalBytes = budget.smemBytes;
  const halfSm = SM100.smemPerSmBytes.value / 2;

  const ownBytes = budget.aBytesPerStage + budget.products * (budget.bBytesPerStage + budget.sfbBytesPerStage) + budget.sfaBytesPerStage;
  const packing = 1 / Math.min(1, DTYPES[spec.op.a].bytes);
  const elementBytes = Math.max(1, DTYPES[spec.op.a].bytes);

  // Tensor memory: the accumulator stages, then the scales of A, of B (and of B2) for every stage.
  const sfaColumnsPerStage = (budget.sfaBytesPerStage / SM100.scaleAtom.value.bytes) * SM100.scaleAtom.value.columns;
  const sfbColumnsPerStage = (budget.sfbBytesPerStage / SM100.scaleAtom.value.bytes) * SM100.scaleAtom.value.columns;
  const sfaColumn = budget.accumulatorColumns;
  const sfbColumn = sfaColumn + spec.stages * sfaColumnsPerStage;
  const sfb2Column = sfbColumn + spec.stages * sfbColumnsPerStage;

  const chunkColumns = budget.epilogueChunkColumns;
  const elementsPerStore = 16 / DTYPES[spec.op.out].bytes;
  const loadName = `tcgen05_ld_32x32b_x${chunkColumns}`;


  let scale: Sm100ScalePlan | false = false;
  if (format !== undefined) {
    const f = SM100.blockScale.value[format];
    const s = scaleAtom(format, budget.kind);
    scale = {
      format,
      formatName: format.toUpperCase(),
      dtype: f.scale,
      abi: cudaType(f.scale).abi,
      vector: f.vector,
      atomsPerStage: budget.scaleAtomsPerStage,
      bRowBlocks: budget.sfbBytesPerStage / (budget.scaleAtomsPerStage * SM100.scaleAtom.value.bytes),
      mmasPerAtom: s.mmasPerAtom,
      selectsByte: s.mmasPerAtom > 1,
      copyDescriptor: s.copyDescriptor,
      copyDescriptorFields: s.copyDescriptorFields,
    };
  }

  return {
    generator,
    source,
    name: spec.name,
    target: "sm_100a",
    template: "sm100/gemm.cu.hbs",
    grouped: spec.op.kind === "groupedGemm" ? { maxGroups: spec.op.maxGroups, tableBytes: budget.groupTableBytes } : false,
    dual,
    types: { a: cudaType(spec.op.a), b: cudaType(spec.op.b), out: cudaType(spec.op.out) },
    tile: { m: budget.ctaTileM, n: tileN, k: tileK },
    cluster: { m: clusterM, n: clusterN, size: clusterM * clusterN, multi: clusterM * clusterN > 1 },
    ctaPair,
    stages: spec.stages,
    threads: budget.threads,
    warps: { ...SM100_WARPS },
    mma: sm100MmaAtom(budget.kind, format, spec.op.a, spec.op.b, budget.ctaGroup, mmaM, tileN, tileK),
    smem: {
      kPerSwizzleAtom: budget.kPerSwizzleAtom,
      swizzleAtomsPerStage: budget.swizzleAtomsPerStage,
      aBytesPerStage: budget.aBytesPerStage,
      bBytesPerStage: budget.bBytesPerStage,
      sfaBytesPerStage: budget.sfaBytesPerStage,
      sfbBytesPerStage: budget.sfbBytesPerStage,
      aOffset,
      bOffset,
      sfaOffset,
      sfbOffset,
      b2Offset,
      sfb2Offset,
      epilogueOffset,
      barrierOffset,
      alignmentSlackBytes: budget.alignmentSlackBytes,
      totalBytes,
      launchBytes: Math.max(totalBytes, halfSm),
    },
    tma: {
      packing,
      packed: packing > 1,
      elementBytes,
      boxColumns: SM100.swizzleBytes.value / elementBytes,
      aSliceRows: ctaPair ? budget.ctaTileM : budget.ctaTileM / clusterN,
      bSliceRows: ctaPair ? budget.ctaTileNLoaded : tileN / clusterM,
      bRowsPerCta: budget.ctaTileNLoaded,
      multicastA: !ctaPair && clusterN > 1,
      multicastB: !ctaPair && clusterM > 1,
      txBytesPerStage: ctaPair ? 2 * ownBytes : ownBytes,
      preload: false,
    },
    tmem: {
      allocColumns: budget.tmemAllocColumns,
      accumulatorStages: budget.accumulatorStages,
      accumulatorColumnsPerStage: budget.accumulatorColumns / budget.accumulatorStages,
      sfaColumn,
      sfbColumn,
      sfb2Column,
      sfaColumnsPerStage,
      sfbColumnsPerStage,
      columnsUsed: budget.tmemColumns,
    },
    scale,
    epilogue: {
      kind: "store",
      ...planEpilogueMath(spec.epilogue, dual ? "silu(A·B1ᵀ) ⊙ (A·B2ᵀ), in fp32" : "A·Bᵀ, the fp32 accumulator", "column", cudaType(spec.op.out)),
      chunkColumns,
      rowsPerWarp: SM100_EPILOGUE_ROWS_PER_WARP,
      elementsPerStore,
      pairsPerStore: elementsPerStore / 2,
      load: {
        name: loadName,
        shape: `32x32b.x${chunkColumns}`,
        registers: chunkColumns,
        operandList: `{${Array.from({ length: chunkColumns }, (_, i) => `%${i}`).join(", ")}}`,
        constraints: Array.from({ length: chunkColumns }, (_, i) => `"=r"(v[${i}])`).join(", "),
      },
    },
    // The validator admits neither split-K nor stream-K on sm_100a (GEN-SM100-SCHED).
    scheduler: planSchedule(spec.scheduler, ctaPair ? "CTA-pair tiles" : "cluster tiles"),
    problems: spec.problems,
  };
}
