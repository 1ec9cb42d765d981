/**
 * The sm_100a half of facts.ts: the literal tuples the type checker reads must say what the numeric
 * facts say, the MMA table must be self-consistent, and every fact must cite its source.
 */
import { describe, expect, it } from "vitest";
import { SM100_ACCUMULATOR_STAGES, SM100_WARPS } from "../src/dsl/budget.js";
import { DTYPES, SCALE_DTYPES, SM100, SM100_CTA_GROUPS, SM100_MMA_N_CTA1, SM100_MMA_N_CTA2, type Fact } from "../src/dsl/facts.js";
import { SM100_BLOCK_SCALED_TILE_N, SM100_CTA_TILE_M } from "../src/dsl/rules.js";

function range(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max; v += step) out.push(v);
  return out;
}

const isFact = (v: unknown): v is Fact<unknown> => typeof v === "object" && v !== null && "value" in v && "source" in v;
const kinds = Object.entries(SM100.mma.value);

describe("SM100 literal tuples match the numeric facts", () => {
  it("SM100_MMA_N_CTA1 / _CTA2 are every tcgen05.mma N of one CTA / a CTA pair, for every kind", () => {
    for (const [kind, shape] of kinds) {
      expect([...SM100_MMA_N_CTA1], kind).toEqual(range(shape.ctaGroup1.n.min, shape.ctaGroup1.n.max, shape.ctaGroup1.n.step));
      expect([...SM100_MMA_N_CTA2], kind).toEqual(range(shape.ctaGroup2.n.min, shape.ctaGroup2.n.max, shape.ctaGroup2.n.step));
    }
  });

  it("SM100_CTA_GROUPS are cta_group::1 and ::2", () => {
    expect([...SM100_CTA_GROUPS]).toEqual([1, 2]);
  });
});

describe("SM100 MMA table", () => {
  it("has the kinds of the hardware-facts table with their K per instruction", () => {
    expect(Object.fromEntries(kinds.map(([k, v]) => [k, v.k]))).toEqual({ f16: 16, f8f6f4: 32, mxf8f6f4: 32, mxf4nvf4: 64 });
  });

  it("covers 32 bytes of K per instruction for every operand dtype", () => {
    for (const [kind, shape] of kinds) {
      for (const t of shape.operands) expect(shape.k * DTYPES[t].bytes, `${kind} ${t}`).toBe(32);
    }
  });

  it("gives a CTA pair twice the M of one CTA, and M 64 only to the dense kinds", () => {
    for (const [kind, shape] of kinds) {
      expect(Math.max(...shape.ctaGroup2.m), kind).toBe(2 * Math.max(...shape.ctaGroup1.m));
      const dense = kind === "f16" || kind === "f8f6f4";
      expect((shape.ctaGroup1.m as readonly number[]).includes(64), kind).toBe(dense);
    }
    // NVFP4 on one CTA: M 128 only (the example of an illegal M 64).
    expect([...SM100.mma.value.mxf4nvf4.ctaGroup1.m]).toEqual([128]);
  });

  it("keeps N within one TMA box and one TMEM allocation", () => {
    for (const [, shape] of kinds) {
      expect(shape.ctaGroup1.n.max).toBeLessThanOrEqual(SM100.tmaMaxBoxDim.value);
      expect(shape.ctaGroup1.n.max * SM100_ACCUMULATOR_STAGES).toBeLessThanOrEqual(SM100.tmem.value.columns);
    }
  });
});

describe("SM100 block scales", () => {
  it("has NVFP4 and MXFP8 with their scale dtype, vector size and kind", () => {
    const f = SM100.blockScale.value;
    expect([f.nvfp4.kind, f.nvfp4.scale, f.nvfp4.vector, [...f.nvfp4.operands]]).toEqual(["mxf4nvf4", "ue4m3", 16, ["e2m1"]]);
    expect([f.mxfp8.kind, f.mxfp8.scale, f.mxfp8.vector, [...f.mxfp8.operands]]).toEqual(["mxf8f6f4", "ue8m0", 32, ["e4m3", "e5m2"]]);
    for (const format of Object.values(f)) {
      expect(SCALE_DTYPES as readonly string[]).toContain(format.scale);
      expect((SM100.mma.value[format.kind].operands as readonly string[]).slice().sort()).toEqual([...format.operands].sort());
      // One MMA's K covers whole scale vectors.
      expect(SM100.mma.value[format.kind].k % format.vector).toBe(0);
    }
  });

  it("has a 512-byte scale atom of 128 rows × 4 one-byte scale columns", () => {
    const a = SM100.scaleAtom.value;
    expect(a.rows * a.columns * DTYPES.ue4m3.bytes).toBe(a.bytes);
    expect(a.rows).toBe(SM100.tmem.value.lanes);
  });

  it("stores e2m1 two per byte", () => {
    expect(DTYPES.e2m1.bits).toBe(4);
    expect(DTYPES.e2m1.bytes).toBe(0.5);
    for (const [name, t] of Object.entries(DTYPES)) expect(t.bytes * 8, name).toBe(t.bits);
  });
});

describe("SM100 tensor memory and the generator's limits built on it", () => {
  it("allocates powers of two from 32 to 512 columns of 128 lanes", () => {
    const t = SM100.tmem.value;
    expect([t.lanes, t.columns, t.minAllocColumns]).toEqual([128, 512, 32]);
    expect(Number.isInteger(Math.log2(t.columns)) && Number.isInteger(Math.log2(t.minAllocColumns))).toBe(true);
  });

  it("gives each CTA one row per TMEM lane, four epilogue warps one lane quarter each", () => {
    expect(SM100_CTA_TILE_M).toBe(SM100.tmem.value.lanes);
    expect(SM100_WARPS.epilogue * SM100.tmemLanesPerWarp.value).toBe(SM100.tmem.value.lanes);
    expect(SM100_WARPS.lastEpilogue - SM100_WARPS.firstEpilogue + 1).toBe(SM100_WARPS.epilogue);
  });

  it("fits two accumulator stages of the block-scaled tile N plus scales in tensor memory", () => {
    expect(SM100_ACCUMULATOR_STAGES).toBeGreaterThanOrEqual(2);
    expect(SM100_ACCUMULATOR_STAGES * SM100_BLOCK_SCALED_TILE_N).toBeLessThan(SM100.tmem.value.columns);
    expect(SM100_BLOCK_SCALED_TILE_N).toBe(SM100.scaleAtom.value.rows);
  });

  it("requests at least half an SM's shared memory per CTA only when that is below the per-block limit", () => {
    expect(SM100.smemPerSmBytes.value / 2).toBeLessThan(SM100.smemPerBlockBytes.value);
  });
});

describe("SM100 cites a source for every fact", () => {
  const entries: [string, unknown][] = Object.entries(SM100);
  const facts = entries.filter((e): e is [string, Fact<unknown>] => isFact(e[1]));
  it("has facts for every entry but the target name", () => {
    expect(facts.map(([n]) => n).sort()).toEqual(Object.keys(SM100).filter((k) => k !== "target").sort());
  });
  it.each(facts)("%s has a non-empty source", (_name, fact) => {
    expect(fact.source.trim().length).toBeGreaterThan(0);
  });
});
