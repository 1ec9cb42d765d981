/**
 * The validator's rules for GEMV specs (op kind "gemv"); validate() hands such specs here. Same
 * violation shape and rule registry as the GEMM rules.
 */
import { SM100, type DType } from "./facts.js";
import {
  GEMM_OUT_DTYPES,
  GEMV_16BIT_DTYPES,
  GEMV_BLOCK_SCALE_FORMAT,
  GEMV_DTYPES,
  GEMV_FP8_DTYPES,
  GEMV_MAX_LOADS_IN_FLIGHT,
  GEMV_MAX_ROWS_PER_WARP,
  GEMV_MAX_UNROLL,
  GEMV_SCALED_DTYPES,
  GEMV_TARGETS,
  GEMV_WARPS,
  gemvVector,
  MAX_PROBLEM_DIM,
  MAX_SPLIT_K,
  RULES,
  type RuleCode,
} from "./rules.js";
import type { GemvSpec } from "./types.js";
import { checkEpilogueOptions } from "./validateEpilogue.js";
import type { RuleViolation, SourceLocation } from "./validate.js";

/** What the GEMV planner needs besides the spec. */
export interface GemvBudget {
  readonly target: "gemv";
  readonly threads: number;
  /** 16-byte A loads each lane keeps in flight. */
  readonly loadsInFlight: number;
}

export type GemvValidationResult =
  | { readonly ok: true; readonly kernel: { readonly spec: GemvSpec; readonly budget: GemvBudget } }
  | { readonly ok: false; readonly violations: readonly RuleViolation[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const show = (v: unknown): string => (typeof v === "number" ? v.toLocaleString("en-US") : v === undefined ? "undefined" : JSON.stringify(v) ?? String(v));
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateGemv(spec: GemvSpec, locate?: (path: string) => SourceLocation | undefined): GemvValidationResult {
  const violations: RuleViolation[] = [];
  const report = (code: RuleCode, path: string, message: string, value: string, legal: string): void => {
    const location = locate?.(path);
    violations.push({ code, kind: RULES[code].kind, path, message, value, legal, ...(location ? { location } : {}) });
  };
  const s = spec as unknown as Record<string, unknown>;

  if (typeof s["name"] !== "string" || !C_IDENTIFIER.test(s["name"])) {
    report("KERNEL-NAME", "name", `kernel name ${show(s["name"])} is not a C identifier`, show(s["name"]), "a C identifier matching [A-Za-z_][A-Za-z0-9_]*");
  }
  if (!(GEMV_TARGETS as readonly unknown[]).includes(s["target"])) {
    report("GEMV-TARGET", "target", `a GEMV is not generated for ${show(s["target"])}`, show(s["target"]), `target: ${GEMV_TARGETS.map((t) => `"${t}"`).join(" or ")} for gemv`);
  }

  const op = isRecord(s["op"]) ? s["op"] : {};
  const a = op["a"];
  const scale = op["scale"];
  // The dtype whose 16-byte loads set the K alignment, once A and b are legal.
  let vectorOf: DType | undefined;
  if (scale === undefined) {
    if (!(GEMV_DTYPES as readonly unknown[]).includes(a)) {
      const hint = (GEMV_SCALED_DTYPES as readonly unknown[]).includes(a) ? ` (${String(a)} only with scale: ${NVFP4_SCALE_TEXT})` : "";
      report(
        "GEMV-DTYPE",
        "op.a",
        `A dtype ${show(a)} is not a GEMV operand: a GEMV reads 16-bit (${GEMV_16BIT_DTYPES.join(", ")}) or fp8 (${GEMV_FP8_DTYPES.join(", ")}) vectors`,
        show(a),
        `a: ${GEMV_DTYPES.map((t) => `"${t}"`).join(" or ")}${hint}`,
      );
    } else if (op["b"] !== a) {
      report("GEMV-DTYPE", "op.b", `b dtype ${show(op["b"])} differs from A's ${a}`, show(op["b"]), `b: "${String(a)}"`);
    } else {
      vectorOf = a as DType;
    }
  } else {
    vectorOf = checkGemvScale(report, a, op["b"], scale);
  }
  if (!(GEMM_OUT_DTYPES as readonly unknown[]).includes(op["out"])) {
    report("GEMM-DTYPE-OUT", "op.out", `output dtype ${show(op["out"])} is not one the GEMV writes`, show(op["out"]), `out: ${GEMM_OUT_DTYPES.map((t) => `"${t}"`).join(", ")}`);
  }
  if (op["accumulator"] !== "fp32") {
    report("SPEC-FORM", "op.accumulator", `accumulator ${show(op["accumulator"])} is not supported`, show(op["accumulator"]), `"fp32"`);
  }

  const tiler = isRecord(s["tiler"]) ? s["tiler"] : {};
  const warps = tiler["warps"];
  const rows = tiler["rowsPerWarp"];
  const unroll = tiler["unroll"];
  const splitK = tiler["splitK"];
  if (!(GEMV_WARPS as readonly unknown[]).includes(warps)) {
    report("GEMV-TILER", "tiler.warps", `${show(warps)} warps per block is not generated`, show(warps), `warps: ${GEMV_WARPS.join(", ")}`);
  }
  const rowsOk = isInt(rows) && rows >= 1 && rows <= GEMV_MAX_ROWS_PER_WARP;
  const unrollOk = isInt(unroll) && unroll >= 1 && unroll <= GEMV_MAX_UNROLL;
  if (!rowsOk) report("GEMV-TILER", "tiler.rowsPerWarp", `rowsPerWarp ${show(rows)} is not 1 to ${GEMV_MAX_ROWS_PER_WARP}`, show(rows), `rowsPerWarp: 1 to ${GEMV_MAX_ROWS_PER_WARP}`);
  if (!unrollOk) report("GEMV-TILER", "tiler.unroll", `unroll ${show(unroll)} is not 1 to ${GEMV_MAX_UNROLL}`, show(unroll), `unroll: 1 to ${GEMV_MAX_UNROLL}`);
  if (rowsOk && unrollOk && rows * unroll > GEMV_MAX_LOADS_IN_FLIGHT) {
    report(
      "GEMV-TILER",
      "tiler.unroll",
      `rowsPerWarp ${rows} × unroll ${unroll} = ${rows * unroll} 16-byte loads in flight per lane exceeds ${GEMV_MAX_LOADS_IN_FLIGHT}`,
      show(unroll),
      `unroll <= ${Math.floor(GEMV_MAX_LOADS_IN_FLIGHT / rows)} for rowsPerWarp ${rows}`,
    );
  }
  if (!(isInt(splitK) && splitK >= 1 && splitK <= MAX_SPLIT_K)) {
    report("GEMV-TILER", "tiler.splitK", `splitK ${show(splitK)} is not 1 to ${MAX_SPLIT_K}`, show(splitK), `splitK: 1 to ${MAX_SPLIT_K}`);
  }

  const epilogue = isRecord(s["epilogue"]) ? s["epilogue"] : undefined;
  if (epilogue?.["kind"] !== "store") {
    const kind = epilogue?.["kind"];
    report("GEMV-EPILOGUE", "epilogue", `epilogue ${show(kind)} is not a GEMV epilogue`, show(kind), "store()");
  } else {
    checkEpilogueOptions(report, epilogue);
  }

  const problems = Array.isArray(s["problems"]) ? (s["problems"] as unknown[]) : undefined;
  if (!problems) report("SPEC-FORM", "problems", `problems is ${show(s["problems"])}, not an array`, show(s["problems"]), "[{ m, k, l }]");
  problems?.forEach((p, i) => {
    const r = isRecord(p) ? p : {};
    for (const d of ["m", "k", "l"] as const) {
      const v = r[d];
      if (!(isInt(v) && v > 0 && v <= MAX_PROBLEM_DIM)) {
        report("PROBLEM-POSITIVE", `problems[${i}].${d}`, `problem ${d} ${show(v)} is not a positive C int`, show(v), `1 to ${MAX_PROBLEM_DIM}`);
      }
    }
    const k = r["k"];
    const vector = vectorOf === undefined ? undefined : gemvVector(vectorOf);
    if (vector !== undefined && isInt(k) && k > 0 && k % vector !== 0) {
      const below = Math.floor(k / vector) * vector;
      const near = [below, below + vector].filter((x) => x > 0).join(" or ");
      const why =
        vectorOf === "e2m1"
          ? `rows of A are read in 16-byte vectors of ${vector} e2m1 values, two ${NVFP4.vector}-element scale blocks`
          : `rows of A are read in 16-byte vectors of ${vector} ${vectorOf} values`;
      report("GEMV-ALIGN-K", `problems[${i}].k`, `k ${show(k)} is not a multiple of ${vector}: ${why}`, show(k), `a multiple of ${vector} (nearest: ${near})`);
    }
  });

  if (violations.length > 0) return { ok: false, violations };
  const w = warps as number;
  return { ok: true, kernel: { spec, budget: { target: "gemv", threads: w * 32, loadsInFlight: (rows as number) * (unroll as number) } } };
}

const NVFP4 = SM100.blockScale.value[GEMV_BLOCK_SCALE_FORMAT];
const NVFP4_SCALE_TEXT = `{ dtype: "${NVFP4.scale}", vector: ${NVFP4.vector} }`;

type Report = (code: RuleCode, path: string, message: string, value: string, legal: string) => void;

/**
 * A block-scaled GEMV's dtypes: NVFP4 only (A and b e2m1), its scale dtype and vector size under the
 * block-scaled GEMM's codes (GEMM-SCALE-FORMAT, GEMM-SCALE-VECTOR). Returns A's dtype when A and b
 * are legal.
 */
function checkGemvScale(report: Report, a: unknown, b: unknown, scale: unknown): DType | undefined {
  let legal: DType | undefined;
  if (!(GEMV_SCALED_DTYPES as readonly unknown[]).includes(a)) {
    report(
      "GEMV-DTYPE",
      "op.a",
      `A dtype ${show(a)} is not ${GEMV_BLOCK_SCALE_FORMAT.toUpperCase()} data: a block-scaled GEMV is generated for ${GEMV_BLOCK_SCALE_FORMAT.toUpperCase()} only (e2m1 data, ${NVFP4.scale} scales per ${NVFP4.vector})`,
      show(a),
      `a: ${GEMV_SCALED_DTYPES.map((t) => `"${t}"`).join(" or ")} with scale ${NVFP4_SCALE_TEXT}, or no scale with a: ${GEMV_DTYPES.map((t) => `"${t}"`).join(" or ")}`,
    );
    // The scale is NVFP4's or nothing: checked once A is NVFP4 data.
    return undefined;
  }
  if (b !== a) {
    report("GEMV-DTYPE", "op.b", `b dtype ${show(b)} differs from A's ${String(a)}`, show(b), `b: "${String(a)}"`);
  } else {
    legal = a as DType;
  }
  if (!isRecord(scale)) {
    report("SPEC-FORM", "op.scale", `scale ${show(scale)} is not { dtype, vector }`, show(scale), `${NVFP4_SCALE_TEXT} (NVFP4)`);
    return legal;
  }
  if (scale["dtype"] !== NVFP4.scale) {
    report(
      "GEMM-SCALE-FORMAT",
      "op.scale.dtype",
      `e2m1 data with ${show(scale["dtype"])} scales is not a format this generator builds a GEMV for; e2m1 data is NVFP4 (${NVFP4.scale} scale per ${NVFP4.vector})`,
      show(scale["dtype"]),
      `dtype: "${NVFP4.scale}" for e2m1 data (NVFP4)`,
    );
  } else if (scale["vector"] !== NVFP4.vector) {
    report(
      "GEMM-SCALE-VECTOR",
      "op.scale.vector",
      `NVFP4 has one ${NVFP4.scale} scale per ${NVFP4.vector} K elements, not per ${show(scale["vector"])}`,
      show(scale["vector"]),
      `vector: ${NVFP4.vector}`,
    );
  }
  return legal;
}
