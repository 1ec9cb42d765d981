/**
 * Counting the tensor-core instructions in a kernel's SASS (`cuobjdump -sass`), the proof that a
 * kernel uses the instructions its target promises: HGMMA (bf16/fp16 wgmma) and QGMMA (fp8 wgmma)
 * on sm_90a; UTCHMMA / UTCQMMA / UTCOMMA (tcgen05.mma kinds), UTCCP (tcgen05.cp) and LDTM
 * (tcgen05.ld) on sm_100a (../shared/docs/hardware-facts.md lists the mapping).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";

export const TENSOR_SASS_OPS = ["HGMMA", "QGMMA", "UTCHMMA", "UTCQMMA", "UTCOMMA", "UTCCP", "LDTM"] as const;
export type TensorSassOp = (typeof TENSOR_SASS_OPS)[number];
export type SassCounts = Partial<Record<TensorSassOp, number>>;

/** Occurrences of each tensor-core opcode (with any .modifiers) in SASS text. */
export function countTensorSass(sass: string): SassCounts {
  const counts: SassCounts = {};
  const opcode = new RegExp(`(?<![A-Z0-9_])(${TENSOR_SASS_OPS.join("|")})(?=[.\\s;])`, "g");
  for (const m of sass.matchAll(opcode)) {
    const op = m[1] as TensorSassOp;
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return counts;
}

/** "HGMMA×4" style summary, in TENSOR_SASS_OPS order; "none" when the SASS has none of them. */
export function formatSassCounts(counts: SassCounts): string {
  const parts = TENSOR_SASS_OPS.filter((op) => (counts[op] ?? 0) > 0).map((op) => `${op}×${counts[op]}`);
  return parts.length > 0 ? parts.join(" ") : "none";
}

/** cuobjdump from the toolkit (or PATH), or null when this machine has none. */
export async function findCuobjdump(cudaRoot: string | null): Promise<string | null> {
  if (cudaRoot && existsSync(join(cudaRoot, "bin", "cuobjdump"))) return join(cudaRoot, "bin", "cuobjdump");
  const r = await execa("cuobjdump", ["--version"], { reject: false });
  return r.exitCode === 0 ? "cuobjdump" : null;
}

export async function sassOf(cuobjdump: string, object: string): Promise<string> {
  const r = await execa(cuobjdump, ["-sass", object], { reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`cuobjdump -sass ${object} failed: ${r.all ?? ""}`);
  return r.stdout;
}
