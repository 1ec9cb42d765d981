/**
 * The sm_90a MMA atom: one warpgroup issuing wgmma.mma_async m64nNkK with both operands in shared
 * memory (K-major, 128-byte swizzle) and fp32 accumulators in registers.
 */
import { DTYPES, SM90, type Sm90OperandDType } from "../../dsl/facts.js";
import { sm90KMajorSwizzle128Descriptor, decodeSm90Descriptor } from "./descriptor.js";

export interface Sm90MmaAtom {
  readonly shape: string;
  readonly instruction: string;
  readonly helperName: string;
  readonly k: number;
  readonly accumulatorRegisters: number;
  /** "{%0, %1, ...}" for the inline asm. */
  readonly accumulatorOperandList: string;
  /** '"+f"(d[0]), "+f"(d[1]), ...' */
  readonly accumulatorConstraints: string;
  readonly descAOperand: number;
  readonly descBOperand: number;
  /** ", 0, 0" (no transpose) for f16/bf16; fp8 wgmma has no transpose immediates (K-major only). */
  readonly transposeImmediates: string;
  readonly descriptorConstant: string;
  readonly descriptorFields: string;
}

export function sm90MmaAtom(a: Sm90OperandDType, b: Sm90OperandDType, tileN: number): Sm90MmaAtom {
  const k = SM90.wgmmaK.value[a];
  const m = SM90.wgmmaM.value;
  const shape = `m${m}n${tileN}k${k}`;
  const accumulatorRegisters = (m * tileN) / SM90.warpgroupThreads.value;
  const operands = Array.from({ length: accumulatorRegisters }, (_, i) => `%${i}`);
  const constraints = Array.from({ length: accumulatorRegisters }, (_, i) => `"+f"(d[${i}])`);
  const isFp8 = DTYPES[a].bytes === 1;
  const descriptor = sm90KMajorSwizzle128Descriptor();
  const f = decodeSm90Descriptor(descriptor);
  return {
    shape,
    instruction: `wgmma.mma_async.sync.aligned.${shape}.f32.${DTYPES[a].ptx}.${DTYPES[b].ptx}`,
    helperName: `wgmma_${shape}_f32_${DTYPES[a].ptx}_${DTYPES[b].ptx}`,
    k,
    accumulatorRegisters,
    accumulatorOperandList: `{${operands.join(", ")}}`,
    accumulatorConstraints: constraints.join(", "),
    descAOperand: accumulatorRegisters,
    descBOperand: accumulatorRegisters + 1,
    transposeImmediates: isFp8 ? "" : ", 0, 0",
    descriptorConstant: `0x${descriptor.toString(16).padStart(16, "0")}`,
    descriptorFields: `leading byte offset ${f.leadingByteOffset} B, stride byte offset ${f.strideByteOffset} B, swizzle ${f.swizzle}`,
  };
}
