// The NVFP4 GEMV's e2m1 decode (src/codegen/e2m1.ts), run on a model of the PTX instructions the
// kernel uses (prmt.b32 with the generic selector, dp4a.s32.s32), with the constants the plan gives
// templates/sm90/gemv_nvfp4.hbs, against the values of the format itself. No GPU needed.
import { describe, expect, it } from "vitest";
import { e2m1Code, e2m1Value, hexU32, packBytes, planE2m1Decode } from "../src/codegen/e2m1.js";

/** PTX prmt.b32 d, a, b, c (no mode): byte j of d is byte c[4j+2:4j] of {b, a}, or its sign replicated when c[4j+3] is set. */
function prmt(a: number, b: number, c: number): number {
  const bytes = [0, 1, 2, 3].map((i) => (a >>> (8 * i)) & 0xff).concat([0, 1, 2, 3].map((i) => (b >>> (8 * i)) & 0xff));
  let d = 0;
  for (let j = 0; j < 4; j++) {
    const sel = (c >>> (4 * j)) & 0xf;
    const byte = bytes[sel & 7]!;
    const out = sel & 8 ? (byte & 0x80 ? 0xff : 0x00) : byte;
    d |= out << (8 * j);
  }
  return d >>> 0;
}

/** PTX dp4a.s32.s32 d, a, b, c: c + Σ_j int8(a byte j) · int8(b byte j). */
function dp4a(a: number, b: number, c: number): number {
  const s8 = (x: number, j: number): number => ((((x >>> (8 * j)) & 0xff) << 24) >> 24);
  let d = c;
  for (let j = 0; j < 4; j++) d += s8(a, j) * s8(b, j);
  return d | 0;
}

const int8s = (x: number): number[] => [0, 1, 2, 3].map((j) => ((((x >>> (8 * j)) & 0xff) << 24) >> 24));
const u32 = (s: string): number => Number.parseInt(s.replace(/u$/, ""), 16) >>> 0;

const plan = planE2m1Decode();
const twiceLo = u32(plan.magnitudeTable[0]);
const twiceHi = u32(plan.magnitudeTable[1]);
const minusLo = u32(plan.negativeTable[0]);
const minusHi = u32(plan.negativeTable[1]);
const flip = u32(plan.signFlip);
const signSel = plan.signSelectors.map(u32);

/** The kernel's e2m1x8_split: 2·|v| of the non-negative codes and of the negative ones, codes 0..3 then 4..7. */
function split(w: number): { pos: [number, number]; neg: [number, number] } {
  const flipped = (w ^ flip) >>> 0;
  return {
    pos: [prmt(twiceLo, twiceHi, w), prmt(twiceLo, twiceHi, w >>> 16)],
    neg: [prmt(twiceLo, twiceHi, flipped), prmt(twiceLo, twiceHi, flipped >>> 16)],
  };
}

/** The kernel's e2m1x8_signed: signed int8 2·v, codes 0..3 then 4..7. */
function signed(w: number): [number, number] {
  const flipped = (w ^ flip) >>> 0;
  const shifted = (w << 4) >>> 0;
  const out = [0, 1].map((h) => {
    const negative = prmt(shifted, w, signSel[h]!);
    const pos = prmt(twiceLo, twiceHi, h ? w >>> 16 : w);
    const minus = prmt(minusLo, minusHi, h ? flipped >>> 16 : flipped);
    return (pos | (minus & negative)) >>> 0;
  });
  return [out[0]!, out[1]!];
}

/** Eight codes (code j in bits 4j..4j+3) as one word. */
const word = (codes: readonly number[]): number => codes.reduce((w, c, j) => (w | (c << (4 * j))) >>> 0, 0);

/** A deterministic stream of 32-bit words. */
function* words(seed: number, count: number): Generator<number> {
  let x = seed >>> 0;
  for (let i = 0; i < count; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    yield x;
  }
}

describe("e2m1 values", () => {
  it("are the format's: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives", () => {
    expect(Array.from({ length: 8 }, (_, c) => e2m1Value(c))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(Array.from({ length: 8 }, (_, c) => e2m1Value(c + 8))).toEqual([-0, -0.5, -1, -1.5, -2, -3, -4, -6]);
    expect(() => e2m1Value(16)).toThrow(/4-bit/);
  });

  it("encode back to their codes, -0 included", () => {
    for (let c = 0; c < 16; c++) expect(e2m1Code(e2m1Value(c))).toBe(c);
    expect(e2m1Code(-0)).toBe(8);
    expect(() => e2m1Code(5)).toThrow(/not an e2m1 value/);
  });
});

describe("the decode constants", () => {
  it("are 2·|e2m1| and its negation as byte tables, and the sign selectors", () => {
    expect(plan.twice).toEqual([0, 1, 2, 3, 4, 6, 8, 12]);
    expect(plan.magnitudeTable).toEqual(["0x03020100u", "0x0C080604u"]);
    expect(plan.negativeTable).toEqual(["0xFDFEFF00u", "0xF4F8FAFCu"]);
    expect(plan.signFlip).toBe("0x88888888u");
    expect(plan.signSelectors).toEqual(["0x0000D9C8u", "0x0000FBEAu"]);
    expect(plan.blockFactor).toBe("0.25f");
  });

  it("packs bytes little-endian and prints CUDA constants", () => {
    expect(packBytes([0x00, 0x01, 0x02, 0x03])).toBe(0x03020100);
    expect(packBytes([0xff, 0xff, 0xff, 0xff])).toBe(0xffffffff);
    expect(hexU32(0xd9c8)).toBe("0x0000D9C8u");
    expect(() => packBytes([1, 2, 3])).toThrow(/four bytes/);
    expect(() => packBytes([1, 2, 3, 256])).toThrow(/four bytes/);
  });
});

describe("the kernel's decode on the prmt model", () => {
  it("splits every code, in every position of a word, into 2·|v| by sign", () => {
    for (let pos = 0; pos < 8; pos++) {
      for (let code = 0; code < 16; code++) {
        // The other codes of the word are arbitrary (code 13 = -3 and 6 = 4 alternate) and must not leak.
        const codes = Array.from({ length: 8 }, (_, j) => (j === pos ? code : j % 2 ? 13 : 6));
        const w = word(codes);
        const { pos: p, neg: n } = split(w);
        const plus = [...int8s(p[0]), ...int8s(p[1])];
        const minus = [...int8s(n[0]), ...int8s(n[1])];
        codes.forEach((c, j) => {
          expect(plus[j]! - minus[j]!, `code ${c} at ${j}`).toBe(2 * e2m1Value(c) + 0);
          expect(Math.min(plus[j]!, minus[j]!)).toBe(0);
        });
      }
    }
  });

  it("turns every code, in every position, into signed 2·v", () => {
    for (let pos = 0; pos < 8; pos++) {
      for (let code = 0; code < 16; code++) {
        const codes = Array.from({ length: 8 }, (_, j) => (j === pos ? code : (3 * j + 9) % 16));
        const [lo, hi] = signed(word(codes));
        expect([...int8s(lo), ...int8s(hi)]).toEqual(codes.map((c) => 2 * e2m1Value(c) + 0));
      }
    }
  });

  it("gives the exact block sums Σ 4·a·b through dp4a on random words", () => {
    const as = [...words(0x1234567, 4000)];
    const bs = [...words(0x7654321, 4000)];
    for (let i = 0; i < as.length; i++) {
      const a = as[i]!;
      const b = bs[i]!;
      const { pos, neg } = split(a);
      const b2 = signed(b);
      const plus = dp4a(pos[1], b2[1], dp4a(pos[0], b2[0], 0));
      const minus = dp4a(neg[1], b2[1], dp4a(neg[0], b2[0], 0));
      let want = 0;
      for (let j = 0; j < 8; j++) want += 4 * e2m1Value((a >>> (4 * j)) & 15) * e2m1Value((b >>> (4 * j)) & 15);
      expect(plus - minus).toBe(want);
    }
  });
});
