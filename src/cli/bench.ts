/**
 * `npm run bench`: build every generated kernel with the runner (cached, in parallel), report
 * ptxas's static facts, and, when a CUDA GPU is present, run each kernel binary on its problems and
 * print one results table. Orchestration only: the logic lives in manifest.ts, nvcc.ts, cache.ts,
 * ptxas.ts and table.ts.
 *
 * Paths are resolved from the repository root found from the current directory (never from this
 * file's location), so the esbuild bundle in .device/bench.mjs works the same.
 *
 *   npm run bench -- [FILTER...] [--kernel SUBSTR]... [--shape MxNxK]... [--reps N] [--jobs N]
 *                    [--out results.json] [--build-only] [--timeout S] [--verbose]
 */
import chalk from "chalk";
import { execa } from "execa";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { headersDigest, ObjectCache } from "./cache.js";
import { formatShape, sameProblem, MANIFEST_PATH, ManifestError, parseShape, readManifest, type ManifestKernel, type ManifestTarget, type Problem } from "./manifest.js";
import {
  compileObject,
  findToolchain,
  formatCc,
  linkBinary,
  listRunnerSources,
  makeCompileJob,
  NvccNotFoundError,
  parseCc,
  runPool,
  tail,
  targetRunsOn,
  type CompileJob,
  type CompileResult,
} from "./nvcc.js";
import { describeSpills, parsePtxasReport, spillingEntries, type PtxasEntry } from "./ptxas.js";
import { countTensorSass, findCuobjdump, formatSassCounts, sassOf } from "./sass.js";
import { errorRow, isFailure, parseRunnerReport, renderResultsTable, renderStaticTable, type BenchRow, type StaticRow } from "./table.js";

const USAGE = `usage: npm run bench -- [FILTER...] [options]
  FILTER, --kernel SUBSTR   only kernels whose name contains SUBSTR (repeatable; any may match)
  --shape MxNxK[xL]         run these problems instead of each kernel's own (repeatable; L batches for GEMV;
                            M1,M2,...xNxK for a grouped GEMM, N and K may be lists too)
  --reps N                  timed repetitions per problem (default 50)
  --jobs N                  parallel nvcc jobs (default: number of CPUs)
  --out PATH                results JSON (default build/results/bench-<timestamp>.json; latest.json is also written)
  --build-only              build and report ptxas facts, run nothing
  --timeout S               seconds allowed per kernel binary run (default 600)
  --fp8-precise-accum       time the fp8 cuBLASLt baseline without fast accumulation (default: fast
                            accumulation, the accumulation contract of the generated sm_90a fp8 kernels)
  --flush read|write        how the runner flushes L2 before each timed run: read (default; the run starts
                            with clean lines) or write (a memset: dirty lines the run's misses write back)
  --verbose                 show full nvcc reports and runner output`;

interface BenchArgs {
  filters: string[];
  shapes: Problem[];
  reps: number;
  jobs: number;
  out: string | null;
  buildOnly: boolean;
  timeoutS: number;
  verbose: boolean;
  fp8PreciseAccum: boolean;
  flush: "read" | "write";
}

class UsageError extends Error {}

function positiveInt(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${flag} expects a positive integer, got '${v}'`);
  return Number(v);
}

function parseBenchArgs(argv: string[]): BenchArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      kernel: { type: "string", multiple: true },
      shape: { type: "string", multiple: true },
      reps: { type: "string" },
      jobs: { type: "string" },
      out: { type: "string" },
      "build-only": { type: "boolean" },
      timeout: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      "fp8-precise-accum": { type: "boolean" },
      flush: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  return {
    filters: [...positionals, ...(values.kernel ?? [])],
    shapes: (values.shape ?? []).map(parseShape),
    reps: positiveInt(values.reps, "--reps", 50),
    jobs: positiveInt(values.jobs, "--jobs", availableParallelism()),
    out: values.out ?? null,
    buildOnly: values["build-only"] ?? false,
    timeoutS: positiveInt(values.timeout, "--timeout", 600),
    verbose: values.verbose ?? false,
    fp8PreciseAccum: values["fp8-precise-accum"] ?? false,
    flush: flushMode(values.flush),
  };
}

function flushMode(v: string | undefined): "read" | "write" {
  if (v === undefined || v === "read" || v === "write") return v ?? "read";
  throw new UsageError(`--flush must be read or write, not ${JSON.stringify(v)}`);
}

/** The repository root: the nearest directory at or above the current one holding the runner or a manifest. */
function findRoot(start: string): string {
  for (let d = resolve(start); ; d = dirname(d)) {
    if (existsSync(join(d, "runner", "include")) || existsSync(join(d, MANIFEST_PATH))) return d;
    if (dirname(d) === d) return resolve(start);
  }
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

const secs = (s: number): string => `${s.toFixed(1)} s`;

interface GpuInfo {
  name: string;
  cc: number | null;
  smCount: number | null;
  raw: unknown;
}

type Probe = { kind: "gpu"; gpu: GpuInfo } | { kind: "none"; message: string } | { kind: "error"; message: string };

async function probe(binary: string, root: string): Promise<Probe> {
  const r = await execa(binary, ["--probe"], { cwd: root, reject: false, all: true, timeout: 60_000 });
  if (r.exitCode === 3) return { kind: "none", message: (r.all ?? "").trim() };
  if (r.exitCode !== 0) {
    const why = r.timedOut ? "timed out after 60 s" : howItEnded(r);
    return { kind: "error", message: `${relative(root, binary)} --probe failed (${why})\n${tail(r.all ?? "", 20)}` };
  }
  const lines = (r.stdout ?? "").split(/\r?\n/).reverse();
  for (const line of lines) {
    try {
      const raw: unknown = JSON.parse(line);
      if (typeof raw !== "object" || raw === null) continue;
      const o = raw as Record<string, unknown>;
      const name = [o.gpu, o.name, o.device].find((v) => typeof v === "string") as string | undefined;
      const cc = parseCc(o.cc ?? o.compute_capability ?? (o.major !== undefined ? { major: o.major, minor: o.minor } : undefined));
      const sm = [o.sm_count, o.sms, o.multiprocessors].find((v) => typeof v === "number") as number | undefined;
      return { kind: "gpu", gpu: { name: name ?? "unknown GPU", cc, smCount: sm ?? null, raw } };
    } catch {
      /* not the JSON line */
    }
  }
  return { kind: "error", message: `${relative(root, binary)} --probe exited 0 but printed no JSON line:\n${tail(r.stdout ?? "", 10)}` };
}

interface KernelBuild {
  kernel: ManifestKernel;
  compile?: CompileResult;
  entries: PtxasEntry[];
  binary?: string;
  /** Why this kernel cannot run; undefined when it built cleanly. */
  failure?: { status: "fail" | "error"; message: string };
  build: string;
}

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs | "help";
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    console.error(`${chalk.red("error")}: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args === "help") {
    console.log(USAGE);
    return 0;
  }
  const opts = args;
  const root = findRoot(process.cwd());
  const startedAt = new Date();

  // 1. Manifest and filters.
  const manifest = readManifest(join(root, MANIFEST_PATH));
  const kernels = manifest.kernels.filter((k) => opts.filters.length === 0 || opts.filters.some((f) => k.name.includes(f)));
  if (manifest.kernels.length === 0) {
    console.error(`${chalk.red("error")}: ${MANIFEST_PATH} lists no kernels: add one under kernels/ and run \`npm run gen\``);
    return 1;
  }
  if (kernels.length === 0) {
    console.error(`${chalk.red("error")}: no kernel matches ${opts.filters.map((f) => `'${f}'`).join(" or ")}; known: ${manifest.kernels.map((k) => k.name).join(", ")}`);
    return 1;
  }
  for (const k of kernels) {
    if (!existsSync(join(root, k.file))) throw new ManifestError(`${k.file} (kernel '${k.name}') not found: run \`npm run gen\` again`);
  }

  // 2. Toolchain and runner sources.
  const tc = await findToolchain();
  const rel = tc.release ? `${tc.release[0]}.${tc.release[1]}` : "unknown release";
  console.log(
    `${chalk.bold("nvcc")} ${rel} (${tc.cudaRoot ?? tc.nvcc}); baseline: ${tc.hasCublas ? "cuBLAS" : chalk.yellow("none (cublas_v2.h not found)")}; ${opts.jobs} jobs`,
  );
  const sm100 = kernels.some((k) => k.target === "sm_100a");
  if (tc.release && (tc.release[0] < 12 || (tc.release[0] === 12 && tc.release[1] < 8 && sm100))) {
    console.log(chalk.yellow(`warning: CUDA ${rel} is older than 12.8; sm_100a needs 12.8+ and sm_90a needs 12.0+`));
  }
  const runnerSrcs = listRunnerSources(root, tc.hasCublas);
  const headers = headersDigest(root);
  const targets = [...new Set(kernels.map((k) => k.target))].sort() as ManifestTarget[];

  // 3. Compile everything (kernel TUs first: they are the slowest), cached and in parallel.
  const kernelJobs = kernels.map((k) => makeCompileJob(root, k.file, k.target, headers, tc.version));
  const runnerJobs = new Map<ManifestTarget, CompileJob[]>(
    targets.map((t) => [t, runnerSrcs.map((s) => makeCompileJob(root, s, t, headers, tc.version))]),
  );
  const allJobs = [...kernelJobs, ...[...runnerJobs.values()].flat()];
  const cache = new ObjectCache(join(root, "build", "obj"));
  const total = allJobs.length + kernels.length; // compiles + links
  let done = 0;
  const progress = (what: string, cached: boolean, seconds: number, ok: boolean | string): void => {
    done++;
    const tailText =
      typeof ok === "string" ? chalk.dim(ok) : !ok ? chalk.red(`failed after ${secs(seconds)}`) : cached ? chalk.dim("cached") : secs(seconds);
    console.log(`${chalk.dim(`[${done}/${total}]`)} ${what} … ${tailText}`);
  };
  const compiled = await runPool(allJobs, opts.jobs, async (job) => {
    const r = await compileObject(tc, root, cache, job);
    progress(`nvcc ${job.src} (${job.target})`, r.cached, r.seconds, r.ok);
    if (!r.ok) console.error(chalk.red(`${job.src} (${job.target}): ${r.error}`));
    else if (opts.verbose && r.report.trim()) console.log(chalk.dim(r.report.trimEnd()));
    return r;
  });
  const byKey = new Map(compiled.map((r) => [`${r.job.target}:${r.job.src}`, r]));

  const runnerFailed = new Map<ManifestTarget, string>();
  for (const t of targets) {
    const bad = runnerJobs.get(t)!.map((j) => byKey.get(`${t}:${j.src}`)!).filter((r) => !r.ok);
    if (bad.length > 0) runnerFailed.set(t, `runner failed to compile for ${t}: ${bad.map((r) => r.job.src).join(", ")}`);
    for (const r of runnerJobs.get(t)!.map((j) => byKey.get(`${t}:${j.src}`)!)) {
      const spills = r.ok ? describeSpills(parsePtxasReport(r.report)) : "";
      if (spills) console.log(chalk.yellow(`warning: ${r.job.src} (${t}) spills registers: ${spills}`));
    }
  }

  // 4. Static facts, spill check, link.
  const builds: KernelBuild[] = kernels.map((kernel) => {
    const c = byKey.get(`${kernel.target}:${kernel.file}`)!;
    if (!c.ok) return { kernel, compile: c, entries: [], failure: { status: "error", message: `build failed: ${firstLine(c.error)}` }, build: "BUILD FAILED" };
    const entries = parsePtxasReport(c.report);
    const b: KernelBuild = { kernel, compile: c, entries, build: c.cached ? "cached" : "built" };
    if (entries.length === 0) console.log(chalk.yellow(`warning: ptxas reported no entry function for ${kernel.file}`));
    if (spillingEntries(entries).length > 0) {
      const message = `register spills in a generated kernel: ${describeSpills(entries)}`;
      console.error(chalk.red(`${kernel.name}: ${message}`));
      b.failure = { status: "fail", message };
      b.build = "SPILLS";
    } else if (runnerFailed.has(kernel.target)) {
      b.failure = { status: "error", message: runnerFailed.get(kernel.target)! };
      b.build = "RUNNER FAILED";
    }
    return b;
  });
  await runPool(builds, opts.jobs, async (b) => {
    const binary = join(root, "build", "bin", b.kernel.name);
    if (b.failure) {
      progress(`link build/bin/${b.kernel.name}`, false, 0, `skipped (${b.build.toLowerCase()})`);
      return;
    }
    const objs = [b.compile!, ...runnerJobs.get(b.kernel.target)!.map((j) => byKey.get(`${b.kernel.target}:${j.src}`)!)];
    const l = await linkBinary(tc, root, binary, objs.map((o) => ({ key: o.job.key, path: o.object })));
    progress(`link build/bin/${b.kernel.name}`, l.cached, l.seconds, l.ok);
    if (!l.ok) {
      console.error(chalk.red(`${b.kernel.name}: ${l.error}`));
      b.failure = { status: "error", message: `link failed: ${firstLine(l.error)}` };
      b.build = "LINK FAILED";
    } else {
      b.binary = binary;
    }
  });

  // Tensor-core SASS per kernel, where this machine has cuobjdump (the GPU machines do; CI does not).
  const cuobjdump = await findCuobjdump(tc.cudaRoot);
  const tensorSass = new Map<string, string>();
  if (cuobjdump) {
    await runPool(builds.filter((b) => b.compile?.ok), opts.jobs, async (b) => {
      try {
        tensorSass.set(b.kernel.name, formatSassCounts(countTensorSass(await sassOf(cuobjdump, b.compile!.object))));
      } catch (err) {
        console.error(chalk.yellow(`${b.kernel.name}: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  }

  const staticRows = builds.map((b): StaticRow => {
    const e = b.entries;
    const max = (f: (x: PtxasEntry) => number): number | null => (e.length ? Math.max(...e.map(f)) : null);
    const sum = (f: (x: PtxasEntry) => number): number | null => (e.length ? e.reduce((a, x) => a + f(x), 0) : null);
    return {
      kernel: b.kernel.name,
      target: b.kernel.target,
      tile: b.kernel.summary.tile,
      cluster: b.kernel.summary.cluster,
      stages: b.kernel.summary.stages,
      threads: b.kernel.summary.threads,
      smemBytes: b.kernel.summary.smemBytes,
      registers: max((x) => x.registers),
      staticSmemBytes: max((x) => x.smemBytes),
      stackBytes: max((x) => x.stackBytes),
      spillStores: sum((x) => x.spillStores),
      spillLoads: sum((x) => x.spillLoads),
      tmemColumns: b.kernel.summary.tmemColumns ?? null,
      tensorSass: tensorSass.get(b.kernel.name) ?? null,
      build: b.build,
      ok: !b.failure,
    };
  });
  console.log(`\n${renderStaticTable(staticRows)}\n`);
  const buildFailures = builds.filter((b) => b.failure).length;
  const runnable = builds.filter((b) => b.binary);
  if (opts.buildOnly) {
    console.log(`built ${runnable.length} of ${builds.length} kernel(s)${buildFailures ? chalk.red(`, ${buildFailures} failed`) : ""}`);
    return buildFailures ? 1 : 0;
  }
  if (runnable.length === 0) {
    console.error(chalk.red("no kernel built: nothing to run"));
    return 1;
  }

  // 5. Probe for a GPU with the first binary.
  const p = await probe(runnable[0]!.binary!, root);
  if (p.kind === "none") {
    console.log(chalk.yellow(`no CUDA GPU found: built ${runnable.length} kernel(s), nothing run`) + (p.message ? chalk.dim(` (${p.message.split("\n")[0]})`) : ""));
    return buildFailures ? 1 : 0;
  }
  if (p.kind === "error") {
    console.error(chalk.red(p.message));
    return 1;
  }
  const gpu = p.gpu;
  console.log(`${chalk.bold("GPU")} ${gpu.name} (cc ${gpu.cc === null ? "unknown" : formatCc(gpu.cc)}${gpu.smCount ? `, ${gpu.smCount} SMs` : ""})`);

  // 6. Run each kernel binary on its problems, one at a time (timings must not overlap).
  const rawDir = join(root, "build", "results", "raw");
  mkdirSync(rawDir, { recursive: true });
  const rows: BenchRow[] = [];
  const skipped: { kernel: string; reason: string }[] = [];
  for (const b of builds) {
    const problems = opts.shapes.length > 0 ? opts.shapes : b.kernel.problems;
    if (b.failure) {
      for (const pr of problems) rows.push({ ...errorRow(b.kernel.name, b.kernel.target, pr, b.failure.message), status: b.failure.status });
      continue;
    }
    if (gpu.cc !== null && !targetRunsOn(b.kernel.target, gpu.cc)) {
      const reason = `built for ${b.kernel.target}, GPU is sm_${gpu.cc} (${gpu.name})`;
      console.log(chalk.yellow(`skip ${b.kernel.name}: ${reason}`));
      skipped.push({ kernel: b.kernel.name, reason });
      continue;
    }
    if (problems.length === 0) {
      const reason = "no problems in the manifest (pass --shape MxNxK)";
      console.log(chalk.yellow(`skip ${b.kernel.name}: ${reason}`));
      skipped.push({ kernel: b.kernel.name, reason });
      continue;
    }
    const jsonPath = join(rawDir, `${b.kernel.name}.json`);
    rmSync(jsonPath, { force: true });
    const runArgs = [...problems.flatMap((pr) => ["--problem", formatShape(pr)]), "--reps", String(opts.reps), "--json", jsonPath];
    if (opts.fp8PreciseAccum) runArgs.push("--fp8-precise-accum");
    runArgs.push("--flush", opts.flush);
    const t0 = performance.now();
    const r = await execa(b.binary!, runArgs, { cwd: root, reject: false, all: true, timeout: opts.timeoutS * 1000 });
    const seconds = (performance.now() - t0) / 1000;
    const exitText = r.timedOut ? `timed out after ${opts.timeoutS} s` : howItEnded(r);
    let got: BenchRow[] = [];
    let problem: string | undefined;
    if (existsSync(jsonPath)) {
      try {
        const report = parseRunnerReport(readFileSync(jsonPath, "utf8"));
        const epilogue = report.epilogue !== null ? { epilogue: report.epilogue } : {};
        got = report.results.map((x) => ({ ...x, kernel: b.kernel.name, target: b.kernel.target, ...epilogue }));
      } catch (e) {
        problem = `unreadable result JSON ${relative(root, jsonPath)}: ${(e as Error).message}`;
      }
    } else {
      problem = `no result JSON (${exitText})`;
    }
    if (r.exitCode !== 0 && r.exitCode !== 1) problem ??= `runner ${exitText}`;
    const missing = problems.filter((pr) => !got.some((g) => sameProblem(g, pr)));
    for (const pr of missing) got.push(errorRow(b.kernel.name, b.kernel.target, pr, problem ?? `no result for this problem (${exitText})`));
    rows.push(...got);
    const bad = got.filter(isFailure).length;
    console.log(`run ${b.kernel.name} (${problems.length} problem${problems.length === 1 ? "" : "s"}) … ${secs(seconds)}${bad ? chalk.red(` ${bad} failed`) : ""}`);
    if ((problem || opts.verbose || (r.exitCode !== 0 && r.exitCode !== 1)) && (r.all ?? "").trim()) {
      console.log(chalk.dim(tail(r.all ?? "", opts.verbose ? 200 : 20)));
    }
  }

  // 7. One table, the combined JSON, the exit code.
  if (rows.length > 0) console.log(`\n${renderResultsTable(rows)}\n`);
  const results = {
    date: startedAt.toISOString(),
    command: process.argv.map(shellQuote).join(" "),
    args: argv,
    gpu: { name: gpu.name, cc: gpu.cc === null ? null : formatCc(gpu.cc), sm_count: gpu.smCount, probe: gpu.raw },
    nvcc: tc.version.split("\n").find((l) => /release/.test(l)) ?? tc.version,
    baseline: tc.hasCublas ? "cublas" : "none",
    generator: manifest.generator,
    reps: opts.reps,
    kernels: builds.map((b, i) => ({ ...staticRows[i]!, entries: b.entries, failure: b.failure ?? null })),
    skipped,
    rows,
  };
  const resultsDir = join(root, "build", "results");
  const outPath = opts.out ? resolve(process.cwd(), opts.out) : join(resultsDir, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  mkdirSync(dirname(outPath), { recursive: true });
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(outPath, text);
  writeFileSync(join(resultsDir, "latest.json"), text);
  const failed = rows.filter(isFailure).length;
  console.log(
    `${rows.length} result(s): ${rows.filter((r) => r.status === "pass").length} pass, ${failed} fail/error, ` +
      `${rows.filter((r) => r.status === "refused").length} refused${skipped.length ? `, ${skipped.length} kernel(s) skipped` : ""} → ${relative(process.cwd(), outPath) || outPath}`,
  );
  return failed > 0 || buildFailures > 0 ? 1 : 0;
}

/** "exit 2", "killed by SIGSEGV", or why it did not start (ENOENT, EACCES, ...). */
function howItEnded(r: { exitCode?: number; signal?: string; code?: string; originalMessage?: string }): string {
  if (r.exitCode !== undefined) return `exit ${r.exitCode}`;
  if (r.signal) return `killed by ${r.signal}`;
  return r.code ?? r.originalMessage ?? "did not run";
}

/** The first line that mentions an error (else the first non-empty line), for one-line messages. */
function firstLine(s: string | undefined): string {
  const lines = (s ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /\berror\b/i.test(l) && !/^nvcc exited/.test(l)) ?? lines[0] ?? "";
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof NvccNotFoundError || e instanceof ManifestError || e instanceof UsageError) {
      console.error(`${chalk.red("error")}: ${e.message}`);
    } else if (e instanceof Error && /runner\/\S+ not found/.test(e.message)) {
      console.error(`${chalk.red("error")}: ${e.message}`);
    } else {
      console.error(e);
    }
    process.exitCode = 1;
  },
);
