// sm_100a plan and emit: the layout and the constants the plan decides, that the emitted CUDA carries
// them, and (with nvcc) that the PTX of each generated sm_100a kernel holds the tcgen05 instructions
// its kind promises; with cuobjdump also the SASS (UTC*MMA, UTCCP, LDTM).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "../src/codegen/emit.js";
import { plan } from "../src/codegen/plan.js";
import { decodeSm100InstrDescriptor } from "../src/codegen/sm100/instrDescriptor.js";
import { decodeSm100SmemDescriptor, sm100KMajorSwizzle128Descriptor } from "../src/codegen/sm100/smemDescriptor.js";
import { readManifest } from "../src/cli/manifest.js";
import { compileFlags, findToolchain, type Toolchain } from "../src/cli/nvcc.js";
import { countTensorSass, findCuobjdump, sassOf } from "../src/cli/sass.js";
import { sm100Budget } from "../src/dsl/budget.js";
import { SM100 } from "../src/dsl/facts.js";
import { MXFP8, NVFP4, sm100Spec, type Sm100SpecOptions } from "./support/sm100Specs.js";

const planOf = (o: Sm100SpecOptions) => {
  const spec = sm100Spec(o);
  return plan({ spec, budget: sm100Budget(spec), source: "kernels/test.ts" });
};
const cudaOf = (o: Sm100SpecOptions) => emit(planOf(o));
const literal = (c: string): bigint => BigInt(c.replace(/u(ll)?$/, ""));

const NVFP4_TILE: Sm100SpecOptions = { a: "e2m1", scale: NVFP4, out: "fp16", mma: [128, 128, 256], stages: 5 };
const MXFP8_PAIR: Sm100SpecOptions = { a: "e4m3", scale: MXFP8, mma: [256, 128, 128], cluster: [2, 1], ctaGroup: 2, stages: 5 };
const BF16_PAIR: Sm100SpecOptions = { mma: [256, 256, 64], cluster: [2, 1], ctaGroup: 2, stages: 6 };

describe("sm_100a plan", () => {
  it("lays out shared memory without overlap, 1024-byte aligned, inside the budget", () => {
    for (const o of [{}, NVFP4_TILE, MXFP8_PAIR, BF16_PAIR]) {
      const p = planOf(o);
      const s = p.smem;
      const regions: [number, number][] = [
        [s.aOffset, p.stages * s.aBytesPerStage],
        [s.bOffset, p.stages * s.bBytesPerStage],
        [s.sfaOffset, p.stages * s.sfaBytesPerStage],
        [s.sfbOffset, p.stages * s.sfbBytesPerStage],
        [s.epilogueOffset, 4 * 2 * 32 * 128],
      ];
      for (let i = 1; i < regions.length; i++) expect(regions[i]![0]).toBeGreaterThanOrEqual(regions[i - 1]![0] + regions[i - 1]![1]);
      for (const off of [s.aOffset, s.bOffset, s.epilogueOffset]) expect(off % 1024).toBe(0);
      expect(s.barrierOffset + (2 * p.stages + 4) * 8 + 4).toBeLessThanOrEqual(s.totalBytes - s.alignmentSlackBytes);
      expect(s.totalBytes).toBeLessThanOrEqual(SM100.smemPerBlockBytes.value);
      // One CTA per SM: at least half of the SM's shared memory is requested.
      expect(2 * s.launchBytes).toBeGreaterThanOrEqual(SM100.smemPerSmBytes.value);
      expect(p.threads).toBe(192);
    }
  });

  it("puts the accumulators, then the scales of every stage, into one power-of-two TMEM allocation", () => {
    const p = planOf(NVFP4_TILE);
    expect(p.tmem.sfaColumn).toBe(2 * 128);
    expect(p.tmem.sfaColumnsPerStage).toBe(4 * 4); // 256 K = 4 scale atoms of 64 K, 4 columns each
    expect(p.tmem.sfbColumn).toBe(p.tmem.sfaColumn + 5 * p.tmem.sfaColumnsPerStage);
    expect(p.tmem.columnsUsed).toBe(p.tmem.sfbColumn + 5 * p.tmem.sfbColumnsPerStage);
    expect(p.tmem.allocColumns).toBe(512);
    const dense = planOf({});
    expect([dense.tmem.columnsUsed, dense.tmem.allocColumns]).toEqual([512, 512]);
    expect(planOf({ mma: [128, 16, 64], out: "fp32" }).tmem.allocColumns).toBe(32);
  });

  it("encodes the instruction descriptor of each kind from the spec", () => {
    const bf16 = decodeSm100InstrDescriptor("f16", Number(literal(planOf({}).mma.instrDescriptors[0]!)));
    expect(bf16).toMatchObject({ kind: "f16", dtype: "f32", aType: "bf16", bType: "bf16", m: 128, n: 256, aMajor: "K", bMajor: "K" });
    const fp8 = decodeSm100InstrDescriptor("f8f6f4", Number(literal(planOf({ a: "e4m3", b: "e5m2", mma: [128, 64, 128] }).mma.instrDescriptors[0]!)));
    expect(fp8).toMatchObject({ aType: "e4m3", bType: "e5m2", m: 128, n: 64 });
    const nv = planOf(NVFP4_TILE).mma;
    expect(nv.instrDescriptors).toHaveLength(1);
    expect(decodeSm100InstrDescriptor("mxf4nvf4", Number(literal(nv.instrDescriptors[0]!)))).toMatchObject({
      scaleType: "ue4m3",
      scaleFactorAId: 0,
      scaleFactorBId: 0,
      m: 128,
      n: 128,
    });
    // MXFP8: four MMAs of K 32 read one atom of 4 scale columns, each its byte.
    const mx = planOf(MXFP8_PAIR).mma;
    expect(mx.instrDescriptors.map((d) => decodeSm100InstrDescriptor("mxf8f6f4", Number(literal(d))).scaleFactorAId)).toEqual([0, 1, 2, 3]);
    expect(decodeSm100InstrDescriptor("mxf8f6f4", Number(literal(mx.instrDescriptors[3]!)))).toMatchObject({ m: 256, n: 128, scaleType: "ue8m0", scaleFactorBId: 3 });
  });

  it("uses the K-major 128-byte-swizzle operand descriptor and an unswizzled one for scale atoms", () => {
    const p = planOf(NVFP4_TILE);
    expect(literal(p.mma.smemDescriptor)).toBe(sm100KMajorSwizzle128Descriptor());
    if (p.scale === false) throw new Error("NVFP4 plan without scales");
    expect(decodeSm100SmemDescriptor(literal(p.scale.copyDescriptor))).toMatchObject({ swizzle: "none", strideByteOffset: 128, startAddress: 0 });
  });

  it("picks the MMA instruction, its CCCL wrapper and the SASS it becomes", () => {
    expect([planOf({}).mma.instruction, planOf({}).mma.sass]).toEqual(["tcgen05.mma.cta_group::1.kind::f16", "UTCHMMA"]);
    expect(planOf({ a: "e4m3", mma: [128, 128, 128] }).mma.sass).toBe("UTCQMMA");
    const nv = planOf(NVFP4_TILE).mma;
    expect([nv.instruction, nv.call, nv.sass, nv.kBytes]).toEqual([
      "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.scale_vec::4X",
      "tcgen05_mma_block_scale_vec_4x",
      "UTCOMMA",
      32,
    ]);
    const mx = planOf(MXFP8_PAIR).mma;
    expect([mx.instruction, mx.call, mx.sass]).toEqual([
      "tcgen05.mma.cta_group::2.kind::mxf8f6f4.block_scale.scale_vec::1X",
      "tcgen05_mma_block_scale_vec_1x",
      "UTCQMMA",
    ]);
  });

  it("moves e2m1 through TMA as bytes, two values each", () => {
    const p = planOf(NVFP4_TILE);
    expect([p.tma.packing, p.tma.elementBytes, p.tma.boxColumns, p.smem.kPerSwizzleAtom]).toEqual([2, 1, 128, 256]);
    expect(planOf({}).tma).toMatchObject({ packing: 1, elementBytes: 2, boxColumns: 64 });
  });

  it("splits B between the CTAs of a pair and counts both CTAs' bytes on the leader", () => {
    const p = planOf(BF16_PAIR);
    expect(p.ctaPair).toBe(true);
    expect(p.tile.m).toBe(128);
    expect(p.tma).toMatchObject({ aSliceRows: 128, bSliceRows: 128, bRowsPerCta: 128, multicastA: false, multicastB: false });
    expect(p.tma.txBytesPerStage).toBe(2 * (p.smem.aBytesPerStage + p.smem.bBytesPerStage));
    const q = planOf({ mma: [128, 128, 64], cluster: [2, 2], stages: 6 });
    expect(q.tma).toMatchObject({ aSliceRows: 64, bSliceRows: 64, bRowsPerCta: 128, multicastA: true, multicastB: true });
  });
});

describe("sm_100a dual GEMM plan", () => {
  const NVFP4_DUAL: Sm100SpecOptions = { ...NVFP4_TILE, dual: true, stages: 3 };

  it("holds A, B1, B2 and the scales of all three per stage, without overlap", () => {
    const p = planOf(NVFP4_DUAL);
    const s = p.smem;
    expect(p.dual).toBe(true);
    const regions: [number, number][] = [
      [s.aOffset, 3 * s.aBytesPerStage],
      [s.bOffset, 3 * s.bBytesPerStage],
      [s.b2Offset, 3 * s.bBytesPerStage],
      [s.sfaOffset, 3 * s.sfaBytesPerStage],
      [s.sfbOffset, 3 * s.sfbBytesPerStage],
      [s.sfb2Offset, 3 * s.sfbBytesPerStage],
      [s.epilogueOffset, 4 * 2 * 32 * 128],
    ];
    for (let i = 1; i < regions.length; i++) expect(regions[i]![0]).toBe(regions[i - 1]![0] + regions[i - 1]![1]);
    expect(s.b2Offset % 1024).toBe(0);
    // 128 rows × 128 bytes of A, B1, B2; 4 scale atoms of 512 bytes for each.
    expect(p.tma.txBytesPerStage).toBe(3 * 128 * 128 + 3 * 4 * 512);
    expect(s.totalBytes).toBeLessThanOrEqual(SM100.smemPerBlockBytes.value);
  });

  it("keeps one accumulator stage of two products when two would crowd out the scales", () => {
    const p = planOf(NVFP4_DUAL);
    expect(p.tmem.accumulatorStages).toBe(1);
    expect(p.tmem.accumulatorColumnsPerStage).toBe(2 * 128);
    expect(p.tmem.sfaColumn).toBe(256);
    expect(p.tmem.sfbColumn).toBe(256 + 3 * 16);
    expect(p.tmem.sfb2Column).toBe(p.tmem.sfbColumn + 3 * 16);
    expect(p.tmem.columnsUsed).toBe(p.tmem.sfb2Column + 3 * 16);
    // Without scales two stages of two 128-column products fill the 512 columns exactly.
    const bf16 = planOf({ dual: true, mma: [128, 128, 64], stages: 4 });
    expect(bf16.tmem).toMatchObject({ accumulatorStages: 2, accumulatorColumnsPerStage: 256, columnsUsed: 512 });
    // A plain GEMM keeps its layout: no B2 region, one product per accumulator stage.
    const plain = planOf(NVFP4_TILE);
    expect(plain.dual).toBe(false);
    expect(plain.smem.b2Offset).toBe(plain.smem.sfaOffset);
    expect(plain.tmem.accumulatorColumnsPerStage).toBe(128);
  });

  it("issues both products per k-step, copies B2's scales and gates in the epilogue", () => {
    const cu = cudaOf(NVFP4_DUAL);
    const mmas = cu.match(/ptx::tcgen05_mma_block_scale_vec_4x\(/g) ?? [];
    expect(mmas).toHaveLength(2);
    expect(cu).toContain("d2_tmem, desc_a, desc_b2,");
    expect(cu).toContain("sfb2_tmem + scale_atom * kSfbRowBlocks * kScaleAtomColumns, accumulate);");
    expect(cu).toContain("scale_atom_descriptor(smem + kSmemSfb2 + stage * kSfbBytesPerStage");
    expect(cu).toContain("map_sfb2, sfb_coords,");
    expect(cu).toContain("map_b2, b_coords, &full[stage]);");
    expect(cu).toContain("tcgen05_ld_32x32b_x64(v2, taddr + kTileN + chunk * kEpilogueColumns);");
    expect(cu).toContain("v[i] = __float_as_uint(silu_mul(__uint_as_float(v[i]), __uint_as_float(v2[i])));");
    expect(cu).toContain("maps.a, maps.b, maps.b2, scales.sfa, scales.sfb, scales.sfb2, maps.d");
    expect(cu).toContain("/*op=*/GK_OP_DUAL_GEMM_SILU_MUL");
    expect(cu).toContain("GK-B2:");
    const dense = cudaOf({ dual: true, mma: [128, 128, 64], stages: 4 });
    expect(dense.match(/ptx::tcgen05_mma\(/g) ?? []).toHaveLength(2);
    expect(dense).not.toContain("sfb2");
    const plain = cudaOf(NVFP4_TILE);
    for (const text of ["b2", "silu_mul", "v2["]) expect(plain).not.toContain(text);
  });
});

describe("sm_100a emit", () => {
  it("is deterministic: same config, same bytes", () => {
    expect(cudaOf(NVFP4_TILE)).toBe(cudaOf(NVFP4_TILE));
  });

  it("prints the plan's numbers and calls into the kernel", () => {
    const p = planOf(NVFP4_TILE);
    const cu = emit(p);
    expect(cu).toContain(`constexpr uint32_t kSmemBytes = ${p.smem.launchBytes};`);
    expect(cu).toContain(`constexpr uint32_t kTmemColumns = ${p.tmem.allocColumns};`);
    expect(cu).toContain(p.mma.instrDescriptors[0]);
    expect(cu).toContain(p.mma.smemDescriptor);
    expect(cu).toContain("ptx::tcgen05_mma_block_scale_vec_4x(ptx::kind_mxf4nvf4, ptx::cta_group_1");
    expect(cu).toContain("ptx::tcgen05_cp_32x128b_warpx4(ptx::cta_group_1");
    expect(cu).toContain("tcgen05_ld_32x32b_x64(v, taddr + chunk * kEpilogueColumns)");
    expect(cu).toContain("ptx::tcgen05_alloc(ptx::cta_group_1");
    expect(cu).toContain("ptx::tcgen05_relinquish_alloc_permit(ptx::cta_group_1)");
    expect(cu).toContain("ptx::tcgen05_dealloc(ptx::cta_group_1");
    expect(cu).toContain("GK-SCALES");
    expect(cu).toContain("encode_scale_tensor_map");
  });

  it("emits scale code only for block-scaled kernels, pair code only for pairs, multicast only for clusters", () => {
    const dense = cudaOf({});
    expect(dense).not.toContain("tcgen05_cp");
    expect(dense).not.toContain("tmap_sfa");
    expect(dense).not.toContain("GK-SCALES");
    expect(dense).toContain("ptx::tcgen05_mma(ptx::kind_f16, ptx::cta_group_1");
    expect(dense).not.toContain("barrier_cluster_arrive");
    expect(dense).not.toContain("commit_multicast");
    const pair = cudaOf(BF16_PAIR);
    expect(pair).toContain("cp.async.bulk.tensor.2d.cta_group::2.shared::cluster");
    expect(pair).toContain("ptx::tcgen05_commit_multicast(ptx::cta_group_2, &empty[stage], static_cast<uint16_t>(0b11))");
    expect(pair).toContain("mbarrier_arrive_shared_cluster(&tmem_empty[acc], 0)");
    expect(pair).toContain("ptx::tcgen05_alloc(ptx::cta_group_2");
    expect(pair).not.toContain("b_mask");
    const clustered = cudaOf({ mma: [128, 128, 64], cluster: [2, 1], stages: 6 });
    expect(clustered).toContain("b_mask");
    expect(clustered).not.toContain("a_mask");
    expect(clustered).toContain("ptx::tcgen05_commit_multicast(ptx::cta_group_1, &empty[stage]");
    const mx = cudaOf(MXFP8_PAIR);
    expect(mx).toContain("ptx::tcgen05_mma_block_scale_vec_1x(ptx::kind_mxf8f6f4, ptx::cta_group_2");
    expect(mx).toContain("cp.async.bulk.tensor.3d.cta_group::2.shared::cluster");
  });

  it("checks e2m1 strides and the scale pointers in gk_check", () => {
    const cu = cudaOf(NVFP4_TILE);
    expect(cu).toMatch(/TMA-STRIDE: %se2m1 rows .* lda and ldb must be multiples of 32/);
    expect(cudaOf({ a: "e4m3", scale: MXFP8, mma: [128, 128, 128] })).not.toContain("e2m1 rows");
  });

  it("reads like hand-written CUDA: no unrendered template text, no runs of blank lines", () => {
    for (const o of [{}, NVFP4_TILE, MXFP8_PAIR, BF16_PAIR]) {
      const cu = cudaOf(o);
      expect(cu).not.toMatch(/\{\{|\}\}/);
      expect(cu).not.toMatch(/\n\s*\n\s*\n/);
    }
  });
});

// The generated sm_100a kernels: tcgen05 instructions in their PTX (nvcc, always), and in their SASS
// where cuobjdump is installed (UTCHMMA for kind::f16, UTCQMMA for f8f6f4 and mxf8f6f4, UTCOMMA for
// mxf4nvf4, UTCCP for tcgen05.cp, LDTM for tcgen05.ld; ../shared/docs/hardware-facts.md).
describe("generated sm_100a kernels", () => {
  const root = process.cwd();
  let toolchain: Toolchain;
  let cuobjdump: string | null;
  let work: string;
  beforeAll(async () => {
    toolchain = await findToolchain();
    cuobjdump = await findCuobjdump(toolchain.cudaRoot);
    work = mkdtempSync(join(tmpdir(), "gemmkit-sm100-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // The tensor-core kernels; an sm_100a GEMV is the SIMT kernel (checked for the absence of tcgen05 below).
  const sm100 = readManifest(join(root, "generated", "manifest.json")).kernels.filter((k) => k.target === "sm_100a");
  const kernels = sm100.filter((k) => k.op !== "gemv");
  const gemvs = sm100.filter((k) => k.op === "gemv");
  const expected: Record<string, { ptx: RegExp[]; sass: string[] }> = {
    f16: { ptx: [/tcgen05\.mma\.cta_group::[12]\.kind::f16 /], sass: ["UTCHMMA", "LDTM"] },
    f8f6f4: { ptx: [/tcgen05\.mma\.cta_group::[12]\.kind::f8f6f4 /], sass: ["UTCQMMA", "LDTM"] },
    mxf8f6f4: {
      ptx: [/tcgen05\.mma\.cta_group::[12]\.kind::mxf8f6f4\.block_scale\.scale_vec::1X /, /tcgen05\.cp\.cta_group::[12]\.32x128b\.warpx4 /],
      sass: ["UTCQMMA", "UTCCP", "LDTM"],
    },
    mxf4nvf4: {
      ptx: [/tcgen05\.mma\.cta_group::[12]\.kind::mxf4nvf4\.block_scale\.scale_vec::4X /, /tcgen05\.cp\.cta_group::[12]\.32x128b\.warpx4 /],
      sass: ["UTCOMMA", "UTCCP", "LDTM"],
    },
  };
  // The header comment's MMA line names the tcgen05.mma kind.
  const kindOf = (file: string): string => /^\/\/ {3}MMA [^\n]*kind::([a-z0-9]+)/m.exec(readFileSync(join(root, file), "utf8"))![1]!;

  it("has NVFP4, MXFP8, fp8 and bf16 kernels, one of them on a CTA pair", () => {
    const kinds = kernels.map((k) => kindOf(k.file));
    expect(new Set(kinds)).toEqual(new Set(["f16", "f8f6f4", "mxf8f6f4", "mxf4nvf4"]));
    expect(kernels.some((k) => readFileSync(join(root, k.file), "utf8").includes("cta_group::2"))).toBe(true);
  });

  it.each(kernels.map((k) => [basename(k.file), k.file] as const))("%s: tcgen05 in the PTX, and in the SASS where cuobjdump exists", async (_name, file) => {
    const kind = kindOf(file);
    const e = expected[kind]!;
    const ptx = join(work, `${basename(file)}.ptx`);
    const flags = compileFlags("sm_100a").filter((f) => f !== "-Xptxas" && f !== "-v");
    const r = await execa(toolchain.nvcc, [...flags, "-ptx", file, "-o", ptx], { cwd: root, reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(r.all);
    const text = readFileSync(ptx, "utf8");
    for (const re of [...e.ptx, /tcgen05\.ld\.sync\.aligned\.32x32b\./, /tcgen05\.commit\./, /tcgen05\.alloc\./]) expect(text, `${file}: ${re}`).toMatch(re);
    if (cuobjdump === null) return; // CI has nvcc but no cuobjdump: the PTX above is the check there
    const object = join(work, `${basename(file)}.o`);
    const c = await execa(toolchain.nvcc, [...flags, "-c", file, "-o", object], { cwd: root, reject: false, all: true });
    if (c.exitCode !== 0) throw new Error(c.all);
    const counts = countTensorSass(await sassOf(cuobjdump, object));
    for (const op of e.sass) expect(counts[op as keyof typeof counts] ?? 0, `${file}: ${op}`).toBeGreaterThan(0);
  });

  it("has an NVFP4 dual GEMM whose PTX issues both products: twice the MMAs and TMEM loads of the plain GEMM of its tile", async () => {
    const flags = compileFlags("sm_100a").filter((f) => f !== "-Xptxas" && f !== "-v");
    const count = async (file: string): Promise<{ mma: number; cp: number; ld: number }> => {
      const ptx = join(work, `${basename(file)}.count.ptx`);
      const r = await execa(toolchain.nvcc, [...flags, "-ptx", file, "-o", ptx], { cwd: root, reject: false, all: true });
      if (r.exitCode !== 0) throw new Error(r.all);
      const text = readFileSync(ptx, "utf8");
      const n = (re: RegExp): number => (text.match(re) ?? []).length;
      return { mma: n(/tcgen05\.mma\./g), cp: n(/tcgen05\.cp\./g), ld: n(/tcgen05\.ld\./g) };
    };
    // Both 128×128×256 NVFP4: per stage 4 MMAs and 4 + 4 scale copies; the dual adds B2's 4 of each.
    const [plain, dual] = await Promise.all([count("generated/gemm_nvfp4_m128_sm100.cu"), count("generated/dual_gemm_nvfp4_sm100.cu")]);
    expect(plain.mma).toBeGreaterThan(0);
    expect(dual).toEqual({ mma: 2 * plain.mma, cp: (3 * plain.cp) / 2, ld: 2 * plain.ld });
  });

  it("has a SIMT GEMV (NVFP4) whose PTX has no tensor-core or TMA instruction", async () => {
    expect(gemvs.map((k) => k.name)).toContain("gemv_nvfp4_sm100");
    for (const k of gemvs) {
      const ptx = join(work, `${basename(k.file)}.ptx`);
      const flags = compileFlags("sm_100a").filter((f) => f !== "-Xptxas" && f !== "-v");
      const r = await execa(toolchain.nvcc, [...flags, "-ptx", k.file, "-o", ptx], { cwd: root, reject: false, all: true });
      if (r.exitCode !== 0) throw new Error(r.all);
      const text = readFileSync(ptx, "utf8");
      expect(text, k.file).not.toMatch(/tcgen05|wgmma|cp\.async\.bulk|setmaxnreg/);
      expect(text, k.file).toMatch(/dp4a\.s32\.s32/);
    }
  });
});
