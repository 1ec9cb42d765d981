/**
 * Driving nvcc: finding the toolkit, the flags for each target, which runner TUs to compile,
 * cached compiles and links, and a small promise pool to run them in parallel.
 */
import { execa } from "execa";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import type { ManifestTarget } from "./manifest.js";
import { linkKey, linkUpToDate, ObjectCache, objectKey, writeLinkStamp } from "./cache.js";

export class NvccNotFoundError extends Error {
  override name = "NvccNotFoundError";
}

export const NVCC_MISSING_MESSAGE =
  "nvcc not found: install the CUDA toolkit 12.8+ (https://developer.nvidia.com/cuda-downloads) and put its bin/ on PATH, or set CUDA_HOME";

export interface Toolchain {
  /** The nvcc that will be run (as found on PATH or under CUDA_HOME; may be a wrapper script). */
  nvcc: string;
  /** `nvcc --version` output, trimmed. */
  version: string;
  /** [major, minor] of "release X.Y" in the version text, when present. */
  release: [number, number] | null;
  /** The toolkit directory (holding include/cuda_runtime.h), when one was found. */
  cudaRoot: string | null;
  /** Whether <cudaRoot>/include/cublas_v2.h exists, deciding the baseline TU and -lcublas. */
  hasCublas: boolean;
}

type Env = Record<string, string | undefined>;

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** nvcc candidates, most preferred first: $NVCC, PATH, $CUDA_HOME/bin, $CUDA_PATH/bin, /usr/local/cuda/bin. */
export function nvccCandidates(env: Env = process.env): string[] {
  const out: string[] = [];
  if (env.NVCC) out.push(env.NVCC);
  for (const dir of (env.PATH ?? "").split(delimiter)) if (dir) out.push(join(dir, "nvcc"));
  for (const root of [env.CUDA_HOME, env.CUDA_PATH, "/usr/local/cuda"]) if (root) out.push(join(root, "bin", "nvcc"));
  return [...new Set(out)];
}

/** "Cuda compilation tools, release 13.0, V13.0.88" → [13, 0]. */
export function parseNvccRelease(versionText: string): [number, number] | null {
  const m = /release (\d+)\.(\d+)/.exec(versionText);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The toolkit directory named by `nvcc -dryrun` (its TOP or _HERE_/..), which sees through wrapper scripts. */
export function parseDryrunTop(dryrunText: string): string | null {
  const top = /^#\$ TOP=(.+)$/m.exec(dryrunText);
  if (top) return top[1]!.trim();
  const here = /^#\$ _HERE_=(.+)$/m.exec(dryrunText);
  return here ? join(here[1]!.trim(), "..") : null;
}

/** Picks the first candidate directory that holds include/cuda_runtime.h. */
export function pickCudaRoot(candidates: readonly (string | null | undefined)[], exists: (p: string) => boolean = existsSync): string | null {
  for (const c of candidates) {
    if (c && exists(join(c, "include", "cuda_runtime.h"))) return c;
  }
  return null;
}

/** Finds nvcc and the toolkit it belongs to; throws NvccNotFoundError with an install hint. */
export async function findToolchain(env: Env = process.env): Promise<Toolchain> {
  for (const cand of nvccCandidates(env)) {
    if (!isExecutableFile(cand)) continue;
    const v = await execa(cand, ["--version"], { reject: false, env: { ...process.env, ...env } });
    if (v.exitCode !== 0 || !/nvcc|Cuda compilation tools/i.test(v.stdout)) continue;
    const version = v.stdout.trim();
    let fromRealpath: string | null = null;
    try {
      fromRealpath = dirname(dirname(realpathSync(cand)));
    } catch {
      /* keep null */
    }
    // /usr/local/bin/nvcc may be a wrapper script, so also ask nvcc itself where it lives.
    const dry = await execa(cand, ["-dryrun", "-c", "-x", "cu", "/dev/null", "-o", "/dev/null"], { reject: false, all: true });
    const fromDryrun = parseDryrunTop(dry.all ?? "");
    const cudaRoot = pickCudaRoot([fromRealpath, fromDryrun, env.CUDA_HOME, env.CUDA_PATH, "/usr/local/cuda"]);
    const resolvedRoot = cudaRoot ? safeRealpath(cudaRoot) : null;
    return {
      nvcc: cand,
      version,
      release: parseNvccRelease(version),
      cudaRoot: resolvedRoot,
      hasCublas: resolvedRoot !== null && existsSync(join(resolvedRoot, "include", "cublas_v2.h")),
    };
  }
  throw new NvccNotFoundError(NVCC_MISSING_MESSAGE);
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** "-gencode=arch=compute_90a,code=sm_90a" for sm_90a, likewise for sm_100a. */
export function gencodeFlag(target: ManifestTarget): string {
  const arch = target.replace(/^sm_/, "");
  return `-gencode=arch=compute_${arch},code=sm_${arch}`;
}

/** Flags for every TU of `target` (kernel and runner alike); input and output are appended per job. */
export function compileFlags(target: ManifestTarget): string[] {
  return ["-std=c++17", "-O3", gencodeFlag(target), "-Xptxas", "-v", "-I", "runner/include"];
}

export function linkLibs(hasCublas: boolean): string[] {
  return hasCublas ? ["-lcublas", "-lcublasLt"] : [];
}

export const RUNNER_EXCLUDED = ["selftest_naive.cu", "baseline_cublas.cu", "baseline_none.cu"] as const;

/**
 * The runner TUs (repository-relative) linked into every kernel binary: runner/main.cu, every other
 * runner/*.cu except selftest_naive.cu and the two baselines, then baseline_cublas.cu when cuBLAS is
 * available, else baseline_none.cu. `files` are the names in runner/ (not paths).
 */
export function selectRunnerSources(files: readonly string[], hasCublas: boolean): string[] {
  const cu = files.filter((f) => f.endsWith(".cu"));
  if (!cu.includes("main.cu")) throw new Error("runner/main.cu not found: the runner is not in this checkout");
  const baseline = hasCublas ? "baseline_cublas.cu" : "baseline_none.cu";
  if (!cu.includes(baseline)) throw new Error(`runner/${baseline} not found (cuBLAS ${hasCublas ? "available" : "not available"})`);
  const rest = cu.filter((f) => f !== "main.cu" && !(RUNNER_EXCLUDED as readonly string[]).includes(f)).sort();
  return ["main.cu", ...rest, baseline].map((f) => `runner/${f}`);
}

export function listRunnerSources(root: string, hasCublas: boolean): string[] {
  const dir = join(root, "runner");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => isExecutableFile(join(dir, f))) : [];
  return selectRunnerSources(files, hasCublas);
}

/** The cc a target runs on, as major*10+minor (sm_90a → 90, sm_100a → 100). */
export function targetCc(target: ManifestTarget): number {
  return Number(target.replace(/^sm_(\d+)a?$/, "$1"));
}

/**
 * Normalises a compute capability as a probe may print it: 90, "90", "9.0", 9.0 (a float < 20),
 * "sm_90", "sm_90a", [9, 0] or {major: 9, minor: 0} → 90. null when unrecognised.
 */
export function parseCc(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) {
    if (v < 20) return Math.round(v * 10);
    return Math.round(v);
  }
  if (typeof v === "string") {
    const s = v.trim();
    let m = /^(?:sm_|compute_)?(\d+)a?$/.exec(s);
    if (m) return Number(m[1]);
    m = /^(\d+)\.(\d+)$/.exec(s);
    if (m) return Number(m[1]) * 10 + Number(m[2]);
    return null;
  }
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number") return v[0] * 10 + v[1];
  if (typeof v === "object" && v !== null && "major" in v && "minor" in v) {
    const { major, minor } = v as { major: unknown; minor: unknown };
    if (typeof major === "number" && typeof minor === "number") return major * 10 + minor;
  }
  return null;
}

/** "9.0" for 90. */
export function formatCc(cc: number): string {
  return `${Math.floor(cc / 10)}.${cc % 10}`;
}

/** Arch-specific ("a") targets run only on exactly their compute capability. */
export function targetRunsOn(target: ManifestTarget, cc: number): boolean {
  return targetCc(target) === cc;
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results keep the input order. */
export async function runPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  const n = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

export interface CompileJob {
  /** Repository-relative path of the TU. */
  src: string;
  target: ManifestTarget;
  flags: string[];
  key: string;
}

export interface CompileResult {
  job: CompileJob;
  ok: boolean;
  cached: boolean;
  seconds: number;
  /** Absolute object path (valid when ok). */
  object: string;
  /** nvcc's stderr: the ptxas -v report plus any warnings. */
  report: string;
  /** On failure, the tail of nvcc's output. */
  error?: string;
}

/** Builds the job for `src`, keying it on its bytes, the headers digest, the flags and nvcc's version. */
export function makeCompileJob(root: string, src: string, target: ManifestTarget, headers: string, nvccVersion: string): CompileJob {
  const flags = compileFlags(target);
  const key = objectKey({ source: readFileSync(join(root, src)), headers, flags, nvccVersion });
  return { src, target, flags, key };
}

export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split(/\r?\n/);
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

/** Compiles one TU unless its object is cached. Never throws for compiler errors. */
export async function compileObject(tc: Toolchain, root: string, cache: ObjectCache, job: CompileJob): Promise<CompileResult> {
  const object = cache.objectPath(job.key);
  if (cache.has(job.key)) return { job, ok: true, cached: true, seconds: 0, object, report: cache.report(job.key) };
  mkdirSync(cache.dir, { recursive: true });
  const tmp = cache.tempObjectPath(job.key);
  const t0 = performance.now();
  const r = await execa(tc.nvcc, [...job.flags, "-c", job.src, "-o", tmp], { cwd: root, reject: false, all: true });
  const seconds = (performance.now() - t0) / 1000;
  const report = r.stderr ?? "";
  if (r.exitCode !== 0 || r.failed || !existsSync(tmp)) {
    cache.discard(tmp);
    const why = r.exitCode === undefined ? (r.shortMessage ?? "nvcc did not run") : `nvcc exited with ${r.exitCode}`;
    return { job, ok: false, cached: false, seconds, object, report, error: `${why}\n${tail(r.all ?? "")}` };
  }
  cache.commit(job.key, tmp, report);
  return { job, ok: true, cached: false, seconds, object, report };
}

export interface LinkResult {
  ok: boolean;
  cached: boolean;
  seconds: number;
  binary: string;
  error?: string;
}

/** Links `objects` into `binary` unless its stamp says the same inputs were linked before. */
export async function linkBinary(
  tc: Toolchain,
  root: string,
  binary: string,
  objects: readonly { key: string; path: string }[],
): Promise<LinkResult> {
  const libs = linkLibs(tc.hasCublas);
  const key = linkKey({ objects: objects.map((o) => o.key), flags: libs, nvccVersion: tc.version });
  if (linkUpToDate(binary, key)) return { ok: true, cached: true, seconds: 0, binary };
  mkdirSync(dirname(binary), { recursive: true });
  rmSync(`${binary}.key`, { force: true });
  const t0 = performance.now();
  const r = await execa(tc.nvcc, ["-o", binary, ...objects.map((o) => o.path), ...libs], { cwd: root, reject: false, all: true });
  const seconds = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0 || r.failed) {
    const why = r.exitCode === undefined ? (r.shortMessage ?? "nvcc did not run") : `nvcc exited with ${r.exitCode}`;
    return { ok: false, cached: false, seconds, binary, error: `link failed (${why})\n${tail(r.all ?? "")}` };
  }
  writeLinkStamp(binary, key);
  return { ok: true, cached: false, seconds, binary };
}
