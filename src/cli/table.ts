/**
 * The runner's result JSON (what `build/bin/<name> --json <path>` writes), its normalisation, and
 * pure functions that render bench tables as strings (colour only where asked, so tests can strip it).
 */
import chalk, { Chalk, type ChalkInstance } from "chalk";

export type ResultStatus = "pass" | "fail" | "refused" | "error";
const STATUSES: readonly ResultStatus[] = ["pass", "fail", "refused", "error"];

export interface BaselineResult {
  name: string;
  us: number | null;
  tflops: number | null;
  rel_err: number | null;
  /** What the baseline computes of the kernel's epilogue ("" or absent: the kernel has none beyond alpha). */
  epilogue?: string;
  /**
   * False when the baseline leaves the kernel's epilogue out ("gemm only"): then it is a timing
   * reference only and its output was not compared with the reference. Absent means true.
   */
  checked?: boolean;
}

/** One problem's result as the runner reports it. Numbers the runner could not measure are null. */
export interface RunnerResult {
  m: number;
  n: number;
  k: number;
  status: ResultStatus;
  message: string | null;
  /** Median time in microseconds. */
  us: number | null;
  tflops: number | null;
  rel_err: number | null;
  max_err: number | null;
  tolerance: number | null;
  /** Output elements the kernel left unwritten (sentinel check). */
  unwritten: number | null;
  baseline: BaselineResult | null;
  /** baseline.us / us: above 1 means faster than the baseline. */
  ratio: number | null;
  /** Batches (GEMV); absent when 1. */
  l?: number;
  /** Grouped GEMM: one shape per group (m is then their M summed, n and k group 0's); absent otherwise. */
  groups?: { m: number; n: number; k: number }[];
  /** GEMV (memory-bound): GB/s of A + B + D moved, and the device copy bandwidth the runner measured. */
  gbps?: number;
  copy_gbps?: number;
}

export interface RunnerReport {
  kernel: string;
  target: string;
  gpu: string;
  sm_count: number | null;
  cc: unknown;
  date: string;
  reps: number | null;
  /** The kernel's epilogue as the runner states it ("gelu(alpha*x + bias[n])"); null when D is just x. */
  epilogue: string | null;
  results: RunnerResult[];
}

/** A row of the combined bench results: a runner result and the kernel it belongs to. */
export interface BenchRow extends RunnerResult {
  kernel: string;
  target: string;
  /** The kernel's epilogue (RunnerReport.epilogue), when it has one. */
  epilogue?: string;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Normalises one result, filling what can be derived (tflops, ratio). Throws on a malformed entry. */
export function normalizeResult(v: unknown): RunnerResult {
  if (!isObj(v)) throw new Error(`result entry is not an object: ${JSON.stringify(v)}`);
  const m = num(v.m), n = num(v.n), k = num(v.k);
  if (m === null || n === null || k === null) throw new Error(`result entry lacks m/n/k: ${JSON.stringify(v)}`);
  const status = (typeof v.status === "string" ? v.status.toLowerCase() : "") as ResultStatus;
  const us = num(v.us);
  const l = num(v.l) ?? 1;
  let groups: { m: number; n: number; k: number }[] | undefined;
  if (v.groups !== undefined) {
    if (!Array.isArray(v.groups)) throw new Error(`result entry has a "groups" that is not a list: ${JSON.stringify(v)}`);
    groups = v.groups.map((g: unknown) => {
      const gm = isObj(g) ? num(g.m) : null, gn = isObj(g) ? num(g.n) : null, gk = isObj(g) ? num(g.k) : null;
      if (gm === null || gn === null || gk === null) throw new Error(`result entry has a group without m/n/k: ${JSON.stringify(g)}`);
      return { m: gm, n: gn, k: gk };
    });
  }
  const flops = groups ? groups.reduce((sum, g) => sum + 2 * g.m * g.n * g.k, 0) : 2 * m * n * k * l;
  const gbps = num(v.gbps);
  const copyGbps = num(v.copy_gbps);
  const tflops = num(v.tflops) ?? (us !== null && us > 0 ? flops / (us * 1e6) : null);
  let baseline: BaselineResult | null = null;
  if (isObj(v.baseline)) {
    const bus = num(v.baseline.us);
    const epilogue = str(v.baseline.epilogue);
    baseline = {
      name: str(v.baseline.name) ?? "baseline",
      us: bus,
      tflops: num(v.baseline.tflops) ?? (bus !== null && bus > 0 ? flops / (bus * 1e6) : null),
      rel_err: num(v.baseline.rel_err),
      ...(epilogue ? { epilogue } : {}),
      ...(v.baseline.checked === false ? { checked: false } : {}),
    };
  }
  const ratio = num(v.ratio) ?? (baseline?.us != null && us !== null && us > 0 ? baseline.us / us : null);
  return {
    m,
    n,
    k,
    status: STATUSES.includes(status) ? status : "error",
    message: STATUSES.includes(status) ? str(v.message) : `unknown status ${JSON.stringify(v.status)}${str(v.message) ? `: ${str(v.message)}` : ""}`,
    us,
    tflops,
    rel_err: num(v.rel_err),
    max_err: num(v.max_err),
    tolerance: num(v.tolerance),
    unwritten: num(v.unwritten),
    baseline,
    ratio,
    ...(l !== 1 ? { l } : {}),
    ...(groups ? { groups } : {}),
    ...(gbps !== null ? { gbps } : {}),
    ...(copyGbps !== null ? { copy_gbps: copyGbps } : {}),
  };
}

/** Validates the runner's JSON file contents. */
export function parseRunnerReport(text: string): RunnerReport {
  const v: unknown = JSON.parse(text);
  if (!isObj(v) || !Array.isArray(v.results)) throw new Error("runner JSON has no \"results\" array");
  return {
    kernel: str(v.kernel) ?? "",
    target: str(v.target) ?? "",
    gpu: str(v.gpu) ?? "",
    sm_count: num(v.sm_count),
    cc: v.cc,
    date: str(v.date) ?? "",
    reps: num(v.reps),
    epilogue: isObj(v.kernel_info) && typeof v.kernel_info.epilogue === "string" && v.kernel_info.epilogue !== "x" ? v.kernel_info.epilogue : null,
    results: v.results.map(normalizeResult),
  };
}

/** A row standing for a problem that produced no runner result (the binary crashed, timed out, ...). */
export function errorRow(
  kernel: string,
  target: string,
  p: { m: number; n: number; k: number; l?: number; groups?: { m: number; n: number; k: number }[] },
  message: string,
): BenchRow {
  return {
    ...(p.l !== undefined && p.l !== 1 ? { l: p.l } : {}),
    ...(p.groups !== undefined ? { groups: p.groups } : {}),
    kernel,
    target,
    m: p.m,
    n: p.n,
    k: p.k,
    status: "error",
    message,
    us: null,
    tflops: null,
    rel_err: null,
    max_err: null,
    tolerance: null,
    unwritten: null,
    baseline: null,
    ratio: null,
  };
}

export function isFailure(row: { status: ResultStatus }): boolean {
  return row.status === "fail" || row.status === "error";
}

export interface RenderOptions {
  /** Colour the status and ratio cells. Defaults to whether chalk detected colour support. */
  color?: boolean;
}

function painter(opts: RenderOptions): ChalkInstance {
  const color = opts.color ?? chalk.level > 0;
  return new Chalk({ level: color ? Math.max(1, chalk.level) as 1 | 2 | 3 : 0 });
}

const DASH = "—";

export function formatUs(us: number | null): string {
  if (us === null) return DASH;
  return us >= 1000 ? us.toFixed(0) : us >= 100 ? us.toFixed(1) : us.toFixed(2);
}

export function formatTflops(t: number | null): string {
  return t === null ? DASH : t.toFixed(1);
}

export function formatRatio(r: number | null): string {
  return r === null ? DASH : `${r.toFixed(2)}×`;
}

export function formatErr(e: number | null): string {
  if (e === null) return DASH;
  if (e === 0) return "0";
  return e.toExponential(1).replace("e+", "e");
}

type Align = "left" | "right";
interface Cell {
  text: string;
  paint?: (s: string) => string;
}

/** Lays out a table: header, a rule, rows; pads on the plain text, then paints each cell. */
function layout(headers: readonly string[], aligns: readonly Align[], rows: readonly Cell[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.text.length ?? 0)));
  const pad = (s: string, i: number, last: boolean): string => {
    if (last && aligns[i] === "left") return s;
    return aligns[i] === "right" ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
  };
  const line = (cells: readonly Cell[]): string =>
    cells
      .map((c, i) => {
        const padded = pad(c.text, i, i === cells.length - 1);
        if (!c.paint) return padded;
        // Paint only the text, not the padding, so stripping colour restores the plain layout.
        const start = padded.indexOf(c.text);
        return padded.slice(0, start) + c.paint(c.text) + padded.slice(start + c.text.length);
      })
      .join("  ")
      .trimEnd();
  const out = [line(headers.map((h) => ({ text: h }))), line(widths.map((w) => ({ text: "─".repeat(w) })))];
  for (const r of rows) out.push(line(r));
  return out.join("\n");
}

export function statusText(row: { status: ResultStatus; message: string | null }): string {
  const label = row.status.toUpperCase();
  return row.message && row.status !== "pass" ? `${label}: ${row.message}` : label;
}

export const RESULT_HEADERS = ["kernel", "shape", "median µs", "TFLOP/s", "cuBLAS µs", "ratio", "rel err", "status"] as const;

/** Marks a baseline time (and explains below the table) when the baseline leaves the kernel's epilogue out. */
export const UNCHECKED_BASELINE_MARK = "†";
export const UNCHECKED_BASELINE_NOTE = `${UNCHECKED_BASELINE_MARK} the baseline leaves the kernel's epilogue out ("gemm only"): a timing reference whose output is not checked`;

/** The baseline's median µs, marked when it does not compute the kernel's epilogue. */
function baselineUs(r: BenchRow): string {
  const text = formatUs(r.baseline?.us ?? null);
  return r.baseline?.checked === false ? `${text}${UNCHECKED_BASELINE_MARK}` : text;
}

/**
 * The table, then a line per kernel with an epilogue saying what it computes, and the note explaining
 * the baseline mark when some baseline carries it.
 */
function withNotes(table: string, rows: readonly BenchRow[]): string {
  const epilogues = new Map(rows.filter((r) => r.epilogue !== undefined).map((r) => [r.kernel, r.epilogue]));
  const notes = [...epilogues].map(([kernel, epilogue]) => `${kernel}: D = ${epilogue}, x the op's fp32 result`);
  if (rows.some((r) => r.baseline?.checked === false)) notes.push(UNCHECKED_BASELINE_NOTE);
  return [table, ...notes].join("\n");
}
/** Added after "TFLOP/s" when some row is a GEMV (has GB/s): bandwidth and its share of the device copy bandwidth. */
export const BANDWIDTH_HEADERS = ["GB/s", "% copy BW"] as const;

/** "2,950" GB/s, or a dash. */
export function formatGbps(g: number | null | undefined): string {
  return g === null || g === undefined ? DASH : Math.round(g).toLocaleString("en-US");
}

/** GB/s as a percentage of the copy bandwidth: "88.4%", or a dash. */
export function formatCopyShare(gbps: number | null | undefined, copy: number | null | undefined): string {
  return gbps == null || copy == null || copy <= 0 ? DASH : `${((100 * gbps) / copy).toFixed(1)}%`;
}

/**
 * "MxNxK", "MxNxKxL" for a batched (GEMV) problem, or for a grouped one its group count and the
 * lists of M, N and K (a list whose values are all equal shown once): "8g [80,176,…]x4096x7168".
 */
export function formatRowShape(r: { m: number; n: number; k: number; l?: number; groups?: { m: number; n: number; k: number }[] }): string {
  if (r.groups !== undefined) {
    const list = (vals: number[]): string => (vals.every((v) => v === vals[0]) ? String(vals[0]) : `[${vals.join(",")}]`);
    return `${r.groups.length}g ${list(r.groups.map((g) => g.m))}x${list(r.groups.map((g) => g.n))}x${list(r.groups.map((g) => g.k))}`;
  }
  return r.l !== undefined && r.l !== 1 ? `${r.m}x${r.n}x${r.k}x${r.l}` : `${r.m}x${r.n}x${r.k}`;
}

/**
 * The results table: one line per (kernel, problem). Only status and ratio are coloured. When a row
 * is a GEMV (it reports GB/s), two columns follow TFLOP/s: GB/s and its share of the device copy
 * bandwidth (85% or more green, 70% or more yellow, else red); other rows show dashes there. A
 * baseline that leaves the kernel's epilogue out has its time marked †, explained below the table.
 */
export function renderResultsTable(rows: readonly BenchRow[], opts: RenderOptions = {}): string {
  if (rows.some((r) => r.gbps !== undefined)) return renderWithBandwidth(rows, opts);
  const c = painter(opts);
  const statusPaint = (s: ResultStatus) =>
    s === "pass" ? c.green : s === "refused" ? c.yellow : s === "fail" ? c.red : c.red.bold;
  const ratioPaint = (r: number | null) => (r === null ? undefined : r >= 1.0 ? c.green : r >= 0.9 ? c.yellow : c.red);
  const cells = rows.map((r): Cell[] => [
    { text: r.kernel },
    { text: formatRowShape(r) },
    { text: formatUs(r.us) },
    { text: formatTflops(r.tflops) },
    { text: baselineUs(r) },
    { text: formatRatio(r.ratio), paint: ratioPaint(r.ratio) },
    { text: formatErr(r.rel_err) },
    { text: statusText(r), paint: statusPaint(r.status) },
  ]);
  return withNotes(layout(RESULT_HEADERS, ["left", "left", "right", "right", "right", "right", "right", "left"], cells), rows);
}

function renderWithBandwidth(rows: readonly BenchRow[], opts: RenderOptions): string {
  const c = painter(opts);
  const statusPaint = (s: ResultStatus) =>
    s === "pass" ? c.green : s === "refused" ? c.yellow : s === "fail" ? c.red : c.red.bold;
  const ratioPaint = (r: number | null) => (r === null ? undefined : r >= 1.0 ? c.green : r >= 0.9 ? c.yellow : c.red);
  const sharePaint = (g: number | undefined, copy: number | undefined) => {
    if (g === undefined || copy === undefined || copy <= 0) return undefined;
    const f = g / copy;
    return f >= 0.85 ? c.green : f >= 0.7 ? c.yellow : c.red;
  };
  const cells = rows.map((r): Cell[] => [
    { text: r.kernel },
    { text: formatRowShape(r) },
    { text: formatUs(r.us) },
    { text: formatTflops(r.tflops) },
    { text: formatGbps(r.gbps) },
    { text: formatCopyShare(r.gbps, r.copy_gbps), paint: sharePaint(r.gbps, r.copy_gbps) },
    { text: baselineUs(r) },
    { text: formatRatio(r.ratio), paint: ratioPaint(r.ratio) },
    { text: formatErr(r.rel_err) },
    { text: statusText(r), paint: statusPaint(r.status) },
  ]);
  const [kernel, shape, us, tflops, ...rest] = RESULT_HEADERS;
  return withNotes(
    layout(
      [kernel, shape, us, tflops, ...BANDWIDTH_HEADERS, ...rest],
      ["left", "left", "right", "right", "right", "right", "right", "right", "right", "left"],
      cells,
    ),
    rows,
  );
}

/** Static facts of one kernel: the manifest's summary and ptxas's report of its entry functions. */
export interface StaticRow {
  kernel: string;
  target: string;
  tile: readonly number[];
  cluster: readonly number[];
  stages: number;
  threads: number;
  /** Shared memory the generator planned (dynamic), bytes. */
  smemBytes: number;
  /** Summed over the TU's entry functions (normally one); null when the build failed before ptxas. */
  registers: number | null;
  staticSmemBytes: number | null;
  stackBytes: number | null;
  spillStores: number | null;
  spillLoads: number | null;
  /** TMEM columns allocated per CTA (sm_100a), null for targets without tensor memory. */
  tmemColumns: number | null;
  /** Tensor-core instructions in the SASS ("HGMMA×4"), "none", or null without cuobjdump. */
  tensorSass: string | null;
  /** "built", "cached", "SPILLS", "BUILD FAILED", ... */
  build: string;
  ok: boolean;
}

export const STATIC_HEADERS = ["kernel", "target", "tile", "cluster", "stages", "threads", "regs", "smem KiB", "static smem", "stack", "spills st/ld", "TMEM cols", "tensor SASS", "build"] as const;

const optNum = (v: number | null): string => (v === null ? DASH : String(v));

export function renderStaticTable(rows: readonly StaticRow[], opts: RenderOptions = {}): string {
  const c = painter(opts);
  const cells = rows.map((r): Cell[] => [
    { text: r.kernel },
    { text: r.target },
    { text: r.tile.join("x") },
    { text: r.cluster.join("x") },
    { text: String(r.stages) },
    { text: String(r.threads) },
    { text: optNum(r.registers) },
    { text: (r.smemBytes / 1024).toFixed(1) },
    { text: optNum(r.staticSmemBytes) },
    { text: optNum(r.stackBytes) },
    { text: r.spillStores === null ? DASH : `${r.spillStores}/${r.spillLoads ?? 0}` },
    { text: optNum(r.tmemColumns) },
    { text: r.tensorSass ?? DASH, ...(r.tensorSass === "none" ? { paint: c.red } : {}) },
    { text: r.build, paint: r.ok ? c.green : c.red },
  ]);
  return layout(STATIC_HEADERS, ["left", "left", "left", "left", "right", "right", "right", "right", "right", "right", "right", "right", "left", "left"], cells);
}
