// gk_check of a block-scaled sm_100a kernel refuses bad arguments before launch, naming the rule:
// the NVFP4 kernel of generated/ driven on the host (no GPU) by test/support/check_refusals_sm100.cu.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFlags, findToolchain } from "../src/cli/nvcc.js";

const root = process.cwd();
let work: string;
let messages: Map<string, string>;
let dualMessages: Map<string, string>;

/** Builds the host driver against a generated kernel and returns its "case|message" lines. */
async function refusalsOf(kernel: string, defines: string[] = []): Promise<Map<string, string>> {
  const { nvcc } = await findToolchain();
  const binary = join(work, `check_refusals_${kernel}`);
  const flags = compileFlags("sm_100a").filter((f) => f !== "-Xptxas" && f !== "-v");
  const build = await execa(nvcc, [...flags, ...defines, `generated/${kernel}.cu`, "test/support/check_refusals_sm100.cu", "-o", binary], {
    cwd: root,
    reject: false,
    all: true,
  });
  if (build.exitCode !== 0) throw new Error(`nvcc failed:\n${build.all}`);
  const run = await execa(binary, [], { reject: false, all: true });
  if (run.exitCode !== 0) throw new Error(`${binary} failed:\n${run.all}`);
  return new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string]));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gemmkit-refusals-sm100-"));
  [messages, dualMessages] = await Promise.all([
    refusalsOf("gemm_nvfp4_m128_sm100"),
    refusalsOf("dual_gemm_nvfp4_sm100", ["-DGK_REFUSALS_DUAL"]),
  ]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("gk_check of a block-scaled sm_100a kernel", () => {
  it("reports its scale dtype and vector in gk_kernel_info", () => {
    expect(messages.get("info")).toBe("5 6 16"); // GK_E2M1, GK_UE4M3, one scale per 16
  });

  it.each([
    ["no_sfa", /^GK-SCALES: gemm_nvfp4_m128_sm100 is block-scaled \(NVFP4\): sfa and sfb must point to the ue4m3 scales/],
    ["misaligned_sfb", /^TMA-ALIGN: the scales sfa and sfb must start on 16-byte boundaries/],
    ["k_stride", /^TMA-STRIDE: e2m1 rows of A and B .* lda and ldb must be multiples of 32/],
    ["odd_k", /^GK-SHAPE: gemm_nvfp4_m128_sm100 reads e2m1 two values per byte, so K must be even/],
    ["dtype", /^GK-DTYPE: gemm_nvfp4_m128_sm100 was built for A e2m1, B e2m1, D fp16 but was given A e4m3/],
  ])("refuses %s", (name, pattern) => {
    expect(messages.get(name)).toMatch(pattern);
  });

  it("accepts valid arguments (up to the driver check, which a machine without a GPU driver fails)", () => {
    expect(messages.get("valid")).toMatch(/^(accepted|GK-DRIVER: )/);
  });
});

describe("gk_check of a block-scaled sm_100a dual GEMM", () => {
  it("reports the dual op and its scales in gk_kernel_info", () => {
    expect(dualMessages.get("op")).toBe("1"); // GK_OP_DUAL_GEMM_SILU_MUL
    expect(dualMessages.get("info")).toBe("5 6 16");
  });

  it.each([
    ["no_b2", /^GK-B2: dual_gemm_nvfp4_sm100 is a dual GEMM .*b2 must point to B2/],
    ["no_sfb2", /^GK-SCALES: dual_gemm_nvfp4_sm100 is a block-scaled dual GEMM \(NVFP4\): sfb2 must point to the ue4m3 scales of B2/],
    ["misaligned_sfb2", /^TMA-ALIGN: the scales sfb2 of B2 must start on a 16-byte boundary/],
    ["ldb2_stride", /^TMA-STRIDE: e2m1 rows of B2 are ldb2 \/ 2 bytes.*got ldb2=528/],
    ["ldb2_short", /^GK-STRIDE: need ldb2 >= K; got ldb2=256 \(K=512\)/],
    ["no_sfa", /^GK-SCALES: dual_gemm_nvfp4_sm100 is block-scaled \(NVFP4\): sfa and sfb must point/],
  ])("refuses %s", (name, pattern) => {
    expect(dualMessages.get(name)).toMatch(pattern);
  });

  it("accepts valid arguments (up to the driver check)", () => {
    expect(dualMessages.get("valid")).toMatch(/^(accepted|GK-DRIVER: )/);
  });
});
