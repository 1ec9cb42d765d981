// The runner's dual-GEMM self-test kernel (runner/selftest_naive.cu built with -DGK_SELFTEST_DUAL), the
// parts that need no GPU: its GPU script (runner/selftest/dual_selftests.sh) parses; the plain bf16 and the
// NVFP4 dual builds, linked with a host driver (test/support/check_dual_selftest.cu), report op 1 and their
// scales, and their gk_check refuses a missing or misaligned b2 (GK-B2) and, block-scaled, sfb2
// (GK-SCALES) only after its K rules; -DGK_SELFTEST_DUAL_SCALE_BUG does not build without
// -DGK_SELFTEST_DUAL or without block scales. Running the self-tests needs a GPU: runner/README.md.
// The nvcc parts are skipped where nvcc is absent.
//
// GK_DUAL_SELFTEST_SOURCE (default runner/selftest_naive.cu) points the builds at another copy of the
// kernel, e.g. a deliberately broken one under /tmp, to see that these tests catch the breakage.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type Result } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFlags, findToolchain, type Toolchain } from "../src/cli/nvcc.js";

const root = process.cwd();
const script = "runner/selftest/dual_selftests.sh";
const source = process.env.GK_DUAL_SELFTEST_SOURCE ?? "runner/selftest_naive.cu";
const driverSource = "test/support/check_dual_selftest.cu";

const DUAL = "-DGK_SELFTEST_DUAL";
const SCALE_BUG = "-DGK_SELFTEST_DUAL_SCALE_BUG";
// runner/README.md's NVFP4 dual build (bf16 out: silu(G)·U with nvfp4 data overflows fp16).
const NVFP4 = ["-DGK_SELFTEST_A=GK_E2M1", "-DGK_SELFTEST_B=GK_E2M1", "-DGK_SELFTEST_SCALE=GK_UE4M3", "-DGK_SELFTEST_VEC=16", "-DGK_SELFTEST_OUT=GK_BF16"];
const BF16 = ["-DGK_SELFTEST_A=GK_BF16", "-DGK_SELFTEST_B=GK_BF16", "-DGK_SELFTEST_OUT=GK_BF16"];

// The source's own texts for the bug switch used without what it needs.
const NEEDS_DUAL = "GK_SELFTEST_DUAL_SCALE_BUG is a bug of the dual GEMM: build with -DGK_SELFTEST_DUAL too";
const NEEDS_SCALES = "GK_SELFTEST_DUAL_SCALE_BUG needs a block-scaled build (GK_SELFTEST_VEC > 0)";

// gk_check's messages (runner/selftest_naive.cu).
const NULL_B2 = "GK-B2: selftest_naive_dual is a dual GEMM (silu(A·Bᵀ) ⊙ (A·B2ᵀ)): b2 must point to B2 (n x k, K-major), got null";
const MISALIGNED_B2 = "GK-B2: b2 must start on a 16-byte boundary";
const NULL_SFB2 = "GK-SCALES: a block-scaled dual GEMM needs sfb2, the scales of B2 (blocked layout), got null";
const MISALIGNED_SFB2 = "GK-SCALES: sfb2 must start on a 16-byte boundary";
const ODD_K = "e2m1 operands need an even k (two elements per byte)";
const K_VEC = "k must be a multiple of the scale vector (GK_SELFTEST_VEC)";
const ODD_LDB2 = "e2m1 rows must start on a byte: ldb2 even";
const SHORT_LDB2 = "ldb2 must be >= k";
const ZERO_K = "k must be > 0";
const CUDA_ERROR_INVALID_VALUE = "1";

describe("runner/selftest/dual_selftests.sh", () => {
  it("parses (bash -n)", async () => {
    const r = await execa("bash", ["-n", script], { cwd: root, reject: false, all: true });
    expect(r.all).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("refuses an unknown argument with its usage and exit 2, before building anything", async () => {
    const r = await execa("bash", [script, "--no-such-flag"], { cwd: root, reject: false, all: true, env: { GK_DUAL_SELFTEST_DIR: "/dev/null/dual" } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^usage: .*dual_selftests\.sh \[sm_90a\|sm_100a\] \[--build-only\]$/);
    expect(r.stdout).toBe("");
  });

  it("builds the NVFP4 dual variants with the flags tested below", () => {
    const text = readFileSync(join(root, script), "utf8");
    expect(text).toContain(`NVFP4="${NVFP4.join(" ")}"`);
    expect(text).toMatch(/^\s*\[nvfp4\]="-DGK_SELFTEST_DUAL \$NVFP4"$/m);
    expect(text).toMatch(/^\s*\[nvfp4_bug\]="-DGK_SELFTEST_DUAL -DGK_SELFTEST_DUAL_SCALE_BUG \$NVFP4"$/m);
    expect(text).toMatch(/^\s*\[bf16\]="-DGK_SELFTEST_DUAL -DGK_SELFTEST_A=GK_BF16 -DGK_SELFTEST_B=GK_BF16 -DGK_SELFTEST_OUT=GK_BF16"$/m);
  });
});

let toolchain: Toolchain | null = null;
try {
  toolchain = await findToolchain();
} catch {
  toolchain = null;
}

describe.skipIf(toolchain === null)("runner/selftest_naive.cu as a dual GEMM (host only, no GPU needed)", () => {
  let work = "";
  const verdicts = { bf16: new Map<string, string>(), nvfp4: new Map<string, string>() };
  const mustFail = new Map<string, Result>();

  // build.sh's flags for sm_90a, without ptxas's chatter.
  const flags = [...compileFlags("sm_90a").filter((f) => f !== "-Xptxas" && f !== "-v"), "-DGK_BUILD_SM=90"];

  const nvcc = (args: string[]) => execa(toolchain!.nvcc, [...flags, ...args], { cwd: root, reject: false, all: true });

  /** Links the kernel built with `defines` to the driver, runs it, and returns its "case|message" lines. */
  async function checkVerdicts(name: string, defines: string[], into: Map<string, string>): Promise<void> {
    const binary = join(work, `check_dual_${name}`);
    const build = await nvcc([...defines, source, driverSource, "-o", binary]);
    if (build.exitCode !== 0) throw new Error(`nvcc (${name}) failed:\n${build.all}`);
    const run = await execa(binary, [], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`${binary} failed (exit ${run.exitCode}):\n${run.all}`);
    for (const line of run.stdout.split("\n").filter(Boolean)) {
      const bar = line.indexOf("|");
      into.set(line.slice(0, bar), line.slice(bar + 1));
    }
  }

  /** A compile-only (-c) build of the kernel alone. */
  async function compileOnly(name: string, defines: string[]): Promise<void> {
    mustFail.set(name, await nvcc([...defines, "-c", source, "-o", join(work, `${name}.o`)]));
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "gemmkit-runner-dual-"));
    await Promise.all([
      checkVerdicts("bf16", [DUAL, ...BF16], verdicts.bf16),
      checkVerdicts("nvfp4", [DUAL, ...NVFP4], verdicts.nvfp4),
      compileOnly("bug_alone", [SCALE_BUG]),
      compileOnly("bug_nvfp4_no_dual", [SCALE_BUG, ...NVFP4]),
      compileOnly("bug_dual_no_scales", [DUAL, SCALE_BUG]),
      compileOnly("bug_dual_nvfp4", [DUAL, SCALE_BUG, ...NVFP4]),
    ]);
  }, 120_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe("gk_kernel_info", () => {
    it("bf16: op 1 (GK_OP_DUAL_GEMM_SILU_MUL), bf16 operands and output, no scales", () => {
      expect(verdicts.bf16.get("info")).toBe("op=1 a=0 b=0 out=0 scale=0 scale_vector=0");
      expect(verdicts.bf16.get("name")).toBe("selftest_naive_dual");
      expect(verdicts.bf16.get("target")).toBe("sm_90a");
    });

    it("nvfp4: op 1, e2m1 operands, bf16 output, ue4m3 scales per 16 K", () => {
      expect(verdicts.nvfp4.get("info")).toBe("op=1 a=5 b=5 out=0 scale=6 scale_vector=16");
      expect(verdicts.nvfp4.get("name")).toBe("selftest_naive_dual");
      expect(verdicts.nvfp4.get("target")).toBe("sm_90a");
    });
  });

  describe("gk_check, bf16 dual", () => {
    it.each([
      ["valid", "accepted"],
      ["null_b2", NULL_B2],
      ["misaligned_b2_8", MISALIGNED_B2],
      ["misaligned_b2_1", MISALIGNED_B2],
      ["aligned_b2_16", "accepted"],
      ["null_b2_null_sfb2", NULL_B2],
      // No scales: sfb2 is not read, so neither its absence nor its alignment matters.
      ["null_sfb2", "accepted"],
      ["misaligned_sfb2_8", "accepted"],
      // bf16 has no even-K or scale-vector rule: a null b2 is the first thing wrong.
      ["odd_k_null", NULL_B2],
      ["k_520_null", NULL_B2],
      ["odd_ldb2_null", NULL_B2],
      // Rules that come before b2's.
      ["short_ldb2_null", SHORT_LDB2],
      ["zero_k_null", ZERO_K],
      ["launch_null_b2", CUDA_ERROR_INVALID_VALUE],
    ])("%s → %s", (name, verdict) => {
      expect(verdicts.bf16.get(name)).toBe(verdict);
    });

    it("runs only the cases that a plain build refuses through gk_launch", () => {
      expect(verdicts.bf16.has("launch_misaligned_sfb2")).toBe(false);
    });
  });

  describe("gk_check, NVFP4 dual", () => {
    it.each([
      ["valid", "accepted"],
      ["null_b2", NULL_B2],
      ["misaligned_b2_8", MISALIGNED_B2],
      ["misaligned_b2_1", MISALIGNED_B2],
      ["aligned_b2_16", "accepted"],
      ["null_b2_null_sfb2", NULL_B2], // b2 is checked before sfb2
      ["null_sfb2", NULL_SFB2],
      ["misaligned_sfb2_8", MISALIGNED_SFB2],
      ["misaligned_sfb2_4", MISALIGNED_SFB2],
      ["aligned_sfb2_16", "accepted"],
      // The K rules come first: with b2 and sfb2 still null, a bad K is what gk_check reports.
      ["odd_k_null", ODD_K],
      ["k_520_null", K_VEC],
      ["odd_ldb2_null", ODD_LDB2],
      ["short_ldb2_null", SHORT_LDB2],
      ["zero_k_null", ZERO_K],
      ["launch_null_b2", CUDA_ERROR_INVALID_VALUE],
      ["launch_misaligned_sfb2", CUDA_ERROR_INVALID_VALUE],
    ])("%s → %s", (name, verdict) => {
      expect(verdicts.nvfp4.get(name)).toBe(verdict);
    });

    it("names the rule in each refusal's prefix", () => {
      expect(verdicts.nvfp4.get("null_b2")).toMatch(/^GK-B2: /);
      expect(verdicts.nvfp4.get("misaligned_b2_8")).toMatch(/^GK-B2: /);
      expect(verdicts.nvfp4.get("null_sfb2")).toMatch(/^GK-SCALES: /);
      expect(verdicts.nvfp4.get("misaligned_sfb2_8")).toMatch(/^GK-SCALES: /);
      for (const k of ["odd_k_null", "k_520_null", "odd_ldb2_null"]) expect(verdicts.nvfp4.get(k)).not.toMatch(/^GK-(B2|SCALES)/);
    });
  });

  describe("-DGK_SELFTEST_DUAL_SCALE_BUG", () => {
    it.each([
      ["bug_alone", "alone", NEEDS_DUAL],
      ["bug_nvfp4_no_dual", "with the NVFP4 flags but without -DGK_SELFTEST_DUAL", NEEDS_DUAL],
      ["bug_dual_no_scales", "with -DGK_SELFTEST_DUAL but no scale flags", NEEDS_SCALES],
    ])("%s: does not build %s", (name, _how, text) => {
      const r = mustFail.get(name);
      expect(r).toBeDefined();
      expect(r!.exitCode).not.toBe(0);
      expect(r!.all).toContain(text);
    });

    it("without scales it is the static_assert that stops the build, not the #error", () => {
      const all = mustFail.get("bug_dual_no_scales")?.all ?? "";
      expect(all).toMatch(/static assertion failed/);
      expect(all).not.toContain(NEEDS_DUAL);
    });

    it("builds with -DGK_SELFTEST_DUAL and the NVFP4 flags (so the refusals above are the switch's own)", () => {
      const r = mustFail.get("bug_dual_nvfp4");
      expect(r).toBeDefined();
      expect(r!.all).toBe("");
      expect(r!.exitCode).toBe(0);
    });
  });
});
