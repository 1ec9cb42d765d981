/**
 * The sm_100a MMA atom: one thread issues tcgen05.mma with both operands in shared memory (K-major,
 * 128-byte swizzle) and the fp32 accumulator in tensor memory; block-scaled kinds read their scales
 * from tensor memory, where tcgen05.cp put them. Everything constant about the instruction is decided
 * here: the CCCL wrapper to call, the instruction descriptor(s), the shared-memory descriptor
 * template of the operands and of the scale atoms.
 */
import { DTYPES, SM100, type DType, type Sm100BlockScaleFormat, type Sm100MmaKind } from "../../dsl/facts.js";
import { encodeSm100InstrDescriptor, type Sm100InstrDescriptorFields } from "./instrDescriptor.js";
import { decodeSm100SmemDescriptor, encodeSm100SmemDescriptor, sm100KMajorSwizzle128Descriptor } from "./smemDescriptor.js";

export interface Sm100MmaAtom {
  readonly kind: Sm100MmaKind;
  readonly ctaGroup: 1 | 2;
  readonly m: number;
  readonly n: number;
  /** K of one instruction, and instructions per shared-memory stage. */
  readonly k: number;
  readonly perStage: number;
  /** Bytes one instruction advances along a 128-byte swizzle row of A and B (K × element size). */
  readonly kBytes: number;
  /** The PTX instruction, for comments: "tcgen05.mma.cta_group::1.kind::f16". */
  readonly instruction: string;
  /** The SASS opcode ptxas makes of it (../shared/docs/hardware-facts.md). */
  readonly sass: string;
  /** CCCL <cuda/ptx> wrapper and its tag arguments. */
  readonly call: string;
  readonly kindTag: string;
  readonly ctaGroupTag: string;
  /**
   * Instruction descriptors as C literals: one for dense kinds and NVFP4; for MXFP8 one per scale
   * byte (scale factor ID 0..3) of a TMEM scale column.
   */
  readonly instrDescriptors: readonly string[];
  /** The same, comma-separated, for a C array initialiser. */
  readonly instrDescriptorList: string;
  readonly instrDescriptorFields: string;
  /** The constant part of the operand shared-memory descriptor (start address 0). */
  readonly smemDescriptor: string;
  readonly smemDescriptorFields: string;
}

export interface Sm100ScaleAtom {
  /** tcgen05.mma instructions that read one 512-byte scale atom (4 scale columns × 128 rows). */
  readonly mmasPerAtom: number;
  /** The constant part of the shared-memory descriptor tcgen05.cp reads a scale atom with. */
  readonly copyDescriptor: string;
  readonly copyDescriptorFields: string;
}

const hex64 = (d: bigint): string => `0x${d.toString(16).padStart(16, "0")}ull`;
const hex32 = (d: number): string => `0x${d.toString(16).padStart(8, "0")}u`;

const F16_TYPES: Partial<Record<DType, "bf16" | "f16">> = { bf16: "bf16", fp16: "f16" };
const F8_TYPES: Partial<Record<DType, "e4m3" | "e5m2">> = { e4m3: "e4m3", e5m2: "e5m2" };

/** The SASS of each kind (hardware-facts.md: nvcc 13.0 for sm_100a). */
const SASS: Record<Sm100MmaKind, string> = { f16: "UTCHMMA", f8f6f4: "UTCQMMA", mxf8f6f4: "UTCQMMA", mxf4nvf4: "UTCOMMA" };

function descriptorFields(kind: Sm100MmaKind, a: DType, b: DType, m: number, n: number, scaleId: number): Sm100InstrDescriptorFields {
  const common = { m, n, aMajor: "K", bMajor: "K" } as const;
  switch (kind) {
    case "f16":
      return { kind, dtype: "f32", aType: F16_TYPES[a]!, bType: F16_TYPES[b]!, ...common };
    case "f8f6f4":
      return { kind, dtype: "f32", aType: F8_TYPES[a]!, bType: F8_TYPES[b]!, ...common };
    case "mxf8f6f4":
      return { kind, aType: F8_TYPES[a]!, bType: F8_TYPES[b]!, scaleType: "ue8m0", scaleFactorAId: scaleId, scaleFactorBId: scaleId, ...common };
    case "mxf4nvf4":
      return { kind, aType: "e2m1", bType: "e2m1", scaleType: "ue4m3", scaleFactorAId: scaleId, scaleFactorBId: scaleId, ...common };
  }
}

export function sm100MmaAtom(
  kind: Sm100MmaKind,
  format: Sm100BlockScaleFormat | undefined,
  a: DType,
  b: DType,
  ctaGroup: 1 | 2,
  m: number,
  n: number,
  tileK: number,
): Sm100MmaAtom {
  const k = SM100.mma.value[kind].k;
  const instruction =
    `tcgen05.mma.cta_group::${ctaGroup}.kind::${kind}` + (format ? `.${SM100.blockScale.value[format].instruction}` : "");
  const call =
    format === undefined
      ? "tcgen05_mma"
      : SM100.blockScale.value[format].instruction.endsWith("4X")
        ? "tcgen05_mma_block_scale_vec_4x"
        : "tcgen05_mma_block_scale_vec_1x";
  // One descriptor per scale byte a TMEM scale column holds for this format (scale factor ID).
  const ids = format === undefined ? [0] : Array.from({ length: scaleAtom(format, kind).mmasPerAtom }, (_, i) => i);
  const descriptors = ids.map((id) => encodeSm100InstrDescriptor(descriptorFields(kind, a, b, m, n, id), { ctaGroup }));
  const smem = sm100KMajorSwizzle128Descriptor();
  const f = decodeSm100SmemDescriptor(smem);
  return {
    kind,
    ctaGroup,
    m,
    n,
    k,
    perStage: tileK / k,
    kBytes: k * DTYPES[a].bytes,
    instruction,
    sass: SASS[kind],
    call,
    kindTag: `ptx::kind_${kind}`,
    ctaGroupTag: `ptx::cta_group_${ctaGroup}`,
    instrDescriptors: descriptors.map(hex32),
    instrDescriptorList: descriptors.map(hex32).join(", "),
    instrDescriptorFields:
      `M ${m}, N ${n}, A ${a} and B ${b} K-major, fp32 accumulator` +
      (format === undefined ? "" : `, ${SM100.blockScale.value[format].scale} scales (scale factor ID = index)`),
    smemDescriptor: hex64(smem),
    smemDescriptorFields: `leading byte offset ${f.leadingByteOffset} B, stride byte offset ${f.strideByteOffset} B, swizzle ${f.swizzle}, relative mode`,
  };
}

/**
 * How the MMAs consume a scale atom. A 512-byte atom holds 4 scale columns of 128 rows; tcgen05.cp
 * .32x128b.warpx4 puts it into 4 TMEM columns (its 32 rows of 16 bytes broadcast to the 4 lane
 * quarters). NVFP4 (K 64 = 4 scales of 16 per MMA): one atom per MMA. MXFP8 (K 32 = 1 scale of 32):
 * 4 MMAs per atom, the scale factor ID choosing the byte.
 */
export function scaleAtom(format: Sm100BlockScaleFormat, kind: Sm100MmaKind): Sm100ScaleAtom {
  const f = SM100.blockScale.value[format];
  const atom = SM100.scaleAtom.value;
  const mmasPerAtom = (atom.columns * f.vector) / SM100.mma.value[kind].k;
  // 32 rows of 16 bytes, no swizzle: 8-row core matrices of 128 bytes, one after the other.
  const copy = encodeSm100SmemDescriptor({
    startAddress: 0,
    leadingByteOffset: 128,
    strideByteOffset: 128,
    baseOffset: 0,
    leadingStrideMode: "relative",
    swizzle: "none",
  });
  const d = decodeSm100SmemDescriptor(copy);
  return {
    mmasPerAtom,
    copyDescriptor: hex64(copy),
    copyDescriptorFields: `leading byte offset ${d.leadingByteOffset} B, stride byte offset ${d.strideByteOffset} B (8 rows × 16 B), no swizzle`,
  };
}
