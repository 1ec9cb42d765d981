// Grouped GEMM (op kind "groupedGemm"): the generated kernel's gk_check refuses bad groups before
// launch, naming the rule and the group; driven on the host (no GPU) by
// test/support/check_refusals_grouped.cu. Plan and emit checks live here too.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "../src/codegen/emit.js";
import { plan } from "../src/codegen/plan.js";
import { groupShapes } from "../src/dsl/index.js";
import { sm100Budget, sm90Budget } from "../src/dsl/budget.js";
import { NVFP4, sm100Spec } from "./support/sm100Specs.js";
import type { GroupedProblem, KernelSpec } from "../src/dsl/types.js";
import { compileFlags, findToolchain } from "../src/cli/nvcc.js";
import { grouped_gemm_bf16, grouped_gemm_bf16_n176, grouped_gemm_bf16_streamk } from "../kernels/grouped_gemm_bf16.js";
import { grouped_gemm_bf16_epilogue } from "../kernels/grouped_gemm_bf16_epilogue.js";

const root = process.cwd();
let work: string;
let messages: Map<string, string>;

/**
 * Builds test/support/check_refusals_grouped.cu around one generated grouped kernel (host code only,
 * no GPU needed), runs it and returns its "case|message" lines as a map.
 */
async function refusalsOf(kernelFile: string, target: "sm_90a" | "sm_100a", binaryName: string): Promise<Map<string, string>> {
  const { nvcc } = await findToolchain();
  const binary = join(work, binaryName);
  const flags = compileFlags(target).filter((f) => f !== "-Xptxas" && f !== "-v");
  const build = await execa(nvcc, [...flags, kernelFile, "test/support/check_refusals_grouped.cu", "-o", binary], { cwd: root, reject: false, all: true });
  if (build.exitCode !== 0) throw new Error(`nvcc failed:\n${build.all}`);
  const run = await execa(binary, [], { reject: false, all: true });
  if (run.exitCode !== 0) throw new Error(`${binaryName} failed:\n${run.all}`);
  return new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string]));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gemmkit-refusals-grouped-"));
  messages = await refusalsOf("generated/grouped_gemm_bf16.cu", "sm_90a", "check_refusals_grouped");
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("gk_check of a grouped GEMM", () => {
  it("reports the grouped op and its group capacity in gk_kernel_info", () => {
    expect(messages.get("info")).toBe("3 4"); // GK_OP_GROUPED_GEMM, maxGroups 4
  });

  it.each([
    ["zero_groups", /^GK-GROUPS: grouped_gemm_bf16 takes 1 to 4 groups per launch .* got 0$/],
    ["too_many", /^GK-GROUPS: grouped_gemm_bf16 takes 1 to 4 groups per launch .* got 5$/],
    ["null_list", /^GK-GROUPS: group_list is null for 4 groups/],
    ["empty_group", /^GK-SHAPE: group 2: M, N and K must be positive; got M=0 N=4096 K=7168/],
    ["k_stride", /^TMA-STRIDE: group 1: the row stride of A \(lda=1001 × 2 B\) must be a multiple of 16 bytes/],
    ["misaligned_d", /^TMA-ALIGN: group 3: A, B and D must start on 16-byte boundaries/],
    ["ldd", /^GK-STRIDE: group 0: need lda >= K, ldb >= K, ldd >= N; got .* ldd=100/],
    ["dtype", /^GK-DTYPE: grouped_gemm_bf16 was built for A bf16, B bf16, D bf16 but was given A bf16, B bf16, D fp32/],
  ])("refuses %s", (name, pattern) => {
    expect(messages.get(name)).toMatch(pattern);
  });

  it("accepts valid groups, M = 1 among them (up to the driver check, which a machine without a GPU driver fails)", () => {
    expect(messages.get("valid")).toMatch(/^(accepted|GK-DRIVER: )/);
  });

  it("needs no workspace", () => {
    expect(messages.get("workspace")).toMatch(/^(accepted|GK-DRIVER: )/);
  });
});

describe("gk_check of a block-scaled (NVFP4) grouped GEMM on sm_100a", () => {
  let nvfp4: Map<string, string>;
  beforeAll(async () => {
    nvfp4 = await refusalsOf("generated/grouped_nvfp4_sm100.cu", "sm_100a", "check_refusals_grouped_nvfp4");
  });

  it("accepts groups with their scales, and names the group whose scales are missing", () => {
    expect(nvfp4.get("info")).toBe("3 16");
    expect(nvfp4.get("valid")).toMatch(/^(accepted|GK-DRIVER: )/);
    expect(nvfp4.get("no_sfb")).toMatch(/^GK-SCALES: group 1: grouped_nvfp4_sm100 is block-scaled \(NVFP4\): sfa and sfb must point to the ue4m3 scales/);
    // e2m1 rows are lda / 2 bytes: TMA needs lda a multiple of 32.
    expect(nvfp4.get("k_not_32")).toMatch(/^TMA-STRIDE: group 2: e2m1 rows of A and B are lda \/ 2 and ldb \/ 2 bytes/);
  });
});

describe("gk_check of a grouped GEMM with an epilogue bias (one vector per group)", () => {
  let epi: Map<string, string>;
  beforeAll(async () => {
    epi = await refusalsOf("generated/grouped_gemm_bf16_epilogue.cu", "sm_90a", "check_refusals_grouped_epilogue");
  });

  it("accepts groups with their biases, and names the group whose bias is missing or misaligned", () => {
    expect(epi.get("valid")).toMatch(/^(accepted|GK-DRIVER: )/);
    expect(epi.get("no_bias")).toMatch(/^GK-BIAS: group 1: grouped_gemm_bf16_epilogue adds a bias .*: bias must point to it, got null/);
    expect(epi.get("misaligned_bias")).toMatch(/^GK-BIAS: group 2: the bias must start on a 16-byte boundary/);
  });

  it("and a grouped GEMM without a bias ignores the field", () => {
    expect(messages.get("no_bias")).toMatch(/^(accepted|GK-DRIVER: )/);
  });
});

describe("grouped GEMM plan and emit", () => {
  const spec: KernelSpec = grouped_gemm_bf16;

  it("carries the epilogue: a bias pointer per group in the table, alpha as a kernel argument", () => {
    const epilogueSpec: KernelSpec = grouped_gemm_bf16_epilogue;
    const budget = sm90Budget(epilogueSpec);
    // 16 groups × (three 128-byte tensor maps + a 40-byte shape + an 8-byte bias pointer) + 16 bytes of counts.
    expect(budget.groupTableBytes).toBe(Math.ceil((16 * (3 * 128 + 40 + 8) + 16) / 128) * 128);
    expect(budget.groupTableBytes).toBeGreaterThan(sm90Budget(spec).groupTableBytes);
    const cuda = emit(plan({ spec: epilogueSpec, budget, source: "kernels/grouped_gemm_bf16_epilogue.ts" }));
    expect(cuda).toContain("const void* bias[kMaxGroups];");
    expect(cuda).toContain("GroupTable table, float alpha)");
    expect(cuda).toContain("const ElementBias* bias = static_cast<const ElementBias*>(table.bias[tile.group]);");
    expect(cuda).toContain("const int n = table.shape[tile.group].n;");
    expect(cuda).toContain("table.bias[g] = p.bias;");
    expect(cuda).toContain("cudaLaunchKernelEx(&config, grouped_gemm_bf16_epilogue_kernel, table, args->alpha);");
    expect(cuda).toContain("/*activation=*/GK_ACT_SILU,");
    expect(cuda).toContain("/*max_groups=*/kMaxGroups};");
    // sm_100a: the same table entries and kernel argument, read by its epilogue warps.
    const sm100 = sm100Spec({ maxGroups: 8, a: "e2m1", scale: NVFP4, out: "fp16", mma: [128, 128, 256], stages: 4, epilogue: { alpha: true, bias: "fp16", activation: "silu" } });
    const sm100Cuda = emit(plan({ spec: sm100, budget: sm100Budget(sm100), source: "test" }));
    expect(sm100Budget(sm100).groupTableBytes).toBe(Math.ceil((8 * (5 * 128 + 40 + 8) + 16) / 128) * 128);
    expect(sm100Cuda).toContain("GroupTable table, float alpha)");
    expect(sm100Cuda).toContain("const ElementBias* bias = static_cast<const ElementBias*>(table.bias[tile.group]);");
    expect(sm100Cuda).toContain("table.bias[g] = p.bias;");
    // Without an epilogue nothing of it is emitted.
    const plain = emit(plan({ spec, budget: sm90Budget(spec), source: "kernels/grouped_gemm_bf16.ts" }));
    expect(plain).not.toContain("table.bias");
    expect(plain).not.toContain("float alpha");
  });

  it("expands M lists against shared N and K, one shape per group", () => {
    const first = grouped_gemm_bf16_n176.problems[0] as GroupedProblem;
    expect(groupShapes(first)).toEqual([80, 176, 128, 72, 64, 248, 96, 160].map((m) => ({ m, n: 4096, k: 7168 })));
  });

  it("sizes the group table in the plan from the budget, and the emitted struct is checked against it", () => {
    const budget = sm90Budget(spec);
    const p = plan({ spec, budget, source: "kernels/grouped_gemm_bf16.ts" });
    expect(p.grouped).toEqual({ maxGroups: 4, tableBytes: budget.groupTableBytes });
    const cuda = emit(p);
    expect(cuda).toContain(`static_assert(sizeof(GroupTable) == ${budget.groupTableBytes}`);
    expect(cuda).toContain("constexpr int kMaxGroups = 4;");
    expect(cuda).toContain("_kernel(const __grid_constant__ GroupTable table)");
    // The TMA loads and stores take the tile's group's tensor maps.
    expect(cuda).toContain("const CUtensorMap* map_a = &table.a[tile.group];");
    expect(cuda).toContain("const CUtensorMap* map_d = &table.d[tile.group];");
    expect(cuda).not.toContain("split_counters");
  });

  it("with stream-K, takes a workspace and walks equal ranges of (tile, k-block) iterations", () => {
    const sk: KernelSpec = grouped_gemm_bf16_streamk;
    const cuda = emit(plan({ spec: sk, budget: sm90Budget(sk), source: "kernels/grouped_gemm_bf16.ts" }));
    expect(cuda).toContain("_kernel(const __grid_constant__ GroupTable table, float* partials, int* split_counters)");
    expect(cuda).toContain("using Schedule = GroupedStreamKSchedule;");
    expect(cuda).toContain("GK-WORKSPACE: stream-K needs");
  });
});

describe("grouped shapes on the command line and in tables", () => {
  it("parses and prints the runner's group syntax", async () => {
    const { formatShape, parseShape, sameProblem } = await import("../src/cli/manifest.js");
    const p = parseShape("80,176,128x4096x7168");
    expect(p.groups).toEqual([80, 176, 128].map((m) => ({ m, n: 4096, k: 7168 })));
    expect(p.m).toBe(384);
    expect(formatShape(p)).toBe("80,176,128x4096x7168");
    expect(formatShape(parseShape("1,40x256,512x64"))).toBe("1,40x256,512x64");
    // Equal M values stay a list: two groups of 128 rows are not one group.
    expect(formatShape(parseShape("128,128x4096x1536"))).toBe("128,128x4096x1536");
    expect(sameProblem(p, parseShape("80,176,128x4096,4096,4096x7168"))).toBe(true);
    expect(sameProblem(p, parseShape("80,176,129x4096x7168"))).toBe(false);
    expect(() => parseShape("1,2x3,4,5x8")).toThrow(/same length/);
    expect(() => parseShape("0,2x8x8")).toThrow(/positive/);
  });

  it("shows a grouped row with its group count and lists", async () => {
    const { formatRowShape } = await import("../src/cli/table.js");
    expect(formatRowShape({ m: 256, n: 3072, k: 4096, groups: [{ m: 192, n: 3072, k: 4096 }, { m: 64, n: 3072, k: 4096 }] })).toBe("2g [192,64]x3072x4096");
  });
});
