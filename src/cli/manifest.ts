/**
 * The shape of generated/manifest.json (written by `npm run gen`, read by `npm run bench`), with a
 * small runtime check so a stale or hand-edited manifest fails with a clear message.
 */
import { existsSync, readFileSync } from "node:fs";

export type ManifestTarget = "sm_90a" | "sm_100a";
export const MANIFEST_TARGETS: readonly ManifestTarget[] = ["sm_90a", "sm_100a"];

export interface Problem {
  m: number;
  n: number;
  k: number;
  /** Batches (GEMV kernels); absent means 1. */
  l?: number;
  /**
   * Grouped GEMM kernels: one shape per group (then m is the sum of the groups' M, n and k those of
   * group 0, as in the runner's JSON); absent for every other kernel.
   */
  groups?: GroupShape[];
}

export interface GroupShape {
  m: number;
  n: number;
  k: number;
}

export interface KernelSummary {
  tile: [number, number, number];
  cluster: [number, number];
  stages: number;
  threads: number;
  smemBytes: number;
  /** TMEM columns allocated per CTA (sm_100a kernels only). */
  tmemColumns?: number;
}

export interface ManifestKernel {
  name: string;
  /**
   * "gemv" for GEMV kernels (problems have n = 1 and l batches), "groupedGemm" for grouped GEMMs
   * (problems have groups); absent for the other GEMM-family kernels.
   */
  op?: "gemv" | "groupedGemm";
  target: ManifestTarget;
  /** Repository-relative path of the generated TU, "generated/<name>.cu". */
  file: string;
  /** Repository-relative path of the DSL source, "kernels/<x>.ts". */
  source: string;
  problems: Problem[];
  summary: KernelSummary;
}

export interface Manifest {
  generator: string;
  kernels: ManifestKernel[];
}

export class ManifestError extends Error {
  override name = "ManifestError";
}

export const MANIFEST_PATH = "generated/manifest.json";

/** A grouped problem from its groups: m summed, n and k of group 0 (the runner's convention). */
export function groupedProblem(groups: GroupShape[]): Problem {
  return { m: groups.reduce((sum, g) => sum + g.m, 0), n: groups[0]!.n, k: groups[0]!.k, groups };
}

/**
 * "MxNxK" or "MxNxKxL" → Problem; a grouped problem lists values per group with commas,
 * "80,176,128x4096x7168" (lists of equal length, or one value for every group). Throws on anything else.
 */
export function parseShape(text: string): Problem {
  if (text.includes(",")) return parseGroupedShape(text);
  const m = /^\s*(\d+)\s*[xX]\s*(\d+)\s*[xX]\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new ManifestError(`bad shape '${text}': expected MxNxK or MxNxKxL, e.g. 4096x4096x4096`);
  const [m_, n_, k_] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const l = m[4] !== undefined ? Number(m[4]) : undefined;
  if (m_ <= 0 || n_ <= 0 || k_ <= 0 || (l !== undefined && l <= 0)) throw new ManifestError(`bad shape '${text}': every dimension must be positive`);
  return { m: m_, n: n_, k: k_, ...(l !== undefined && l !== 1 ? { l } : {}) };
}

function parseGroupedShape(text: string): Problem {
  const parts = text.trim().split(/[xX]/);
  const lists = parts.map((part) => part.split(",").map((v) => v.trim()));
  if (parts.length !== 3 || lists.some((l) => l.some((v) => !/^\d+$/.test(v)))) {
    throw new ManifestError(`bad grouped shape '${text}': expected M1,M2,...xNxK (N and K may be lists too), e.g. 80,176x4096x7168`);
  }
  const [ms, ns, ks] = lists.map((l) => l.map(Number)) as [number[], number[], number[]];
  const groups = Math.max(ms.length, ns.length, ks.length);
  if ([ms, ns, ks].some((l) => l.length !== 1 && l.length !== groups)) {
    throw new ManifestError(`bad grouped shape '${text}': the M, N and K lists must have the same length (or one value for every group)`);
  }
  const at = (l: number[], g: number): number => (l.length === 1 ? l[0]! : l[g]!);
  const shapes = Array.from({ length: groups }, (_, g) => ({ m: at(ms, g), n: at(ns, g), k: at(ks, g) }));
  if (shapes.some((g) => g.m <= 0 || g.n <= 0 || g.k <= 0)) throw new ManifestError(`bad grouped shape '${text}': every dimension must be positive`);
  return groupedProblem(shapes);
}

/**
 * The runner's --problem text: "MxNxK", "MxNxKxL", or for groups "M1,M2,...xNxK" (N and K lists
 * collapsed when equal; the runner reads a plain "MxNxK" given to a grouped kernel as one group).
 */
export function formatShape(p: Problem): string {
  if (p.groups !== undefined) {
    // M is always listed in full: the length of its list is the group count (two groups of M = 128
    // must not become one). N and K collapse to one value when every group shares it (the runner
    // broadcasts a one-value list).
    const list = (vals: number[]): string => (vals.every((v) => v === vals[0]) ? String(vals[0]) : vals.join(","));
    const ms = p.groups.map((g) => g.m).join(",");
    return `${ms}x${list(p.groups.map((g) => g.n))}x${list(p.groups.map((g) => g.k))}`;
  }
  return p.l !== undefined && p.l !== 1 ? `${p.m}x${p.n}x${p.k}x${p.l}` : `${p.m}x${p.n}x${p.k}`;
}

/** Whether two problems are the same shape (groups compared one by one). */
export function sameProblem(a: Problem, b: Problem): boolean {
  if ((a.groups === undefined) !== (b.groups === undefined)) return false;
  if (a.groups !== undefined && b.groups !== undefined) {
    return a.groups.length === b.groups.length && a.groups.every((g, i) => g.m === b.groups![i]!.m && g.n === b.groups![i]!.n && g.k === b.groups![i]!.k);
  }
  return a.m === b.m && a.n === b.n && a.k === b.k && (a.l ?? 1) === (b.l ?? 1);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
const isNonNegInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

function intTuple(v: unknown, len: number, where: string): number[] {
  if (!Array.isArray(v) || v.length !== len || !v.every(isPosInt)) {
    throw new ManifestError(`${where}: expected an array of ${len} positive integers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

/** Validates a parsed manifest; `where` names the file in messages. */
export function validateManifest(data: unknown, where = MANIFEST_PATH): Manifest {
  if (!isObj(data)) throw new ManifestError(`${where}: expected a JSON object`);
  if (typeof data.generator !== "string") throw new ManifestError(`${where}: "generator" must be a string`);
  if (!Array.isArray(data.kernels)) throw new ManifestError(`${where}: "kernels" must be an array`);
  const seen = new Set<string>();
  const kernels = data.kernels.map((k: unknown, i: number): ManifestKernel => {
    const at = `${where}: kernels[${i}]`;
    if (!isObj(k)) throw new ManifestError(`${at}: expected an object`);
    const { name, target, file, source, problems, summary, op } = k;
    if (op !== undefined && op !== "gemv" && op !== "groupedGemm") {
      throw new ManifestError(`${at}: "op" must be "gemv", "groupedGemm" or absent, got ${JSON.stringify(op)}`);
    }
    if (typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new ManifestError(`${at}: "name" must be a non-empty string of [A-Za-z0-9_.-], got ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) throw new ManifestError(`${at}: duplicate kernel name '${name}'`);
    seen.add(name);
    const atN = `${where}: kernel '${name}'`;
    if (!MANIFEST_TARGETS.includes(target as ManifestTarget)) {
      throw new ManifestError(`${atN}: "target" must be one of ${MANIFEST_TARGETS.join(", ")}, got ${JSON.stringify(target)}`);
    }
    if (typeof file !== "string" || !file.endsWith(".cu")) throw new ManifestError(`${atN}: "file" must be a path to a .cu file`);
    if (typeof source !== "string") throw new ManifestError(`${atN}: "source" must be a string`);
    if (!Array.isArray(problems)) throw new ManifestError(`${atN}: "problems" must be an array`);
    const probs = problems.map((p: unknown, j: number): Problem => {
      if (!isObj(p) || !isPosInt(p.m) || !isPosInt(p.n) || !isPosInt(p.k) || (p.l !== undefined && !isPosInt(p.l))) {
        throw new ManifestError(`${atN}: problems[${j}] must be {m, n, k[, l]} of positive integers, got ${JSON.stringify(p)}`);
      }
      if (p.groups !== undefined) {
        const groups = p.groups;
        if (!Array.isArray(groups) || groups.length === 0 || !groups.every((g) => isObj(g) && isPosInt(g.m) && isPosInt(g.n) && isPosInt(g.k))) {
          throw new ManifestError(`${atN}: problems[${j}].groups must be a non-empty array of {m, n, k} of positive integers`);
        }
        return groupedProblem(groups.map((g: Record<string, unknown>) => ({ m: g.m as number, n: g.n as number, k: g.k as number })));
      }
      return { m: p.m, n: p.n, k: p.k, ...(p.l !== undefined ? { l: p.l } : {}) };
    });
    if (!isObj(summary)) throw new ManifestError(`${atN}: "summary" must be an object`);
    const tile = intTuple(summary.tile, 3, `${atN}: summary.tile`);
    const cluster = intTuple(summary.cluster, 2, `${atN}: summary.cluster`);
    for (const f of ["stages", "threads"] as const) {
      if (!isPosInt(summary[f])) throw new ManifestError(`${atN}: summary.${f} must be a positive integer`);
    }
    if (!isNonNegInt(summary.smemBytes)) throw new ManifestError(`${atN}: summary.smemBytes must be a non-negative integer`);
    if (summary.tmemColumns !== undefined && !isPosInt(summary.tmemColumns)) throw new ManifestError(`${atN}: summary.tmemColumns must be a positive integer`);
    return {
      name,
      ...(op === "gemv" || op === "groupedGemm" ? { op } : {}),
      target: target as ManifestTarget,
      file,
      source,
      problems: probs,
      summary: {
        tile: tile as [number, number, number],
        cluster: cluster as [number, number],
        stages: summary.stages as number,
        threads: summary.threads as number,
        smemBytes: summary.smemBytes as number,
        ...(summary.tmemColumns !== undefined ? { tmemColumns: summary.tmemColumns as number } : {}),
      },
    };
  });
  return { generator: data.generator, kernels };
}

/** Reads and validates the manifest at `path` (absolute, or relative to the current directory). */
export function readManifest(path: string, shownAs = MANIFEST_PATH): Manifest {
  if (!existsSync(path)) throw new ManifestError(`${shownAs} not found: run \`npm run gen\` first`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ManifestError(`${shownAs} is not valid JSON (${(e as Error).message}): run \`npm run gen\` again`);
  }
  return validateManifest(data, shownAs);
}
