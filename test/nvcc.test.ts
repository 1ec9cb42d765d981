import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { headerFiles, headersDigest, linkKey, ObjectCache, objectKey, sha256 } from "../src/cli/cache.js";
import { formatShape, parseShape, readManifest, validateManifest } from "../src/cli/manifest.js";
import {
  compileFlags,
  compileObject,
  findToolchain,
  gencodeFlag,
  makeCompileJob,
  nvccCandidates,
  parseCc,
  parseDryrunTop,
  parseNvccRelease,
  pickCudaRoot,
  runPool,
  selectRunnerSources,
  targetRunsOn,
  type Toolchain,
} from "../src/cli/nvcc.js";
import { parsePtxasReport } from "../src/cli/ptxas.js";

const tmp = mkdtempSync(join(tmpdir(), "gemmkit-nvcc-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cache keys", () => {
  const base = { source: "__global__ void k() {}\n", headers: "h1", flags: compileFlags("sm_90a"), nvccVersion: "release 13.0, V13.0.88" };

  it("are stable for identical inputs", () => {
    expect(objectKey(base)).toBe(objectKey({ ...base, flags: [...base.flags] }));
    expect(objectKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("change when the source, headers, flags or nvcc change", () => {
    const k = objectKey(base);
    expect(objectKey({ ...base, source: "__global__ void k() { }\n" })).not.toBe(k);
    expect(objectKey({ ...base, source: Buffer.from(base.source) })).toBe(k);
    expect(objectKey({ ...base, headers: "h2" })).not.toBe(k);
    expect(objectKey({ ...base, flags: compileFlags("sm_100a") })).not.toBe(k);
    expect(objectKey({ ...base, flags: [...base.flags, "-lineinfo"] })).not.toBe(k);
    expect(objectKey({ ...base, flags: base.flags.filter((f) => f !== "-O3") })).not.toBe(k);
    expect(objectKey({ ...base, nvccVersion: "release 12.8, V12.8.93" })).not.toBe(k);
  });

  it("do not collide by concatenation", () => {
    expect(sha256("ab", "c")).not.toBe(sha256("a", "bc"));
  });

  it("link keys follow objects and libraries", () => {
    const l = { objects: ["a", "b"], flags: ["-lcublas"], nvccVersion: "v" };
    expect(linkKey(l)).toBe(linkKey({ ...l }));
    expect(linkKey({ ...l, objects: ["a", "c"] })).not.toBe(linkKey(l));
    expect(linkKey({ ...l, flags: [] })).not.toBe(linkKey(l));
  });

  it("the headers digest covers runner/include/** and runner/*.h", () => {
    const root = join(tmp, "hdr");
    mkdirSync(join(root, "runner", "include", "sub"), { recursive: true });
    writeFileSync(join(root, "runner", "include", "gemmkit_abi.h"), "#pragma once\n");
    writeFileSync(join(root, "runner", "include", "sub", "x.cuh"), "// x\n");
    writeFileSync(join(root, "runner", "util.h"), "// util\n");
    writeFileSync(join(root, "runner", "main.cu"), "int main() {}\n");
    expect(headerFiles(root).map((f) => f.slice(root.length + 1))).toEqual([
      "runner/include/gemmkit_abi.h",
      "runner/include/sub/x.cuh",
      "runner/util.h",
    ]);
    const d1 = headersDigest(root);
    writeFileSync(join(root, "runner", "main.cu"), "int main() { return 0; }\n");
    expect(headersDigest(root)).toBe(d1);
    writeFileSync(join(root, "runner", "util.h"), "// util 2\n");
    const d2 = headersDigest(root);
    expect(d2).not.toBe(d1);
    writeFileSync(join(root, "runner", "include", "sub", "x.cuh"), "// x 2\n");
    expect(headersDigest(root)).not.toBe(d2);
  });
});

describe("flags and runner sources", () => {
  it("builds the gencode for each target", () => {
    expect(gencodeFlag("sm_90a")).toBe("-gencode=arch=compute_90a,code=sm_90a");
    expect(gencodeFlag("sm_100a")).toBe("-gencode=arch=compute_100a,code=sm_100a");
    expect(compileFlags("sm_90a")).toEqual(["-std=c++17", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-Xptxas", "-v", "-I", "runner/include"]);
  });

  it("selects main.cu, the other runner TUs and one baseline", () => {
    const files = ["util.cu", "main.cu", "selftest_naive.cu", "baseline_cublas.cu", "baseline_none.cu", "check.cu", "README.md", "x.h"];
    expect(selectRunnerSources(files, true)).toEqual(["runner/main.cu", "runner/check.cu", "runner/util.cu", "runner/baseline_cublas.cu"]);
    expect(selectRunnerSources(files, false)).toEqual(["runner/main.cu", "runner/check.cu", "runner/util.cu", "runner/baseline_none.cu"]);
    expect(() => selectRunnerSources(["util.cu"], false)).toThrow(/runner\/main\.cu not found/);
    expect(() => selectRunnerSources(["main.cu", "baseline_none.cu"], true)).toThrow(/baseline_cublas\.cu not found/);
  });

  it("matches arch-specific targets to exactly their compute capability", () => {
    for (const v of [90, "90", "9.0", 9.0, "sm_90", "sm_90a", [9, 0], { major: 9, minor: 0 }]) expect(parseCc(v)).toBe(90);
    expect(parseCc("10.0")).toBe(100);
    expect(parseCc("12.0")).toBe(120);
    expect(parseCc("hopper")).toBeNull();
    expect(targetRunsOn("sm_90a", 90)).toBe(true);
    expect(targetRunsOn("sm_100a", 90)).toBe(false);
    expect(targetRunsOn("sm_100a", 100)).toBe(true);
    expect(targetRunsOn("sm_100a", 103)).toBe(false);
    expect(targetRunsOn("sm_90a", 120)).toBe(false);
  });
});

describe("toolchain detection helpers", () => {
  it("orders nvcc candidates", () => {
    const c = nvccCandidates({ PATH: "/a/bin:/b/bin", CUDA_HOME: "/opt/cuda" });
    expect(c).toEqual(["/a/bin/nvcc", "/b/bin/nvcc", "/opt/cuda/bin/nvcc", "/usr/local/cuda/bin/nvcc"]);
    expect(nvccCandidates({ NVCC: "/x/nvcc", PATH: "" })[0]).toBe("/x/nvcc");
  });

  it("parses the release and the dry-run TOP", () => {
    expect(parseNvccRelease("Cuda compilation tools, release 12.8, V12.8.93")).toEqual([12, 8]);
    expect(parseNvccRelease("nonsense")).toBeNull();
    expect(parseDryrunTop("#$ _HERE_=/usr/local/cuda-13.0/bin\n#$ TOP=/usr/local/cuda-13.0/bin/..\n")).toBe("/usr/local/cuda-13.0/bin/..");
    expect(parseDryrunTop("#$ _HERE_=/opt/cuda/bin\n")).toBe("/opt/cuda");
    expect(parseDryrunTop("")).toBeNull();
  });

  it("picks the first root that has include/cuda_runtime.h (wrapper scripts give /usr/local)", () => {
    const has = (p: string) => p === "/usr/local/cuda-13.0/include/cuda_runtime.h";
    expect(pickCudaRoot(["/usr/local", null, "/usr/local/cuda-13.0"], has)).toBe("/usr/local/cuda-13.0");
    expect(pickCudaRoot(["/usr/local"], has)).toBeNull();
  });
});

describe("runPool", () => {
  it("keeps order and never exceeds the concurrency", async () => {
    let inFlight = 0, peak = 0;
    const out = await runPool([5, 1, 4, 2, 3, 0], 2, async (x, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, x * 2));
      inFlight--;
      return x * 10 + i;
    });
    expect(out).toEqual([50, 11, 42, 23, 34, 5]);
    expect(peak).toBe(2);
    expect(await runPool([], 4, async () => 1)).toEqual([]);
  });
});

describe("manifest", () => {
  const good = {
    generator: "gemmkit 0.1.0",
    kernels: [
      { name: "k1", target: "sm_90a", file: "generated/k1.cu", source: "kernels/k1.ts", problems: [{ m: 128, n: 256, k: 64 }], summary: { tile: [128, 256, 64], cluster: [2, 1], stages: 4, threads: 384, smemBytes: 200704 } },
    ],
  };
  it("validates and explains", () => {
    expect(validateManifest(good).kernels[0]!.summary.cluster).toEqual([2, 1]);
    expect(() => validateManifest({ ...good, kernels: [{ ...good.kernels[0], target: "sm_80" }] })).toThrow(/target/);
    expect(() => validateManifest({ ...good, kernels: [good.kernels[0], good.kernels[0]] })).toThrow(/duplicate/);
    expect(() => readManifest(join(tmp, "nope.json"))).toThrow(/run `npm run gen` first/);
  });
  it("parses shapes", () => {
    expect(parseShape("4096x2048x512")).toEqual({ m: 4096, n: 2048, k: 512 });
    expect(formatShape(parseShape("1X2x3"))).toBe("1x2x3");
    expect(() => parseShape("4096x4096")).toThrow(/MxNxK/);
    expect(() => parseShape("0x1x1")).toThrow(/positive/);
  });
});

let toolchain: Toolchain | null = null;
try {
  toolchain = await findToolchain();
} catch {
  toolchain = null;
}

describe.skipIf(toolchain === null)("cached compile with the real nvcc", () => {
  it("finds the toolkit root even through a wrapper script", () => {
    expect(toolchain!.cudaRoot).not.toBeNull();
    expect(readFileSync(join(toolchain!.cudaRoot!, "include", "cuda_runtime.h"), "utf8").length).toBeGreaterThan(0);
    expect(toolchain!.release).not.toBeNull();
  });

  it("builds the sm_90a dual GEMM with B1 and B2 in one wgmma: the PTX of a 128×256 GEMM's wgmma count and shape", async () => {
    const repo = resolve(import.meta.dirname, "..");
    const flags = compileFlags("sm_90a").filter((f) => f !== "-Xptxas" && f !== "-v");
    const wgmmas = async (file: string): Promise<Record<string, number>> => {
      const ptx = join(tmp, `${file.replace(/\W/g, "_")}.ptx`);
      const r = await execa(toolchain!.nvcc, [...flags, "-ptx", file, "-o", ptx], { cwd: repo, reject: false, all: true });
      if (r.exitCode !== 0) throw new Error(r.all);
      const byShape: Record<string, number> = {};
      for (const m of readFileSync(ptx, "utf8").matchAll(/wgmma\.mma_async\.sync\.aligned\.(m\d+n\d+k\d+)/g)) byShape[m[1]!] = (byShape[m[1]!] ?? 0) + 1;
      return byShape;
    };
    // dual_gemm_bf16: 128×128×64 tiles of B1 and B2 stacked, so per k-step one m64n256k16 wgmma per
    // consumer warpgroup, exactly as gemm_bf16_128x256 (128×256×64) issues.
    const [dual, plain] = await Promise.all([wgmmas("generated/dual_gemm_bf16.cu"), wgmmas("generated/gemm_bf16_128x256.cu")]);
    expect(Object.keys(plain)).toEqual(["m64n256k16"]);
    expect(dual).toEqual(plain);
  }, 120_000);

  it("compiles once, then serves the object and its ptxas report from the cache", async () => {
    const root = join(tmp, "repo");
    mkdirSync(join(root, "runner", "include"), { recursive: true });
    mkdirSync(join(root, "generated"), { recursive: true });
    writeFileSync(join(root, "runner", "include", "tiny.h"), "#pragma once\n#define SCALE 2.0f\n");
    writeFileSync(join(root, "generated", "tiny.cu"), '#include "tiny.h"\n__global__ void tiny(float* x) { x[threadIdx.x] *= SCALE; }\n');
    const cache = new ObjectCache(join(root, "build", "obj"));
    const job = () => makeCompileJob(root, "generated/tiny.cu", "sm_90a", headersDigest(root), toolchain!.version);
    const first = await compileObject(toolchain!, root, cache, job());
    expect(first.error ?? "").toBe("");
    expect(first).toMatchObject({ ok: true, cached: false });
    expect(parsePtxasReport(first.report).map((e) => e.kernel)).toEqual(["_Z4tinyPf"]);
    const second = await compileObject(toolchain!, root, cache, job());
    expect(second).toMatchObject({ ok: true, cached: true, object: first.object });
    expect(parsePtxasReport(second.report)).toEqual(parsePtxasReport(first.report));
    // A header change gives a new key and a fresh compile.
    writeFileSync(join(root, "runner", "include", "tiny.h"), "#pragma once\n#define SCALE 3.0f\n");
    const third = await compileObject(toolchain!, root, cache, job());
    expect(third.job.key).not.toBe(first.job.key);
    expect(third.cached).toBe(false);
    // A compile error is reported, not thrown, and leaves nothing in the cache.
    writeFileSync(join(root, "generated", "tiny.cu"), "__global__ void tiny(float* x) { x[threadIdx.x] = undefined_name; }\n");
    const bad = await compileObject(toolchain!, root, cache, job());
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/undefined_name/);
    expect(cache.has(bad.job.key)).toBe(false);
  }, 120_000);
});
