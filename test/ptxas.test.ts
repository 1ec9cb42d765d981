import { execa } from "execa";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFlags, findToolchain, type Toolchain } from "../src/cli/nvcc.js";
import { describeSpills, parsePtxasReport, spillingEntries } from "../src/cli/ptxas.js";

// CUDA 12.x style: "Used" lines carry smem and cmem banks.
const CUDA12_SAMPLE = `ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function '_Z4gemmPK13__nv_bfloat16S1_Pfiii' for 'sm_90a'
ptxas info    : Function properties for _Z4gemmPK13__nv_bfloat16S1_Pfiii
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 168 registers, used 1 barriers, 2048 bytes smem, 592 bytes cmem[0]
ptxas info    : Compiling entry function '_Z6reducePfPKfi' for 'sm_90a'
ptxas info    : Function properties for _Z6reducePfPKfi
    16 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 32 registers, 380 bytes cmem[0], 8 bytes cmem[2]
`;

// CUDA 13 style, with a spilling entry and a non-inlined device function between entries.
const SPILL_SAMPLE = `ptxas info    : Overriding maximum register limit 256 for '_Z5spillPfi' with  32 of maxrregcount option
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function '_Z5spillPfi' for 'sm_90a'
ptxas info    : Function properties for _Z5spillPfi
    1992 bytes stack frame, 2628 bytes spill stores, 2636 bytes spill loads
ptxas info    : Used 32 registers, used 0 barriers, 1992 bytes cumulative stack size
ptxas info    : Compile time = 50.349 ms
ptxas info    : Function properties for _Z6helperPfi
    0 bytes stack frame, 24 bytes spill stores, 24 bytes spill loads
ptxas info    : Compiling entry function '_Z5scalePffi' for 'sm_90a'
ptxas info    : Function properties for _Z5scalePffi
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 8 registers, used 0 barriers
ptxas info    : Compile time = 1.285 ms
`;

describe("parsePtxasReport on sample text", () => {
  it("reads registers, smem, stack and cmem per entry", () => {
    const e = parsePtxasReport(CUDA12_SAMPLE);
    expect(e).toEqual([
      { kernel: "_Z4gemmPK13__nv_bfloat16S1_Pfiii", arch: "sm_90a", registers: 168, smemBytes: 2048, stackBytes: 0, spillStores: 0, spillLoads: 0, cmemBytes: 592 },
      { kernel: "_Z6reducePfPKfi", arch: "sm_90a", registers: 32, smemBytes: 0, stackBytes: 16, spillStores: 0, spillLoads: 0, cmemBytes: 388 },
    ]);
    expect(spillingEntries(e)).toEqual([]);
    expect(describeSpills(e)).toBe("");
  });

  it("reports spills and ignores device functions that are not entries", () => {
    const e = parsePtxasReport(SPILL_SAMPLE);
    expect(e.map((x) => x.kernel)).toEqual(["_Z5spillPfi", "_Z5scalePffi"]);
    expect(e[0]).toMatchObject({ registers: 32, stackBytes: 1992, spillStores: 2628, spillLoads: 2636, smemBytes: 0 });
    expect(e[0]!.cmemBytes).toBeUndefined();
    expect(e[1]).toMatchObject({ registers: 8, stackBytes: 0, spillStores: 0, spillLoads: 0 });
    expect(spillingEntries(e).map((x) => x.kernel)).toEqual(["_Z5spillPfi"]);
    expect(describeSpills(e)).toContain("2628 bytes spill stores, 2636 bytes spill loads");
  });

  it("copes with CRLF, empty input and unrelated compiler output", () => {
    expect(parsePtxasReport("")).toEqual([]);
    expect(parsePtxasReport("k.cu(3): warning #177-D: variable \"x\" was declared but never referenced\n")).toEqual([]);
    const e = parsePtxasReport(CUDA12_SAMPLE.replace(/\n/g, "\r\n"));
    expect(e).toHaveLength(2);
    expect(e[0]!.registers).toBe(168);
  });
});

let toolchain: Toolchain | null = null;
try {
  toolchain = await findToolchain();
} catch {
  toolchain = null;
}

describe.skipIf(toolchain === null)("parsePtxasReport on a real nvcc -Xptxas -v compile (sm_90a)", () => {
  const dir = mkdtempSync(join(tmpdir(), "gemmkit-ptxas-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const SRC = `
__global__ void scale(float* x, float s, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] *= s;
}
__global__ void tile_copy(float* x) {
  __shared__ float t[1024];
  t[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  x[threadIdx.x] = t[1023 - threadIdx.x];
}
template <int N> __global__ void pressure(float* x, int n) {
  float acc[N];
#pragma unroll
  for (int j = 0; j < N; j++) acc[j] = x[j * n + threadIdx.x];
  for (int it = 0; it < n; it++) {
#pragma unroll
    for (int j = 0; j < N; j++) acc[j] = acc[j] * acc[(j + 1) % N] + x[it];
  }
#pragma unroll
  for (int j = 0; j < N; j++) x[j * n + threadIdx.x] = acc[j];
}
template __global__ void pressure<128>(float*, int);
`;

  async function compile(extra: string[]): Promise<string> {
    const cu = join(dir, "k.cu");
    writeFileSync(cu, SRC);
    const flags = compileFlags("sm_90a").filter((f, i, a) => f !== "-I" && a[i - 1] !== "-I");
    const r = await execa(toolchain!.nvcc, [...flags, ...extra, "-c", cu, "-o", join(dir, "k.o")], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stderr;
  }

  it("finds each __global__ function with its registers and shared memory", async () => {
    const e = parsePtxasReport(await compile([]));
    const names = e.map((x) => x.kernel).sort();
    expect(names).toEqual(["_Z9tile_copyPf", "_Z5scalePffi", "_Z8pressureILi128EEvPfi"].sort());
    for (const x of e) {
      expect(x.arch).toBe("sm_90a");
      expect(x.registers).toBeGreaterThan(0);
    }
    expect(e.find((x) => x.kernel === "_Z9tile_copyPf")!.smemBytes).toBe(4096);
    expect(e.find((x) => x.kernel === "_Z5scalePffi")!).toMatchObject({ smemBytes: 0, spillStores: 0, spillLoads: 0 });
  }, 60_000);

  it("sees spills when registers are capped", async () => {
    const e = parsePtxasReport(await compile(["-maxrregcount=32"]));
    const p = e.find((x) => x.kernel === "_Z8pressureILi128EEvPfi")!;
    expect(p.registers).toBeLessThanOrEqual(32);
    expect(p.spillStores).toBeGreaterThan(0);
    expect(p.spillLoads).toBeGreaterThan(0);
    expect(spillingEntries(e).map((x) => x.kernel)).toContain("_Z8pressureILi128EEvPfi");
  }, 60_000);
});
