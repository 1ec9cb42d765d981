/**
 * How the SIMT GEMV decodes NVFP4 data (e2m1 values, two per byte): the byte tables and selector
 * constants templates/sm90/gemv_nvfp4.hbs prints, computed here from the format so that the
 * template holds no number of its own. test/e2m1.test.ts runs the kernel's decode on these
 * constants (with a model of PTX `prmt` and `dp4a`) for every code.
 *
 * e2m1 (../shared/problems/nvfp4-suite.json "formats.nvfp4"): 1 sign, 2 exponent (bias 1) and 1
 * mantissa bit, so codes 0..7 are the magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6 and codes 8..15 their
 * negatives; element 2i of a row sits in the low nibble of byte i, element 2i + 1 in the high one.
 *
 * The decode works on twice the value, 2·e2m1, an integer in [-12, 12], so that products of A and b
 * are exact integers (4·a·b, at most 144) that `dp4a` sums four at a time in int32. One 32-bit word
 * holds 8 codes; `prmt.b32 d, lo, hi, sel` with the generic selector picks, for each output byte j,
 * byte (sel >> 4j) & 7 of the 8-byte table {hi, lo}, and when bit 3 of that selector nibble is set
 * it writes the sign of the picked byte (0x00 or 0xFF) instead. With the word itself as selector,
 * nibble j is code j: its low 3 bits index the magnitude, its top bit (the e2m1 sign) is the
 * replicate flag. So with the magnitude table (all bytes >= 0), a non-negative code yields 2·|v| and
 * a negative one 0; with the sign bits flipped first, the other way round. A's two halves go into
 * `dp4a` against b separately and are subtracted; b itself is decoded to signed bytes once per load
 * and shared by the rows of a warp.
 */

/** The value of an e2m1 code (0..15). */
export function e2m1Value(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 15) throw new Error(`e2m1Value: ${code} is not a 4-bit code`);
  const sign = code & 8 ? -1 : 1;
  const exponent = (code >> 1) & 3;
  const mantissa = code & 1;
  // Exponent 0: subnormal, mantissa × 2^(1 - bias) / 2 = mantissa × 0.5; else 2^(e - 1) × (1 + m / 2).
  const magnitude = exponent === 0 ? mantissa * 0.5 : 2 ** (exponent - 1) * (1 + mantissa / 2);
  return sign * magnitude;
}

/** The code of an e2m1 value (one of ±0, 0.5, 1, 1.5, 2, 3, 4, 6); -0 is code 8. */
export function e2m1Code(value: number): number {
  for (let code = 0; code < 16; code++) {
    const v = e2m1Value(code);
    if (v === value && Object.is(v, value)) return code;
  }
  throw new Error(`e2m1Code: ${value} is not an e2m1 value`);
}

/** Four bytes (each 0..255, byte 0 first) as a little-endian 32-bit word. */
export function packBytes(bytes: readonly number[]): number {
  if (bytes.length !== 4 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) {
    throw new Error(`packBytes: need four bytes, got [${bytes.join(", ")}]`);
  }
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

/** A 32-bit constant as CUDA spells it: 0x03020100u. */
export function hexU32(x: number): string {
  return `0x${(x >>> 0).toString(16).toUpperCase().padStart(8, "0")}u`;
}

export interface E2m1DecodePlan {
  /** 2·|e2m1| of the magnitude codes 0..7 as bytes (0, 1, 2, 3, 4, 6, 8, 12): the prmt table {lo, hi}. */
  readonly twice: readonly number[];
  readonly magnitudeTable: readonly [string, string];
  /** -2·|e2m1| of the codes 0..7 as two's-complement bytes: b's negative values. */
  readonly negativeTable: readonly [string, string];
  /** XOR that flips the sign bit of all eight codes of a word. */
  readonly signFlip: string;
  /**
   * prmt selectors over {w, w << 4} that replicate the sign of codes 0..3 (first) and 4..7 (second)
   * of w into whole bytes: the sign of an odd code is bit 7 of its byte of w, that of an even code
   * bit 7 of its byte of w << 4.
   */
  readonly signSelectors: readonly [string, string];
  /** What the int32 sum of a block is multiplied by besides its two scales: 1 / (2·2). */
  readonly blockFactor: string;
}

/** The decode constants of the NVFP4 GEMV, from the e2m1 format. */
export function planE2m1Decode(): E2m1DecodePlan {
  const twice = Array.from({ length: 8 }, (_, code) => 2 * e2m1Value(code));
  if (twice.some((t) => !Number.isInteger(t) || t > 127)) throw new Error("planE2m1Decode: 2·e2m1 is not an int8");
  const negative = twice.map((t) => (256 - t) & 0xff);
  // Output byte j of the sign mask: the sign of code j. Code j's byte of w is j >> 1; an even code's
  // sign is bit 3 of that byte, so bit 7 of the same byte of w << 4 (selector index j >> 1, table
  // {w << 4, w}), an odd code's is bit 7 of the byte of w (index 4 + (j >> 1)); 8 sets the replicate flag.
  const selector = (first: number): number =>
    [0, 1, 2, 3].reduce((sel, j) => {
      const code = first + j;
      const index = (code & 1 ? 4 : 0) + (code >> 1);
      return sel | ((8 | index) << (4 * j));
    }, 0);
  return {
    twice,
    magnitudeTable: [hexU32(packBytes(twice.slice(0, 4))), hexU32(packBytes(twice.slice(4, 8)))],
    negativeTable: [hexU32(packBytes(negative.slice(0, 4))), hexU32(packBytes(negative.slice(4, 8)))],
    signFlip: hexU32(0x88888888),
    signSelectors: [hexU32(selector(0)), hexU32(selector(4))],
    blockFactor: "0.25f",
  };
}
