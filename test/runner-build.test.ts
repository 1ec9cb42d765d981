// The runner (plain CUDA C++, runner/build.sh) compiles and links around a generated kernel with an
// epilogue, with the baseline build.sh picks (cuBLAS where its headers and libraries exist, else the
// stub), and the binary starts: `--probe` exits 0 on a GPU machine and 3 (no device) elsewhere.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "gemmkit-runner-build-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("runner/build.sh", () => {
  it("builds the runner around gemv_bf16_epilogue, and the binary starts", async () => {
    const binary = join(work, "gemv_bf16_epilogue");
    const build = await execa("bash", ["runner/build.sh", "generated/gemv_bf16_epilogue.cu", binary], { reject: false, all: true });
    expect(build.exitCode, build.all).toBe(0);
    expect(build.all ?? "").not.toMatch(/warning/i);
    const probe = await execa(binary, ["--probe"], { reject: false, all: true });
    expect([0, 3], probe.all).toContain(probe.exitCode);
  });
});
