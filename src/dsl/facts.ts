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

/**
 * Element types a kernel may read or write. `bits` is the storage width; `bytes` is bits / 8, so it
 * is 0.5 for e2m1, whose values are stored two per byte (byte arithmetic such as "K elements per
 * 128-byte row" or "bytes per tile" stays right with it). ue4m3 and ue8m0 are block-scale types only.
 */
export const DTYPES = {
  bf16: { bytes: 2, bits: 16, cuda: "__nv_bfloat16", ptx: "bf16" },
  fp16: { bytes: 2, bits: 16, cuda: "__half", ptx: "f16" },
  fp32: { bytes: 4, bits: 32, cuda: "float", ptx: "f32" },
  e4m3: { bytes: 1, bits: 8, cuda: "__nv_fp8_e4m3", ptx: "e4m3" },
  e5m2: { bytes: 1, bits: 8, cuda: "__nv_fp8_e5m2", ptx: "e5m2" },
  // Two e2m1 values per byte, element 2i in the low nibble (../shared/problems/nvfp4-suite.json "formats.nvfp4").
  e2m1: { bytes: 0.5, bits: 4, cuda: "uint8_t", ptx: "e2m1" },
  // Unsigned e4m3 (the sign bit is 0): NVFP4's scale per 16 K elements.
  ue4m3: { bytes: 1, bits: 8, cuda: "uint8_t", ptx: "ue4m3" },
  // A power of two 2^(x - 127): MX formats' scale per 32 K elements (OCP Microscaling spec).
  ue8m0: { bytes: 1, bits: 8, cuda: "uint8_t", ptx: "ue8m0" },
} as const;

export type DType = keyof typeof DTYPES;

/** The dtypes that only ever appear as block scales. */
export const SCALE_DTYPES = ["ue4m3", "ue8m0"] as const satisfies readonly DType[];
export type ScaleDType = (typeof SCALE_DTYPES)[number];

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
  kernelParamBytes: {
    value: 32764,
    source: "CUDA C++ Programming Guide, 'Function Parameters' (__global__ parameters): at most 32,764 bytes on compute capability 7.0 and above with CUDA 12.1 or later (4 KB before)",
  },
  tensorMapBytes: {
    value: 128,
    source: "CUDA driver API, cuda.h (CUDA 13.0): CUtensorMap is CU_TENSOR_MAP_NUM_QWORDS = 16 eight-byte words (128 bytes), declared alignas(128), so a struct holding one is 128-byte aligned",
  },
  smemAlignBytes: { value: 1024, source: "PTX ISA 8.x, section 9.7.15.5.1 'Matrix Descriptor': a 128-byte-swizzled operand repeats every 8 rows x 128 B = 1024 B, so each tile starts 1024-byte aligned" },
} as const;

/** 8, 16, ..., 256: the N of wgmma and of one-CTA tcgen05.mma (literal tuple for the type checker). */
const SM90_WGMMA_N_LIST = [
  8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160, 168, 176, 184, 192, 200,
  208, 216, 224, 232, 240, 248, 256,
] as const;

const PTX_TCGEN05 = "PTX ISA 8.6+, 'TensorCore 5th Generation Family Instructions' (tcgen05)";
const PTX_TCGEN05_MMA = `${PTX_TCGEN05}, tcgen05.mma 'Matrix shape' table (shapes per .kind and .cta_group)`;
const CUTLASS_UMMA = "CUTLASS include/cute/arch/mma_sm100_umma.hpp: static assertions of the SM100_MMA_* structs";
const CUDA_GUIDE_CC10 = "CUDA C++ Programming Guide, 'Compute Capability 10.0' technical specifications table";

/**
 * Blackwell (sm_100a) facts: tcgen05.mma shapes per kind and CTA group, tensor memory, block scales.
 * ../shared/docs/hardware-facts.md lists them with the same sources.
 */
export const SM100 = {
  target: "sm_100a",
  smemPerBlockBytes: {
    value: 232448,
    source: `${CUDA_GUIDE_CC10}: 228 KB of shared memory per SM, 227 KB per block after cudaFuncSetAttribute(MaxDynamicSharedMemorySize)`,
  },
  smemPerSmBytes: { value: 233472, source: `${CUDA_GUIDE_CC10}: 228 KB of shared memory per SM` },
  maxThreadsPerBlock: { value: 1024, source: `${CUDA_GUIDE_CC10}: maximum 1024 threads per block` },
  clusterMaxPortable: { value: 8, source: `${CUDA_GUIDE_CC10}: a portable cluster holds at most 8 thread blocks` },
  /**
   * The MMA kinds this project uses, each with its operand dtypes, K per instruction, and legal M and
   * N per CTA group (one CTA, or the pair of CTAs of cta_group::2, which together compute M rows).
   */
  mma: {
    value: {
      f16: {
        operands: ["bf16", "fp16"],
        k: 16,
        ctaGroup1: { m: [64, 128], n: { min: 8, max: 256, step: 8 } },
        ctaGroup2: { m: [128, 256], n: { min: 16, max: 256, step: 16 } },
      },
      f8f6f4: {
        operands: ["e4m3", "e5m2"],
        k: 32,
        ctaGroup1: { m: [64, 128], n: { min: 8, max: 256, step: 8 } },
        ctaGroup2: { m: [128, 256], n: { min: 16, max: 256, step: 16 } },
      },
      mxf8f6f4: {
        operands: ["e4m3", "e5m2"],
        k: 32,
        ctaGroup1: { m: [128], n: { min: 8, max: 256, step: 8 } },
        ctaGroup2: { m: [256], n: { min: 16, max: 256, step: 16 } },
      },
      mxf4nvf4: {
        operands: ["e2m1"],
        k: 64,
        ctaGroup1: { m: [128], n: { min: 8, max: 256, step: 8 } },
        ctaGroup2: { m: [128, 256], n: { min: 16, max: 256, step: 16 } },
      },
    },
    source: `${PTX_TCGEN05_MMA}; ${CUTLASS_UMMA} (SM100_MMA_F16BF16_SS / _2x1SM_SS, SM100_MMA_F8F6F4_SS / _2x1SM_SS, SM100_MMA_MXF8F6F4_SS / _2x1SM_SS, SM100_MMA_MXF4_SS / _2x1SM_SS)`,
  },
  /**
   * Block-scale formats: the MMA kind, the element and scale dtypes, and how many consecutive K
   * elements share one scale (the scale vector size).
   */
  blockScale: {
    value: {
      nvfp4: { kind: "mxf4nvf4", operands: ["e2m1"], scale: "ue4m3", vector: 16, instruction: "block_scale.scale_vec::4X" },
      mxfp8: { kind: "mxf8f6f4", operands: ["e4m3", "e5m2"], scale: "ue8m0", vector: 32, instruction: "block_scale.scale_vec::1X" },
    },
    source: `${PTX_TCGEN05}, tcgen05.mma block scaling: .kind::mxf4nvf4 with .scale_vec::4X takes a ue4m3 (or ue8m0) scale per 16 K, .kind::mxf8f6f4 (.scale_vec::1X) a ue8m0 scale per 32 K; ../shared/problems/nvfp4-suite.json 'formats'`,
  },
  /** The blocked scale layout: 128 rows × 4 scale columns make one 512-byte atom. */
  scaleAtom: {
    value: { rows: 128, columns: 4, bytes: 512 },
    source: "../shared/problems/nvfp4-suite.json 'scale_blocked_layout'; PTX ISA tcgen05.cp .32x128b.warpx4 copies 32 rows of 128 bits (one atom) into the 128 lanes of 4 TMEM columns",
  },
  tmem: {
    value: { lanes: 128, columns: 512, minAllocColumns: 32 },
    source: `${PTX_TCGEN05}, 'Tensor Memory' (128 lanes × 512 columns of 32-bit cells per CTA) and 'tcgen05.alloc' (nCols a power of two from 32 to 512)`,
  },
  /** An M=128 accumulator (one CTA's rows) takes one lane per row and one 32-bit column per fp32 column of N. */
  accumulatorColumnsPerN: {
    value: 1,
    source: `${PTX_TCGEN05}, tcgen05.mma 'Data path layout' (M = 128 per CTA: row i in lane i, fp32 column j in column j)`,
  },
  /** A warp reads only its quarter of the lanes: warp w accesses lanes [32 (w % 4), 32 (w % 4) + 32). */
  tmemLanesPerWarp: {
    value: 32,
    source: `${PTX_TCGEN05}, 'Tensor Memory' access restrictions and tcgen05.ld: warp w of a warpgroup accesses only lanes [32w, 32w + 32)`,
  },
  tmaMaxBoxDim: { value: 256, source: `${PTX_TMA}: each box dimension is at most 256 elements` },
  tmaAlignBytes: { value: 16, source: `${PTX_TMA}: global address 16-byte aligned, global strides multiples of 16 bytes` },
  swizzleBytes: { value: 128, source: `${PTX_TMA}: with SWIZZLE_128B the inner box dimension in bytes must be at most 128` },
  smemAlignBytes: {
    value: 1024,
    source: `${PTX_TCGEN05}, 'Shared memory descriptor': the 128-byte swizzle pattern repeats every 1024 bytes, so each operand tile starts 1024-byte aligned (base offset 0)`,
  },
} as const;

export type Sm100MmaKind = keyof typeof SM100.mma.value;
export type Sm100BlockScaleFormat = keyof typeof SM100.blockScale.value;

/** The dense (not block-scaled) tcgen05 kinds and the dtypes each multiplies. */
export const SM100_DENSE_KINDS = ["f16", "f8f6f4"] as const satisfies readonly Sm100MmaKind[];

/** Literal tuples of tcgen05.mma N per CTA group, for the type checker (test/facts.test.ts checks them). */
export const SM100_MMA_N_CTA1 = SM90_WGMMA_N_LIST;
export const SM100_MMA_N_CTA2 = [
  16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
] as const;

/** CTA-group values of tcgen05 (cta_group::1 and cta_group::2). */
export const SM100_CTA_GROUPS = [1, 2] as const;

/** The dtypes a wgmma operand may have. */
export type Sm90OperandDType = keyof typeof SM90.wgmmaK.value;

/**
 * Literal tuples for the type checker. TypeScript cannot compute ranges, so these are written out;
 * test/facts.test.ts checks each against the numeric facts above.
 */
export const SM90_TILE_M = [64, 128, 192, 256] as const;
export const SM90_WGMMA_N = SM90_WGMMA_N_LIST;
/** Cluster widths this generator supports along each dimension (the hardware allows up to 8 in all). */
export const CLUSTER_WIDTHS = [1, 2, 4] as const;
/** Tile-order swizzle group sizes the persistent scheduler supports. */
export const SCHEDULER_SWIZZLES = [1, 2, 4, 8, 16] as const;
