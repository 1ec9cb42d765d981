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
import type { EpilogueOptions, GemvSpec } from "../src/dsl/types.js";
import { defineGemv, gemv, store } from "../src/dsl/index.js";

function spec(
  o: { a?: "bf16" | "fp16"; out?: "bf16" | "fp16" | "fp32"; warps?: number; rowsPerWarp?: number; unroll?: number; splitK?: number; epilogue?: EpilogueOptions } = {},
): GemvSpec {
  const a = o.a ?? "bf16";
  return {
    name: "gemv_test",
    target: "sm_90a",
    op: { kind: "gemv", a, b: a, out: o.out ?? "bf16", accumulator: "fp32" },
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
};

describe("a sample of valid GEMV configs", () => {
  let toolchain: Toolchain;
  let work: string;
  beforeAll(async () => {
    toolchain = await findToolchain();
    work = mkdtempSync(join(tmpdir(), "gemmkit-gemv-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(Object.entries(SAMPLE))("%s builds for sm_90a with no spills", async (name, options) => {
    const file = join(work, `${name}.cu`);
    writeFileSync(file, emit(planOf({ ...spec(options), name } as GemvSpec)));
    const object = join(work, `${name}.o`);
    const r = await execa(toolchain.nvcc, [...compileFlags("sm_90a"), "-c", file, "-o", object], { cwd: process.cwd(), reject: false, all: true });
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
