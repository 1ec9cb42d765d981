/**
 * The resource models of the GEMM designs: how much shared memory, how many threads and registers
 * (sm_90a) or tensor-memory columns (sm_100a) a spec needs. Computed once here; the validator checks
 * it against the limits in facts.ts and hands it to the planner with the valid spec, so no later
 * stage derives these numbers again.
 */
import { DTYPES, SM100, SM90, type Sm100BlockScaleFormat, type Sm100MmaKind } from "./facts.js";
import type { KernelSpec } from "./types.js";

export interface Sm90Budget {
  readonly target: "sm_90a";
  /** Elements of K covered by one 128-byte swizzle row (the TMA box's inner dimension). */
  readonly kPerSwizzleAtom: number;
  /** 128-byte swizzle atoms along K in one stage. */
  readonly swizzleAtomsPerStage: number;
  readonly aBytesPerStage: number;
  /** Bytes of one B tile per stage (a dual GEMM holds two: B1 and B2). */
  readonly bBytesPerStage: number;
  /** B tiles per stage and fp32 accumulator sets per consumer thread: 1, or 2 for a dual GEMM. */
  readonly products: number;
  /** One warpgroup per 64 rows of the tile (wgmma M is 64). */
  readonly consumerWarpgroups: number;
  /**
   * Columns of the output in one epilogue chunk: one 128-byte swizzle row, or, for a tile N that is
   * not whole swizzle rows (e.g. 56 or 112 bf16 columns), the widest unswizzled chunk that divides it
   * (56 for both).
   */
  readonly epilogueChunkColumns: number;
  /** Whether the chunks are 128-byte swizzled rows (false: narrower unswizzled chunks). */
  readonly epilogueSwizzled: boolean;
  /** Per consumer warpgroup: two 64-row chunk buffers, so a TMA store can drain while the next fills. */
  readonly epilogueBytes: number;
  /** Split-K reduced inside a cluster (reduction "cluster"): the pieces and receive slots; undefined otherwise. */
  readonly clusterReduction: ClusterReduction | undefined;
  /**
   * full[stages] + empty[stages] mbarriers, with a cluster reduction its receive-full and slots-free
   * mbarriers, then one split-K "last split" flag per consumer warpgroup.
   */
  readonly barrierBytes: number;
  /** Slack to round the dynamic shared-memory base up to the 1024-byte swizzle alignment. */
  readonly alignmentSlackBytes: number;
  readonly smemBytes: number;
  readonly threads: number;
  readonly producerRegisters: number;
  readonly consumerRegisters: number;
  /** fp32 accumulator registers per consumer thread: 64×N tile over 128 threads, times `products`. */
  readonly accumulatorRegisters: number;
  /**
   * A grouped GEMM's kernel parameter: the group table (tensor maps of A, B and D plus one shape
   * record per group, then the group and tile counts); 0 for other ops.
   */
  readonly groupTableBytes: number;
}

/** Bytes of one group's shape record in the grouped GEMM's table: m, n, k, first tile, M/N/K blocks, padding, first iteration (8 bytes). */
export const GROUP_SHAPE_BYTES = 40;
/** The table's tail: the group and tile counts (two ints) and the iteration count (8 bytes). */
export const GROUP_TABLE_TAIL_BYTES = 16;

/**
 * Tensor maps per group in the grouped GEMM's table: A, B and D, and the scales of A and B for a
 * block-scaled op.
 */
export function groupTensorMaps(op: KernelSpec["op"]): number {
  return op.scale !== undefined ? 5 : 3;
}

/** Bytes of one group's bias pointer in the table, when the epilogue adds a bias (one vector per group). */
export const GROUP_BIAS_POINTER_BYTES = 8;

/**
 * Bytes of the grouped GEMM's parameter table for `maxGroups` groups (see Sm90Budget.groupTableBytes):
 * `tensorMaps` tensor maps and a shape per group (and a bias pointer when `biasPointers`), the tail,
 * padded to the tensor map's alignment (its size).
 */
export function groupTableBytes(maxGroups: number, tensorMaps = 3, biasPointers = false): number {
  const perGroup = tensorMaps * SM90.tensorMapBytes.value + GROUP_SHAPE_BYTES + (biasPointers ? GROUP_BIAS_POINTER_BYTES : 0);
  return alignUp(maxGroups * perGroup + GROUP_TABLE_TAIL_BYTES, SM90.tensorMapBytes.value);
}

/**
 * Split-K inside a cluster (sm_90a): the `splits` CTAs of a cluster compute one output tile over
 * different K ranges. The tile is cut into `splits` pieces — 64 rows of one consumer warpgroup ×
 * `pieceColumns` columns — and CTA r owns piece r: the others send it their fp32 partial of that
 * piece (st.async into its receive slots), it adds them and stores the piece.
 */
export interface ClusterReduction {
  readonly splits: number;
  /** Pieces each consumer warpgroup's 64 rows are cut into: splits / consumer warpgroups. */
  readonly piecesPerWarpgroup: number;
  readonly pieceColumns: number;
  /** One piece in fp32: 64 × pieceColumns × 4 bytes. */
  readonly pieceBytes: number;
  /** A CTA's receive slots: one piece from each of the other splits - 1 CTAs. */
  readonly receiveBytes: number;
}

/**
 * The cluster reduction's shape for a tile split `splits` ways over `consumerWarpgroups` warpgroups;
 * undefined when the pieces would not be whole (the validator names the rule, SPLITK-CLUSTER-PIECES).
 */
export function clusterReductionShape(splits: number, consumerWarpgroups: number, tileN: number): ClusterReduction | undefined {
  const piecesPerWarpgroup = splits / consumerWarpgroups;
  // A piece is whole groups of 8 columns: the accumulator fragment a thread sends as one float4.
  if (!Number.isInteger(piecesPerWarpgroup) || piecesPerWarpgroup < 1 || tileN % (piecesPerWarpgroup * 8) !== 0) return undefined;
  const pieceColumns = tileN / piecesPerWarpgroup;
  const pieceBytes = SM90.wgmmaM.value * pieceColumns * 4;
  return { splits, piecesPerWarpgroup, pieceColumns, pieceBytes, receiveBytes: (splits - 1) * pieceBytes };
}

/**
 * The group table of a spec's op: a grouped GEMM's (its tensor maps, shapes and — when the epilogue
 * adds a bias — a bias pointer per group), 0 for other ops. The same on every target.
 */
export function specGroupTableBytes(spec: KernelSpec): number {
  if (spec.op.kind !== "groupedGemm") return 0;
  // The validator budgets unchecked specs too: the epilogue may be missing there.
  const biasPointers = (spec.epilogue as Partial<KernelSpec["epilogue"]> | undefined)?.bias !== undefined;
  return groupTableBytes(spec.op.maxGroups, groupTensorMaps(spec.op), biasPointers);
}

/** Registers the producer warpgroup keeps after `setmaxnreg.dec` (it only issues TMA). */
export const PRODUCER_REGISTERS = 40;
/** Registers a consumer thread needs beside its accumulators (descriptors, loop state, epilogue). */
export const CONSUMER_REGISTER_OVERHEAD = 56;
/** The highest count this generator asks `setmaxnreg.inc` for. */
export const CONSUMER_REGISTER_CEILING = 240;

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/**
 * Columns of an unswizzled epilogue chunk for a tile N that is not whole swizzle rows: the widest
 * divisor of tile N whose row is whole 16-byte units (TMA's box rule) and at most one swizzle row
 * (the chunk buffer's row). 0 when there is none (tile N not whole 16-byte units).
 */
export function unswizzledChunkColumns(tileN: number, outBytes: number, swizzleBytes: number): number {
  const unit = 16 / outBytes;
  for (let columns = Math.floor(swizzleBytes / outBytes / unit) * unit; columns >= unit; columns -= unit) {
    if (tileN % columns === 0) return columns;
  }
  return 0;
}

export function sm90Budget(spec: KernelSpec): Sm90Budget {
  const [tileM, tileN, tileK] = spec.tiler.mma;
  const inBytes = DTYPES[spec.op.a].bytes;
  const outBytes = DTYPES[spec.op.out].bytes;
  const swizzle = SM90.swizzleBytes.value;
  const kPerSwizzleAtom = swizzle / inBytes;
  const consumerWarpgroups = Math.max(1, Math.floor(tileM / SM90.wgmmaM.value));
  const swizzledChunkColumns = swizzle / outBytes;
  // A tile N that is not whole swizzle rows (e.g. 56 or 112: 128 tiles across N = 7168) is stored in
  // unswizzled chunks: the widest that divides tile N, fits a swizzle row's buffer and is whole
  // 16-byte units (TMA's box rule). wgmma N is a multiple of 8, so 16 bytes always divide it.
  const narrowEpilogue = tileN % swizzledChunkColumns !== 0;
  const epilogueChunkColumns = narrowEpilogue ? unswizzledChunkColumns(tileN, outBytes, swizzle) : swizzledChunkColumns;
  const epilogueBytes = consumerWarpgroups * 2 * SM90.wgmmaM.value * swizzle;
  // The validator budgets unchecked specs too: the scheduler may be missing or malformed there.
  const scheduler = spec.scheduler as Partial<KernelSpec["scheduler"]> | undefined;
  const splits = scheduler?.splitK;
  const clusterReduction =
    scheduler?.reduction === "cluster" && Number.isInteger(splits) && (splits ?? 1) > 1
      ? clusterReductionShape(splits ?? 1, consumerWarpgroups, tileN)
      : undefined;
  const barrierBytes = alignUp(2 * spec.stages * 8 + (clusterReduction ? 2 * 8 : 0) + 4 * consumerWarpgroups, 16);
  const aBytesPerStage = tileM * tileK * inBytes;
  const bBytesPerStage = tileN * tileK * inBytes;
  const products = spec.op.kind === "dualGemm" ? 2 : 1;
  const alignmentSlackBytes = SM90.smemAlignBytes.value;
  const smemBytes =
    alignmentSlackBytes +
    spec.stages * (aBytesPerStage + products * bBytesPerStage) +
    epilogueBytes +
    (clusterReduction?.receiveBytes ?? 0) +
    barrierBytes;
  const threads = SM90.warpgroupThreads.value * (consumerWarpgroups + 1);
  const { step } = SM90.setmaxnreg.value;
  const registersForConsumers = SM90.registersPerSm.value - SM90.warpgroupThreads.value * PRODUCER_REGISTERS;
  const consumerRegisters = Math.min(
    CONSUMER_REGISTER_CEILING,
    Math.floor(registersForConsumers / (SM90.warpgroupThreads.value * consumerWarpgroups) / step) * step,
  );
  return {
    target: "sm_90a",
    kPerSwizzleAtom,
    swizzleAtomsPerStage: tileK / kPerSwizzleAtom,
    aBytesPerStage,
    bBytesPerStage,
    products,
    consumerWarpgroups,
    epilogueChunkColumns,
    epilogueSwizzled: !narrowEpilogue,
    epilogueBytes,
    clusterReduction,
    barrierBytes,
    alignmentSlackBytes,
    smemBytes,
    threads,
    producerRegisters: PRODUCER_REGISTERS,
    consumerRegisters,
    accumulatorRegisters: (products * SM90.wgmmaM.value * tileN) / SM90.warpgroupThreads.value,
    groupTableBytes: specGroupTableBytes(spec),
  };
}

// ---------------------------------------------------------------------------------------------
// sm_100a
// ---------------------------------------------------------------------------------------------

/** Accumulator stages in tensor memory: the epilogue drains one tile while the MMA fills the next. */
export const SM100_ACCUMULATOR_STAGES = 2;
/** Warps of the sm_100a kernel: TMA producer, MMA issuer, then four epilogue warps (one per TMEM lane quarter). */
export const SM100_WARPS = { producer: 0, mma: 1, firstEpilogue: 2, lastEpilogue: 5, epilogue: 4 } as const;
/** Output rows one epilogue warp stores: its quarter of the TMEM lanes. */
export const SM100_EPILOGUE_ROWS_PER_WARP: number = SM100.tmemLanesPerWarp.value;

export interface Sm100Budget {
  readonly target: "sm_100a";
  /** The tcgen05.mma kind, and for block-scaled kinds the format. */
  readonly kind: Sm100MmaKind;
  readonly format: Sm100BlockScaleFormat | undefined;
  readonly ctaGroup: 1 | 2;
  /** Rows of D one CTA computes and stores: MMA M / ctaGroup. */
  readonly ctaTileM: number;
  /** Rows of B one CTA loads: N / ctaGroup (a CTA pair splits B between its two CTAs). */
  readonly ctaTileNLoaded: number;
  /** K of one MMA instruction, and instructions per stage. */
  readonly mmaK: number;
  readonly mmasPerStage: number;
  /** Elements of K in one 128-byte swizzle row (the TMA box's inner dimension). */
  readonly kPerSwizzleAtom: number;
  readonly swizzleAtomsPerStage: number;
  readonly aBytesPerStage: number;
  readonly bBytesPerStage: number;
  /** Block scales: 512-byte atoms (128 rows × 4 scale columns) per stage along K, and their bytes. */
  readonly scaleAtomsPerStage: number;
  readonly sfaBytesPerStage: number;
  /** Bytes of one B's scales per stage (a dual GEMM holds two sets: B1's and B2's). */
  readonly sfbBytesPerStage: number;
  /** B tiles (with their scales) per stage and accumulators per accumulator stage: 1, or 2 for a dual GEMM. */
  readonly products: number;
  /** Columns of the output in one epilogue chunk: one 128-byte swizzle row. */
  readonly epilogueChunkColumns: number;
  /** Per epilogue warp: two 32-row chunk buffers, so a TMA store drains one while the other fills. */
  readonly epilogueBytes: number;
  /** full/empty per stage, tmem_full/tmem_empty per accumulator stage, then the TMEM address slot. */
  readonly barrierBytes: number;
  readonly alignmentSlackBytes: number;
  readonly smemBytes: number;
  readonly threads: number;
  /**
   * Accumulator stages in tensor memory: 2 (the epilogue drains one tile while the MMA fills the
   * next), or 1 for a dual GEMM whose two accumulators per stage leave no room for two stages.
   */
  readonly accumulatorStages: number;
  /** TMEM columns of the fp32 accumulators (products × N per stage) and of the block scales (all stages). */
  readonly accumulatorColumns: number;
  readonly scaleColumnsPerStage: number;
  readonly tmemColumns: number;
  /** What tcgen05.alloc asks for: the next power of two >= tmemColumns, at least 32. */
  readonly tmemAllocColumns: number;
  /** A grouped GEMM's kernel parameter: the group table (see Sm90Budget.groupTableBytes); 0 for other ops. */
  readonly groupTableBytes: number;
}

/** The tcgen05 kind and block-scale format of an op (assumes dtypes the validator accepts). */
export function sm100KindOf(op: KernelSpec["op"]): { kind: Sm100MmaKind; format: Sm100BlockScaleFormat | undefined } {
  if (op.scale !== undefined) {
    const format: Sm100BlockScaleFormat = op.a === "e2m1" ? "nvfp4" : "mxfp8";
    return { kind: SM100.blockScale.value[format].kind, format };
  }
  return { kind: op.a === "bf16" || op.a === "fp16" ? "f16" : "f8f6f4", format: undefined };
}

const nextPowerOfTwo = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

export function sm100Budget(spec: KernelSpec): Sm100Budget {
  const [mmaM, tileN, tileK] = spec.tiler.mma;
  const ctaGroup = spec.tiler.ctaGroup === 2 ? 2 : 1;
  const { kind, format } = sm100KindOf(spec.op);
  const inBytes = DTYPES[spec.op.a].bytes;
  const outBytes = DTYPES[spec.op.out].bytes;
  const swizzle = SM100.swizzleBytes.value;
  const kPerSwizzleAtom = swizzle / inBytes;
  const mmaK = SM100.mma.value[kind].k;
  const ctaTileM = mmaM / ctaGroup;
  const ctaTileNLoaded = tileN / ctaGroup;
  const atom = SM100.scaleAtom.value;
  const scaleAtomsPerStage = format === undefined ? 0 : tileK / (atom.columns * SM100.blockScale.value[format].vector);
  // A holds the scales of this CTA's rows; B those of all N rows (each CTA's MMA half needs them all).
  const sfaBytesPerStage = scaleAtomsPerStage * Math.ceil(ctaTileM / atom.rows) * atom.bytes;
  const sfbBytesPerStage = scaleAtomsPerStage * Math.ceil(tileN / atom.rows) * atom.bytes;
  const products = spec.op.kind === "dualGemm" ? 2 : 1;
  const epilogueChunkColumns = swizzle / outBytes;
  const epilogueBytes = SM100_WARPS.epilogue * 2 * SM100_EPILOGUE_ROWS_PER_WARP * swizzle;
  const aBytesPerStage = ctaTileM * tileK * inBytes;
  const bBytesPerStage = ctaTileNLoaded * tileK * inBytes;
  const alignmentSlackBytes = SM100.smemAlignBytes.value;
  // tcgen05.cp puts one 512-byte scale atom into 4 columns of all 128 lanes.
  const scaleColumnsPerStage = ((sfaBytesPerStage + products * sfbBytesPerStage) / atom.bytes) * atom.columns;
  const columnsPerAccumulatorStage = products * tileN * SM100.accumulatorColumnsPerN.value;
  // A dual GEMM keeps two accumulator stages only where they leave room for the scales (NVFP4 with
  // N = 128: 2 × 2 × 128 columns would fill tensor memory).
  const twoStagesFit = SM100_ACCUMULATOR_STAGES * columnsPerAccumulatorStage + spec.stages * scaleColumnsPerStage <= SM100.tmem.value.columns;
  const accumulatorStages = products === 1 || twoStagesFit ? SM100_ACCUMULATOR_STAGES : 1;
  const barrierBytes = alignUp((2 * spec.stages + 2 * accumulatorStages) * 8 + 4, 16);
  const smemBytes =
    alignmentSlackBytes +
    spec.stages * (aBytesPerStage + products * (bBytesPerStage + sfbBytesPerStage) + sfaBytesPerStage) +
    epilogueBytes +
    barrierBytes;
  const accumulatorColumns = accumulatorStages * columnsPerAccumulatorStage;
  const tmemColumns = accumulatorColumns + spec.stages * scaleColumnsPerStage;
  return {
    target: "sm_100a",
    kind,
    format,
    ctaGroup,
    ctaTileM,
    ctaTileNLoaded,
    mmaK,
    mmasPerStage: tileK / mmaK,
    kPerSwizzleAtom,
    swizzleAtomsPerStage: tileK / kPerSwizzleAtom,
    aBytesPerStage,
    bBytesPerStage,
    scaleAtomsPerStage,
    sfaBytesPerStage,
    sfbBytesPerStage,
    products,
    epilogueChunkColumns,
    epilogueBytes,
    barrierBytes,
    alignmentSlackBytes,
    smemBytes,
    threads: 32 * (SM100_WARPS.firstEpilogue + SM100_WARPS.epilogue),
    accumulatorStages,
    accumulatorColumns,
    scaleColumnsPerStage,
    tmemColumns,
    tmemAllocColumns: Math.max(SM100.tmem.value.minAllocColumns, nextPowerOfTwo(tmemColumns)),
    groupTableBytes: specGroupTableBytes(spec),
  };
}
