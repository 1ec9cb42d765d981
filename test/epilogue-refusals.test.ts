// gk_check of a kernel whose epilogue adds a bias refuses a null or misaligned bias before launch,
// naming the rule (GK-BIAS), for every op: the epilogue kernels of generated/ driven on the host (no
// GPU) by test/support/check_refusals_epilogue.cu. Also what each reports in gk_kernel_info.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFlags, findToolchain } from "../src/cli/nvcc.js";
import type { ManifestTarget } from "../src/cli/manifest.js";

// Each kernel, its target, and what gk_kernel_info says: op, alpha, bias dtype, bias, activation
// (GkOp, GkDType, GkActivation values of gemmkit_abi.h).
const KERNELS: [string, ManifestTarget, string][] = [
  ["gemm_bf16_epilogue", "sm_90a", "op 0 alpha 1 bias_type 2 bias 1 activation 2"], // fp32 bias, gelu
  ["dual_gemm_bf16_bias", "sm_90a", "op 1 alpha 1 bias_type 0 bias 1 activation 0"], // bf16 bias, no activation
  ["gemv_bf16_epilogue", "sm_90a", "op 2 alpha 1 bias_type 0 bias 1 activation 1"], // bf16 bias, relu
  ["gemm_nvfp4_epilogue_sm100", "sm_100a", "op 0 alpha 1 bias_type 1 bias 1 activation 3"], // fp16 bias, silu
];

const root = process.cwd();
let work: string;
const messages = new Map<string, Map<string, string>>();

beforeAll(async () => {
  const { nvcc } = await findToolchain();
  work = mkdtempSync(join(tmpdir(), "gemmkit-refusals-epilogue-"));
  await Promise.all(
    KERNELS.map(async ([name, target]) => {
      const binary = join(work, name);
      const flags = compileFlags(target).filter((f) => f !== "-Xptxas" && f !== "-v");
      const build = await execa(nvcc, [...flags, `generated/${name}.cu`, "test/support/check_refusals_epilogue.cu", "-o", binary], {
        cwd: root,
        reject: false,
        all: true,
      });
      if (build.exitCode !== 0) throw new Error(`nvcc failed for ${name}:\n${build.all}`);
      const run = await execa(binary, [], { reject: false, all: true });
      if (run.exitCode !== 0) throw new Error(`check_refusals_epilogue (${name}) failed:\n${run.all}`);
      messages.set(name, new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string])));
    }),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(KERNELS)("gk_check of %s (%s)", (name, _target, info) => {
  const get = (c: string): string | undefined => messages.get(name)?.get(c);

  it("reports its epilogue in gk_kernel_info", () => {
    expect(get("info")).toBe(info);
  });

  it("accepts valid arguments, with any alpha (up to the driver check, which a machine without a GPU driver fails)", () => {
    expect(get("valid")).toMatch(/^(accepted|GK-DRIVER: )/);
    expect(get("alpha_zero")).toBe(get("valid"));
  });

  it("refuses a null bias", () => {
    expect(get("no_bias")).toMatch(new RegExp(`^GK-BIAS: ${name} adds a bias \\((bf16|fp16|fp32), [NM] entries, one per (column|row) of D.*\\): bias must point to it, got null$`));
  });

  it("refuses a bias that does not start on a 16-byte boundary", () => {
    expect(get("misaligned_bias")).toMatch(/^GK-BIAS: the bias must start on a 16-byte boundary \(bias=0x600004\)$/);
  });
});
