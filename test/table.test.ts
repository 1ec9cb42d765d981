import { stripVTControlCharacters as strip } from "node:util";
import { describe, expect, it } from "vitest";
import {
  errorRow,
  formatErr,
  formatRatio,
  isFailure,
  normalizeResult,
  parseRunnerReport,
  renderResultsTable,
  renderStaticTable,
  type BenchRow,
  type StaticRow,
} from "../src/cli/table.js";

const row = (over: Partial<BenchRow>): BenchRow => ({
  kernel: "hopper_bf16_128x256",
  target: "sm_90a",
  m: 4096,
  n: 4096,
  k: 4096,
  status: "pass",
  message: null,
  us: 1234.56,
  tflops: 111.3,
  rel_err: 0.00123,
  max_err: 0.05,
  tolerance: 0.01,
  unwritten: 0,
  baseline: { name: "cublas", us: 1300, tflops: 105.7, rel_err: 0.001 },
  ratio: 1300 / 1234.56,
  ...over,
});

const ROWS: BenchRow[] = [
  row({}),
  row({ kernel: "slow", m: 512, n: 1024, k: 64, us: 20, tflops: 3.4, baseline: { name: "cublas", us: 18.5, tflops: 3.6, rel_err: 0 }, ratio: 0.925 }),
  row({ kernel: "bad", status: "fail", message: "rel_err 3.1e-1 above tolerance 1.0e-2", ratio: 0.5, rel_err: 0.31 }),
  row({ kernel: "odd", m: 100, n: 100, k: 100, status: "refused", message: "k must be a multiple of 64", us: null, tflops: null, rel_err: null, baseline: null, ratio: null }),
];

describe("kernels with an epilogue", () => {
  it("carry the runner's statement of it, none when D is the op's result", () => {
    const parse = (kernelInfo: Record<string, unknown>) =>
      parseRunnerReport(JSON.stringify({ kernel: "k", kernel_info: kernelInfo, results: [] })).epilogue;
    expect(parse({ epilogue: "gelu(alpha*x + bias[n])" })).toBe("gelu(alpha*x + bias[n])");
    expect(parse({ epilogue: "x" })).toBeNull();
    expect(parse({})).toBeNull();
  });

  it("are listed below the table, once per kernel", () => {
    const epi = (over: Partial<BenchRow>) => row({ kernel: "gemm_bf16_epilogue", epilogue: "gelu(alpha*x + bias[n])", ...over });
    const lines = strip(renderResultsTable([row({}), epi({}), epi({ m: 200 })], { color: false })).split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe("gemm_bf16_epilogue: D = gelu(alpha*x + bias[n]), x the op's fp32 result");
  });
});

describe("a baseline without the kernel's epilogue", () => {
  const report = (baseline: Record<string, unknown>) =>
    parseRunnerReport(JSON.stringify({ kernel: "k", results: [{ m: 8, n: 8, k: 8, status: "pass", us: 10, baseline: { name: "cublasGemmEx bf16", us: 12, ...baseline } }] }))
      .results[0]!.baseline;

  it("keeps the runner's epilogue text and its checked flag", () => {
    expect(report({ epilogue: "gemm only", checked: false, rel_err: null })).toEqual({
      name: "cublasGemmEx bf16",
      us: 12,
      tflops: (2 * 8 * 8 * 8) / (12 * 1e6),
      rel_err: null,
      epilogue: "gemm only",
      checked: false,
    });
    expect(report({ epilogue: "bias (fp32) + relu", checked: true, rel_err: 1e-3 })).toMatchObject({ epilogue: "bias (fp32) + relu", rel_err: 1e-3 });
    expect(report({ epilogue: "bias (fp32) + relu", checked: true })).not.toHaveProperty("checked");
    expect(report({})).not.toHaveProperty("epilogue");
  });

  it("is marked in the table, with a note below it, and only then", () => {
    const unchecked = row({ kernel: "epi", baseline: { name: "cublasGemmEx bf16", us: 1300, tflops: 105.7, rel_err: null, epilogue: "gemm only", checked: false } });
    const lines = strip(renderResultsTable([row({}), unchecked], { color: false })).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/ 1300 /);
    expect(lines[3]).toMatch(/ 1300† /);
    expect(lines[4]).toBe('† the baseline leaves the kernel\'s epilogue out ("gemm only"): a timing reference whose output is not checked');
    const gemv = strip(renderResultsTable([{ ...unchecked, gbps: 3000, copy_gbps: 3300 }], { color: false })).split("\n");
    expect(gemv[2]).toMatch(/1300†/);
    expect(gemv[3]).toMatch(/^† /);
    expect(strip(renderResultsTable([row({})], { color: false }))).not.toContain("†");
  });
});

describe("renderResultsTable", () => {
  const plain = strip(renderResultsTable(ROWS, { color: false }));
  const lines = plain.split("\n");

  it("has the header and one line per row", () => {
    expect(lines[0]).toMatch(/^kernel\s+shape\s+median µs\s+TFLOP\/s\s+cuBLAS µs\s+ratio\s+rel err\s+status$/);
    expect(lines).toHaveLength(2 + ROWS.length);
  });

  it("shows the expected cells", () => {
    const [, , first, second, third, fourth] = lines;
    for (const cell of ["hopper_bf16_128x256", "4096x4096x4096", "1235", "111.3", "1300", "1.05×", "1.2e-3", "PASS"]) expect(first).toContain(cell);
    for (const cell of ["slow", "512x1024x64", "20.00", "3.4", "18.50", "0.93×", "PASS"]) expect(second).toContain(cell);
    expect(third).toContain("FAIL: rel_err 3.1e-1 above tolerance 1.0e-2");
    expect(third).toContain("0.50×");
    expect(fourth).toContain("REFUSED: k must be a multiple of 64");
    expect(fourth).toContain("100x100x100");
    expect(fourth).toContain("—");
  });

  it("aligns columns (every line starts each column at the same offset)", () => {
    const statusAt = lines[0]!.indexOf("status");
    for (const l of lines.slice(2)) expect(l.slice(statusAt)).toMatch(/^(PASS|FAIL|REFUSED|ERROR)/);
  });

  it("colours only status and ratio, by threshold", () => {
    const coloured = renderResultsTable(ROWS, { color: true });
    expect(strip(coloured)).toBe(plain);
    const green = "\u001b[32m", yellow = "\u001b[33m", red = "\u001b[31m";
    const cl = coloured.split("\n");
    expect(cl[0]).not.toContain("\u001b[");
    expect(cl[2]).toContain(`${green}1.05×`);
    expect(cl[2]).toContain(`${green}PASS`);
    expect(cl[3]).toContain(`${yellow}0.93×`);
    expect(cl[4]).toContain(`${red}0.50×`);
    expect(cl[4]).toContain(`${red}FAIL`);
    expect(cl[5]).toContain(`${yellow}REFUSED`);
    // kernel names and numbers stay plain
    expect(cl[2]).toMatch(/^hopper_bf16_128x256 /);
    expect(cl[2]).not.toContain(`\u001b[32m1235`);
  });

  it("is empty-safe", () => {
    expect(strip(renderResultsTable([], { color: false })).split("\n")).toHaveLength(2);
  });
});

describe("runner JSON", () => {
  it("parses a report and derives tflops and ratio when absent", () => {
    const rep = parseRunnerReport(
      JSON.stringify({
        kernel: "k",
        target: "sm_90a",
        gpu: "NVIDIA H100 80GB HBM3",
        sm_count: 132,
        cc: "9.0",
        date: "2025-01-01T00:00:00Z",
        reps: 50,
        results: [
          { m: 1024, n: 1024, k: 1024, status: "pass", message: "", us: 10, rel_err: 1e-3, max_err: 0.01, tolerance: 0.02, unwritten: 0, baseline: { name: "cublas", us: 12 } },
          { m: 8, n: 8, k: 8, status: "weird" },
        ],
      }),
    );
    expect(rep.results[0]!.tflops).toBeCloseTo((2 * 1024 ** 3) / 10e6, 6);
    expect(rep.results[0]!.ratio).toBeCloseTo(1.2, 9);
    expect(rep.results[0]!.baseline!.tflops).toBeCloseTo((2 * 1024 ** 3) / 12e6, 6);
    expect(rep.results[1]!.status).toBe("error");
    expect(rep.results[1]!.message).toContain("weird");
    expect(() => parseRunnerReport("{}")).toThrow(/results/);
    expect(() => normalizeResult({ status: "pass" })).toThrow(/m\/n\/k/);
  });

  it("makes error rows and classifies failures", () => {
    const e = errorRow("k", "sm_90a", { m: 1, n: 2, k: 3 }, "binary crashed");
    expect(isFailure(e)).toBe(true);
    expect(isFailure(row({ status: "refused" }))).toBe(false);
    expect(strip(renderResultsTable([e], { color: false }))).toContain("ERROR: binary crashed");
  });

  it("formats numbers", () => {
    expect(formatRatio(null)).toBe("—");
    expect(formatRatio(1)).toBe("1.00×");
    expect(formatErr(0)).toBe("0");
    expect(formatErr(2.5e-12)).toBe("2.5e-12");
    expect(formatErr(12345)).toBe("1.2e4");
  });
});

describe("renderStaticTable", () => {
  const base: StaticRow = {
    kernel: "hopper_bf16_128x256",
    target: "sm_90a",
    tile: [128, 256, 64],
    cluster: [2, 1],
    stages: 4,
    threads: 384,
    smemBytes: 200704,
    registers: 168,
    staticSmemBytes: 0,
    stackBytes: 0,
    spillStores: 0,
    spillLoads: 0,
    tmemColumns: null,
    tensorSass: "HGMMA×4",
    build: "cached",
    ok: true,
  };
  it("shows the ptxas facts and the build state", () => {
    const out = strip(
      renderStaticTable(
        [base, { ...base, kernel: "spiller", registers: 255, spillStores: 64, spillLoads: 48, build: "SPILLS", ok: false }, { ...base, kernel: "broken", registers: null, staticSmemBytes: null, stackBytes: null, spillStores: null, spillLoads: null, build: "BUILD FAILED", ok: false }],
        { color: false },
      ),
    );
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^kernel\s+target\s+tile\s+cluster\s+stages\s+threads\s+regs/);
    for (const cell of ["hopper_bf16_128x256", "sm_90a", "128x256x64", "2x1", "384", "168", "196.0", "0/0", "HGMMA×4", "cached"]) expect(lines[2]).toContain(cell);
    for (const cell of ["spiller", "255", "64/48", "SPILLS"]) expect(lines[3]).toContain(cell);
    for (const cell of ["broken", "—", "BUILD FAILED"]) expect(lines[4]).toContain(cell);
    const blackwell = strip(renderStaticTable([{ ...base, kernel: "b200_nvfp4", target: "sm_100a", tmemColumns: 512, tensorSass: "UTCOMMA×4 UTCCP×8 LDTM×1" }], { color: false }));
    for (const cell of ["b200_nvfp4", "sm_100a", "512", "UTCOMMA×4 UTCCP×8 LDTM×1"]) expect(blackwell).toContain(cell);
    expect(strip(renderStaticTable([base], { color: false })).split("\n")[0]).toMatch(/TMEM cols\s+tensor SASS\s+build$/);
  });
});

describe("GEMV rows", () => {
  const gemvRow = row({
    kernel: "gemv_bf16",
    m: 4096,
    n: 1,
    k: 7168,
    l: 8,
    us: 160,
    tflops: 2.9,
    gbps: 2936.4,
    copy_gbps: 3200,
    baseline: { name: "cublasGemmStridedBatchedEx bf16", us: 200, tflops: 2.3, rel_err: 0 },
    ratio: 1.25,
  });

  it("reads l, gbps and copy_gbps from the runner JSON", () => {
    const r = normalizeResult({ m: 4096, n: 1, k: 7168, l: 8, status: "pass", us: 160, gbps: 2936.4, copy_gbps: 3200 });
    expect(r).toMatchObject({ l: 8, gbps: 2936.4, copy_gbps: 3200 });
    expect(r.tflops).toBeCloseTo((2 * 4096 * 7168 * 8) / (160 * 1e6), 6);
    expect(normalizeResult({ m: 1, n: 1, k: 8, status: "pass" })).not.toHaveProperty("gbps");
  });

  it("adds GB/s and % of copy bandwidth columns only when a GEMV row is present", () => {
    const plain = strip(renderResultsTable(ROWS, { color: false }));
    expect(plain).not.toContain("GB/s");
    const text = strip(renderResultsTable([gemvRow, ROWS[0]!], { color: false }));
    const [header, , first, second] = text.split("\n");
    expect(header).toMatch(/TFLOP\/s\s+GB\/s\s+% copy BW\s+cuBLAS µs/);
    expect(first).toContain("4096x1x7168x8");
    expect(first).toMatch(/2,936\s+91\.8%/);
    expect(second).toMatch(/—\s+—/);
  });
});
