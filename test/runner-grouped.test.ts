// The runner's grouped-GEMM support, the parts that need no GPU: runner/build.sh builds the runner
// around the grouped self-test kernel (runner/selftest/selftest_grouped.cu, GK_BASELINE=none), and its
// command line (the group syntax, refusals of malformed lists, --probe) and the self-test's gk_check
// (driven on the host) are checked here. The run itself (data, reference, guards, baseline) needs a GPU:
// runner/README.md says how to run the self-test there. Skipped where nvcc is absent.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findToolchain, type Toolchain } from "../src/cli/nvcc.js";

const root = process.cwd();
const gencode = "-gencode=arch=compute_90a,code=sm_90a";

let toolchain: Toolchain | null = null;
try {
  toolchain = await findToolchain();
} catch {
  toolchain = null;
}

// Calls the self-test's gk_check with good and bad group lists; prints "name|verdict" per case.
// Pointers are never dereferenced by gk_check, so made-up addresses do.
const driver = String.raw`
#include <cstdio>
#include <vector>
#include "gemmkit_abi.h"
static void report(const char* name, const GkGemmArgs& a) {
  const char* m = gk_check(&a);
  std::printf("%s|%s\n", name, m ? m : "accepted");
}
int main() {
  const GkKernelInfo* info = gk_kernel_info();
  std::printf("info|%d %d %s\n", info->op, info->max_groups, info->name);
  char* base = reinterpret_cast<char*>(uintptr_t(1) << 20);
  std::vector<GkGemmGroup> g;
  const int m[4] = {80, 1, 40, 72};
  for (int i = 0; i < 4; ++i) g.push_back(GkGemmGroup{m[i], 4096, 7168, base, 7168, base + (64 << 20), 7168, base + (128 << 20), 4096});
  GkGemmArgs a{};
  a.a_type = GK_BF16; a.b_type = GK_BF16; a.d_type = GK_BF16;
  a.groups = 4; a.group_list = g.data();
  report("valid", a);
  GkGemmArgs x = a; x.groups = 0; report("zero_groups", x);
  std::vector<GkGemmGroup> many(17, g[0]);
  x = a; x.groups = 17; x.group_list = many.data(); report("too_many", x);
  x = a; x.group_list = nullptr; report("null_list", x);
  std::vector<GkGemmGroup> h = g; h[2].m = 0; x = a; x.group_list = h.data(); report("empty_group", x);
  h = g; h[1].ldb = 7000; x = a; x.group_list = h.data(); report("ldb", x);
  h = g; h[3].d = base + 1; x = a; x.group_list = h.data(); report("misaligned_d", x);
  x = a; x.d_type = GK_FP32; report("dtype", x);
  return 0;
}
`;

describe.skipIf(toolchain === null)("runner: grouped GEMM on the host (self-test kernel, no GPU needed)", () => {
  let work = "";
  let runner = "";
  let gpu = false;
  const verdicts = new Map<string, string>();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "gemmkit-runner-grouped-"));
    runner = join(work, "selftest_grouped");
    const env = { ...process.env, GK_BASELINE: "none", ...(toolchain!.cudaRoot ? { CUDA_HOME: toolchain!.cudaRoot } : {}) };
    const driverSrc = join(work, "check_driver.cu");
    writeFileSync(driverSrc, driver);
    const driverBin = join(work, "check_driver");
    // The runner build and the small gk_check driver compile side by side.
    const [build, drv] = await Promise.all([
      execa("bash", ["runner/build.sh", "runner/selftest/selftest_grouped.cu", runner], { cwd: root, env, reject: false, all: true }),
      execa(toolchain!.nvcc, [gencode, "-std=c++17", "-I", "runner/include", "runner/selftest/selftest_grouped.cu", driverSrc, "-o", driverBin], {
        cwd: root,
        reject: false,
        all: true,
      }),
    ]);
    if (build.exitCode !== 0) throw new Error(`runner/build.sh failed:\n${build.all}`);
    if (drv.exitCode !== 0) throw new Error(`nvcc (gk_check driver) failed:\n${drv.all}`);
    const out = await execa(driverBin, [], { reject: false, all: true });
    if (out.exitCode !== 0) throw new Error(`gk_check driver failed:\n${out.all}`);
    for (const line of out.stdout.split("\n").filter(Boolean)) {
      const bar = line.indexOf("|");
      verdicts.set(line.slice(0, bar), line.slice(bar + 1));
    }
    gpu = (await execa(runner, ["--probe"], { reject: false })).exitCode === 0;
  }, 120_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const run = (args: string[]) => execa(runner, args, { reject: false });

  it("--help lists the group syntax", async () => {
    const r = await run(["--help"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("--problem M1,M2,...xN1,...xK1,...");
    expect(r.stdout).toMatch(/80,176,128x4096x7168/);
    expect(r.stdout).toMatch(/grouped kernel reads a plain MxNxK as one group/);
  });

  it.each([
    ["1,2x3,4,5x8", /bad --problem '1,2x3,4,5x8': the M, N and K lists must have equal lengths or length 1 .*got 2, 3 and 1 values/],
    ["1,,2x3x4", /the M list '1,,2' is not a comma-separated list of integers/],
    ["8,8x3,x4", /the N list '3,' is not a comma-separated list of integers/],
    ["1,2x3x4x5", /a grouped problem is M1,M2,\.\.\.xN1,\.\.\.xK1,\.\.\. \(three lists, no L\)/],
    ["2000000000,2000000000x1x1", /the M values add up to more than 2147483647/],
  ])("refuses the malformed group list %s with exit 2", async (problem, message) => {
    const r = await run(["--problem", "64x64x64", "--problem", problem]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^usage:/m);
  });

  it("accepts well-formed lists, broadcast included (then stops for want of a GPU: exit 3)", async (ctx) => {
    if (gpu) ctx.skip();
    const r = await run(["--problem", "80,176,128,72,64,248,96,160x4096x7168", "--problem", "192,320x3072x4096", "--problem", "1,40,72x512,256,128x64"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/no CUDA device/);
  });

  it("--probe exits 3 without a GPU", async (ctx) => {
    if (gpu) ctx.skip();
    const r = await run(["--probe"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/gemmkit runner: .*CUDA device/);
  });

  it("the self-test kernel is a grouped GEMM of 16 groups at most", () => {
    expect(verdicts.get("info")).toBe("3 16 selftest_grouped");
  });

  it.each([
    ["valid", /^accepted$/],
    ["zero_groups", /^GK-GROUPS: selftest_grouped takes 1 to 16 groups per launch; got 0$/],
    ["too_many", /^GK-GROUPS: selftest_grouped takes 1 to 16 groups per launch; got 17$/],
    ["null_list", /^GK-GROUPS: group_list is null for 4 groups$/],
    ["empty_group", /^GK-SHAPE: group 2: M, N and K must be positive; got M=0 N=4096 K=7168$/],
    ["ldb", /^GK-STRIDE: group 1: need lda >= K, ldb >= K, ldd >= N; got lda=7168 ldb=7000 ldd=4096/],
    ["misaligned_d", /^GK-ALIGN: group 3: A, B and D must be aligned to their element sizes/],
    ["dtype", /^GK-DTYPE: selftest_grouped was built for A bf16, B bf16, D bf16 but was given A bf16, B bf16, D fp32$/],
  ])("the self-test's gk_check: %s", (name, verdict) => {
    expect(verdicts.get(name)).toMatch(verdict);
  });
});

// baseline_cublas.cu is linked only where cuBLAS is installed (not on machines without it): compile it
// wherever its headers can be found, the toolkit's or those in GK_CUBLAS_INCLUDE.
const cublasInclude =
  process.env.GK_CUBLAS_INCLUDE ?? (toolchain?.hasCublas && toolchain.cudaRoot ? join(toolchain.cudaRoot, "include") : null);

describe.skipIf(toolchain === null || cublasInclude === null || !existsSync(join(cublasInclude ?? "", "cublas_v2.h")))(
  "runner: the cuBLAS baseline (grouped graph included) compiles",
  () => {
    it("compiles baseline_cublas.cu", async () => {
      const work = mkdtempSync(join(tmpdir(), "gemmkit-baseline-cublas-"));
      try {
        const r = await execa(
          toolchain!.nvcc,
          [gencode, "-std=c++17", "-O3", "-I", "runner/include", "-I", cublasInclude!, "-DGK_BUILD_SM=90", "-c", "runner/baseline_cublas.cu", "-o", join(work, "b.o")],
          { cwd: root, reject: false, all: true },
        );
        expect(r.all ?? "").not.toMatch(/error/i);
        expect(r.exitCode).toBe(0);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
