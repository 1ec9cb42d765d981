// The wgmma shared-memory matrix descriptor, checked field by field against
// PTX ISA section 9.7.15.5.1 "Matrix Descriptor Format" (wgmma): start address bits 0-13 (>>4),
// leading byte offset bits 16-29 (>>4), stride byte offset bits 32-45 (>>4), base offset bits 49-51,
// swizzle mode bits 62-63 (0 none, 1 128B, 2 64B, 3 32B).
import { describe, expect, it } from "vitest";
import { decodeSm90Descriptor, encodeSm90Descriptor, sm90KMajorSwizzle128Descriptor } from "../src/codegen/sm90/descriptor.js";

describe("sm90 wgmma matrix descriptor", () => {
  it("places each field at the bit position the PTX ISA gives", () => {
    const only = (f: Partial<Parameters<typeof encodeSm90Descriptor>[0]>) =>
      encodeSm90Descriptor({ startAddress: 0, leadingByteOffset: 0, strideByteOffset: 0, baseOffset: 0, swizzle: "none", ...f });
    expect(only({ startAddress: 16 })).toBe(1n);
    expect(only({ startAddress: 0x3fff0 })).toBe(0x3fffn); // 14 bits of address >> 4
    expect(only({ leadingByteOffset: 16 })).toBe(1n << 16n);
    expect(only({ strideByteOffset: 16 })).toBe(1n << 32n);
    expect(only({ baseOffset: 7 })).toBe(7n << 49n);
    expect(only({ swizzle: "128B" })).toBe(1n << 62n);
    expect(only({ swizzle: "64B" })).toBe(2n << 62n);
    expect(only({ swizzle: "32B" })).toBe(3n << 62n);
  });

  it("encodes the K-major 128-byte-swizzle operand by hand: SBO 1024 B = 64, LBO 16 B = 1, mode 1", () => {
    // 0x4000_0040_0001_0000: bit 62 (mode 1), 64 << 32 (SBO), 1 << 16 (LBO), address 0.
    expect(sm90KMajorSwizzle128Descriptor()).toBe(0x4000004000010000n);
  });

  it("drops address bits above 18 (only 0x3FFFF of the shared window is encoded)", () => {
    const d = encodeSm90Descriptor({ startAddress: 0x40000 + 0x400, leadingByteOffset: 16, strideByteOffset: 1024, baseOffset: 0, swizzle: "128B" });
    expect(decodeSm90Descriptor(d).startAddress).toBe(0x400);
  });

  it("round-trips and refuses values that do not fit", () => {
    const f = { startAddress: 0x1230, leadingByteOffset: 2048, strideByteOffset: 1024, baseOffset: 3, swizzle: "64B" as const };
    expect(decodeSm90Descriptor(encodeSm90Descriptor(f))).toEqual(f);
    expect(() => encodeSm90Descriptor({ ...f, strideByteOffset: 1000 })).toThrow(/multiple of 16/);
    expect(() => encodeSm90Descriptor({ ...f, leadingByteOffset: 16 << 14 })).toThrow(/does not fit/);
    expect(() => encodeSm90Descriptor({ ...f, baseOffset: 8 })).toThrow(/does not fit/);
  });
});
