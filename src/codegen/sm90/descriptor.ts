/**
 * The wgmma shared-memory matrix descriptor (64 bits), PTX ISA section 9.7.15.5.1
 * "Matrix Descriptor Format" (wgmma):
 *   bits  0-13  matrix start address, (addr & 0x3FFFF) >> 4
 *   bits 16-29  leading dimension byte offset >> 4
 *   bits 32-45  stride dimension byte offset >> 4
 *   bits 49-51  matrix base offset (0 when the swizzle pattern starts 1024-byte aligned)
 *   bits 62-63  swizzle mode: 0 none, 1 128-byte, 2 64-byte, 3 32-byte
 */

export type Sm90Swizzle = "none" | "128B" | "64B" | "32B";

const SWIZZLE_CODE: Record<Sm90Swizzle, bigint> = { none: 0n, "128B": 1n, "64B": 2n, "32B": 3n };

export interface Sm90DescriptorFields {
  readonly startAddress: number;
  readonly leadingByteOffset: number;
  readonly strideByteOffset: number;
  readonly baseOffset: number;
  readonly swizzle: Sm90Swizzle;
}

function field(value: number, name: string, bits: number, granule: number): bigint {
  if (value % granule !== 0) throw new Error(`wgmma descriptor: ${name} ${value} is not a multiple of ${granule}`);
  const encoded = value / granule;
  if (encoded < 0 || encoded >= 2 ** bits) throw new Error(`wgmma descriptor: ${name} ${value} does not fit in ${bits} bits`);
  return BigInt(encoded);
}

export function encodeSm90Descriptor(f: Sm90DescriptorFields): bigint {
  const start = field(f.startAddress & 0x3ffff, "start address", 14, 16);
  const lbo = field(f.leadingByteOffset, "leading byte offset", 14, 16);
  const sbo = field(f.strideByteOffset, "stride byte offset", 14, 16);
  const base = field(f.baseOffset, "base offset", 3, 1);
  return start | (lbo << 16n) | (sbo << 32n) | (base << 49n) | (SWIZZLE_CODE[f.swizzle] << 62n);
}

export function decodeSm90Descriptor(d: bigint): Sm90DescriptorFields {
  const bitsOf = (lo: bigint, width: bigint): number => Number((d >> lo) & ((1n << width) - 1n));
  const swizzle = (["none", "128B", "64B", "32B"] as const)[bitsOf(62n, 2n)] ?? "none";
  return {
    startAddress: bitsOf(0n, 14n) * 16,
    leadingByteOffset: bitsOf(16n, 14n) * 16,
    strideByteOffset: bitsOf(32n, 14n) * 16,
    baseOffset: bitsOf(49n, 3n),
    swizzle,
  };
}

/**
 * Descriptor for a K-major operand tile stored as TMA writes it with SWIZZLE_128B: rows of 128 bytes,
 * 8-row groups 1024 bytes apart (the stride byte offset). With a 128-byte swizzle along K the leading
 * byte offset is not used by the hardware; it is set to 16 bytes (encoded 1) as a defined value.
 * Returns the constant part (address bits zero): the kernel ORs in the start address.
 */
export function sm90KMajorSwizzle128Descriptor(): bigint {
  return encodeSm90Descriptor({ startAddress: 0, leadingByteOffset: 16, strideByteOffset: 1024, baseOffset: 0, swizzle: "128B" });
}
