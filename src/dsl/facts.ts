/**
 * The single table of hardware facts the rules rest on, with where each comes from.
 *
 * Type-level rules (src/dsl/check.ts) and the validator (src/dsl/validate.ts) both read from or are
 * tested against this table, so they cannot drift apart. Every literal tuple below that the type
 * checker uses is checked against the numeric facts it stands for in test/facts.test.ts.
 */

/** A fact and its citation. */
export interface Fact<T> {
  readonly value: T;
  readonly source: string;
}

const PTX_WGMMA = "PTX ISA 8.x, section 9.7.15 'Asynchronous Warpgroup Level Matrix Multiply-Accumulate' (wgmma.mma_async shapes)";
const CUDA_GUIDE_CC9 = "CUDA C++ Programming Guide, 'Compute Capability 9.0' technical specifications table";
const PTX_TMA = "PTX ISA 8.x, section 5.5 'Tensor' and cp.async.bulk.tensor; CUDA driver API cuTensorMapEncodeTiled requirements";

/** Element types a kernel may read or write. */
export const DTYPES = {
  bf16: { bytes: 2, cuda: "__nv_bfloat16", ptx: "bf16" },
  fp16: { bytes: 2, cuda: "__half", ptx: "f16" },
  fp32: { bytes: 4, cuda: "float", ptx: "f32" },
  e4m3: { bytes: 1, cuda: "__nv_fp8_e4m3", ptx: "e4m3" },
  e5m2: { bytes: 1, cuda: "__nv_fp8_e5m2", ptx: "e5m2" },
} as const;

export type DType = keyof typeof DTYPES;

/** Hopper (sm_90a) facts. */
export const SM90 = {
  target: "sm_90a",
  smemPerBlockBytes: {
    value: 232448,
    source: `${CUDA_GUIDE_CC9}: 227 KB of shared memory per block after cudaFuncSetAttribute(MaxDynamicSharedMemorySize)`,
  },
  registersPerSm: { value: 65536, source: `${CUDA_GUIDE_CC9}: 64K 32-bit registers per SM` },
  maxRegistersPerThread: { value: 255, source: `${CUDA_GUIDE_CC9}: maximum 255 registers per thread` },
  setmaxnreg: {
    value: { min: 24, max: 256, step: 8 },
    source: "PTX ISA 8.x, section 9.7.17.1 'setmaxnreg': imm-reg-count in [24, 256], a multiple of 8",
  },
  wgmmaM: { value: 64, source: `${PTX_WGMMA}: every shape is m64nNkK, issued by one warpgroup of 4 warps` },
  wgmmaN: { value: { min: 8, max: 256, step: 8 }, source: `${PTX_WGMMA}: N from 8 to 256 in steps of 8 for dense f16/bf16/e4m3/e5m2` },
  wgmmaK: {
    value: { bf16: 16, fp16: 16, e4m3: 32, e5m2: 32 },
    source: `${PTX_WGMMA}: K is 16 for .f16/.bf16 and 32 for .e4m3/.e5m2`,
  },
  warpgroupThreads: { value: 128, source: `${PTX_WGMMA}: a warpgroup is 4 contiguous warps, the first warp index a multiple of 4` },
  clusterMaxPortable: { value: 8, source: `${CUDA_GUIDE_CC9}: a portable cluster holds at most 8 thread blocks` },
  tmaMaxBoxDim: { value: 256, source: `${PTX_TMA}: each box dimension is at most 256 elements` },
  tmaAlignBytes: { value: 16, source: `${PTX_TMA}: global address 16-byte aligned, global strides multiples of 16 bytes` },
  swizzleBytes: { value: 128, source: `${PTX_TMA}: with SWIZZLE_128B the inner box dimension in bytes must be at most 128` },
  smemAlignBytes: { value: 1024, source: "PTX ISA 8.x, section 9.7.15.5.1 'Matrix Descriptor': a 128-byte-swizzled operand repeats every 8 rows x 128 B = 1024 B, so each tile starts 1024-byte aligned" },
} as const;

/** The dtypes a wgmma operand may have. */
export type Sm90OperandDType = keyof typeof SM90.wgmmaK.value;

/**
 * Literal tuples for the type checker. TypeScript cannot compute ranges, so these are written out;
 * test/facts.test.ts checks each against the numeric facts above.
 */
export const SM90_TILE_M = [64, 128, 192, 256] as const;
export const SM90_WGMMA_N = [
  8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160, 168, 176, 184, 192, 200,
  208, 216, 224, 232, 240, 248, 256,
] as const;
/** Cluster widths this generator supports along each dimension (the hardware allows up to 8 in all). */
export const CLUSTER_WIDTHS = [1, 2, 4] as const;
/** Tile-order swizzle group sizes the persistent scheduler supports. */
export const SCHEDULER_SWIZZLES = [1, 2, 4, 8, 16] as const;
