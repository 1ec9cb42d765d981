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
import { readManifest, type ManifestTarget } from "../src/cli/manifest.js";
import { parsePtxasReport } from "../src/cli/ptxas.js";
import { validate, formatViolation } from "../src/dsl/validate.js";
import { sm90Spec, type SpecOptions } from "./support/specs.js";
import { MXFP8, NVFP4, sm100Spec, type Sm100SpecOptions } from "./support/sm100Specs.js";

const root = process.cwd();
let toolchain: Toolchain;
let work: string;

beforeAll(async () => {
  toolchain = await findToolchain();
  work = mkdtempSync(join(tmpdir(), "gemmkit-build-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Compile one TU for its target (as bench does) and return ptxas's report of its kernels. */
async function build(file: string, target: ManifestTarget): Promise<ReturnType<typeof parsePtxasReport>> {
  const object = join(work, `${basename(file)}.o`);
  const r = await execa(toolchain.nvcc, [...compileFlags(target), "-c", file, "-o", object], { cwd: root, reject: false, all: true });
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

  // Each kernel is built for the target the manifest records for it.
  const kernels = readManifest(join(root, "generated", "manifest.json")).kernels.map((k) => [k.file, k.target] as const);
  it("lists every generated .cu in the manifest", () => {
    const files = readdirSync(join(root, "generated")).filter((f) => f.endsWith(".cu"));
    expect(kernels.map(([file]) => basename(file)).sort()).toEqual(files.sort());
  });
  it.each(kernels)("%s builds for %s with no spills", async (file, target) => {
    expectBuiltClean(await build(file, target), file);
  });
});

// A spread of the legal space: every operand dtype, every output dtype, 1..4 consumer warpgroups,
// N from 32 to 256, multi-atom K, clusters along M, N and both, split-K (through a workspace or
// inside a cluster), stream-K, both rasters.
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
  dual_e4m3_128x64x128_cluster1x2_fp16out: { dual: true, a: "e4m3", out: "fp16", tile: [128, 64, 128], cluster: [1, 2], stages: 6 },
  dual_fp16_64x128x64_fp32out: { dual: true, a: "fp16", out: "fp32", tile: [64, 128, 64], stages: 5 },
  // Split-K reduced inside a cluster: 1 and 4 consumer warpgroups, 1, 2 and 4 pieces per warpgroup,
  // clusters of 2, 4 and 8 CTAs, fp32 and bf16 output, an epilogue after the reduction.
  bf16_64x128x64_splitcluster4_fp32out: { a: "bf16", out: "fp32", tile: [64, 128, 64], stages: 6, splitK: 4, reduction: "cluster" },
  bf16_128x128x64_splitcluster8_fp32out: { a: "bf16", out: "fp32", tile: [128, 128, 64], stages: 4, splitK: 8, reduction: "cluster", raster: "m", swizzle: 1 },
  e4m3_256x64x128_splitcluster4_gelu: { a: "e4m3", tile: [256, 64, 128], stages: 2, splitK: 4, reduction: "cluster", epilogue: { bias: "bf16", activation: "gelu" } },
  fp16_128x128x64_splitcluster2: { a: "fp16", out: "fp16", tile: [128, 128, 64], stages: 5, splitK: 2, reduction: "cluster" },
  // Tile N narrower than one 128-byte output row: one unswizzled epilogue chunk per row.
  bf16_128x56x64_narrow: { a: "bf16", tile: [128, 56, 64], stages: 8, raster: "m", swizzle: 1 },
  e4m3_64x40x128_narrow_fp16out: { a: "e4m3", out: "fp16", tile: [64, 40, 128], stages: 8 },
  bf16_128x24x64_narrow_fp32out_bias_relu: { a: "bf16", out: "fp32", tile: [128, 24, 64], stages: 10, epilogue: { bias: "bf16", activation: "relu" } },
  // Tile N neither whole rows nor below one: 13 unswizzled 8-column chunks (104 = 8 × 13).
  e4m3_128x104x128_chunks_of_8_bias: { a: "e4m3", tile: [128, 104, 128], stages: 6, epilogue: { bias: "bf16" } },
  grouped_bf16_128x56x64_narrow: { maxGroups: 8, a: "bf16", tile: [128, 56, 64], stages: 8, raster: "m", swizzle: 1 },
  // Grouped with the epilogue: stream-K (alpha after the workspace arguments) and a plain walk.
  grouped_e4m3_128x128x128_streamk_bias_gelu: { maxGroups: 8, a: "e4m3", tile: [128, 128, 128], stages: 6, streamK: true, raster: "m", swizzle: 1, epilogue: { alpha: true, bias: "fp32", activation: "gelu" } },
  grouped_fp16_64x128x64_bias_fp32out: { maxGroups: 4, a: "fp16", out: "fp32", tile: [64, 128, 64], stages: 6, epilogue: { bias: "fp16" } },
  grouped_fp16_64x256x64_fp32out: { maxGroups: 4, a: "fp16", out: "fp32", tile: [64, 256, 64], stages: 4, raster: "m", swizzle: 1 },
  grouped_e4m3_128x128x128_streamk_76groups: { maxGroups: 76, a: "e4m3", tile: [128, 128, 128], stages: 6, streamK: true, raster: "m", swizzle: 1 },
  // Epilogues (kernels/ has the whole chain on a 128×256 fp32-out tile): three consumer warpgroups,
  // split-K and stream-K (the epilogue after the reduction), fp8 inputs, a dual GEMM with every step.
  epi_bf16_192x128x64_bf16bias_silu: { a: "bf16", tile: [192, 128, 64], stages: 4, epilogue: { bias: "bf16", activation: "silu" } },
  epi_bf16_128x128x64_split3_relu: { a: "bf16", tile: [128, 128, 64], stages: 6, splitK: 3, epilogue: { alpha: true, bias: "fp16", activation: "relu" } },
  epi_bf16_128x128x64_streamk_alpha: { a: "bf16", out: "fp16", tile: [128, 128, 64], stages: 6, streamK: true, epilogue: { alpha: true } },
  epi_e4m3_128x256x128_gelu: { a: "e4m3", tile: [128, 256, 128], cluster: [2, 1], stages: 4, epilogue: { activation: "gelu", bias: "fp32" } },
  epi_dual_bf16_128x128x64_all: { dual: true, a: "bf16", tile: [128, 128, 64], stages: 4, epilogue: { alpha: true, bias: "fp32", activation: "gelu" } },
};

describe("a sample of valid configs", () => {
  it.each(Object.entries(SAMPLE))("%s validates and builds with no spills", async (name, options) => {
    const spec = sm90Spec({ ...options, name });
    const result = validate(spec);
    if (!result.ok) throw new Error(`sample ${name} should be valid:\n${result.violations.map(formatViolation).join("\n")}`);
    const file = join(work, `${name}.cu`);
    writeFileSync(file, emit(plan({ spec, budget: result.kernel.budget, source: "test/kernels.test.ts" })));
    expectBuiltClean(await build(file, "sm_90a"), name);
  });
});

// sm_100a: every kind (f16, f8f6f4, mxf8f6f4, mxf4nvf4), every output dtype, one CTA and CTA pairs,
// multicast along M, N and both, one and several swizzle rows of K per stage, fp16/fp32 outputs.
const SAMPLE_SM100: Record<string, Sm100SpecOptions> = {
  sm100_fp16_128x64x128_fp32out: { a: "fp16", out: "fp32", mma: [128, 64, 128], stages: 4, raster: "m", swizzle: 2 },
  sm100_bf16_128x192x64_cluster1x2: { a: "bf16", out: "fp16", mma: [128, 192, 64], cluster: [1, 2], stages: 4 },
  sm100_e5m2_e4m3_128x128x256_cluster2x2: { a: "e5m2", b: "e4m3", mma: [128, 128, 256], cluster: [2, 2], stages: 3 },
  sm100_e4m3_pair_256x128x128_fp32out: { a: "e4m3", out: "fp32", mma: [256, 128, 128], cluster: [2, 1], ctaGroup: 2, stages: 5 },
  sm100_mxfp8_e5m2_128x128x256_fp16out: { a: "e5m2", b: "e4m3", scale: MXFP8, out: "fp16", mma: [128, 128, 256], stages: 2 },
  sm100_mxfp8_pair_256x128x128: { a: "e4m3", scale: MXFP8, mma: [256, 128, 128], cluster: [2, 1], ctaGroup: 2, stages: 5 },
  sm100_nvfp4_128x128x512_fp32out: { a: "e2m1", scale: NVFP4, out: "fp32", mma: [128, 128, 512], stages: 2 },
  sm100_nvfp4_pair_256x128x256: { a: "e2m1", scale: NVFP4, out: "fp16", mma: [256, 128, 256], cluster: [2, 1], ctaGroup: 2, stages: 5 },
  sm100_nvfp4_128x128x256_cluster2x1: { a: "e2m1", scale: NVFP4, mma: [128, 128, 256], cluster: [2, 1], stages: 4, raster: "m", swizzle: 16 },
  // Epilogues: bf16 out (64-column chunks, the most bias registers) with every step, a CTA pair with fp32 out.
  sm100_epi_bf16_128x256x64_all: { a: "bf16", mma: [128, 256, 64], stages: 4, epilogue: { alpha: true, bias: "fp32", activation: "gelu" } },
  sm100_epi_e4m3_pair_256x128x128_fp32out_relu: { a: "e4m3", out: "fp32", mma: [256, 128, 128], cluster: [2, 1], ctaGroup: 2, stages: 5, epilogue: { bias: "bf16", activation: "relu" } },
  // Grouped with the epilogue: NVFP4 with every step (a bias vector per group), bf16 with a bias only.
  sm100_grouped_nvfp4_128x128x256_epilogue: { maxGroups: 8, a: "e2m1", scale: NVFP4, out: "fp16", mma: [128, 128, 256], stages: 4, raster: "m", swizzle: 1, epilogue: { alpha: true, bias: "fp16", activation: "silu" } },
  // The gated dual GEMM: B2 (and its scales) beside B, two accumulators per accumulator stage.
  sm100_dual_mxfp8_128x128x128_bias_relu: { dual: true, a: "e4m3", scale: MXFP8, mma: [128, 128, 128], stages: 3, epilogue: { bias: "bf16", activation: "relu" } },
  sm100_dual_bf16_128x64x64_cluster1x2_fp32out: { dual: true, a: "bf16", out: "fp32", mma: [128, 64, 64], cluster: [1, 2], stages: 6 },
  sm100_grouped_bf16_128x256x64_bias: { maxGroups: 16, a: "bf16", mma: [128, 256, 64], stages: 4, raster: "m", swizzle: 1, epilogue: { bias: "bf16" } },
};

describe("a sample of valid sm_100a configs", () => {
  it.each(Object.entries(SAMPLE_SM100))("%s validates and builds for sm_100a with no spills", async (name, options) => {
    const spec = sm100Spec({ ...options, name });
    const result = validate(spec);
    if (!result.ok) throw new Error(`sample ${name} should be valid:\n${result.violations.map(formatViolation).join("\n")}`);
    const file = join(work, `${name}.cu`);
    writeFileSync(file, emit(plan({ spec, budget: result.kernel.budget, source: "test/kernels.test.ts" })));
    expectBuiltClean(await build(file, "sm_100a"), name);
  });
});
