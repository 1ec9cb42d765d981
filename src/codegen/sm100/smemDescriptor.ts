/**
 * The tcgen05 shared-memory matrix descriptor (64 bits) for sm_100a, as laid out in PTX ISA 9.0/9.1
 * section 9.7.16.4.1 "Shared memory descriptor" (Table 40, "Shared memory descriptor layout"):
 *
 *   bits  0-13  matrix start address, encode(addr)            encode(x) = (x & 0x3FFFF) >> 4
 *   bits 16-29  leading dimension: encode(byte offset) in relative mode,
 *               encode(byte address) in absolute mode
 *   bits 32-45  stride dimension byte offset, encode(offset)
 *   bits 46-48  fixed constant 0b001 (absent from the Hopper wgmma descriptor)
 *   bits 49-51  matrix base offset
 *   bit  52     leading dimension stride mode: 0 relative byte offset, 1 absolute byte address
 *   bits 53-60  fixed constant 0
 *   bits 61-63  swizzling mode: 0 none, 1 128-byte with 32-byte atomicity, 2 128-byte,
 *               4 64-byte, 6 32-byte (3, 5 and 7 are invalid)
 *
 * Bits 14-15 and 30-31 are not named by the table; they are written as 0.
 *
 * Differences from the sm_90 wgmma descriptor (src/codegen/sm90/descriptor.ts): the swizzle field is
 * 3 bits wide at 61-63 with its own numbering (128-byte swizzle is 2 here, 1 on Hopper), bit 46 must
 * be set, and bit 52 selects the leading-dimension mode.
 *
 * Related rules from the same chapter that this encoder enforces:
 * - 9.7.16.4.1: start address, leading and stride byte offsets are 16-byte aligned.
 * - 9.7.16.3.1.2.1 "Restrictions on the Leading Dimension Absolute Address Stride": absolute mode
 *   only with 128-byte swizzle (16-byte atomicity) and base offset 0. (The Target ISA Note of
 *   9.7.16.4.1.1 adds that absolute mode is supported on sm_103a; that is the caller's concern.)
 */

export type Sm100Swizzle = "none" | "128B_base32B" | "128B" | "64B" | "32B";
export type Sm100LeadingStrideMode = "relative" | "absolute";

/** Swizzling-mode codes of Table 40, bits 61-63. */
export const SM100_SWIZZLE_CODE: Readonly<Record<Sm100Swizzle, number>> = {
  none: 0,
  "128B_base32B": 1,
  "128B": 2,
  "64B": 4,
  "32B": 6,
};

export interface Sm100SmemDescriptorFields {
  /** Byte address in the shared window; only bits 4..17 are encoded (bits above 17 are dropped). */
  readonly startAddress: number;
  /** Relative mode: byte offset (bytes, multiple of 16). Absolute mode: byte address of the next chunk. */
  readonly leadingByteOffset: number;
  /** Byte offset between 8-row (K-major) or 8-column (MN-major swizzled) groups; multiple of 16. */
  readonly strideByteOffset: number;
  /** 0..7; 0 when the swizzle pattern starts on its repeat boundary (see sm100SmemBaseOffset). */
  readonly baseOffset: number;
  readonly leadingStrideMode: Sm100LeadingStrideMode;
  readonly swizzle: Sm100Swizzle;
}

const SHARED_WINDOW_MASK = 0x3ffff;
/** Bits 46-48 = 0b001: only bit 46 is set. */
const FIXED_VERSION_BITS = 1n << 46n;

function encodeBytes(value: number, name: string): bigint {
  if (!Number.isInteger(value) || value < 0) throw new Error(`tcgen05 smem descriptor: ${name} ${value} is not a non-negative integer`);
  if (value % 16 !== 0) throw new Error(`tcgen05 smem descriptor: ${name} ${value} is not a multiple of 16`);
  const encoded = value / 16;
  if (encoded >= 2 ** 14) throw new Error(`tcgen05 smem descriptor: ${name} ${value} does not fit in 14 bits after >> 4 (max ${(2 ** 14 - 1) * 16})`);
  return BigInt(encoded);
}

function encodeAddress(value: number, name: string): bigint {
  if (!Number.isInteger(value) || value < 0) throw new Error(`tcgen05 smem descriptor: ${name} ${value} is not a non-negative integer`);
  return encodeBytes(value & SHARED_WINDOW_MASK, name);
}

export function encodeSm100SmemDescriptor(f: Sm100SmemDescriptorFields): bigint {
  const swizzleCode = SM100_SWIZZLE_CODE[f.swizzle];
  if (swizzleCode === undefined) throw new Error(`tcgen05 smem descriptor: unknown swizzle mode "${String(f.swizzle)}"`);
  if (!Number.isInteger(f.baseOffset) || f.baseOffset < 0 || f.baseOffset > 7) {
    throw new Error(`tcgen05 smem descriptor: base offset ${f.baseOffset} does not fit in 3 bits (0..7)`);
  }
  let lbo: bigint;
  let modeBit: bigint;
  if (f.leadingStrideMode === "relative") {
    lbo = encodeBytes(f.leadingByteOffset, "leading byte offset");
    modeBit = 0n;
  } else if (f.leadingStrideMode === "absolute") {
    if (f.swizzle !== "128B") {
      throw new Error(`tcgen05 smem descriptor: absolute leading-dimension mode requires the 128B swizzle (16-byte atomicity), got "${f.swizzle}"`);
    }
    if (f.baseOffset !== 0) throw new Error(`tcgen05 smem descriptor: absolute leading-dimension mode requires base offset 0, got ${f.baseOffset}`);
    lbo = encodeAddress(f.leadingByteOffset, "leading byte address");
    modeBit = 1n;
  } else {
    throw new Error(`tcgen05 smem descriptor: unknown leading stride mode "${String(f.leadingStrideMode)}"`);
  }
  const start = encodeAddress(f.startAddress, "start address");
  const sbo = encodeBytes(f.strideByteOffset, "stride byte offset");
  return (
    start |
    (lbo << 16n) |
    (sbo << 32n) |
    FIXED_VERSION_BITS |
    (BigInt(f.baseOffset) << 49n) |
    (modeBit << 52n) |
    (BigInt(swizzleCode) << 61n)
  );
}

const SWIZZLE_BY_CODE: ReadonlyArray<Sm100Swizzle | undefined> = ["none", "128B_base32B", "128B", undefined, "64B", undefined, "32B", undefined];

/** Decodes a descriptor; throws when the fixed bits are wrong or the swizzle code is one the ISA calls invalid. */
export function decodeSm100SmemDescriptor(d: bigint): Sm100SmemDescriptorFields {
  if (d < 0n || d >= 1n << 64n) throw new Error(`tcgen05 smem descriptor: 0x${d.toString(16)} is not an unsigned 64-bit value`);
  const bitsOf = (lo: bigint, width: bigint): number => Number((d >> lo) & ((1n << width) - 1n));
  const hex = `0x${d.toString(16).padStart(16, "0")}`;
  if (bitsOf(46n, 3n) !== 0b001) throw new Error(`tcgen05 smem descriptor ${hex}: bits 46-48 are 0b${bitsOf(46n, 3n).toString(2).padStart(3, "0")}, sm_100 requires 0b001`);
  if (bitsOf(53n, 8n) !== 0) throw new Error(`tcgen05 smem descriptor ${hex}: bits 53-60 must be 0`);
  if (bitsOf(14n, 2n) !== 0 || bitsOf(30n, 2n) !== 0) throw new Error(`tcgen05 smem descriptor ${hex}: bits 14-15 and 30-31 must be 0`);
  const code = bitsOf(61n, 3n);
  const swizzle = SWIZZLE_BY_CODE[code];
  if (swizzle === undefined) throw new Error(`tcgen05 smem descriptor ${hex}: swizzle code ${code} is invalid (valid: 0, 1, 2, 4, 6)`);
  return {
    startAddress: bitsOf(0n, 14n) * 16,
    leadingByteOffset: bitsOf(16n, 14n) * 16,
    strideByteOffset: bitsOf(32n, 14n) * 16,
    baseOffset: bitsOf(49n, 3n),
    leadingStrideMode: bitsOf(52n, 1n) === 1 ? "absolute" : "relative",
    swizzle,
  };
}

/** Bytes after which each swizzle pattern repeats (9.7.16.4.1, Table 41); the 32B-atom variant repeats like 128B. */
const PATTERN_BYTES: Readonly<Record<Sm100Swizzle, number>> = { none: 0, "128B_base32B": 1024, "128B": 1024, "64B": 512, "32B": 256 };

/**
 * The base-offset field for a swizzle pattern that starts at `patternStartAddress`: 0 when it starts on
 * the repeat boundary of Table 41, otherwise (address >> 7) & 7 (9.7.16.4.1).
 */
export function sm100SmemBaseOffset(patternStartAddress: number, swizzle: Sm100Swizzle): number {
  const period = PATTERN_BYTES[swizzle];
  if (period === 0 || patternStartAddress % period === 0) return 0;
  return (patternStartAddress >>> 7) & 0x7;
}

/**
 * Descriptor for a K-major operand tile stored as TMA writes it with SWIZZLE_128B: rows of 128 bytes,
 * 8-row groups 1024 bytes apart (the stride byte offset). For swizzled K-major layouts the ISA says the
 * leading byte offset is not used and assumed to be 1 (9.7.16.3.1.1 "Relative offset mode"), so it is
 * set to 16 bytes (encoded 1). Swizzle code 2, bit 46 set, relative mode, base offset 0 (tiles are
 * 1024-byte aligned). Returns the constant part (address bits zero): the kernel ORs in start address >> 4.
 */
export function sm100KMajorSwizzle128Descriptor(): bigint {
  return encodeSm100SmemDescriptor({
    startAddress: 0,
    leadingByteOffset: 16,
    strideByteOffset: 1024,
    baseOffset: 0,
    leadingStrideMode: "relative",
    swizzle: "128B",
  });
}
