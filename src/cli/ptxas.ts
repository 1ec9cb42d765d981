/**
 * Parses the `ptxas -v` report that `nvcc -Xptxas -v` writes to stderr.
 *
 * The lines this reads (CUDA 12.x and 13.x; older releases add "N bytes cmem[B]" to the "Used" line):
 *
 *   ptxas info    : Compiling entry function '_Z5scalePffi' for 'sm_90a'
 *   ptxas info    : Function properties for _Z5scalePffi
 *       0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
 *   ptxas info    : Used 8 registers, used 0 barriers, 4096 bytes smem, 360 bytes cmem[0]
 *
 * "Function properties" blocks also appear for non-inlined __device__ functions; those are not
 * entries and are not reported. Everything else (gmem, compile time, warnings) is ignored.
 */

export interface PtxasEntry {
  /** The entry function's (mangled) name. */
  kernel: string;
  registers: number;
  /** Static shared memory (dynamic shared memory is not known to ptxas). */
  smemBytes: number;
  stackBytes: number;
  spillStores: number;
  spillLoads: number;
  /** Sum of all constant banks on the "Used" line, when ptxas prints them (CUDA 13 does not). */
  cmemBytes?: number;
  /** The architecture of the "Compiling entry function ... for 'sm_XX'" line. */
  arch?: string;
}

interface Props {
  stackBytes: number;
  spillStores: number;
  spillLoads: number;
}

const RE_ENTRY = /Compiling entry function '([^']+)' for '([^']+)'/;
const RE_PROPS = /Function properties for (\S+)/;
const RE_FRAME = /(\d+) bytes stack frame(?:,\s*(\d+) bytes spill stores)?(?:,\s*(\d+) bytes spill loads)?/;
const RE_USED = /Used (\d+) registers/;

export function parsePtxasReport(text: string): PtxasEntry[] {
  const entries: PtxasEntry[] = [];
  const props = new Map<string, Props>();
  // Frame lines are collected by function name and joined to entries at the end, since a device
  // function's properties block may sit between entries. "Used" lines belong to the current entry.
  let current: PtxasEntry | undefined;
  let propsFor: string | undefined;

  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    let m: RegExpExecArray | null;
    if ((m = RE_ENTRY.exec(line))) {
      current = { kernel: m[1]!, registers: 0, smemBytes: 0, stackBytes: 0, spillStores: 0, spillLoads: 0, arch: m[2]! };
      entries.push(current);
      propsFor = undefined;
      continue;
    }
    if ((m = RE_PROPS.exec(line))) {
      propsFor = m[1]!.replace(/^'|'$/g, "");
      continue;
    }
    if ((m = RE_FRAME.exec(line)) && propsFor !== undefined) {
      props.set(propsFor, {
        stackBytes: Number(m[1]),
        spillStores: Number(m[2] ?? 0),
        spillLoads: Number(m[3] ?? 0),
      });
      propsFor = undefined;
      continue;
    }
    if ((m = RE_USED.exec(line)) && current) {
      current.registers = Number(m[1]);
      const smem = /(\d+) bytes smem/.exec(line);
      if (smem) current.smemBytes = Number(smem[1]);
      let cmem: number | undefined;
      for (const c of line.matchAll(/(\d+) bytes cmem\[\d+\]/g)) cmem = (cmem ?? 0) + Number(c[1]);
      if (cmem !== undefined) current.cmemBytes = cmem;
      // A "Used" line closes the entry; later "Function properties" blocks may belong to device functions.
      current = undefined;
    }
  }

  for (const e of entries) {
    const p = props.get(e.kernel);
    if (p) Object.assign(e, p);
  }
  return entries;
}

/** The entries that spill, for error messages. */
export function spillingEntries(entries: readonly PtxasEntry[]): PtxasEntry[] {
  return entries.filter((e) => e.spillStores > 0 || e.spillLoads > 0);
}

/** "kernel _Z...: 16 bytes spill stores, 16 bytes spill loads" for each spilling entry, joined by "; ". */
export function describeSpills(entries: readonly PtxasEntry[]): string {
  return spillingEntries(entries)
    .map((e) => `${e.kernel}: ${e.spillStores} bytes spill stores, ${e.spillLoads} bytes spill loads (${e.registers} registers)`)
    .join("; ");
}
