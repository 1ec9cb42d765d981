/**
 * The literal tuples of facts.ts, which the type checker reads (src/dsl/check.ts), must say the same
 * as the numeric facts they stand for; and every fact must cite where it comes from.
 */
import { describe, expect, it } from "vitest";
import {
  CLUSTER_WIDTHS,
  DTYPES,
  SCHEDULER_SWIZZLES,
  SM90,
  SM90_TILE_M,
  SM90_WGMMA_N,
  type Fact,
} from "../src/dsl/facts.js";

/** min, min+step, ..., up to max inclusive. */
function range(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max; v += step) out.push(v);
  return out;
}

const isPowerOfTwo = (v: number): boolean => Number.isInteger(v) && v >= 1 && (v & (v - 1)) === 0;

function isFact(v: unknown): v is Fact<unknown> {
  return typeof v === "object" && v !== null && "value" in v && "source" in v;
}

describe("facts.ts literal tuples match the numeric facts", () => {
  it("SM90_WGMMA_N is every wgmma N: min..max in steps of step", () => {
    const { min, max, step } = SM90.wgmmaN.value;
    expect([...SM90_WGMMA_N]).toEqual(range(min, max, step));
  });

  it("SM90_TILE_M is the multiples of the wgmma M up to 256 (one TMA box dimension)", () => {
    const m = SM90.wgmmaM.value;
    expect([...SM90_TILE_M]).toEqual(range(m, SM90.tmaMaxBoxDim.value, m));
    expect(SM90_TILE_M.at(-1)).toBe(256);
  });

  it("wgmma K covers 32 bytes of K for every operand dtype", () => {
    for (const [dtype, k] of Object.entries(SM90.wgmmaK.value)) {
      expect(Object.keys(DTYPES), dtype).toContain(dtype);
      expect(k * DTYPES[dtype as keyof typeof DTYPES].bytes, dtype).toBe(32);
    }
  });

  it("the largest tile N fits one TMA box dimension (B is loaded N rows per box)", () => {
    expect(Math.max(...SM90_WGMMA_N)).toBeLessThanOrEqual(SM90.tmaMaxBoxDim.value);
  });

  it("CLUSTER_WIDTHS are ascending powers of two from 1, each within the portable cluster size", () => {
    expect(CLUSTER_WIDTHS[0]).toBe(1);
    for (const w of CLUSTER_WIDTHS) {
      expect(isPowerOfTwo(w), String(w)).toBe(true);
      expect(w).toBeLessThanOrEqual(SM90.clusterMaxPortable.value);
    }
    expect([...CLUSTER_WIDTHS]).toEqual([...CLUSTER_WIDTHS].sort((x, y) => x - y));
    expect(new Set(CLUSTER_WIDTHS).size).toBe(CLUSTER_WIDTHS.length);
  });

  it("SCHEDULER_SWIZZLES are ascending powers of two from 1", () => {
    expect(SCHEDULER_SWIZZLES[0]).toBe(1);
    for (const s of SCHEDULER_SWIZZLES) expect(isPowerOfTwo(s), String(s)).toBe(true);
    expect([...SCHEDULER_SWIZZLES]).toEqual([...SCHEDULER_SWIZZLES].sort((x, y) => x - y));
    expect(new Set(SCHEDULER_SWIZZLES).size).toBe(SCHEDULER_SWIZZLES.length);
  });

  it("setmaxnreg's range is consistent with the per-thread register limit", () => {
    const { min, max, step } = SM90.setmaxnreg.value;
    expect(min % step).toBe(0);
    expect(max % step).toBe(0);
    expect(min).toBeLessThan(max);
    expect(SM90.maxRegistersPerThread.value).toBeLessThanOrEqual(max);
  });
});

describe("facts.ts cites a source for every fact", () => {
  const entries: [string, unknown][] = Object.entries(SM90);
  const facts = entries.filter((entry): entry is [string, Fact<unknown>] => isFact(entry[1]));

  it("has facts to check", () => {
    // Every SM90 entry other than the target name is a fact.
    expect(facts.map(([name]) => name).sort()).toEqual(
      Object.keys(SM90)
        .filter((k) => k !== "target")
        .sort(),
    );
  });

  it.each(facts)("%s has a non-empty source", (_name, fact) => {
    expect(typeof fact.source).toBe("string");
    expect(fact.source.trim().length).toBeGreaterThan(0);
    expect(fact.value).not.toBeUndefined();
  });
});
