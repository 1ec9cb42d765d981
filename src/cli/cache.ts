/**
 * Content-hash cache for nvcc outputs.
 *
 * An object file is named by the sha256 of everything that can change it: the TU's bytes, the bytes
 * of every runner header (all of runner/include/** and runner/*.h, rather than tracking includes),
 * the exact nvcc flags, and the `nvcc --version` text. The ptxas report printed while compiling is
 * kept beside the object (<hash>.ptxas.txt) so cached builds still report registers and spills.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Bump to invalidate every cached object after a change in how objects are produced. */
export const CACHE_VERSION = "gemmkit-obj-v1";

/** sha256 over length-prefixed parts, so ("ab","c") and ("a","bc") differ. */
export function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) {
    const buf = typeof p === "string" ? Buffer.from(p, "utf8") : p;
    h.update(`${buf.length}:`);
    h.update(buf);
  }
  return h.digest("hex");
}

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else if (ent.isFile()) out.push(p);
  }
}

/** The header files every TU may include: runner/include/** and runner/*.h, sorted. */
export function headerFiles(root: string): string[] {
  const files: string[] = [];
  walk(join(root, "runner", "include"), files);
  const runnerDir = join(root, "runner");
  if (existsSync(runnerDir)) {
    for (const ent of readdirSync(runnerDir, { withFileTypes: true })) {
      if (ent.isFile() && /\.(h|hpp|cuh)$/.test(ent.name)) files.push(join(runnerDir, ent.name));
    }
  }
  return files.sort();
}

/** One digest for all header files (their repository-relative paths and bytes). */
export function headersDigest(root: string): string {
  const parts: (string | Uint8Array)[] = [];
  for (const f of headerFiles(root)) parts.push(relative(root, f).split("\\").join("/"), readFileSync(f));
  return sha256("headers", ...parts);
}

export interface ObjectKeyInput {
  /** The TU's bytes. */
  source: string | Uint8Array;
  /** headersDigest() of the tree. */
  headers: string;
  /** nvcc flags, excluding the input and output paths. */
  flags: readonly string[];
  /** `nvcc --version` output. */
  nvccVersion: string;
}

export function objectKey(input: ObjectKeyInput): string {
  return sha256(CACHE_VERSION, input.source, input.headers, JSON.stringify(input.flags), input.nvccVersion);
}

export interface LinkKeyInput {
  /** Object keys in link order. */
  objects: readonly string[];
  flags: readonly string[];
  nvccVersion: string;
}

export function linkKey(input: LinkKeyInput): string {
  return sha256(CACHE_VERSION, "link", JSON.stringify(input.objects), JSON.stringify(input.flags), input.nvccVersion);
}

/** Where a cached object and its ptxas report live. */
export class ObjectCache {
  constructor(readonly dir: string) {}

  objectPath(key: string): string {
    return join(this.dir, `${key}.o`);
  }

  reportPath(key: string): string {
    return join(this.dir, `${key}.ptxas.txt`);
  }

  /** A temporary object path; commit() moves it into place once the compile succeeded. */
  tempObjectPath(key: string): string {
    return join(this.dir, `${key}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}.o`);
  }

  has(key: string): boolean {
    return existsSync(this.objectPath(key)) && existsSync(this.reportPath(key));
  }

  /** The ptxas report saved with the object ("" when none). */
  report(key: string): string {
    const p = this.reportPath(key);
    return existsSync(p) ? readFileSync(p, "utf8") : "";
  }

  /** Saves the report first, then renames the object, so a present object always has its report. */
  commit(key: string, tempObject: string, report: string): void {
    writeFileSync(this.reportPath(key), report);
    renameSync(tempObject, this.objectPath(key));
  }

  discard(tempObject: string): void {
    rmSync(tempObject, { force: true });
  }
}

/** True when `binary` exists and its stamp file records `key`. */
export function linkUpToDate(binary: string, key: string): boolean {
  const stamp = `${binary}.key`;
  return existsSync(binary) && statSync(binary).isFile() && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === key;
}

export function writeLinkStamp(binary: string, key: string): void {
  writeFileSync(`${binary}.key`, `${key}\n`);
}
