// The invariant "a config that validation accepts compiles": every kernel in kernels/ and a sample
// of valid configs across the legal space are emitted and built with nvcc for their target, and a
// register spill fails the build, as it does in `npm run bench`. Also: generated/ is what
// `npm run gen` produces, byte for byte. CI has nvcc but no GPU; nothing here runs a kernel.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "../src/codegen/emit.js";
import { plan } from "../src/codegen/plan.js";
import { compileFlags, findToolchain, type Toolchain } from "../src/cli/nvcc.js";
import { parsePtxasReport } from "../src/cli/ptxas.js";
import { validate, formatViolation } from "../src/dsl/validate.js";
import { sm90Spec, type SpecOptions } from "./support/specs.js";

const root = process.cwd();
let toolchain: Toolchain;
let work: string;

beforeAll(async () => {
  toolchain = await findToolchain();
  work = mkdtempSync(join(tmpdir(), "gemmkit-build-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Compile one TU for sm_90a (as bench does) and return ptxas's report of its kernels. */
async function build(file: string): Promise<ReturnType<typeof parsePtxasReport>> {
  const object = join(work, `${basename(file)}.o`);
  const r = await execa(toolchain.nvcc, [...compileFlags("sm_90a"), "-c", file, "-o", object], { cwd: root, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`nvcc failed for ${file}:\n${r.all}`);
  return parsePtxasReport(r.all ?? "");
}

function expectBuiltClean(report: ReturnType<typeof parsePtxasReport>, what: string): void {
  const kernels = report.filter((e) => e.kernel.includes("_kernel"));
  expect(kernels, `${what}: ptxas reported no kernel`).toHaveLength(1);
  for (const k of kernels) {
    expect({ what, spillStores: k.spillStores, spillLoads: k.spillLoads, stackBytes: k.stackBytes }).toEqual({
      what,
      spillStores: 0,
      spillLoads: 0,
      stackBytes: 0,
    });
  }
}

describe("generated/", () => {
  it("is what `npm run gen` writes, byte for byte", async () => {
    const out = join(work, "gen");
    const r = await execa("npx", ["tsx", "src/cli/gen.ts", "--out", out], { cwd: root, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const committed = readdirSync(join(root, "generated")).sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    for (const f of committed) {
      let fresh = readFileSync(join(out, f), "utf8");
      if (f === "manifest.json") fresh = fresh.split(`${out}/`).join("generated/");
      expect(fresh, `generated/${f} is stale: run npm run gen`).toBe(readFileSync(join(root, "generated", f), "utf8"));
    }
  });

  const kernels = readdirSync(join(root, "generated")).filter((f) => f.endsWith(".cu"));
  it.each(kernels)("%s builds for sm_90a with no spills", async (f) => {
    expectBuiltClean(await build(join("generated", f)), f);
  });
});

// A spread of the legal space: every operand dtype, every output dtype, 1..4 consumer warpgroups,
// N from 32 to 256, multi-atom K, clusters along M, N and both, split-K, stream-K, both rasters.
const SAMPLE: Record<string, SpecOptions> = {
  bf16_64x64x64_fp16out: { a: "bf16", out: "fp16", tile: [64, 64, 64], stages: 4 },
  bf16_128x128x128_fp32out: { a: "bf16", out: "fp32", tile: [128, 128, 128], stages: 3 },
  fp16_192x128x64_cluster1x2: { a: "fp16", out: "fp16", tile: [192, 128, 64], cluster: [1, 2], stages: 4 },
  e4m3_e5m2_128x256x128_cluster2x2: { a: "e4m3", b: "e5m2", out: "bf16", tile: [128, 256, 128], cluster: [2, 2], stages: 3 },
  bf16_256x96x64_fp32out: { a: "bf16", out: "fp32", tile: [256, 96, 64], stages: 3 },
  bf16_128x64x64_split3_cluster2x1: { a: "bf16", tile: [128, 64, 64], cluster: [2, 1], stages: 8, splitK: 3, raster: "n", swizzle: 4 },
  e4m3_64x256x256_fp16out: { a: "e4m3", out: "fp16", tile: [64, 256, 256], stages: 2, raster: "m", swizzle: 2 },
  bf16_128x32x64_fp32out: { a: "bf16", out: "fp32", tile: [128, 32, 64], stages: 6 },
  bf16_128x128x64_streamk: { a: "bf16", tile: [128, 128, 64], stages: 6, streamK: true, raster: "m", swizzle: 1 },
  e4m3_128x64x128_streamk_fp16out: { a: "e4m3", out: "fp16", tile: [128, 64, 128], stages: 8, streamK: true },
  bf16_128x256x64_cluster1x4: { a: "bf16", tile: [128, 256, 64], cluster: [1, 4], stages: 4, raster: "m", swizzle: 16 },
};

describe("a sample of valid configs", () => {
  it.each(Object.entries(SAMPLE))("%s validates and builds with no spills", async (name, options) => {
    const spec = sm90Spec({ ...options, name });
    const result = validate(spec);
    if (!result.ok) throw new Error(`sample ${name} should be valid:\n${result.violations.map(formatViolation).join("\n")}`);
    const file = join(work, `${name}.cu`);
    writeFileSync(file, emit(plan({ spec, budget: result.kernel.budget, source: "test/kernels.test.ts" })));
    expectBuiltClean(await build(file), name);
  });
});
