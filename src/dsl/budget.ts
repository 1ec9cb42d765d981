/**
 * The resource model of the sm_90a GEMM design: how much shared memory, how many threads and
 * registers a spec needs. Computed once here; the validator checks it against the limits in facts.ts
 * and hands it to the planner with the valid spec, so no later stage derives these numbers again.
 */
import { DTYPES, SM90 } from "./facts.js";
import type { KernelSpec } from "./types.js";

export interface Sm90Budget {
  /** Elements of K covered by one 128-byte swizzle row (the TMA box's inner dimension). */
  readonly kPerSwizzleAtom: number;
  /** 128-byte swizzle atoms along K in one stage. */
  readonly swizzleAtomsPerStage: number;
  readonly aBytesPerStage: number;
  readonly bBytesPerStage: number;
  /** One warpgroup per 64 rows of the tile (wgmma M is 64). */
  readonly consumerWarpgroups: number;
  /** Columns of the output in one epilogue chunk: one 128-byte swizzle row. */
  readonly epilogueChunkColumns: number;
  /** Per consumer warpgroup: two 64-row chunk buffers, so a TMA store can drain while the next fills. */
  readonly epilogueBytes: number;
  /** full[stages] + empty[stages] mbarriers, then one split-K "last split" flag per consumer warpgroup. */
  readonly barrierBytes: number;
  /** Slack to round the dynamic shared-memory base up to the 1024-byte swizzle alignment. */
  readonly alignmentSlackBytes: number;
  readonly smemBytes: number;
  readonly threads: number;
  readonly producerRegisters: number;
  readonly consumerRegisters: number;
  /** fp32 accumulator registers per consumer thread: 64×N tile over 128 threads. */
  readonly accumulatorRegisters: number;
}

/** Registers the producer warpgroup keeps after `setmaxnreg.dec` (it only issues TMA). */
export const PRODUCER_REGISTERS = 40;
/** Registers a consumer thread needs beside its accumulators (descriptors, loop state, epilogue). */
export const CONSUMER_REGISTER_OVERHEAD = 56;
/** The highest count this generator asks `setmaxnreg.inc` for. */
export const CONSUMER_REGISTER_CEILING = 240;

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

export function sm90Budget(spec: KernelSpec): Sm90Budget {
  const [tileM, tileN, tileK] = spec.tiler.mma;
  const inBytes = DTYPES[spec.op.a].bytes;
  const outBytes = DTYPES[spec.op.out].bytes;
  const swizzle = SM90.swizzleBytes.value;
  const kPerSwizzleAtom = swizzle / inBytes;
  const consumerWarpgroups = Math.max(1, Math.floor(tileM / SM90.wgmmaM.value));
  const epilogueChunkColumns = swizzle / outBytes;
  const epilogueBytes = consumerWarpgroups * 2 * SM90.wgmmaM.value * swizzle;
  const barrierBytes = alignUp(2 * spec.stages * 8 + 4 * consumerWarpgroups, 16);
  const aBytesPerStage = tileM * tileK * inBytes;
  const bBytesPerStage = tileN * tileK * inBytes;
  const alignmentSlackBytes = SM90.smemAlignBytes.value;
  const smemBytes =
    alignmentSlackBytes + spec.stages * (aBytesPerStage + bBytesPerStage) + epilogueBytes + barrierBytes;
  const threads = SM90.warpgroupThreads.value * (consumerWarpgroups + 1);
  const { step } = SM90.setmaxnreg.value;
  const registersForConsumers = SM90.registersPerSm.value - SM90.warpgroupThreads.value * PRODUCER_REGISTERS;
  const consumerRegisters = Math.min(
    CONSUMER_REGISTER_CEILING,
    Math.floor(registersForConsumers / (SM90.warpgroupThreads.value * consumerWarpgroups) / step) * step,
  );
  return {
    kPerSwizzleAtom,
    swizzleAtomsPerStage: tileK / kPerSwizzleAtom,
    aBytesPerStage,
    bBytesPerStage,
    consumerWarpgroups,
    epilogueChunkColumns,
    epilogueBytes,
    barrierBytes,
    alignmentSlackBytes,
    smemBytes,
    threads,
    producerRegisters: PRODUCER_REGISTERS,
    consumerRegisters,
    accumulatorRegisters: (SM90.wgmmaM.value * tileN) / SM90.warpgroupThreads.value,
  };
}
