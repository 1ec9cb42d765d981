// The tcgen05 (sm_100a) descriptors, checked field by field against the PTX ISA (9.0 / 9.1 numbering):
//  - shared memory descriptor: section 9.7.16.4.1 "Shared memory descriptor", Table 40 "Shared memory
//    descriptor layout" (and Table 41 for the base offset);
//  - instruction descriptor: section 9.7.16.4.2 "Instruction descriptor", Table 42 (.kind::tf32, f16,
//    f8f6f4, i8), Table 43 (.kind::mxf8f6f4), Table 44 (.kind::mxf4, mxf4nvf4).
// Every hex constant below is worked out by hand in the comment next to it.
import { describe, expect, it } from "vitest";
import {
  decodeSm100SmemDescriptor,
  encodeSm100SmemDescriptor,
  sm100KMajorSwizzle128Descriptor,
  sm100SmemBaseOffset,
  type Sm100SmemDescriptorFields,
} from "../src/codegen/sm100/smemDescriptor.js";
import {
  decodeSm100InstrDescriptor,
  encodeSm100InstrDescriptor,
  type Sm100InstrDescriptorFields,
  type Sm100InstrDescriptorOptions,
} from "../src/codegen/sm100/instrDescriptor.js";
import { sm90KMajorSwizzle128Descriptor } from "../src/codegen/sm90/descriptor.js";

const hex32 = (v: number): string => `0x${v.toString(16).padStart(8, "0")}`;

describe("sm100 tcgen05 shared memory descriptor (PTX ISA 9.7.16.4.1, Table 40)", () => {
  const zero: Sm100SmemDescriptorFields = {
    startAddress: 0,
    leadingByteOffset: 0,
    strideByteOffset: 0,
    baseOffset: 0,
    leadingStrideMode: "relative",
    swizzle: "none",
  };
  const only = (f: Partial<Sm100SmemDescriptorFields>): bigint => encodeSm100SmemDescriptor({ ...zero, ...f });
  const VERSION = 1n << 46n; // Table 40: bits 46-48 hold the fixed constant 0b001

  it("always sets bits 46-48 to 0b001 and nothing else when every field is zero", () => {
    expect(only({})).toBe(0x0000_4000_0000_0000n);
  });

  it("places each field at the bit position of Table 40", () => {
    // bits 0-13: matrix start address, (addr & 0x3FFFF) >> 4
    expect(only({ startAddress: 16 }) ^ VERSION).toBe(1n);
    expect(only({ startAddress: 0x3fff0 }) ^ VERSION).toBe(0x3fffn);
    // bits 16-29: leading dimension byte offset >> 4
    expect(only({ leadingByteOffset: 16 }) ^ VERSION).toBe(1n << 16n);
    expect(only({ leadingByteOffset: 0x3fff0 }) ^ VERSION).toBe(0x3fffn << 16n);
    // bits 32-45: stride dimension byte offset >> 4
    expect(only({ strideByteOffset: 16 }) ^ VERSION).toBe(1n << 32n);
    expect(only({ strideByteOffset: 0x3fff0 }) ^ VERSION).toBe(0x3fffn << 32n);
    // bits 49-51: matrix base offset
    expect(only({ baseOffset: 1 }) ^ VERSION).toBe(1n << 49n);
    expect(only({ baseOffset: 7 }) ^ VERSION).toBe(7n << 49n);
    // bits 61-63: swizzling mode 0 none, 1 128B with 32B atomicity, 2 128B, 4 64B, 6 32B
    expect(only({ swizzle: "none" }) ^ VERSION).toBe(0n);
    expect(only({ swizzle: "128B_base32B" }) ^ VERSION).toBe(1n << 61n);
    expect(only({ swizzle: "128B" }) ^ VERSION).toBe(2n << 61n);
    expect(only({ swizzle: "64B" }) ^ VERSION).toBe(4n << 61n);
    expect(only({ swizzle: "32B" }) ^ VERSION).toBe(6n << 61n);
    // bit 52: leading dimension stride mode (1 = absolute byte address); absolute needs the 128B swizzle
    expect(only({ swizzle: "128B", leadingStrideMode: "absolute" }) ^ only({ swizzle: "128B" })).toBe(1n << 52n);
  });

  it("never writes bits 14-15, 30-31 or 53-60", () => {
    const all = encodeSm100SmemDescriptor({
      startAddress: 0x3fff0,
      leadingByteOffset: 0x3fff0,
      strideByteOffset: 0x3fff0,
      baseOffset: 7,
      leadingStrideMode: "relative",
      swizzle: "32B",
    });
    const unnamed = (0b11n << 14n) | (0b11n << 30n) | (0xffn << 53n);
    expect(all & unnamed).toBe(0n);
  });

  it("encodes the K-major 128-byte-swizzle operand by hand: 0x4000_4040_0001_0000", () => {
    // swizzle 2 << 61 = 0x4000_0000_0000_0000
    // bit 46          = 0x0000_4000_0000_0000
    // SBO 1024 B = 64 = 0x0000_0040_0000_0000 (64 << 32)
    // LBO 16 B = 1    = 0x0000_0000_0001_0000 (1 << 16; "not used, assumed 1" for swizzled K-major, 9.7.16.3.1.1)
    // address 0, base offset 0, relative mode
    expect(sm100KMajorSwizzle128Descriptor()).toBe(0x4000404000010000n);
    expect(decodeSm100SmemDescriptor(sm100KMajorSwizzle128Descriptor())).toEqual({
      startAddress: 0,
      leadingByteOffset: 16,
      strideByteOffset: 1024,
      baseOffset: 0,
      leadingStrideMode: "relative",
      swizzle: "128B",
    });
  });

  it("differs from the Hopper K-major 128B descriptor only in bit 46 (128B is 1<<62 in both numberings)", () => {
    // sm_90: mode 1 at bits 62-63 -> 1 << 62.  sm_100: mode 2 at bits 61-63 -> 2 << 61 = 1 << 62.
    expect(sm100KMajorSwizzle128Descriptor()).toBe(sm90KMajorSwizzle128Descriptor() | (1n << 46n));
  });

  it("reproduces the strides of the ISA's canonical-layout examples (9.7.16.3.3)", () => {
    // K-major, no swizzle, tf32: LBO = 64*4 = 256 B (encoded 16), SBO = 32*4 = 128 B (encoded 8).
    //   16 << 16 = 0x0010_0000, 8 << 32 = 0x0008_0000_0000, bit 46 = 0x4000_0000_0000 -> 0x0000_4008_0010_0000
    expect(only({ leadingByteOffset: 256, strideByteOffset: 128 })).toBe(0x0000400800100000n);
    // MN-major, 64B swizzle, bf16: LBO = 256*2 = 512 B (encoded 32), SBO = 512*2 = 1024 B (encoded 64), mode 4.
    //   4 << 61 = 0x8000_0000_0000_0000, bit 46, 64 << 32 = 0x40_0000_0000, 32 << 16 = 0x20_0000,
    //   start address 0x400 -> 0x40                                             -> 0x8000_4040_0020_0040
    expect(only({ startAddress: 0x400, leadingByteOffset: 512, strideByteOffset: 1024, swizzle: "64B" })).toBe(0x8000404000200040n);
  });

  it("masks addresses (start, and the leading address in absolute mode) to the 0x3FFFF window", () => {
    const d = only({ startAddress: 0x40000 + 0x12400, swizzle: "128B", leadingStrideMode: "absolute", leadingByteOffset: 0x40000 + 0x480 });
    // start 0x12400 >> 4 = 0x1240; leading address 0x480 >> 4 = 0x48 at bit 16; bit 52; 2 << 61; bit 46
    expect(d).toBe(0x4010400000481240n);
    expect(decodeSm100SmemDescriptor(d)).toEqual({
      startAddress: 0x12400,
      leadingByteOffset: 0x480,
      strideByteOffset: 0,
      baseOffset: 0,
      leadingStrideMode: "absolute",
      swizzle: "128B",
    });
  });

  it("round-trips every swizzle mode and both stride modes", () => {
    const cases: Sm100SmemDescriptorFields[] = [
      { startAddress: 0x1230, leadingByteOffset: 2048, strideByteOffset: 1024, baseOffset: 3, leadingStrideMode: "relative", swizzle: "64B" },
      { startAddress: 0x3fff0, leadingByteOffset: 16, strideByteOffset: 256, baseOffset: 0, leadingStrideMode: "relative", swizzle: "32B" },
      { startAddress: 0x800, leadingByteOffset: 16, strideByteOffset: 1024, baseOffset: 5, leadingStrideMode: "relative", swizzle: "128B_base32B" },
      { startAddress: 0x10, leadingByteOffset: 128, strideByteOffset: 256, baseOffset: 0, leadingStrideMode: "relative", swizzle: "none" },
      { startAddress: 0x2000, leadingByteOffset: 0x2080, strideByteOffset: 1024, baseOffset: 0, leadingStrideMode: "absolute", swizzle: "128B" },
    ];
    for (const f of cases) {
      const d = encodeSm100SmemDescriptor(f);
      expect(decodeSm100SmemDescriptor(d)).toEqual(f);
      expect(encodeSm100SmemDescriptor(decodeSm100SmemDescriptor(d))).toBe(d);
    }
  });

  it("computes the base offset of Table 41 / (addr >> 7) & 7", () => {
    expect(sm100SmemBaseOffset(0x4000, "128B")).toBe(0); // 1024-byte boundary
    expect(sm100SmemBaseOffset(0x4080, "128B")).toBe(1); // 0x4080 >> 7 = 0x81, & 7 = 1
    expect(sm100SmemBaseOffset(0x4380, "128B_base32B")).toBe(7); // 0x87 & 7
    expect(sm100SmemBaseOffset(0x4200, "64B")).toBe(0); // 512-byte boundary
    expect(sm100SmemBaseOffset(0x4100, "32B")).toBe(0); // 256-byte boundary
    expect(sm100SmemBaseOffset(0x4300, "64B")).toBe(6); // 0x86 & 7
    expect(sm100SmemBaseOffset(0x4080, "none")).toBe(0);
  });

  it("refuses values the fields cannot hold and the ISA's absolute-mode restrictions (9.7.16.3.1.2.1)", () => {
    expect(() => only({ startAddress: 8 })).toThrow(/start address 8 is not a multiple of 16/);
    expect(() => only({ strideByteOffset: 1000 })).toThrow(/stride byte offset 1000 is not a multiple of 16/);
    expect(() => only({ leadingByteOffset: 24 })).toThrow(/leading byte offset 24 is not a multiple of 16/);
    expect(() => only({ leadingByteOffset: 16 << 14 })).toThrow(/does not fit in 14 bits/);
    expect(() => only({ strideByteOffset: 16 << 14 })).toThrow(/does not fit in 14 bits/);
    expect(() => only({ strideByteOffset: -16 })).toThrow(/non-negative/);
    expect(() => only({ baseOffset: 8 })).toThrow(/base offset 8 does not fit in 3 bits/);
    expect(() => only({ leadingStrideMode: "absolute", swizzle: "64B" })).toThrow(/absolute .* requires the 128B swizzle/);
    expect(() => only({ leadingStrideMode: "absolute", swizzle: "128B_base32B" })).toThrow(/requires the 128B swizzle/);
    expect(() => only({ leadingStrideMode: "absolute", swizzle: "128B", baseOffset: 1 })).toThrow(/requires base offset 0/);
    expect(() => only({ swizzle: "16B" as never })).toThrow(/unknown swizzle mode/);
  });

  it("refuses to decode a descriptor sm_100 would reject", () => {
    // The Hopper descriptor lacks the 0b001 at bits 46-48.
    expect(() => decodeSm100SmemDescriptor(sm90KMajorSwizzle128Descriptor())).toThrow(/bits 46-48 are 0b000, sm_100 requires 0b001/);
    for (const code of [3n, 5n, 7n]) {
      expect(() => decodeSm100SmemDescriptor(VERSION | (code << 61n))).toThrow(new RegExp(`swizzle code ${code} is invalid`));
    }
    expect(() => decodeSm100SmemDescriptor(VERSION | (1n << 53n))).toThrow(/bits 53-60 must be 0/);
    expect(() => decodeSm100SmemDescriptor(VERSION | (1n << 15n))).toThrow(/bits 14-15 and 30-31 must be 0/);
    expect(() => decodeSm100SmemDescriptor(1n << 64n)).toThrow(/not an unsigned 64-bit value/);
  });
});

describe("sm100 tcgen05.mma instruction descriptor, Table 42 (.kind::tf32, f16, f8f6f4, i8)", () => {
  const f16Base: Sm100InstrDescriptorFields = { kind: "f16", dtype: "f16", aType: "f16", bType: "f16", m: 64, n: 8, aMajor: "K", bMajor: "K" };
  // base: N = 8 -> 1 << 17 = 0x0002_0000; M = 64 -> 4 << 24 = 0x0400_0000; every code 0.
  const F16_BASE = 0x04020000;
  const diff = (f: Partial<Sm100InstrDescriptorFields>, base: Sm100InstrDescriptorFields = f16Base): number =>
    (encodeSm100InstrDescriptor({ ...base, ...f } as Sm100InstrDescriptorFields) ^ encodeSm100InstrDescriptor(base)) >>> 0;

  it("encodes the all-zero-codes base as N and M only", () => {
    expect(hex32(encodeSm100InstrDescriptor(f16Base))).toBe(hex32(F16_BASE));
  });

  it("places sparsity (bit 2) and the sparsity selector (bits 0-1)", () => {
    expect(diff({ sparse: true })).toBe(1 << 2);
    expect(diff({ sparse: true, sparsitySelector: 1 })).toBe((1 << 2) | 1);
    expect(diff({ sparse: true, sparsitySelector: 3 })).toBe((1 << 2) | 3);
  });

  it("places saturate at bit 3 (.kind::i8 only)", () => {
    const i8: Sm100InstrDescriptorFields = { kind: "i8", dtype: "s32", aType: "u8", bType: "u8", m: 64, n: 8, aMajor: "K", bMajor: "K" };
    expect(diff({ saturate: true }, i8)).toBe(1 << 3);
  });

  it("places dtype at bits 4-5: F16 = 0, F32 = 1, S32 = 2", () => {
    expect(diff({ dtype: "f32" })).toBe(1 << 4);
    const i8 = encodeSm100InstrDescriptor({ kind: "i8", dtype: "s32", aType: "u8", bType: "u8", m: 64, n: 8, aMajor: "K", bMajor: "K" });
    expect(i8 ^ F16_BASE).toBe(2 << 4);
    const tf32 = encodeSm100InstrDescriptor({ kind: "tf32", dtype: "f32", aType: "tf32", bType: "tf32", m: 64, n: 8, aMajor: "K", bMajor: "K" });
    // dtype F32 (1 << 4), atype TF32 = 2 (2 << 7), btype TF32 = 2 (2 << 10)
    expect(tf32 ^ F16_BASE).toBe((1 << 4) | (2 << 7) | (2 << 10));
  });

  it("places atype at bits 7-9 and btype at bits 10-12 with each kind's codes", () => {
    // .kind::f16: F16 = 0, BF16 = 1
    expect(diff({ dtype: "f32", aType: "bf16" })).toBe((1 << 4) | (1 << 7));
    expect(diff({ dtype: "f32", bType: "bf16" })).toBe((1 << 4) | (1 << 10));
    // .kind::f8f6f4: E4M3 = 0, E5M2 = 1, E2M3 = 3, E3M2 = 4, E2M1 = 5
    const f8: Sm100InstrDescriptorFields = { kind: "f8f6f4", dtype: "f16", aType: "e4m3", bType: "e4m3", m: 64, n: 8, aMajor: "K", bMajor: "K" };
    expect(encodeSm100InstrDescriptor(f8)).toBe(F16_BASE);
    const codes = { e5m2: 1, e2m3: 3, e3m2: 4, e2m1: 5 } as const;
    for (const [t, code] of Object.entries(codes)) {
      expect(diff({ aType: t as "e5m2" }, f8)).toBe(code << 7);
      expect(diff({ bType: t as "e5m2" }, f8)).toBe(code << 10);
    }
    // .kind::i8: unsigned 8b = 0, signed 8b = 1
    const i8: Sm100InstrDescriptorFields = { kind: "i8", dtype: "s32", aType: "u8", bType: "u8", m: 64, n: 8, aMajor: "K", bMajor: "K" };
    expect(diff({ aType: "s8" }, i8)).toBe(1 << 7);
    expect(diff({ bType: "s8" }, i8)).toBe(1 << 10);
  });

  it("places negate A/B at bits 13/14 and transpose A/B at bits 15/16", () => {
    expect(diff({ negateA: true })).toBe(1 << 13);
    expect(diff({ negateB: true })).toBe(1 << 14);
    expect(diff({ aMajor: "MN" })).toBe(1 << 15);
    expect(diff({ bMajor: "MN" })).toBe(1 << 16);
  });

  it("places N >> 3 at bits 17-22", () => {
    const n = (v: number): number => encodeSm100InstrDescriptor({ ...f16Base, n: v }) ^ (4 << 24);
    expect(n(8)).toBe(1 << 17);
    expect(n(248)).toBe(31 << 17);
    expect(n(256)).toBe(32 << 17); // bit 22
  });

  it("places M >> 4 at bits 24-28, leaving bit 23 reserved (the ISA table, not the older M-at-23 reading)", () => {
    const m = (v: number): number => encodeSm100InstrDescriptor({ ...f16Base, m: v }) ^ (1 << 17);
    expect(m(64)).toBe(4 << 24); // 0x0400_0000, bit 26
    expect(m(128)).toBe(8 << 24); // 0x0800_0000, bit 27
    expect(m(256)).toBe(16 << 24); // 0x1000_0000, bit 28
    for (const v of [64, 128, 256]) expect(m(v) & ((1 << 23) | (1 << 29))).toBe(0);
  });

  it("places the .ws maximum shift at bits 30-31 and returns an unsigned value", () => {
    expect(diff({ maxShift: 8 })).toBe(1 << 30);
    expect(diff({ maxShift: 16 })).toBe(2 ** 31);
    expect(diff({ maxShift: 32 })).toBe(0xc0000000);
    const v = encodeSm100InstrDescriptor({ ...f16Base, maxShift: 32 });
    expect(v).toBe(0xc4020000);
    expect(v).toBeGreaterThan(0);
  });
});

describe("sm100 tcgen05.mma instruction descriptor, Tables 43 and 44 (block-scaled kinds)", () => {
  const mx8: Sm100InstrDescriptorFields = {
    kind: "mxf8f6f4", aType: "e4m3", bType: "e4m3", scaleType: "ue8m0", m: 128, n: 8, aMajor: "K", bMajor: "K", scaleFactorAId: 0, scaleFactorBId: 0,
  };
  // base: N = 8 -> 1 << 17; UE8M0 -> 1 << 23; M = 128 -> (128 >> 7) << 27 = 1 << 27
  const MX8_BASE = (1 << 17) | (1 << 23) | (1 << 27);
  const nv: Sm100InstrDescriptorFields = {
    kind: "mxf4nvf4", aType: "e2m1", bType: "e2m1", scaleType: "ue8m0", m: 128, n: 8, aMajor: "K", bMajor: "K", scaleFactorAId: 0, scaleFactorBId: 0,
  };
  const diff = (base: Sm100InstrDescriptorFields, f: Record<string, unknown>): number =>
    (encodeSm100InstrDescriptor({ ...base, ...f } as Sm100InstrDescriptorFields) ^ encodeSm100InstrDescriptor(base)) >>> 0;

  it("encodes the mxf8f6f4 base as N, scale type and M only", () => {
    expect(encodeSm100InstrDescriptor(mx8)).toBe(MX8_BASE);
  });

  it("Table 43: scale factor B ID at bits 4-5, A ID at bits 29-30 (0-3), sparsity at bit 2", () => {
    for (const id of [1, 2, 3]) {
      expect(diff(mx8, { scaleFactorBId: id })).toBe(id << 4);
      expect(diff(mx8, { scaleFactorAId: id })).toBe(id << 29);
    }
    expect(diff(mx8, { sparse: true })).toBe(1 << 2);
  });

  it("Table 43: atype/btype at 7-9/10-12 with the f8f6f4 codes, negate and transpose at 13-16", () => {
    expect(diff(mx8, { aType: "e2m1" })).toBe(5 << 7);
    expect(diff(mx8, { bType: "e3m2" })).toBe(4 << 10);
    expect(diff(mx8, { aType: "e2m3", bType: "e5m2" })).toBe((3 << 7) | (1 << 10));
    expect(diff(mx8, { negateA: true, negateB: true })).toBe((1 << 13) | (1 << 14));
    expect(diff(mx8, { aMajor: "MN", bMajor: "MN" })).toBe((1 << 15) | (1 << 16));
  });

  it("Table 43: M >> 7 at bits 27-28 (bits 24-26 reserved), N >> 3 at bits 17-22, UE8M0 = 1 at bit 23", () => {
    expect(diff(mx8, { m: 256 })).toBe((1 << 27) ^ (2 << 27)); // 1 << 27 becomes 2 << 27
    expect(encodeSm100InstrDescriptor({ ...mx8, m: 256 }) & (0b111 << 24)).toBe(0);
    expect(diff(mx8, { n: 256 })).toBe((1 << 17) ^ (32 << 17));
    expect(encodeSm100InstrDescriptor(mx8) & (1 << 23)).toBe(1 << 23);
  });

  it("Table 44: E2M1 = 1 in atype (bits 7-9) and in the 2-bit btype (bits 10-11)", () => {
    // base mxf4nvf4: E2M1 A (1 << 7), E2M1 B (1 << 10), N 8, UE8M0, M 128
    expect(encodeSm100InstrDescriptor(nv)).toBe((1 << 7) | (1 << 10) | MX8_BASE);
    expect(encodeSm100InstrDescriptor(nv) & (1 << 12)).toBe(0); // bit 12 reserved
  });

  it("Table 44: scale type at bit 23 (UE8M0 = 1, UE4M3 = 0), IDs 0 or 2, K = 96 at bit 31", () => {
    expect(diff(nv, { scaleType: "ue4m3" })).toBe(1 << 23);
    expect(diff(nv, { scaleFactorBId: 2 })).toBe(2 << 4);
    expect(diff(nv, { scaleFactorAId: 2 })).toBe(2 << 29);
    expect(diff(nv, { k96: true, m: 256 })).toBe(2 ** 31 + ((1 << 27) ^ (2 << 27)));
    expect(diff(nv, { negateA: true })).toBe(1 << 13);
    const mxf4 = encodeSm100InstrDescriptor({ ...nv, kind: "mxf4", scaleType: "ue8m0" });
    expect(mxf4).toBe(encodeSm100InstrDescriptor(nv)); // same layout, same codes
  });
});

describe("sm100 instruction descriptor: hand-worked complete examples", () => {
  it(".kind::f16 BF16 x BF16 -> F32, M = 128, N = 256, both K-major = 0x08400490", () => {
    // dtype F32 = 1 << 4          = 0x0000_0010
    // atype BF16 = 1 << 7         = 0x0000_0080
    // btype BF16 = 1 << 10        = 0x0000_0400
    // N 256 >> 3 = 32, << 17      = 0x0040_0000
    // M 128 >> 4 = 8,  << 24      = 0x0800_0000
    //                        sum  = 0x0840_0490
    const f: Sm100InstrDescriptorFields = { kind: "f16", dtype: "f32", aType: "bf16", bType: "bf16", m: 128, n: 256, aMajor: "K", bMajor: "K" };
    expect(hex32(encodeSm100InstrDescriptor(f, { ctaGroup: 1 }))).toBe("0x08400490");
  });

  it(".kind::f8f6f4 E4M3 x E5M2 -> F32, M = 128, N = 128, both K-major = 0x08200410", () => {
    // dtype F32 (1 << 4) 0x10 + atype E4M3 0 + btype E5M2 (1 << 10) 0x400
    // + N 128 >> 3 = 16 << 17 = 0x0020_0000 + M 128 >> 4 = 8 << 24 = 0x0800_0000 = 0x0820_0410
    const f: Sm100InstrDescriptorFields = { kind: "f8f6f4", dtype: "f32", aType: "e4m3", bType: "e5m2", m: 128, n: 128, aMajor: "K", bMajor: "K" };
    expect(hex32(encodeSm100InstrDescriptor(f))).toBe("0x08200410");
  });

  it(".kind::tf32 -> F32, M = 64, N = 8 = 0x04020910", () => {
    // 1 << 4 = 0x10, TF32 2 << 7 = 0x100, 2 << 10 = 0x800, N 1 << 17 = 0x2_0000, M 4 << 24 = 0x400_0000
    const f: Sm100InstrDescriptorFields = { kind: "tf32", dtype: "f32", aType: "tf32", bType: "tf32", m: 64, n: 8, aMajor: "K", bMajor: "K" };
    expect(hex32(encodeSm100InstrDescriptor(f))).toBe("0x04020910");
  });

  it(".kind::i8 S8 x S8 -> S32 saturating, M = 128, N = 256, .ws max shift 32 = 0xc84004a8", () => {
    // saturate 1 << 3 = 0x8, S32 2 << 4 = 0x20, S8 1 << 7 = 0x80, S8 1 << 10 = 0x400,
    // N 0x0040_0000, M 0x0800_0000, shift 32 -> 3 << 30 = 0xC000_0000         -> 0xC840_04A8
    const f: Sm100InstrDescriptorFields = {
      kind: "i8", dtype: "s32", aType: "s8", bType: "s8", saturate: true, m: 128, n: 256, aMajor: "K", bMajor: "K", maxShift: 32,
    };
    expect(hex32(encodeSm100InstrDescriptor(f))).toBe("0xc84004a8");
  });

  it(".kind::mxf8f6f4 E4M3 x E4M3, UE8M0, M = 128, N = 256, SFA ID 1, SFB ID 3 = 0x28c00030", () => {
    // SFB ID 3 << 4           = 0x0000_0030
    // atype/btype E4M3 = 0
    // N 256 >> 3 = 32 << 17   = 0x0040_0000
    // UE8M0 = 1 << 23         = 0x0080_0000
    // M 128 >> 7 = 1 << 27    = 0x0800_0000
    // SFA ID 1 << 29          = 0x2000_0000
    //                    sum  = 0x28C0_0030
    const f: Sm100InstrDescriptorFields = {
      kind: "mxf8f6f4", aType: "e4m3", bType: "e4m3", scaleType: "ue8m0", m: 128, n: 256, aMajor: "K", bMajor: "K", scaleFactorAId: 1, scaleFactorBId: 3,
    };
    expect(hex32(encodeSm100InstrDescriptor(f, { ctaGroup: 1 }))).toBe("0x28c00030");
  });

  it(".kind::mxf4nvf4 E2M1 x E2M1, UE4M3 scales (scale_vec::4X, IDs must be 0), M = 128, N = 256 = 0x08400480", () => {
    // atype E2M1 = 1 << 7 = 0x80, btype E2M1 = 1 << 10 = 0x400, UE4M3 = 0 at bit 23,
    // N 32 << 17 = 0x0040_0000, M 128 >> 7 = 1 << 27 = 0x0800_0000, IDs 0            -> 0x0840_0480
    const f: Sm100InstrDescriptorFields = {
      kind: "mxf4nvf4", aType: "e2m1", bType: "e2m1", scaleType: "ue4m3", m: 128, n: 256, aMajor: "K", bMajor: "K", scaleFactorAId: 0, scaleFactorBId: 0,
    };
    expect(hex32(encodeSm100InstrDescriptor(f))).toBe("0x08400480");
  });

  it(".kind::mxf4nvf4 E2M1 x E2M1, UE8M0 scales (scale_vec::2X), SFA ID 2, SFB ID 2, M = 256, N = 128 = 0x50a004a0", () => {
    // SFB 2 << 4 = 0x20, E2M1 0x80 + 0x400, N 16 << 17 = 0x0020_0000, UE8M0 1 << 23 = 0x0080_0000,
    // M 256 >> 7 = 2 << 27 = 0x1000_0000, SFA 2 << 29 = 0x4000_0000                   -> 0x50A0_04A0
    const f: Sm100InstrDescriptorFields = {
      kind: "mxf4nvf4", aType: "e2m1", bType: "e2m1", scaleType: "ue8m0", m: 256, n: 128, aMajor: "K", bMajor: "K", scaleFactorAId: 2, scaleFactorBId: 2,
    };
    expect(hex32(encodeSm100InstrDescriptor(f, { ctaGroup: 2 }))).toBe("0x50a004a0");
  });

  it("the block-scaled M field agrees with a 5-bit M >> 4 at bit 24 for M = 128 and 256 (CUTLASS's reading)", () => {
    for (const m of [128, 256]) {
      const v = encodeSm100InstrDescriptor({
        kind: "mxf8f6f4", aType: "e4m3", bType: "e4m3", scaleType: "ue8m0", m, n: 64, aMajor: "K", bMajor: "K", scaleFactorAId: 0, scaleFactorBId: 0,
      });
      expect((v >>> 24) & 0x1f).toBe(m >> 4);
    }
  });
});

describe("sm100 instruction descriptor: round trips", () => {
  const cases: Sm100InstrDescriptorFields[] = [
    { kind: "f16", dtype: "f32", aType: "bf16", bType: "bf16", m: 128, n: 256, aMajor: "K", bMajor: "MN", negateA: true, negateB: false, sparse: true, sparsitySelector: 2, maxShift: 0 },
    { kind: "f16", dtype: "f16", aType: "f16", bType: "f16", m: 64, n: 8, aMajor: "MN", bMajor: "K", negateA: false, negateB: true, sparse: false, sparsitySelector: 0, maxShift: 16 },
    { kind: "tf32", dtype: "f32", aType: "tf32", bType: "tf32", m: 256, n: 16, aMajor: "MN", bMajor: "MN", negateA: false, negateB: false, sparse: false, sparsitySelector: 0, maxShift: 8 },
    { kind: "f8f6f4", dtype: "f16", aType: "e2m1", bType: "e3m2", m: 128, n: 64, aMajor: "K", bMajor: "K", negateA: true, negateB: true, sparse: true, sparsitySelector: 3, maxShift: 32 },
    { kind: "f8f6f4", dtype: "f32", aType: "e5m2", bType: "e2m3", m: 64, n: 200, aMajor: "MN", bMajor: "K", negateA: false, negateB: false, sparse: false, sparsitySelector: 0, maxShift: 0 },
    { kind: "i8", dtype: "s32", aType: "u8", bType: "s8", m: 256, n: 96, aMajor: "MN", bMajor: "MN", negateA: false, negateB: false, sparse: true, sparsitySelector: 1, maxShift: 0, saturate: true },
    { kind: "mxf8f6f4", aType: "e2m1", bType: "e4m3", scaleType: "ue8m0", m: 256, n: 240, aMajor: "K", bMajor: "MN", negateA: true, negateB: false, sparse: true, scaleFactorAId: 3, scaleFactorBId: 1 },
    { kind: "mxf4", aType: "e2m1", bType: "e2m1", scaleType: "ue8m0", m: 128, n: 8, aMajor: "K", bMajor: "K", negateA: false, negateB: true, sparse: false, scaleFactorAId: 2, scaleFactorBId: 0, k96: false },
    { kind: "mxf4", aType: "e2m1", bType: "e2m1", scaleType: "ue8m0", m: 256, n: 256, aMajor: "K", bMajor: "K", negateA: false, negateB: false, sparse: false, scaleFactorAId: 1, scaleFactorBId: 3, k96: true },
    { kind: "mxf4nvf4", aType: "e2m1", bType: "e2m1", scaleType: "ue4m3", m: 256, n: 128, aMajor: "K", bMajor: "K", negateA: true, negateB: true, sparse: true, scaleFactorAId: 0, scaleFactorBId: 0, k96: false },
    { kind: "mxf4nvf4", aType: "e2m1", bType: "e2m1", scaleType: "ue4m3", m: 256, n: 64, aMajor: "K", bMajor: "K", negateA: false, negateB: false, sparse: false, scaleFactorAId: 2, scaleFactorBId: 0, k96: true },
  ];

  it("decode(encode(fields)) gives the fields back, and encode(decode(v)) gives v back", () => {
    for (const f of cases) {
      const v = encodeSm100InstrDescriptor(f);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
      expect(decodeSm100InstrDescriptor(f.kind, v)).toEqual(f);
      expect(encodeSm100InstrDescriptor(decodeSm100InstrDescriptor(f.kind, v))).toBe(v);
    }
  });

  it("fills defaults for omitted optional fields when decoding", () => {
    const v = encodeSm100InstrDescriptor({ kind: "f16", dtype: "f32", aType: "bf16", bType: "bf16", m: 128, n: 256, aMajor: "K", bMajor: "K" });
    expect(decodeSm100InstrDescriptor("f16", v)).toEqual({
      kind: "f16", dtype: "f32", aType: "bf16", bType: "bf16", m: 128, n: 256, aMajor: "K", bMajor: "K",
      negateA: false, negateB: false, sparse: false, sparsitySelector: 0, maxShift: 0,
    });
    // a signed 32-bit view of the same bits decodes alike
    expect(decodeSm100InstrDescriptor("i8", 0xc84004a8 | 0).maxShift).toBe(32);
  });
});

describe("sm100 instruction descriptor: refusals", () => {
  const f16: Sm100InstrDescriptorFields = { kind: "f16", dtype: "f32", aType: "bf16", bType: "bf16", m: 128, n: 128, aMajor: "K", bMajor: "K" };
  const mx8: Sm100InstrDescriptorFields = {
    kind: "mxf8f6f4", aType: "e4m3", bType: "e4m3", scaleType: "ue8m0", m: 128, n: 128, aMajor: "K", bMajor: "K", scaleFactorAId: 0, scaleFactorBId: 0,
  };
  const nv: Sm100InstrDescriptorFields = {
    kind: "mxf4nvf4", aType: "e2m1", bType: "e2m1", scaleType: "ue8m0", m: 128, n: 128, aMajor: "K", bMajor: "K", scaleFactorAId: 0, scaleFactorBId: 0,
  };
  const enc = (base: Sm100InstrDescriptorFields, f: Record<string, unknown>, options?: Sm100InstrDescriptorOptions) => () =>
    encodeSm100InstrDescriptor({ ...base, ...f } as Sm100InstrDescriptorFields, options);

  it("refuses shapes outside M 64/128/256 and N multiple of 8 in [8, 256], by kind and CTA group", () => {
    expect(enc(f16, { n: 100 })).toThrow(/\.kind::f16 .*N = 100 is not a multiple of 8 in \[8, 256\]/);
    expect(enc(f16, { n: 0 })).toThrow(/N = 0/);
    expect(enc(f16, { n: 264 })).toThrow(/N = 264/);
    expect(enc(f16, { n: 24 }, { ctaGroup: 2 })).toThrow(/N = 24 is not a multiple of 16 in \[16, 256\] with cta_group::2/);
    expect(enc(f16, { m: 96 })).toThrow(/M = 96 is not supported \(legal: 64, 128, 256\)/);
    expect(enc(f16, { m: 32 })).toThrow(/M = 32/);
    expect(enc(f16, { m: 256 }, { ctaGroup: 1 })).toThrow(/M = 256 is not supported with cta_group::1 \(legal: 64, 128\)/);
    expect(enc(f16, { m: 64 }, { ctaGroup: 2 })).toThrow(/M = 64 is not supported with cta_group::2/);
    expect(enc(mx8, { m: 64 })).toThrow(/\.kind::mxf8f6f4 .*M = 64 is not supported \(legal: 128, 256\)/);
    expect(enc(nv, { m: 256 }, { ctaGroup: 1 })).toThrow(/M = 256 is not supported with cta_group::1 \(legal: 128\)/);
    expect(enc(f16, {}, { ctaGroup: 3 as never })).toThrow(/CTA group 3/);
  });

  it("refuses dtypes and element types the kind does not have", () => {
    expect(enc(f16, { dtype: "s32" })).toThrow(/\.kind::f16 .*dtype "s32" is not legal for this kind \(legal: f16, f32\)/);
    expect(enc(f16, { dtype: "f16" })).toThrow(/F16 accumulator needs F16 inputs; bf16 x bf16 needs dtype f32/);
    expect(enc(f16, { aType: "e4m3" })).toThrow(/A type "e4m3" is not legal/);
    expect(enc({ kind: "tf32", dtype: "f32", aType: "tf32", bType: "tf32", m: 128, n: 128, aMajor: "K", bMajor: "K" }, { dtype: "f16" })).toThrow(
      /\.kind::tf32 .*dtype "f16" is not legal for this kind \(legal: f32\)/,
    );
    expect(enc({ kind: "i8", dtype: "s32", aType: "s8", bType: "s8", m: 128, n: 128, aMajor: "K", bMajor: "K" }, { dtype: "f32" })).toThrow(
      /\.kind::i8 .*dtype "f32" is not legal/,
    );
    expect(enc({ kind: "f8f6f4", dtype: "f32", aType: "e4m3", bType: "e4m3", m: 128, n: 128, aMajor: "K", bMajor: "K" }, { bType: "bf16" })).toThrow(
      /B type "bf16" is not legal/,
    );
    expect(enc(nv, { aType: "e4m3" })).toThrow(/\.kind::mxf4nvf4 .*A type "e4m3" is not legal for this kind \(legal: e2m1\)/);
    expect(enc(mx8, { scaleType: "ue4m3" })).toThrow(/\.kind::mxf8f6f4 .*scale type "ue4m3" is not legal/);
    expect(enc({ ...nv, kind: "mxf4" } as Sm100InstrDescriptorFields, { scaleType: "ue4m3" })).toThrow(/\.kind::mxf4 .*scale type "ue4m3"/);
    expect(enc(f16, { kind: "f64" })).toThrow(/unknown MMA kind/);
  });

  it("refuses negate for .kind::i8, transposes the kind or type cannot do, and bad selector/shift values", () => {
    expect(enc({ kind: "i8", dtype: "s32", aType: "s8", bType: "s8", m: 128, n: 128, aMajor: "K", bMajor: "K" }, { negateA: true })).toThrow(
      /negate A\/B is not supported for integer MMA/,
    );
    expect(enc(nv, { aMajor: "MN" })).toThrow(/\.kind::mxf4nvf4 .*transpose is not supported/);
    expect(enc({ kind: "f8f6f4", dtype: "f32", aType: "e2m1", bType: "e4m3", m: 128, n: 128, aMajor: "K", bMajor: "K" }, { aMajor: "MN" })).toThrow(
      /A of type e2m1 must be K-major/,
    );
    expect(enc(mx8, { bType: "e3m2", bMajor: "MN" })).toThrow(/B of type e3m2 must be K-major/);
    expect(enc(f16, { aMajor: "row" })).toThrow(/major-ness "row"/);
    expect(enc(f16, { sparsitySelector: 1 })).toThrow(/sparsity selector 1 given for a dense MMA/);
    expect(enc(f16, { sparse: true, sparsitySelector: 4 })).toThrow(/sparsity selector 4 is not in 0\.\.3/);
    expect(enc(f16, { maxShift: 4 })).toThrow(/maximum shift 4 is not 0, 8, 16 or 32/);
  });

  it("refuses another layout's fields rather than dropping them (for untyped callers)", () => {
    expect(enc(f16, { saturate: true })).toThrow(/\.kind::f16 .*saturate is not a field of this kind's descriptor/);
    expect(enc(f16, { scaleFactorAId: 2 })).toThrow(/scaleFactorAId is not a field/);
    expect(enc(mx8, { maxShift: 8 })).toThrow(/\.kind::mxf8f6f4 .*maxShift is not a field/);
    expect(enc(mx8, { sparse: true, sparsitySelector: 1 })).toThrow(/sparsitySelector is not a field/);
    expect(enc(mx8, { k96: true })).toThrow(/k96 is not a field/);
    expect(enc(nv, { dtype: "f16" })).toThrow(/dtype is not a field/);
  });

  it("refuses scale factor IDs outside what the kind and scale vector allow", () => {
    expect(enc(mx8, { scaleFactorAId: 4 })).toThrow(/scale factor A ID 4 is not legal with ue8m0 scales \(legal: 0, 1, 2, 3\)/);
    expect(enc(nv, { scaleFactorBId: 1 })).toThrow(/scale factor B ID 1 is not legal with ue8m0 scales \(legal: 0, 2\)/);
    expect(enc(nv, { scaleType: "ue4m3", scaleFactorAId: 2 })).toThrow(/scale factor A ID 2 is not legal with ue4m3 scales \(legal: 0\)/);
    expect(enc(nv, { k96: true })).toThrow(/K = 96 needs M = 256/);
    expect(enc(nv, { k96: true, m: 256, sparse: true })).toThrow(/K = 96 exists only for dense MMA/);
  });

  it("refuses to decode reserved bits, undefined codes and fields the encoder would refuse", () => {
    const v = encodeSm100InstrDescriptor(f16);
    expect(() => decodeSm100InstrDescriptor("f16", v | (1 << 23))).toThrow(/reserved bits set \(0x800000\)/);
    expect(() => decodeSm100InstrDescriptor("f16", v | (1 << 6))).toThrow(/reserved bits set/);
    expect(() => decodeSm100InstrDescriptor("f16", v | (1 << 29))).toThrow(/reserved bits set/);
    expect(() => decodeSm100InstrDescriptor("f16", v | (1 << 3))).toThrow(/saturate bit, which only \.kind::i8 has/);
    expect(() => decodeSm100InstrDescriptor("f16", (v & ~(0b11 << 4)) | (2 << 4))).toThrow(/dtype code 2 is not defined/);
    const f8 = encodeSm100InstrDescriptor({ kind: "f8f6f4", dtype: "f32", aType: "e4m3", bType: "e4m3", m: 128, n: 128, aMajor: "K", bMajor: "K" });
    expect(() => decodeSm100InstrDescriptor("f8f6f4", f8 | (2 << 7))).toThrow(/A type code 2 is not defined/);
    const m8 = encodeSm100InstrDescriptor(mx8);
    expect(() => decodeSm100InstrDescriptor("mxf8f6f4", (m8 | 2 ** 31) >>> 0)).toThrow(/reserved bits set/);
    expect(() => decodeSm100InstrDescriptor("mxf8f6f4", m8 | 1)).toThrow(/reserved bits set/);
    expect(() => decodeSm100InstrDescriptor("mxf8f6f4", m8 | (1 << 25))).toThrow(/reserved bits set/);
    const n4 = encodeSm100InstrDescriptor(nv);
    expect(() => decodeSm100InstrDescriptor("mxf4nvf4", n4 | (1 << 12))).toThrow(/reserved bits set \(0x1000\)/);
    expect(() => decodeSm100InstrDescriptor("mxf4nvf4", n4 | (1 << 15))).toThrow(/transpose bit/);
    expect(() => decodeSm100InstrDescriptor("mxf4nvf4", n4 | (1 << 4))).toThrow(/scale factor B ID 1 is not legal/);
    expect(() => decodeSm100InstrDescriptor("f16", v & ~(0x3f << 17))).toThrow(/N = 0/);
    expect(() => decodeSm100InstrDescriptor("f16", 2 ** 32)).toThrow(/not a 32-bit value/);
  });
});
