// Bad input at run time is refused before launch with a message that names the rule: a generated
// kernel's gk_check, driven on the host (no GPU) by test/support/check_refusals.cu.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFlags, findToolchain } from "../src/cli/nvcc.js";

const root = process.cwd();
let work: string;
let messages: Map<string, string>;

beforeAll(async () => {
  const { nvcc } = await findToolchain();
  work = mkdtempSync(join(tmpdir(), "gemmkit-refusals-"));
  const binary = join(work, "check_refusals");
  const flags = compileFlags("sm_90a").filter((f) => f !== "-Xptxas" && f !== "-v");
  const build = await execa(nvcc, [...flags, "generated/gemm_bf16_128x256.cu", "test/support/check_refusals.cu", "-o", binary], { cwd: root, reject: false, all: true });
  if (build.exitCode !== 0) throw new Error(`nvcc failed:\n${build.all}`);
  const run = await execa(binary, [], { reject: false, all: true });
  if (run.exitCode !== 0) throw new Error(`check_refusals failed:\n${run.all}`);
  messages = new Map(run.stdout.split("\n").filter(Boolean).map((line) => line.split("|", 2) as [string, string]));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("gk_check refuses bad arguments before launch", () => {
  it.each([
    ["k_stride", /^TMA-STRIDE: the row stride of A .* multiple of 16 bytes, so K \(or lda\) must be a multiple of 8/],
    ["n_stride", /^TMA-STRIDE: the row stride of D .* so N \(or ldd\) must be a multiple of 8/],
    ["misaligned_a", /^TMA-ALIGN: A, B and D must start on 16-byte boundaries/],
    ["dtype", /^GK-DTYPE: gemm_bf16_128x256 was built for A bf16, B bf16, D bf16 but was given A fp16/],
    ["empty_m", /^GK-SHAPE: M, N and K must be positive; got M=0/],
    ["short_lda", /^GK-STRIDE: need lda >= K/],
  ])("%s", (name, pattern) => {
    expect(messages.get(name)).toMatch(pattern);
  });
});
