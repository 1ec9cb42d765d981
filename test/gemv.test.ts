// GEMV (op kind "gemv"): plan, emit and nvcc builds of a sample of valid configs (no GPU needed).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "../src/codegen/emit.js";
import { planGemvKernel } from "../src/codegen/plan.js";
import { compileFlags, findToolchain, type Toolchain } from "../src/cli/nvcc.js";
import { parsePtxasReport } from "../src/cli/ptxas.js";
import { formatViolation, validate } from "../src/dsl/validate.js";
import type { EpilogueOptions, GemvSpec, Target } from "../src/dsl/types.js";
import { defineGemv, gemv, store } from "../src/dsl/index.js";

function spec(
  o: {
    a?: "bf16" | "fp16" | "e4m3" | "e5m2" | "e2m1";
    out?: "bf16" | "fp16" | "fp32";
    target?: Target;
    warps?: number;
    rowsPerWarp?: number;
    unroll?: number;
    splitK?: number;
    epilogue?: EpilogueOptions;
  } = {},
): GemvSpec {
  const a = o.a ?? "bf16";
  // e2m1 is NVFP4: a ue4m3 scale per 16 K elements.
  const scale = a === "e2m1" ? { scale: { dtype: "ue4m3", vector: 16 } as const } : {};
  return {
    name: "gemv_test",
    target: o.target ?? "sm_90a",
    op: { kind: "gemv", a, b: a, out: o.out ?? "bf16", accumulator: "fp32", ...scale },
    tiler: { warps: o.warps ?? 8, rowsPerWarp: o.rowsPerWarp ?? 2, unroll: o.unroll ?? 4, splitK: o.splitK ?? 4 },
    epilogue: { kind: "store", ...o.epilogue },
    problems: [{ m: 4096, k: 7168, l: 8 }],
  };
}

function planOf(s: GemvSpec) {
  const r = validate(s);
  if (!r.ok) throw new Error(r.violations.map(formatViolation).join("\n"));
  return planGemvKernel({ spec: r.kernel.spec, budget: r.kernel.budget, source: "kernels/test.ts" });
}

describe("defineGemv", () => {
  it("fills in l = 1 and keeps the tiler", () => {
    const s = defineGemv({
      name: "g",
      target: "sm_90a",
      op: gemv({ a: "fp16", out: "fp32" }),
      tiler: { warps: 4, rowsPerWarp: 1, unroll: 8, splitK: 1 },
      epilogue: store(),
      problems: [{ m: 100, k: 64 }, { m: 8, k: 8, l: 3 }],
    });
    expect(s.op).toEqual({ kind: "gemv", a: "fp16", b: "fp16", out: "fp32", accumulator: "fp32" });
    expect(s.problems).toEqual([{ m: 100, k: 64, l: 1 }, { m: 8, k: 8, l: 3 }]);
    expect(validate(s).ok).toBe(true);
  });
});

describe("GEMV plan and emit", () => {
  it("derives rows per block, K per step and the split from the tiler", () => {
    const p = planOf(spec());
    expect(p).toMatchObject({ template: "sm90/gemv.cu.hbs", threads: 256, rowsPerBlock: 16, kPerStep: 1024, vector: 8, splitK: 4, split: true });
    expect(p.toFloat2).toBe("__bfloat1622float2");
    expect(planOf(spec({ a: "fp16" })).toFloat2).toBe("__half22float2");
  });

  it("is deterministic and prints the plan's choices and the GEMV ABI", () => {
    const cuda = emit(planOf(spec()));
    expect(emit(planOf(spec()))).toBe(cuda);
    expect(cuda).toContain("constexpr int kRowsPerBlock = 16;");
    expect(cuda).toContain("constexpr int kUnroll = 4;");
    expect(cuda).toContain("/*op=*/GK_OP_GEMV");
    expect(cuda).toContain("GEMV-ALIGN-LDA");
    expect(cuda).toContain("GEMV-ALIGN-PTR");
    expect(cuda).toContain("atomicAdd(partials");
  });

  it("plans fp8: 16 values per load, eight pairs decoded with the dtype's <cuda_fp8.h> interpretation", () => {
    const p = planOf(spec({ a: "e4m3" }));
    expect(p).toMatchObject({ vector: 16, kPerStep: 2048, toFloat2: "", scale: false, fp8Header: true, abi: { scale: "GkDType{}", scaleVector: 0 } });
    expect(p.fp8).toEqual({ interpretation: "__NV_E4M3", pairs: 8 });
    expect(p.types.a.abi).toBe("GK_E4M3");
    expect(planOf(spec({ a: "e5m2", out: "fp32" })).fp8).toEqual({ interpretation: "__NV_E5M2", pairs: 8 });
    // Neither the 16-bit nor the NVFP4 GEMV decodes fp8 data; only NVFP4 (its ue4m3 scales) includes <cuda_fp8.h>.
    expect(planOf(spec()).fp8).toBe(false);
    expect(planOf(spec()).fp8Header).toBe(false);
    expect(planOf(spec({ a: "e2m1" }))).toMatchObject({ fp8: false, fp8Header: true });
  });

  it("prints the fp8 decode (CUDA's conversion intrinsics, no PTX of its own) and the 16-element K rules, deterministically", () => {
    const cuda = emit(planOf(spec({ a: "e4m3" })));
    expect(emit(planOf(spec({ a: "e4m3" })))).toBe(cuda);
    expect(cuda).toContain("#include <cuda_fp8.h>");
    expect(cuda).toContain("using ElementA = __nv_fp8_e4m3;");
    expect(cuda).toContain("constexpr GkDType kTypeA = GK_E4M3;");
    expect(cuda).toContain("constexpr int kVector = 16;");
    expect(cuda).toContain("constexpr int kPairs = 8;");
    expect(cuda).toContain("__half2(__nv_cvt_fp8x2_to_halfraw2(static_cast<__nv_fp8x2_storage_t>(bits), __NV_E4M3))");
    expect(cuda).toContain("return __half22float2(h);");
    expect(cuda).toContain("f[2 * i + 1] = fp8x2_to_float2(w[i] >> 16);");
    expect(cuda).toContain("acc[r] = dot_fp8(acc[r], av[r][u], bf);");
    expect(cuda).toContain("acc[r] = dot_fp8(acc[r], load_streaming(reinterpret_cast<const uint4*>(rows[r]) + v), bf);");
    expect(cuda).toContain("Each 16-byte load is 16 e4m3 values");
    expect(cuda).toContain("GEMV-ALIGN-K: K must be a multiple of %d");
    expect(cuda).toContain("/*scale=*/GkDType{}, /*scale_vector=*/0, /*op=*/GK_OP_GEMV");
    // The only inline PTX is the streaming load; none of the 16-bit or NVFP4 helpers.
    expect(cuda.match(/asm/g)).toHaveLength(1);
    for (const s of ["dot8(", "float2 to_float2(", "prmt", "__dp4a", "scale_offset", "GK-SCALES"]) expect(cuda).not.toContain(s);
    // e5m2 differs in the interpretation and the dtype names only.
    const e5m2 = emit(planOf(spec({ a: "e5m2" })));
    expect(e5m2).toContain("__NV_E5M2))");
    expect(e5m2).not.toContain("__NV_E4M3");
    // The 16-bit kernel has none of the fp8 helpers.
    const plain = emit(planOf(spec()));
    for (const s of ["dot_fp8", "kPairs", "__nv_cvt_fp8x2_to_halfraw2", "cuda_fp8.h"]) expect(plain).not.toContain(s);
  });

  it("plans NVFP4: 32 e2m1 per load, two scale blocks, the decode tables and the scale ABI", () => {
    const p = planOf(spec({ a: "e2m1", out: "fp16" }));
    expect(p).toMatchObject({ vector: 32, kPerStep: 4096, toFloat2: "", abi: { scale: "GK_UE4M3", scaleVector: 16 } });
    expect(p.scale).toMatchObject({ format: "NVFP4", dtype: "ue4m3", vector: 16, blocksPerLoad: 2, atom: { rows: 128, columns: 4, bytes: 512 } });
    expect(planOf(spec()).scale).toBe(false);
    expect(planOf(spec()).abi).toEqual({ scale: "GkDType{}", scaleVector: 0 });
  });

  it("prints the NVFP4 decode, the blocked-layout helper and the scale checks, deterministically", () => {
    const cuda = emit(planOf(spec({ a: "e2m1", out: "fp16" })));
    expect(emit(planOf(spec({ a: "e2m1", out: "fp16" })))).toBe(cuda);
    expect(cuda).toContain("constexpr uint32_t kTwiceLo = 0x03020100u, kTwiceHi = 0x0C080604u;");
    expect(cuda).toContain("constexpr uint32_t kMinusTwiceLo = 0xFDFEFF00u, kMinusTwiceHi = 0xF4F8FAFCu;");
    expect(cuda).toContain('asm("prmt.b32 %0, %1, %2, %3;"');
    expect(cuda).toContain("prmt(shifted, w, 0x0000D9C8u), prmt(shifted, w, 0x0000FBEAu)");
    expect(cuda).toContain("__device__ __forceinline__ int64_t scale_offset(int row, int col, int atoms)");
    expect(cuda).toContain("(row % 32) * 16 + ((row % kScaleAtomRows) / 32) * 4 + col % kScaleAtomColumns");
    expect(cuda).toContain("__dp4a(");
    expect(cuda).toContain("constexpr int kVector = 32;");
    expect(cuda).toContain("/*scale=*/GK_UE4M3, /*scale_vector=*/16, /*op=*/GK_OP_GEMV");
    expect(cuda).toContain("GK-SCALES:");
    expect(cuda).toContain("#include <cuda_fp8.h>");
    // The 16-bit path's helpers are not there, and the 16-bit kernel has none of the NVFP4 ones.
    expect(cuda).not.toContain("dot8(");
    const plain = emit(planOf(spec()));
    for (const s of ["scale_offset", "prmt", "__dp4a", "GK-SCALES", "cuda_fp8.h"]) expect(plain).not.toContain(s);
  });

  it("emits the same NVFP4 kernel for sm_90a and sm_100a but for the target it names", () => {
    const hopper = emit(planOf(spec({ a: "e2m1" })));
    const blackwell = emit(planOf(spec({ a: "e2m1", target: "sm_100a" })));
    expect(blackwell).toBe(hopper.split('"sm_90a"').join('"sm_100a"').split("on sm_90a").join("on sm_100a"));
    expect(blackwell).not.toMatch(/wgmma|setmaxnreg|tcgen05|cp\.async\.bulk/);
  });

  it("leaves the split-K reduction out when splitK is 1", () => {
    const cuda = emit(planOf(spec({ splitK: 1 })));
    expect(cuda).not.toContain("atomicAdd");
    expect(cuda).toContain("constexpr int kSplitK = 1;");
  });
});

const SAMPLE: Record<string, Parameters<typeof spec>[0]> = {
  gemv_bf16_w8_r2_u4_split4: {},
  gemv_fp16_fp32out_w4_r1_u8: { a: "fp16", out: "fp32", warps: 4, rowsPerWarp: 1, unroll: 8, splitK: 1 },
  gemv_bf16_fp16out_w16_r4_u4_split16: { out: "fp16", warps: 16, rowsPerWarp: 4, unroll: 4, splitK: 16 },
  gemv_bf16_w1_r1_u1: { warps: 1, rowsPerWarp: 1, unroll: 1, splitK: 2 },
  gemv_bf16_epilogue_w16_r4_u4_split16: { warps: 16, rowsPerWarp: 4, unroll: 4, splitK: 16, epilogue: { alpha: true, bias: "fp32", activation: "gelu" } },
  gemv_fp16_fp32out_epilogue_silu: { a: "fp16", out: "fp32", splitK: 1, epilogue: { bias: "fp16", activation: "silu" } },
  // NVFP4: the most loads in flight (4 × 4, 2 × 8), one row × one load, every output dtype, an epilogue.
  gemv_nvfp4_w8_r4_u4_split16: { a: "e2m1", out: "fp16", warps: 8, rowsPerWarp: 4, unroll: 4, splitK: 16 },
  gemv_nvfp4_w4_r2_u8_bf16out: { a: "e2m1", out: "bf16", warps: 4, rowsPerWarp: 2, unroll: 8, splitK: 8 },
  gemv_nvfp4_w1_r1_u1_fp32out: { a: "e2m1", out: "fp32", warps: 1, rowsPerWarp: 1, unroll: 1, splitK: 1 },
  gemv_nvfp4_w16_r1_u8_epilogue: { a: "e2m1", out: "fp16", warps: 16, rowsPerWarp: 1, unroll: 8, splitK: 4, epilogue: { alpha: true, bias: "fp32", activation: "gelu" } },
  gemv_nvfp4_sm100_w4_r4_u4: { a: "e2m1", out: "fp16", target: "sm_100a", warps: 4, rowsPerWarp: 4, unroll: 4, splitK: 8 },
  // fp8: the kernel's tiling (one row × eight loads), the most loads in flight (4 × 4) with every step of
  // the epilogue, e5m2 with fp32 out, one load and no split, and sm_100a.
  gemv_e4m3_w1_r1_u8_split8: { a: "e4m3", warps: 1, rowsPerWarp: 1, unroll: 8, splitK: 8 },
  gemv_e4m3_w8_r4_u4_split16_epilogue: { a: "e4m3", out: "fp16", warps: 8, rowsPerWarp: 4, unroll: 4, splitK: 16, epilogue: { alpha: true, bias: "bf16", activation: "gelu" } },
  gemv_e5m2_w4_r2_u8_fp32out: { a: "e5m2", out: "fp32", warps: 4, rowsPerWarp: 2, unroll: 8, splitK: 4 },
  gemv_e4m3_w2_r1_u1_nosplit: { a: "e4m3", warps: 2, rowsPerWarp: 1, unroll: 1, splitK: 1 },
  gemv_e4m3_sm100_w1_r2_u8: { a: "e4m3", target: "sm_100a", warps: 1, rowsPerWarp: 2, unroll: 8, splitK: 8 },
  gemv_nvfp4_sm100_w2_r2_u8_epilogue: { a: "e2m1", out: "bf16", target: "sm_100a", warps: 2, rowsPerWarp: 2, unroll: 8, splitK: 2, epilogue: { bias: "bf16", activation: "silu" } },
};

describe("a sample of valid GEMV configs", () => {
  let toolchain: Toolchain;
  let work: string;
  beforeAll(async () => {
    toolchain = await findToolchain();
    work = mkdtempSync(join(tmpdir(), "gemmkit-gemv-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(Object.entries(SAMPLE))("%s builds for its target with no spills", async (name, options) => {
    const file = join(work, `${name}.cu`);
    writeFileSync(file, emit(planOf({ ...spec(options), name } as GemvSpec)));
    const object = join(work, `${name}.o`);
    const target = options?.target ?? "sm_90a";
    const r = await execa(toolchain.nvcc, [...compileFlags(target), "-c", file, "-o", object], { cwd: process.cwd(), reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const kernels = parsePtxasReport(r.all ?? "").filter((e) => e.kernel.includes("_kernel"));
    expect(kernels).toHaveLength(1);
    for (const k of kernels) expect([k.spillStores, k.spillLoads, k.stackBytes]).toEqual([0, 0, 0]);
    expect(r.all ?? "").not.toMatch(/warning/);
  });
});

describe("the GEMV's gk_check refuses bad arguments before launch", () => {
  let work: string;
  let messages: Map<string, string>;
  beforeAll(async () => {
    const { nvcc } = await findToolchain();
    work = mkdtempSync(join(tmpdir(), "gemmkit-gemv-refusals-"));
    const binary = join(work, "check_refusals_gemv");
    const flags = compileFlags("sm_90a").filter((f) => f !== "-Xptxas" && f !== "-v");
    const build = await execa(nvcc, [...flags, "generated/gemv_bf16.cu", "test/support/check_refusals_gemv.cu", "-o", binary], { reject: false, all: true });
    if (build.exitCode !== 0) throw new Error(`nvcc failed:\n${build.all}`);
    const run = await execa(binary, [], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`check_refusals_gemv failed:\n${run.all}`);
    messages = new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string]));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    ["op", /^2$/],
    ["valid", /^accepted$/],
    ["batch0", /^accepted$/],
    ["n2", /^GK-GEMV-N: gemv_bf16 is a GEMV: N must be 1/],
    ["k_align", /^GEMV-ALIGN-K: K must be a multiple of 8/],
    ["lda_align", /^GEMV-ALIGN-LDA: the row stride of A \(lda=1028/],
    ["misaligned_a", /^GEMV-ALIGN-PTR: A and B must start on 16-byte boundaries/],
    ["misaligned_b", /^GEMV-ALIGN-PTR: A and B must start on 16-byte boundaries/],
    ["overlap", /^GK-BATCH-STRIDE: batches overlap/],
    ["batch_align", /^GEMV-ALIGN-BATCH: batch_stride_a and batch_stride_b must be multiples of 8/],
    ["workspace", /^GK-WORKSPACE: split-K needs/],
    ["ldd", /^GK-STRIDE: need lda >= K, ldb >= K, ldd >= 1/],
  ])("%s", (name, pattern) => {
    expect(messages.get(name)).toMatch(pattern);
  });
});

describe("the e4m3 GEMV's gk_check asks for 16-element K, lda and batch strides", () => {
  let work: string;
  let messages: Map<string, string>;
  beforeAll(async () => {
    const { nvcc } = await findToolchain();
    work = mkdtempSync(join(tmpdir(), "gemmkit-gemv-e4m3-refusals-"));
    const binary = join(work, "check_refusals_gemv_e4m3");
    const flags = compileFlags("sm_90a").filter((f) => f !== "-Xptxas" && f !== "-v");
    const build = await execa(nvcc, [...flags, "generated/gemv_e4m3.cu", "test/support/check_refusals_gemv.cu", "-o", binary], { reject: false, all: true });
    if (build.exitCode !== 0) throw new Error(`nvcc failed:\n${build.all}`);
    const run = await execa(binary, [], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`check_refusals_gemv (e4m3) failed:\n${run.all}`);
    messages = new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string]));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    ["op", /^2$/],
    ["valid", /^accepted$/],
    ["batch0", /^accepted$/],
    ["n2", /^GK-GEMV-N: gemv_e4m3 is a GEMV: N must be 1/],
    ["k_align", /^GEMV-ALIGN-K: K must be a multiple of 16 \(rows of A are read in 16-byte vectors\); got K=1001/],
    ["lda_align", /^GEMV-ALIGN-LDA: the row stride of A \(lda=1028 × 1 B\) must be a multiple of 16 bytes, so lda must be a multiple of 16/],
    ["misaligned_a", /^GEMV-ALIGN-PTR: A and B must start on 16-byte boundaries/],
    ["misaligned_b", /^GEMV-ALIGN-PTR: A and B must start on 16-byte boundaries/],
    ["overlap", /^GK-BATCH-STRIDE: batches overlap/],
    ["batch_align", /^GEMV-ALIGN-BATCH: batch_stride_a and batch_stride_b must be multiples of 16/],
    ["workspace", /^GK-WORKSPACE: split-K needs/],
    ["ldd", /^GK-STRIDE: need lda >= K, ldb >= K, ldd >= 1/],
  ])("%s", (name, pattern) => {
    expect(messages.get(name)).toMatch(pattern);
  });
});

describe("the NVFP4 GEMV's gk_check refuses bad arguments before launch", () => {
  let work: string;
  let messages: Map<string, string>;
  beforeAll(async () => {
    const { nvcc } = await findToolchain();
    work = mkdtempSync(join(tmpdir(), "gemmkit-gemv-nvfp4-refusals-"));
    const binary = join(work, "check_refusals_gemv_nvfp4");
    const flags = compileFlags("sm_90a").filter((f) => f !== "-Xptxas" && f !== "-v");
    const build = await execa(nvcc, [...flags, "generated/gemv_nvfp4.cu", "test/support/check_refusals_gemv_nvfp4.cu", "-o", binary], { reject: false, all: true });
    if (build.exitCode !== 0) throw new Error(`nvcc failed:\n${build.all}`);
    const run = await execa(binary, [], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`check_refusals_gemv_nvfp4 failed:\n${run.all}`);
    messages = new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string]));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    ["info", /^op 2 a 5 b 5 out 1 scale 6 scale_vector 16$/],
    ["valid", /^accepted$/],
    ["odd_m", /^accepted$/],
    ["batch0", /^accepted$/],
    ["bf16_given", /^GK-DTYPE: gemv_nvfp4 was built for A e2m1, B e2m1, D fp16 but was given A bf16, B bf16, D fp16/],
    ["k_align", /^GEMV-ALIGN-K: K must be a multiple of 32 \(rows of A are read in 16-byte vectors of 32 e2m1 values, two 16-element scale blocks\); got K=1008/],
    ["lda_align", /^GEMV-ALIGN-LDA: the row stride of A \(lda=1040 e2m1, 520 B\) must be a multiple of 16 bytes, so lda must be a multiple of 32/],
    ["misaligned_a", /^GEMV-ALIGN-PTR: A and B must start on 16-byte boundaries/],
    ["batch_align", /^GEMV-ALIGN-BATCH: batch_stride_a and batch_stride_b must be multiples of 32/],
    ["null_sfa", /^GK-SCALES: gemv_nvfp4 is block-scaled \(NVFP4\): sfa and sfb must point to the ue4m3 scales of A and b/],
    ["null_sfb", /^GK-SCALES: gemv_nvfp4 is block-scaled \(NVFP4\)/],
    ["misaligned_sfa", /^GEMV-ALIGN-PTR: the scales sfa and sfb must start on 16-byte boundaries/],
    ["misaligned_sfb", /^GEMV-ALIGN-PTR: the scales sfa and sfb must start on 16-byte boundaries/],
    ["n2", /^GK-GEMV-N: gemv_nvfp4 is a GEMV: N must be 1/],
    ["overlap", /^GK-BATCH-STRIDE: batches overlap/],
    ["workspace", /^GK-WORKSPACE: split-K needs/],
  ])("%s", (name, pattern) => {
    expect(messages.get(name)).toMatch(pattern);
  });
});
