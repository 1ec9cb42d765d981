/**
 * validate: KernelSpec -> ValidKernel, or every rule the spec breaks.
 *
 * The type checker (check.ts) already refuses illegal discrete choices in kernels/*.ts, but a spec
 * can also be built from JavaScript or JSON, so every rule is checked again here at run time, and
 * the quantitative ones (shared memory, registers, threads, TMA boxes, problem alignment) are
 * checked only here. Each violation names its rule (rules.ts), the property path, the offending
 * value and the legal values that would fix it, computed where possible.
 */
import {
  CONSUMER_REGISTER_OVERHEAD,
  GROUP_SHAPE_BYTES,
  groupTableBytes,
  groupTensorMaps,
  sm100Budget,
  sm90Budget,
  type Sm100Budget,
  type Sm90Budget,
} from "./budget.js";
import {
  CLUSTER_WIDTHS,
  DTYPES,
  SCHEDULER_SWIZZLES,
  SCALE_DTYPES,
  SM100,
  SM90,
  SM90_TILE_M,
  type DType,
  type Sm100BlockScaleFormat,
  type Sm100MmaKind,
  type Sm90OperandDType,
} from "./facts.js";
import {
  GEMM_OUT_DTYPES,
  GENERATED_TARGETS,
  MAX_CLUSTER_SIZE,
  MAX_PROBLEM_DIM,
  MAX_SPLIT_K,
  MIN_STAGES,
  OPERAND_DTYPES,
  RULES,
  SM100_BLOCK_SCALED_TILE_N,
  SM100_CTA_PAIR_CLUSTER,
  SM100_CTA_TILE_M,
  SM90_MAX_THREADS_PER_BLOCK,
  SWIZZLE_ATOM_ROWS,
  type RuleCode,
  type RuleKind,
} from "./rules.js";
import type { AnyKernelSpec, GemvSpec, KernelSpec } from "./types.js";
import { checkEpilogueOptions } from "./validateEpilogue.js";
import { validateGemv, type GemvValidationResult } from "./validateGemv.js";

export type { GemvBudget, GemvValidationResult } from "./validateGemv.js";

export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface RuleViolation {
  readonly code: RuleCode;
  readonly kind: RuleKind;
  /** The property the violation is reported at: "stages", "tiler.mma[1]", "problems[2].k", ... */
  readonly path: string;
  /** What is wrong, with the value. */
  readonly message: string;
  /** The offending value, as written (JSON for strings and arrays). */
  readonly value: string;
  /** The legal values, or the change that would make the spec legal. */
  readonly legal: string;
  readonly location?: SourceLocation;
}

/** A spec that passed every rule, with the resource budget of its target (tagged by `budget.target`). */
export type ValidKernel =
  | { readonly spec: KernelSpec; readonly budget: Sm90Budget }
  | { readonly spec: KernelSpec; readonly budget: Sm100Budget };

export type ValidationResult =
  | { readonly ok: true; readonly kernel: ValidKernel }
  | { readonly ok: false; readonly violations: readonly RuleViolation[] };

/** "file:line:col error CODE (kind): message; legal: legal" (the path instead of a place when unlocated). */
export function formatViolation(v: RuleViolation): string {
  const where = v.location ? `${v.location.file}:${v.location.line}:${v.location.column} ` : "";
  const at = v.location ? "" : ` at ${v.path === "" ? "<spec>" : v.path}`;
  return `${where}error ${v.code} (${v.kind})${at}: ${v.message}; legal: ${v.legal}`;
}

// ---- small helpers --------------------------------------------------------------------------------

const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(n));
const show = (v: unknown): string => {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return fmt(v);
  if (v === undefined) return "undefined";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isPositiveInt = (v: unknown): v is number => isInt(v) && v > 0;
const isDType = (v: unknown): v is DType => typeof v === "string" && Object.hasOwn(DTYPES, v);
const isOperand = (v: unknown): v is Sm90OperandDType => typeof v === "string" && (OPERAND_DTYPES as readonly string[]).includes(v);
const oneOf = (values: readonly (string | number)[]): string =>
  values.length <= 1 ? values.map(show).join("") : `${values.slice(0, -1).map(show).join(", ")} or ${show(values[values.length - 1])}`;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/** The multiples of `step` nearest to `x` (the one below only if positive). */
function nearestMultiples(x: number, step: number, max = Infinity): number[] {
  const below = Math.floor(x / step) * step;
  const above = Math.ceil(x / step) * step;
  const out = [below, above === below ? below + step : above].filter((v) => v > 0 && v <= max);
  return [...new Set(out)];
}
const eg = (values: readonly number[]): string => (values.length > 0 ? ` (nearest: ${values.map(fmt).join(" or ")})` : "");

const WGMMA_N = SM90.wgmmaN.value;
const SMEM_LIMIT = SM90.smemPerBlockBytes.value;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Cluster shapes [M, N] this generator supports, for legal-value text. */
const SUPPORTED_CLUSTERS: readonly (readonly [number, number])[] = CLUSTER_WIDTHS.flatMap((m) =>
  CLUSTER_WIDTHS.filter((n) => m * n <= MAX_CLUSTER_SIZE).map((n) => [m, n] as const),
);

// ---- the validator --------------------------------------------------------------------------------

/** A GEMV spec (op kind "gemv") is checked by the GEMV rules (validateGemv.ts). */
export function validate(spec: GemvSpec, locate?: (path: string) => SourceLocation | undefined): GemvValidationResult;
export function validate(spec: KernelSpec, locate?: (path: string) => SourceLocation | undefined): ValidationResult;
export function validate(spec: AnyKernelSpec, locate?: (path: string) => SourceLocation | undefined): ValidationResult | GemvValidationResult;
export function validate(spec: AnyKernelSpec, locate?: (path: string) => SourceLocation | undefined): ValidationResult | GemvValidationResult {
  if (isGemvSpec(spec)) return validateGemv(spec, locate);
  return validateGemm(spec, locate);
}

/** Whether a spec (or anything) is a GEMV spec, by its op kind. */
export function isGemvSpec(spec: unknown): spec is GemvSpec {
  return isRecord(spec) && isRecord(spec["op"]) && spec["op"]["kind"] === "gemv";
}

function validateGemm(spec: KernelSpec, locate?: (path: string) => SourceLocation | undefined): ValidationResult {
  const violations: RuleViolation[] = [];
  const report = (code: RuleCode, path: string, message: string, value: string, legal: string): void => {
    const location = locate?.(path);
    violations.push({ code, kind: RULES[code].kind, path, message, value, legal, ...(location ? { location } : {}) });
  };

  const s: unknown = spec;
  if (!isRecord(s)) {
    report("SPEC-FORM", "", `the kernel spec is ${show(s)}, not an object`, show(s), "the object defineKernel({...}) returns");
    return { ok: false, violations };
  }

  // -- name, target ---------------------------------------------------------------------------------
  const name = s["name"];
  if (typeof name !== "string" || !C_IDENTIFIER.test(name)) {
    const fixed = typeof name === "string" && name !== "" ? name.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=[0-9])/, "k_") : undefined;
    report(
      "KERNEL-NAME",
      "name",
      `kernel name ${show(name)} is not a C identifier (it names the CUDA function and the generated file)`,
      show(name),
      `a C identifier matching [A-Za-z_][A-Za-z0-9_]*${fixed !== undefined ? `, e.g. ${show(fixed)}` : ""}`,
    );
  }

  const target = s["target"];
  const sm90 = target === SM90.target;
  const sm100 = target === SM100.target;
  if (!sm90 && !sm100) {
    report("TARGET", "target", `target ${show(target)} is not a target this generator knows`, show(target), `target: ${oneOf(GENERATED_TARGETS)}`);
  }

  // -- op ---------------------------------------------------------------------------------------------
  const op = isRecord(s["op"]) ? s["op"] : undefined;
  if (!op) {
    report("SPEC-FORM", "op", `op is ${show(s["op"])}, not an operation`, show(s["op"]), "gemm({ a, b, out })");
  } else {
    if (op["kind"] !== "gemm" && op["kind"] !== "dualGemm" && op["kind"] !== "groupedGemm") {
      report("SPEC-FORM", "op.kind", `op kind ${show(op["kind"])} is not generated`, show(op["kind"]), `"gemm", "dualGemm" or "groupedGemm"`);
    }
    if (op["kind"] === "groupedGemm") {
      const maxGroups = op["maxGroups"];
      const tensorMaps = groupTensorMaps(op as unknown as KernelSpec["op"]);
      // A bias per group adds its pointer to each group's record.
      const biasPointers = isRecord(s["epilogue"]) && s["epilogue"]["bias"] !== undefined;
      const fit = largestGroupTable(tensorMaps, biasPointers);
      if (!(isInt(maxGroups) && maxGroups >= 1)) {
        report("GROUPED-GEMM-MAX-GROUPS", "op.maxGroups", `maxGroups ${show(maxGroups)} is not a positive integer`, show(maxGroups), `maxGroups an integer from 1 to ${fit}`);
      } else if (groupTableBytes(maxGroups, tensorMaps, biasPointers) > SM90.kernelParamBytes.value) {
        report(
          "GROUPED-GEMM-MAX-GROUPS",
          "op.maxGroups",
          `maxGroups ${fmt(maxGroups)} needs a ${fmt(groupTableBytes(maxGroups, tensorMaps, biasPointers))}-byte group table (${tensorMaps} ${SM90.tensorMapBytes.value}-byte tensor maps and a ${GROUP_SHAPE_BYTES}-byte shape${biasPointers ? " and a bias pointer" : ""} per group), more than the ${fmt(SM90.kernelParamBytes.value)} bytes of a kernel's parameters`,
          fmt(maxGroups),
          `maxGroups an integer from 1 to ${fit}`,
        );
      }
    }
    if (op["accumulator"] !== "fp32") {
      report("SPEC-FORM", "op.accumulator", `accumulator ${show(op["accumulator"])} is not supported: the tensor cores accumulate in fp32 here`, show(op["accumulator"]), `"fp32"`);
    }
  }
  const dual = op?.["kind"] === "dualGemm";
  const grouped = op?.["kind"] === "groupedGemm";
  const a = op?.["a"];
  const b = op?.["b"];
  const out = op?.["out"];
  const scaleRaw = op?.["scale"];
  // The block-scale format of a block-scaled op whose data dtypes are legal (undefined otherwise).
  let format: Sm100BlockScaleFormat | undefined;
  if (op && scaleRaw !== undefined) {
    format = checkBlockScale(report, sm90, a, b, scaleRaw);
  } else if (op) {
    if (!isOperand(a)) {
      const hint = a === "e2m1" ? ` (e2m1 is multiplied only with block scales: add scale: { dtype: "ue4m3", vector: 16 })` : "";
      report("GEMM-DTYPE-AB", "op.a", `A dtype ${show(a)} is not a tensor-core operand type of a plain GEMM${hint}`, show(a), `a: ${oneOf(OPERAND_DTYPES)}`);
    }
    if (!isOperand(b)) {
      report("GEMM-DTYPE-AB", "op.b", `B dtype ${show(b)} is not a tensor-core operand type of a plain GEMM`, show(b), `b: ${oneOf(OPERAND_DTYPES)}`);
    } else if (isOperand(a) && a !== b && (DTYPES[a].bytes !== 1 || DTYPES[b].bytes !== 1)) {
      const legalB = DTYPES[a].bytes === 1 ? OPERAND_DTYPES.filter((t) => DTYPES[t].bytes === 1) : [a];
      report(
        "GEMM-DTYPE-AB",
        "op.b",
        `the tensor cores cannot multiply A ${a} by B ${b}: 16-bit operands must have the same type, fp8 operands may only mix with fp8`,
        show(b),
        `b: ${oneOf(legalB)} for a ${a}`,
      );
    }
  }
  if (op && !(GEMM_OUT_DTYPES as readonly unknown[]).includes(out)) {
    report(
      "GEMM-DTYPE-OUT",
      "op.out",
      `output dtype ${show(out)} is not one the store epilogue writes (it converts the fp32 accumulator once)`,
      show(out),
      `out: ${oneOf(GEMM_OUT_DTYPES)}`,
    );
  }

  // -- tiler ------------------------------------------------------------------------------------------
  const tiler = isRecord(s["tiler"]) ? s["tiler"] : undefined;
  const mmaRaw = tiler?.["mma"];
  const mma =
    Array.isArray(mmaRaw) && mmaRaw.length === 3 && mmaRaw.every((x) => typeof x === "number")
      ? (mmaRaw as unknown as readonly [number, number, number])
      : undefined;
  const clusterRaw = tiler?.["cluster"];
  const cluster =
    Array.isArray(clusterRaw) && clusterRaw.length === 2 && clusterRaw.every((x) => typeof x === "number")
      ? (clusterRaw as unknown as readonly [number, number])
      : undefined;
  if (!tiler) report("SPEC-FORM", "tiler", `tiler is ${show(s["tiler"])}`, show(s["tiler"]), "{ mma: [M, N, K], cluster: [M, N] }");
  else {
    if (!mma) report("SPEC-FORM", "tiler.mma", `tiler.mma ${show(mmaRaw)} is not three numbers [M, N, K]`, show(mmaRaw), "[M, N, K], e.g. [128, 256, 64]");
    if (!cluster) report("SPEC-FORM", "tiler.cluster", `tiler.cluster ${show(clusterRaw)} is not two numbers [M, N]`, show(clusterRaw), "[M, N], e.g. [1, 1]");
  }

  if (sm90 && mma) {
    const [tileM, tileN, tileK] = mma;
    if (!(SM90_TILE_M as readonly number[]).includes(tileM)) {
      const m = SM90.wgmmaM.value;
      report(
        "SM90-MMA-M",
        "tiler.mma[0]",
        `tile M ${fmt(tileM)} is not a whole number of ${m}-row wgmma warpgroups from 1 to ${SM90_TILE_M.length}`,
        fmt(tileM),
        `tile M one of ${oneOf(SM90_TILE_M)}`,
      );
    }
    if (!(isInt(tileN) && tileN >= WGMMA_N.min && tileN <= WGMMA_N.max && tileN % WGMMA_N.step === 0)) {
      report(
        "SM90-MMA-N",
        "tiler.mma[1]",
        `tile N ${fmt(tileN)} is not a wgmma N`,
        fmt(tileN),
        `tile N from ${WGMMA_N.min} to ${WGMMA_N.max} in steps of ${WGMMA_N.step}${eg(nearestMultiples(Math.min(tileN, WGMMA_N.max), WGMMA_N.step, WGMMA_N.max))}`,
      );
    }
    if (isOperand(a)) {
      const k = SM90.wgmmaK.value[a];
      const atom = SM90.swizzleBytes.value / DTYPES[a].bytes;
      if (!(isPositiveInt(tileK) && tileK % k === 0)) {
        report(
          "SM90-MMA-K",
          "tiler.mma[2]",
          `tile K ${fmt(tileK)} is not a positive multiple of the wgmma K ${k} for ${a}`,
          fmt(tileK),
          `tile K a positive multiple of ${k}; this generator further needs whole ${SM90.swizzleBytes.value}-byte swizzle rows, i.e. multiples of ${atom} for ${a}${eg(nearestMultiples(tileK, atom))}`,
        );
      }
    }
  }

  if (sm90 && cluster) {
    const [cm, cn] = cluster;
    const size = cm * cn;
    const clusters = supportedClusters();
    const bad = reportClusterWidths(cluster, "SM90-CLUSTER", report);
    if (bad.length > 0) {
      // reported above
    } else if (size > SM90.clusterMaxPortable.value) {
      report(
        "SM90-CLUSTER",
        "tiler.cluster",
        `cluster ${cm}×${cn} holds ${size} CTAs, more than the portable maximum of ${SM90.clusterMaxPortable.value}`,
        show(cluster),
        `M×N <= ${SM90.clusterMaxPortable.value} CTAs; this generator supports M×N <= ${MAX_CLUSTER_SIZE}: ${clusters}`,
      );
    } else if (size > MAX_CLUSTER_SIZE) {
      // The generator's limit, stricter than the hardware's (reported only where the hardware's holds).
      report(
        "CLUSTER-SIZE",
        "tiler.cluster",
        `cluster ${cm}×${cn} holds ${size} CTAs; this generator supports at most ${MAX_CLUSTER_SIZE} (the hardware allows ${SM90.clusterMaxPortable.value})`,
        show(cluster),
        `M×N <= ${MAX_CLUSTER_SIZE}: ${clusters}`,
      );
    }
  }

  if (sm90 && mma && cluster) {
    const [tileM, tileN] = mma;
    const [cm, cn] = cluster;
    const checkSlice = (operand: "A" | "B", path: string, tile: number, tileName: string, width: number, widthName: string): void => {
      if (!(isPositiveInt(width) && tile > 0)) return; // reported by SM90-CLUSTER / SM90-MMA-*
      const rows = tile / width;
      if (isInt(rows) && rows <= SM90.tmaMaxBoxDim.value && rows % SWIZZLE_ATOM_ROWS === 0) return;
      const okWidths = CLUSTER_WIDTHS.filter((w) => {
        const r = tile / w;
        return isInt(r) && r <= SM90.tmaMaxBoxDim.value && r % SWIZZLE_ATOM_ROWS === 0;
      });
      report(
        "SM90-TMA-BOX",
        path,
        `each CTA of the cluster loads 1/${fmt(width)} of the ${operand} tile by TMA multicast: ${tileName} ${fmt(tile)} / ${widthName} ${fmt(width)} = ${fmt(rows)} rows, not a whole box of at most ${SM90.tmaMaxBoxDim.value} rows in whole ${SWIZZLE_ATOM_ROWS}-row swizzle atoms`,
        `${fmt(tile)} / ${fmt(width)}`,
        `${tileName} / ${widthName} a multiple of ${SWIZZLE_ATOM_ROWS} and <= ${SM90.tmaMaxBoxDim.value}` +
          (okWidths.length > 0 ? `: with ${tileName} ${fmt(tile)}, ${widthName} ${oneOf(okWidths)}` : `: no supported ${widthName} works with ${tileName} ${fmt(tile)}`),
      );
    };
    checkSlice("A", "tiler.mma[0]", tileM, "tile M", cn, "cluster N");
    checkSlice("B", "tiler.mma[1]", tileN, "tile N", cm, "cluster M");
  }

  if (grouped && cluster && (cluster[0] !== 1 || cluster[1] !== 1)) {
    report(
      "GROUPED-GEMM-CLUSTER",
      "tiler.cluster",
      `cluster ${show(cluster)}: a grouped GEMM is generated for single-CTA clusters (tiles of different groups sit side by side in the tile list, so cluster neighbours would need different tensor maps)`,
      show(cluster),
      "cluster: [1, 1] for groupedGemm",
    );
  }

  if (dual && cluster && cluster[0] !== 1 && (CLUSTER_WIDTHS as readonly number[]).includes(cluster[0])) {
    const pair = sm100 && tiler?.["ctaGroup"] === 2 ? ", and no CTA pair, whose CTAs split B" : "";
    report(
      "DUAL-GEMM-CLUSTER",
      "tiler.cluster[0]",
      `cluster M ${fmt(cluster[0])}: a dual GEMM is generated without multicast of B1 and B2 (cluster M 1; A may be multicast along N)${pair}`,
      fmt(cluster[0]),
      `cluster: [1, 1], [1, 2] or [1, 4] for dualGemm`,
    );
  }

  const ctaGroup = tiler?.["ctaGroup"];
  if (sm90 && ctaGroup !== undefined && ctaGroup !== 1) {
    report(
      "SM90-CTA-GROUP",
      "tiler.ctaGroup",
      `ctaGroup ${show(ctaGroup)}: sm_90a has no CTA-pair MMA (wgmma is issued by one CTA's warpgroup)`,
      show(ctaGroup),
      "ctaGroup: 1, or leave it out (CTA pairs are tcgen05's, target sm_100a)",
    );
  }
  // sm_100a: MMA shape per kind and CTA group, clusters, CTA pairs, TMA slices.
  const shape100 = sm100 && mma ? checkSm100Shape(report, a, format, scaleRaw !== undefined, mma, cluster, ctaGroup) : undefined;

  // -- stages -----------------------------------------------------------------------------------------
  const stages = s["stages"];
  const stagesIsCount = isPositiveInt(stages);

  // The budget needs known dtypes, a positive tile and a stage count; with a bad stage count it is
  // computed at the minimum so the other resource rules still run.
  const budgetSpec: KernelSpec | undefined =
    sm90 && isDType(a) && isDType(out) && mma && mma.every((x) => Number.isFinite(x) && x > 0)
      ? ({ ...(s as unknown as KernelSpec), stages: stagesIsCount ? stages : MIN_STAGES } as KernelSpec)
      : undefined;
  const budget = budgetSpec ? sm90Budget(budgetSpec) : undefined;
  // sm_100a: the budget needs the shape rules to hold (the kind, the CTA group and whole slices).
  const budget100Spec: KernelSpec | undefined =
    shape100?.ok && isDType(out) ? ({ ...(s as unknown as KernelSpec), stages: stagesIsCount ? stages : MIN_STAGES } as KernelSpec) : undefined;
  const budget100 = budget100Spec ? sm100Budget(budget100Spec) : undefined;
  const maxStages = budgetSpec
    ? largestFittingStages(budgetSpec)
    : budget100Spec
      ? largestSm100Stages(budget100Spec)
      : undefined;

  if (!(stagesIsCount && stages >= MIN_STAGES)) {
    const range =
      maxStages !== undefined && maxStages >= MIN_STAGES
        ? `an integer from ${MIN_STAGES} to ${maxStages} for this tile`
        : `an integer >= ${MIN_STAGES}`;
    report(
      "STAGES",
      "stages",
      `stages ${show(stages)} is not an integer >= ${MIN_STAGES} (the consumer frees a stage only after issuing the next stage's MMAs)`,
      show(stages),
      `stages ${range}`,
    );
  }

  if (budget && budgetSpec && stagesIsCount && budget.smemBytes > SMEM_LIMIT) {
    const perStage = budget.aBytesPerStage + budget.products * budget.bBytesPerStage;
    report(
      "SM90-SMEM",
      "stages",
      `shared memory ${fmt(budget.smemBytes)} B for ${stages} stages (${stages} × ${fmt(perStage)} B of ${budget.products === 2 ? "A, B1 and B2" : "A and B"} tiles + ${fmt(budget.epilogueBytes)} B epilogue${budget.clusterReduction ? ` + ${fmt(budget.clusterReduction.receiveBytes)} B cluster-reduction slots` : ""} + ${fmt(budget.barrierBytes)} B barriers + ${fmt(budget.alignmentSlackBytes)} B alignment) exceeds ${fmt(SMEM_LIMIT)} B per block`,
      `${fmt(budget.smemBytes)} B`,
      smemLegal(budgetSpec, maxStages ?? 0),
    );
  }

  if (budget && budgetSpec && mma) {
    const [tileM, tileN, tileK] = mma;
    // Registers: accumulators + overhead within what setmaxnreg gives each consumer thread.
    if (budget.accumulatorRegisters + CONSUMER_REGISTER_OVERHEAD > budget.consumerRegisters) {
      // The largest tile N whose accumulators fit, in whole wgmma N steps and epilogue chunks.
      const nStep = lcm(WGMMA_N.step, budget.epilogueChunkColumns);
      const nFit = ((budget.consumerRegisters - CONSUMER_REGISTER_OVERHEAD) * SM90.warpgroupThreads.value) / (budget.products * SM90.wgmmaM.value);
      const maxN = Math.floor(Math.min(nFit, WGMMA_N.max / budget.products) / nStep) * nStep;  // SM90-DUAL-N too
      const okM = SM90_TILE_M.filter((m) => {
        const bm = sm90Budget({ ...budgetSpec, tiler: { mma: [m, tileN, tileK], cluster: budgetSpec.tiler.cluster } });
        return bm.accumulatorRegisters + CONSUMER_REGISTER_OVERHEAD <= bm.consumerRegisters;
      });
      const fixes = [
        maxN >= nStep ? `tile N <= ${maxN} for tile M ${fmt(tileM)}` : undefined,
        okM.length > 0 ? `tile M ${oneOf(okM)} for tile N ${fmt(tileN)}` : undefined,
      ].filter((x) => x !== undefined);
      report(
        "SM90-REG-ACC",
        "tiler.mma[1]",
        `a ${fmt(tileM)}×${fmt(tileN)} ${budget.products === 2 ? "dual GEMM tile (two accumulator sets) " : "tile "}needs ${fmt(budget.accumulatorRegisters)} fp32 accumulator registers + ${CONSUMER_REGISTER_OVERHEAD} others = ${fmt(budget.accumulatorRegisters + CONSUMER_REGISTER_OVERHEAD)} per consumer thread, more than the ${budget.consumerRegisters} each of ${budget.consumerWarpgroups} consumer warpgroups gets`,
        `${fmt(budget.accumulatorRegisters + CONSUMER_REGISTER_OVERHEAD)} registers`,
        fixes.length > 0 ? fixes.join(", or ") : "a smaller tile",
      );
    }
    // A dual GEMM's B1 and B2 tiles sit one above the other in each stage and are multiplied by one
    // wgmma of N = 2 × tile N, so that A is read from shared memory once for both products.
    if (budget.products > 1 && isInt(tileN) && budget.products * tileN > WGMMA_N.max) {
      report(
        "SM90-DUAL-N",
        "tiler.mma[1]",
        `a dual GEMM multiplies B1 and B2 stacked in one wgmma of N = ${budget.products} × ${fmt(tileN)} = ${fmt(budget.products * tileN)}, more than wgmma's ${WGMMA_N.max}`,
        fmt(tileN),
        `tile N <= ${WGMMA_N.max / budget.products} for dualGemm on sm_90a`,
      );
    }
    if (budget.threads > SM90_MAX_THREADS_PER_BLOCK.value) {
      const maxWarpgroups = Math.floor(SM90_MAX_THREADS_PER_BLOCK.value / SM90.warpgroupThreads.value) - 1;
      report(
        "SM90-THREADS",
        "tiler.mma[0]",
        `tile M ${fmt(tileM)} needs ${budget.consumerWarpgroups} consumer warpgroups + 1 producer = ${fmt(budget.threads)} threads, more than ${fmt(SM90_MAX_THREADS_PER_BLOCK.value)} per block`,
        `${fmt(budget.threads)} threads`,
        `tile M <= ${maxWarpgroups * SM90.wgmmaM.value} (${maxWarpgroups} consumer warpgroups)`,
      );
    }
    // Generator: whole swizzle rows along K (only when the wgmma K rule holds, which it implies).
    const wgmmaKOk = !isOperand(a) || (isPositiveInt(tileK) && tileK % SM90.wgmmaK.value[a] === 0);
    if (wgmmaKOk && !(isInt(tileK) && tileK % budget.kPerSwizzleAtom === 0)) {
      report(
        "GEN-K-ATOM",
        "tiler.mma[2]",
        `tile K ${fmt(tileK)} is not whole ${SM90.swizzleBytes.value}-byte swizzle rows of ${String(a)} (${budget.kPerSwizzleAtom} elements each)`,
        fmt(tileK),
        `tile K a multiple of ${budget.kPerSwizzleAtom}${eg(nearestMultiples(tileK, budget.kPerSwizzleAtom))}`,
      );
    }
    // Every wgmma N (a multiple of 8) is whole epilogue chunks on sm_90a: a tile N that is not whole
    // 128-byte rows is stored in narrower unswizzled chunks (sm90Budget), so GEN-EPILOGUE-N is sm_100a's.
  }

  if (budget100 && budget100Spec && mma) {
    checkSm100Resources(report, budget100Spec, budget100, stagesIsCount, maxStages ?? 0);
  }

  // -- scheduler --------------------------------------------------------------------------------------
  const scheduler = isRecord(s["scheduler"]) ? s["scheduler"] : undefined;
  if (!scheduler || scheduler["kind"] !== "persistent") {
    const v = scheduler ? scheduler["kind"] : s["scheduler"];
    report("SPEC-FORM", scheduler ? "scheduler.kind" : "scheduler", `scheduler ${show(v)} is not generated`, show(v), "persistent({ raster, swizzle, splitK })");
  }
  if (scheduler) {
    const raster = scheduler["raster"];
    if (raster !== "m" && raster !== "n") {
      report("SCHED-RASTER", "scheduler.raster", `raster ${show(raster)} is not a direction`, show(raster), `raster: "m" or "n"`);
    }
    const swizzle = scheduler["swizzle"];
    if (!(SCHEDULER_SWIZZLES as readonly unknown[]).includes(swizzle)) {
      report("SCHED-SWIZZLE", "scheduler.swizzle", `scheduler swizzle ${show(swizzle)} is not a supported band width`, show(swizzle), `swizzle: ${oneOf(SCHEDULER_SWIZZLES)}`);
    }
    const splitK = scheduler["splitK"];
    if (!(isInt(splitK) && splitK >= 1 && splitK <= MAX_SPLIT_K)) {
      report("SPLITK", "scheduler.splitK", `splitK ${show(splitK)} is not an integer from 1 to ${MAX_SPLIT_K}`, show(splitK), `splitK an integer from 1 (no split) to ${MAX_SPLIT_K}`);
    }
    const streamK = scheduler["streamK"];
    if (streamK !== undefined && typeof streamK !== "boolean") {
      report("SPEC-FORM", "scheduler.streamK", `streamK ${show(streamK)} is not a boolean`, show(streamK), "streamK: true or false");
    }
    const cluster = Array.isArray(tiler?.["cluster"]) ? (tiler["cluster"] as unknown[]) : [1, 1];
    if (streamK === true && (splitK !== 1 || cluster[0] !== 1 || cluster[1] !== 1)) {
      report(
        "SCHED-STREAMK",
        "scheduler.streamK",
        `stream-K is generated for 1×1 clusters without splitK; got cluster ${cluster.map(show).join("×")}, splitK ${show(splitK)}`,
        "streamK: true",
        "streamK with cluster [1, 1] and splitK 1, or streamK: false",
      );
    }
    if (sm100 && ((isInt(splitK) && splitK > 1) || streamK === true)) {
      report(
        "GEN-SM100-SCHED",
        streamK === true ? "scheduler.streamK" : "scheduler.splitK",
        `${streamK === true ? "stream-K" : `splitK ${show(splitK)}`} is not generated for sm_100a: each CTA accumulates whole output tiles in tensor memory`,
        streamK === true ? "streamK: true" : `splitK ${show(splitK)}`,
        "splitK: 1 and streamK: false on sm_100a",
      );
    }
    if (dual && ((isInt(splitK) && splitK > 1) || streamK === true)) {
      report(
        "DUAL-GEMM-SCHED",
        streamK === true ? "scheduler.streamK" : "scheduler.splitK",
        `${streamK === true ? "stream-K" : `splitK ${show(splitK)}`} is not generated for a dual GEMM: the gated epilogue needs both complete fp32 products of a tile`,
        streamK === true ? "streamK: true" : `splitK ${show(splitK)}`,
        "splitK: 1 and streamK: false for dualGemm",
      );
    }
    if (grouped && isInt(splitK) && splitK > 1) {
      report(
        "GROUPED-GEMM-SCHED",
        "scheduler.splitK",
        `splitK ${show(splitK)} is not generated for a grouped GEMM: its work is balanced over the SMs by stream-K instead`,
        `splitK ${show(splitK)}`,
        "splitK: 1 for groupedGemm (streamK: true spreads the groups' k-blocks evenly over the CTAs)",
      );
    }
    const reduction = scheduler["reduction"];
    if (reduction !== undefined && reduction !== "workspace" && reduction !== "cluster") {
      report("SPEC-FORM", "scheduler.reduction", `reduction ${show(reduction)} is not a split-K reduction`, show(reduction), `reduction: "workspace" or "cluster"`);
    }
    const clusterReduction = reduction === "cluster";
    if (clusterReduction) {
      const clusterOk = cluster[0] === 1 && cluster[1] === 1;
      const splitsOk = isInt(splitK) && splitK >= 2 && splitK <= SM90.clusterMaxPortable.value && Number.isInteger(Math.log2(splitK));
      if (!sm90 || dual || grouped || streamK === true || !clusterOk || !splitsOk) {
        const why = !sm90
          ? `target ${show(s["target"])}`
          : dual || grouped
            ? `op ${show(op?.["kind"])}`
            : streamK === true
              ? "stream-K"
              : !clusterOk
                ? `tiler.cluster ${cluster.map(show).join("×")} (the cluster's CTAs are the splits)`
                : `splitK ${show(splitK)}`;
        report(
          "SPLITK-CLUSTER",
          "scheduler.reduction",
          `reduction "cluster" runs the splits of a tile as one cluster of splitK CTAs; not generated for ${why}`,
          `reduction: "cluster"`,
          `a gemm on sm_90a with tiler.cluster [1, 1], streamK false and splitK ${oneOf([2, 4, 8])} (at most ${SM90.clusterMaxPortable.value}, a portable cluster); or reduction "workspace"`,
        );
      } else if (budget && budget.clusterReduction === undefined) {
        report(
          "SPLITK-CLUSTER-PIECES",
          "scheduler.splitK",
          `the cluster reduction cuts the tile into splitK pieces of 64 rows (one consumer warpgroup's); splitK ${show(splitK)} over ${budget.consumerWarpgroups} warpgroup(s) and tile N ${show(mma?.[1])} do not give whole pieces`,
          `splitK ${show(splitK)}`,
          `splitK a multiple of ${budget.consumerWarpgroups} with tile N divisible by splitK / ${budget.consumerWarpgroups}`,
        );
      } else if (budget?.clusterReduction && budget.clusterReduction.pieceColumns % budget.epilogueChunkColumns !== 0) {
        const { pieceColumns, piecesPerWarpgroup } = budget.clusterReduction;
        report(
          "SPLITK-CLUSTER-PIECES",
          "scheduler.splitK",
          `a piece of the cluster reduction is ${pieceColumns} columns wide (tile N / ${piecesPerWarpgroup}); its owner stores it in epilogue chunks of ${budget.epilogueChunkColumns} columns`,
          `splitK ${show(splitK)}`,
          `tile N / (splitK / ${budget.consumerWarpgroups}) a multiple of ${budget.epilogueChunkColumns}: tile N >= ${piecesPerWarpgroup * budget.epilogueChunkColumns} for splitK ${show(splitK)}`,
        );
      }
    }
    const splitKValid = isInt(splitK) && splitK >= 1 && splitK <= MAX_SPLIT_K;
    // A cluster reduction adds the peers' pieces from shared memory in place: no second register set.
    const sharedTiles = splitKValid && (splitK > 1 || streamK === true) && !clusterReduction;
    if (!sharedTiles || dual) {
      // no reduction, no registers for it (a dual GEMM with one is refused by DUAL-GEMM-SCHED)
    } else if (budget && 2 * budget.accumulatorRegisters + CONSUMER_REGISTER_OVERHEAD > budget.consumerRegisters) {
      const nStep = lcm(WGMMA_N.step, budget.epilogueChunkColumns);
      const nFit = ((budget.consumerRegisters - CONSUMER_REGISTER_OVERHEAD) / 2) * (SM90.warpgroupThreads.value / SM90.wgmmaM.value);
      const maxN = Math.floor(Math.min(nFit, WGMMA_N.max) / nStep) * nStep;
      report(
        "SPLITK-REG",
        streamK === true ? "scheduler.streamK" : "scheduler.splitK",
        `${streamK === true ? "stream-K" : `splitK ${show(splitK)}`} sums partial tiles in registers: 2 × ${budget.accumulatorRegisters} accumulator registers + ${CONSUMER_REGISTER_OVERHEAD} others = ${2 * budget.accumulatorRegisters + CONSUMER_REGISTER_OVERHEAD} per consumer thread, more than its ${budget.consumerRegisters}`,
        streamK === true ? "streamK: true" : `splitK ${show(splitK)}`,
        maxN >= nStep ? `no split-K or stream-K for this tile, or tile N <= ${maxN} with them` : "no split-K or stream-K for this tile",
      );
    }
  }

  // -- epilogue ---------------------------------------------------------------------------------------
  const epilogue = s["epilogue"];
  if (!isRecord(epilogue) || (epilogue["kind"] !== "store" && epilogue["kind"] !== "siluMul")) {
    const v = isRecord(epilogue) ? epilogue["kind"] : epilogue;
    report("SPEC-FORM", isRecord(epilogue) ? "epilogue.kind" : "epilogue", `epilogue ${show(v)} is not generated`, show(v), dual ? "siluMul()" : "store()");
  } else if (epilogue["kind"] === "siluMul" && !dual) {
    report(
      "EPILOGUE-SILU-MUL",
      "epilogue",
      `the siluMul() epilogue combines the two products of a dual GEMM, but op is ${show(op?.["kind"])}`,
      "siluMul()",
      "store() for a gemm, or op dualGemm({ a, b, out }) with siluMul()",
    );
  } else if (epilogue["kind"] === "store" && dual) {
    report(
      "DUAL-GEMM-EPILOGUE",
      "epilogue",
      "a dual GEMM writes silu(A·B1ᵀ) ⊙ (A·B2ᵀ); store() would not combine its two products",
      "store()",
      "siluMul() for dualGemm",
    );
  }
  if (isRecord(epilogue) && (epilogue["kind"] === "store" || epilogue["kind"] === "siluMul")) checkEpilogueOptions(report, epilogue);

  // -- problems ---------------------------------------------------------------------------------------
  const problems = s["problems"];
  if (!Array.isArray(problems)) {
    report("SPEC-FORM", "problems", `problems ${show(problems)} is not a list`, show(problems), "[{ m, n, k }, ...]");
  } else {
    // One shape's checks; `at(dim)` is the property path of its m, n or k.
    const checkShape = (m: unknown, n: unknown, k: unknown, at: (dim: "m" | "n" | "k") => string): void => {
      const dims = { m, n, k };
      for (const dim of ["m", "n", "k"] as const) {
        const v = dims[dim];
        if (!(isPositiveInt(v) && v <= MAX_PROBLEM_DIM)) {
          report("PROBLEM-POSITIVE", at(dim), `${dim} ${show(v)} is not a positive integer that fits a C int`, show(v), `${dim} an integer from 1 to ${fmt(MAX_PROBLEM_DIM)}`);
        }
      }
      const align = SM90.tmaAlignBytes.value;
      const kBytes = [a, b].filter(isDType).map((t) => DTYPES[t].bytes);
      if (isPositiveInt(k) && kBytes.length > 0) {
        const step = Math.max(...kBytes.map((bytes) => align / gcd(align, bytes)));
        if (k % step !== 0) {
          report(
            "PROBLEM-ALIGN-K",
            at("k"),
            `k ${fmt(k)} makes the rows of A and B ${kBytes.map((bytes) => `${fmt(k * bytes)} B`).filter((x, j, all) => all.indexOf(x) === j).join(" and ")}, not a multiple of ${align} bytes as TMA needs for a global stride`,
            fmt(k),
            `k a multiple of ${step} for ${[a, b].filter(isDType).filter((x, j, all) => all.indexOf(x) === j).join("/")}${eg(nearestMultiples(k, step))}`,
          );
        }
      }
      if (isPositiveInt(n) && isDType(out)) {
        const step = align / gcd(align, DTYPES[out].bytes);
        if (n % step !== 0) {
          report(
            "PROBLEM-ALIGN-N",
            at("n"),
            `n ${fmt(n)} makes the rows of D ${fmt(n * DTYPES[out].bytes)} B, not a multiple of ${align} bytes as TMA needs for a global stride`,
            fmt(n),
            `n a multiple of ${step} for ${out} output${eg(nearestMultiples(n, step))}`,
          );
        }
      }
    };
    const maxGroups = grouped && isInt(op?.["maxGroups"]) ? (op["maxGroups"] as number) : undefined;
    problems.forEach((p: unknown, i: number) => {
      const path = `problems[${i}]`;
      if (!isRecord(p)) {
        report("SPEC-FORM", path, `problem ${show(p)} is not { m, n, k }`, show(p), "{ m, n, k } of positive integers");
        return;
      }
      const lists = (["m", "n", "k"] as const).filter((dim) => Array.isArray(p[dim]));
      if (!grouped) {
        if (lists.length > 0) {
          report(
            "PROBLEM-GROUPS",
            `${path}.${lists[0]}`,
            `${lists[0]} ${show(p[lists[0]!])} is a list, but only a grouped GEMM has several problems per launch`,
            show(p[lists[0]!]),
            `one number per dimension for ${show(op?.["kind"])}, or op groupedGemm({ a, b, out }) for lists`,
          );
          return;
        }
        checkShape(p["m"], p["n"], p["k"], (dim) => `${path}.${dim}`);
        return;
      }
      // A grouped problem: lists of M, N and K (defineKernel makes single numbers one-entry lists).
      const dimLists = (["m", "n", "k"] as const).map((dim) => (Array.isArray(p[dim]) ? (p[dim] as unknown[]) : [p[dim]]));
      const groups = Math.max(...dimLists.map((l) => l.length));
      let shapeOk = true;
      (["m", "n", "k"] as const).forEach((dim, d) => {
        const len = dimLists[d]!.length;
        if (len === 0 || (len !== 1 && len !== groups)) {
          shapeOk = false;
          report(
            "PROBLEM-GROUPS",
            `${path}.${dim}`,
            `${dim} lists ${fmt(len)} group(s) where the problem has ${fmt(groups)}`,
            show(p[dim]),
            `a list of ${fmt(groups)} values (one per group), or one number for every group`,
          );
        }
      });
      if (!shapeOk) return;
      if (maxGroups !== undefined && groups > maxGroups) {
        report(
          "PROBLEM-GROUPS",
          `${path}.m`,
          `the problem has ${fmt(groups)} groups, more than the kernel's maxGroups ${fmt(maxGroups)} (the size of its group table)`,
          fmt(groups),
          `at most ${fmt(maxGroups)} groups, or raise op.maxGroups`,
        );
      }
      for (let g = 0; g < groups; g++) {
        const value = (d: number): unknown => (dimLists[d]!.length === 1 ? dimLists[d]![0] : dimLists[d]![g]);
        const dimIndex = { m: 0, n: 1, k: 2 } as const;
        checkShape(value(0), value(1), value(2), (dim) => (dimLists[dimIndex[dim]]!.length === 1 ? `${path}.${dim}` : `${path}.${dim}[${g}]`));
      }
    });
  }

  if (violations.length > 0 || !(budget || budget100)) {
    if (violations.length === 0) {
      // Unreachable for specs that pass every rule; kept so the budget is never missing.
      report("SPEC-FORM", "", "the resource budget could not be computed", show(s), "a complete kernel spec");
    }
    return { ok: false, violations };
  }
  return { ok: true, kernel: budget ? { spec, budget } : { spec, budget: budget100! } };
}

/** The most groups whose table fits a kernel's parameters (GROUPED-GEMM-MAX-GROUPS). */
export function largestGroupTable(tensorMaps = 3, biasPointers = false): number {
  let groups = 1;
  while (groupTableBytes(groups + 1, tensorMaps, biasPointers) <= SM90.kernelParamBytes.value) groups++;
  return groups;
}

/** The largest stage count whose shared memory fits a block (0 if none). */
function largestFittingStages(spec: KernelSpec): number {
  const at = (stages: number): number => sm90Budget({ ...spec, stages }).smemBytes;
  if (at(1) > SMEM_LIMIT) return 0;
  // smemBytes grows with stages; bound the search by the per-stage bytes.
  const b1 = sm90Budget({ ...spec, stages: 1 });
  let hi = Math.max(1, Math.ceil(SMEM_LIMIT / Math.max(1, b1.aBytesPerStage + b1.bBytesPerStage)) + 1);
  let lo = 1;
  while (at(hi) <= SMEM_LIMIT) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid) <= SMEM_LIMIT) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Legal-value text for SM90-SMEM: the largest stage count that fits, else a tile change that does. */
function smemLegal(spec: KernelSpec, maxStages: number): string {
  const [tileM, tileN, tileK] = spec.tiler.mma;
  const tile = `${tileM}×${tileN}×${tileK} ${spec.op.a}`;
  if (maxStages >= MIN_STAGES) return `stages <= ${maxStages} for this tile (${tile})`;
  const atom = sm90Budget(spec).kPerSwizzleAtom;
  const fits = (k: number): boolean =>
    sm90Budget({ ...spec, stages: MIN_STAGES, tiler: { mma: [tileM, tileN, k], cluster: spec.tiler.cluster } }).smemBytes <= SMEM_LIMIT;
  let bestK = 0;
  for (let k = atom; k < tileK && fits(k); k += atom) bestK = k;
  if (bestK > 0) return `no stage count >= ${MIN_STAGES} fits a ${tile} tile; at ${MIN_STAGES} stages tile K <= ${bestK}`;
  return `no stage count >= ${MIN_STAGES} fits a ${tile} tile; use a smaller tile M or N`;
}

// ---- block scales and sm_100a ---------------------------------------------------------------------

type Report = (code: RuleCode, path: string, message: string, value: string, legal: string) => void;

/** The cluster shapes this generator builds, for the legal-values text. */
function supportedClusters(): string {
  return SUPPORTED_CLUSTERS.map((c) => `[${c.join(", ")}]`).join(", ");
}

/** Reports each cluster width outside CLUSTER_WIDTHS under `code`; returns the offending indices. */
function reportClusterWidths(cluster: readonly [number, number], code: "SM90-CLUSTER" | "SM100-CLUSTER", report: Report): (0 | 1)[] {
  const bad = ([0, 1] as const).filter((i) => !(CLUSTER_WIDTHS as readonly number[]).includes(cluster[i]));
  for (const i of bad) {
    const w = cluster[i];
    report(
      code,
      `tiler.cluster[${i}]`,
      isPositiveInt(w)
        ? `cluster width ${fmt(w)} along ${i === 0 ? "M" : "N"} is not one this generator builds TMA multicast for`
        : `cluster width ${show(w)} along ${i === 0 ? "M" : "N"} is not a positive integer`,
      show(w),
      `each width ${oneOf(CLUSTER_WIDTHS)}, with M×N <= ${MAX_CLUSTER_SIZE}: ${supportedClusters()}`,
    );
  }
  return bad;
}

const FORMATS = SM100.blockScale.value;
const formatOfData = (t: unknown): Sm100BlockScaleFormat | undefined =>
  (Object.keys(FORMATS) as Sm100BlockScaleFormat[]).find((f) => (FORMATS[f].operands as readonly unknown[]).includes(t));
const describeFormat = (f: Sm100BlockScaleFormat): string =>
  `${f.toUpperCase()} (${FORMATS[f].operands.join(" / ")} data, ${FORMATS[f].scale} scale per ${FORMATS[f].vector})`;

/**
 * The dtypes of a block-scaled op: a and b one format's data dtypes, the scale that format's dtype
 * and vector size. Returns the format when a and b are legal.
 */
function checkBlockScale(report: Report, sm90: boolean, a: unknown, b: unknown, scale: unknown): Sm100BlockScaleFormat | undefined {
  if (sm90) {
    report(
      "SM90-BLOCK-SCALE",
      "op.scale",
      "sm_90a has no block-scaled MMA (wgmma takes no scale factors)",
      show(scale),
      'target: "sm_100a" for a block-scaled GEMM, or a plain gemm({ a, b, out }) on sm_90a',
    );
  }
  const formats = Object.keys(FORMATS) as Sm100BlockScaleFormat[];
  const format = formatOfData(a);
  if (format === undefined) {
    report(
      "GEMM-DTYPE-AB",
      "op.a",
      `A dtype ${show(a)} is not the data dtype of a block-scale format`,
      show(a),
      `a: ${formats.map((f) => `${oneOf(FORMATS[f].operands)} (${f.toUpperCase()})`).join(", or ")}`,
    );
  } else if (formatOfData(b) !== format) {
    report(
      "GEMM-DTYPE-AB",
      "op.b",
      `B dtype ${show(b)} is not ${format.toUpperCase()} data like A ${String(a)}: both operands take one block-scale format`,
      show(b),
      `b: ${oneOf(FORMATS[format].operands)} for a ${String(a)}`,
    );
  }
  if (!isRecord(scale)) {
    report("SPEC-FORM", "op.scale", `scale ${show(scale)} is not { dtype, vector }`, show(scale), '{ dtype: "ue4m3", vector: 16 } (NVFP4) or { dtype: "ue8m0", vector: 32 } (MXFP8)');
    return undefined;
  }
  const dtype = scale["dtype"];
  const vector = scale["vector"];
  if (format === undefined) {
    if (!(SCALE_DTYPES as readonly unknown[]).includes(dtype)) {
      report("GEMM-SCALE-FORMAT", "op.scale.dtype", `scale dtype ${show(dtype)} is not a block-scale dtype`, show(dtype), `dtype: ${oneOf(SCALE_DTYPES)}`);
    }
    return undefined;
  }
  const f = FORMATS[format];
  if (dtype !== f.scale) {
    report(
      "GEMM-SCALE-FORMAT",
      "op.scale.dtype",
      `${String(a)} data with ${show(dtype)} scales is not a format this generator builds; ${String(a)} data is ${describeFormat(format)}`,
      show(dtype),
      `dtype: ${show(f.scale)} for ${String(a)} data (${format.toUpperCase()})`,
    );
  } else if (vector !== f.vector) {
    report(
      "GEMM-SCALE-VECTOR",
      "op.scale.vector",
      `${format.toUpperCase()} has one ${f.scale} scale per ${f.vector} K elements (tcgen05.mma kind::${f.kind}.${f.instruction}), not per ${show(vector)}`,
      show(vector),
      `vector: ${f.vector}`,
    );
  }
  return formatOfData(b) === format ? format : undefined;
}

interface Sm100Shape {
  /** Every shape rule holds, so the budget can be computed. */
  readonly ok: boolean;
}

/** The tcgen05.mma kind of an op's dtypes, or undefined when they are not legal. */
function sm100Kind(a: unknown, format: Sm100BlockScaleFormat | undefined, scaled: boolean): Sm100MmaKind | undefined {
  if (scaled) return format === undefined ? undefined : FORMATS[format].kind;
  return (Object.keys(SM100.mma.value) as Sm100MmaKind[]).find(
    (k) => !Object.values(FORMATS).some((f) => f.kind === k) && (SM100.mma.value[k].operands as readonly unknown[]).includes(a),
  );
}

function checkSm100Shape(
  report: Report,
  a: unknown,
  format: Sm100BlockScaleFormat | undefined,
  scaled: boolean,
  mma: readonly [number, number, number],
  cluster: readonly [number, number] | undefined,
  ctaGroupRaw: unknown,
): Sm100Shape {
  let ok = true;
  const fail = (...args: Parameters<Report>): void => {
    ok = false;
    report(...args);
  };
  const [mmaM, tileN, tileK] = mma;
  // -- CTA group
  const ctaGroupValid = ctaGroupRaw === undefined || ctaGroupRaw === 1 || ctaGroupRaw === 2;
  if (!ctaGroupValid) {
    fail(
      "SM100-CTA-GROUP",
      "tiler.ctaGroup",
      `ctaGroup ${show(ctaGroupRaw)} is not a tcgen05 CTA group (cta_group::1 or ::2)`,
      show(ctaGroupRaw),
      "ctaGroup: 1 (one CTA per MMA) or 2 (a CTA pair along M)",
    );
  }
  const group: 1 | 2 = ctaGroupRaw === 2 ? 2 : 1;
  const groupKey = group === 2 ? "ctaGroup2" : "ctaGroup1";
  const groupText = group === 2 ? "a CTA pair (ctaGroup 2)" : "one CTA (ctaGroup 1)";
  // -- MMA shape
  const kind = sm100Kind(a, format, scaled);
  if (kind === undefined) ok = false; // reported by GEMM-DTYPE-AB
  if (kind !== undefined && ctaGroupValid) {
    const shapes = SM100.mma.value[kind];
    const legalM: readonly number[] = shapes[groupKey].m;
    const otherM: readonly number[] = shapes[group === 2 ? "ctaGroup1" : "ctaGroup2"].m;
    if (!legalM.includes(mmaM)) {
      const pairHint = group === 1 && otherM.includes(mmaM) ? `; M ${fmt(mmaM)} needs ctaGroup: 2 and an even cluster M` : "";
      fail(
        "SM100-MMA-M",
        "tiler.mma[0]",
        `MMA M ${fmt(mmaM)} is not a kind::${kind} tcgen05.mma M for ${groupText}${pairHint}`,
        fmt(mmaM),
        `M ${oneOf(legalM)} with ctaGroup ${group}` + (otherM.length > 0 ? `, or ${oneOf(otherM)} with ctaGroup ${group === 1 ? 2 : 1}` : ""),
      );
    } else if (mmaM / group !== SM100_CTA_TILE_M) {
      fail(
        "GEN-SM100-TILE-M",
        "tiler.mma[0]",
        `MMA M ${fmt(mmaM)} with ctaGroup ${group} gives each CTA ${fmt(mmaM / group)} rows; this generator builds ${SM100_CTA_TILE_M} rows per CTA (one per TMEM lane)`,
        fmt(mmaM),
        `M ${SM100_CTA_TILE_M * group} with ctaGroup ${group}`,
      );
    }
    const n = shapes[groupKey].n;
    if (!(isInt(tileN) && tileN >= n.min && tileN <= n.max && tileN % n.step === 0)) {
      fail(
        "SM100-MMA-N",
        "tiler.mma[1]",
        `MMA N ${fmt(tileN)} is not a tcgen05.mma N for ${groupText}`,
        fmt(tileN),
        `N from ${n.min} to ${n.max} in steps of ${n.step}${eg(nearestMultiples(Math.min(tileN, n.max), n.step, n.max))}`,
      );
    } else if (scaled && tileN !== SM100_BLOCK_SCALED_TILE_N) {
      fail(
        "GEN-SM100-SCALE-N",
        "tiler.mma[1]",
        `block-scaled tile N ${fmt(tileN)}: this generator builds block-scaled kernels with N ${SM100_BLOCK_SCALED_TILE_N} (one 128-row atom of B scales; two accumulator stages plus the scales in ${SM100.tmem.value.columns} TMEM columns)`,
        fmt(tileN),
        `N ${SM100_BLOCK_SCALED_TILE_N} for a block-scaled GEMM`,
      );
    }
    if (!(isPositiveInt(tileK) && tileK % shapes.k === 0)) {
      const atom = SM100.swizzleBytes.value / DTYPES[shapes.operands[0]].bytes;
      fail(
        "SM100-MMA-K",
        "tiler.mma[2]",
        `tile K ${fmt(tileK)} is not a positive multiple of the kind::${kind} MMA K ${shapes.k}`,
        fmt(tileK),
        `tile K a positive multiple of ${shapes.k}; this generator further needs whole ${SM100.swizzleBytes.value}-byte swizzle rows, i.e. multiples of ${atom}${eg(nearestMultiples(tileK, atom))}`,
      );
    }
  }
  // -- cluster and CTA pair
  if (cluster) {
    const [cm, cn] = cluster;
    const clusters = supportedClusters();
    const bad = reportClusterWidths(cluster, "SM100-CLUSTER", fail);
    if (bad.length === 0 && cm * cn > MAX_CLUSTER_SIZE) {
      fail(
        "CLUSTER-SIZE",
        "tiler.cluster",
        `cluster ${cm}×${cn} holds ${cm * cn} CTAs; this generator supports at most ${MAX_CLUSTER_SIZE} (the hardware allows ${SM100.clusterMaxPortable.value})`,
        show(cluster),
        `M×N <= ${MAX_CLUSTER_SIZE}: ${clusters}`,
      );
    }
    if (bad.length === 0 && group === 2 && ctaGroupValid) {
      if (cm % 2 !== 0) {
        fail(
          "SM100-CTA-GROUP",
          "tiler.cluster[0]",
          `ctaGroup 2 pairs CTAs along M inside a cluster, but cluster M is ${fmt(cm)}`,
          fmt(cm),
          "an even cluster M (2 or 4)",
        );
      } else if (cm !== SM100_CTA_PAIR_CLUSTER[0] || cn !== SM100_CTA_PAIR_CLUSTER[1]) {
        fail(
          "GEN-SM100-CTA-PAIR",
          "tiler.cluster",
          `cluster ${cm}×${cn} with ctaGroup 2: this generator builds a CTA pair as a cluster of exactly its two CTAs`,
          show(cluster),
          `cluster: [${SM100_CTA_PAIR_CLUSTER.join(", ")}] with ctaGroup 2`,
        );
      }
    }
    // TMA slices: multicast shares (ctaGroup 1) or the pair's halves of B (ctaGroup 2).
    if (ok) {
      const box = SM100.tmaMaxBoxDim.value;
      const slices: [string, string, number, number, string][] =
        group === 2
          ? [["B", "tiler.mma[1]", tileN, 2, "the CTA pair"]]
          : [
              ["A", "tiler.mma[0]", mmaM, cn, "cluster N"],
              ["B", "tiler.mma[1]", tileN, cm, "cluster M"],
            ];
      for (const [operand, path, tile, width, widthName] of slices) {
        const rows = tile / width;
        if (isInt(rows) && rows <= box && rows % SWIZZLE_ATOM_ROWS === 0) continue;
        fail(
          "SM100-TMA-BOX",
          path,
          `each CTA loads 1/${fmt(width)} of the ${operand} tile (${widthName}): ${fmt(tile)} / ${fmt(width)} = ${fmt(rows)} rows, not a whole box of at most ${box} rows in whole ${SWIZZLE_ATOM_ROWS}-row swizzle atoms`,
          `${fmt(tile)} / ${fmt(width)}`,
          `${operand === "A" ? "M" : "N"} / ${fmt(width)} a multiple of ${SWIZZLE_ATOM_ROWS} and <= ${box}`,
        );
      }
    }
  } else {
    ok = false; // SPEC-FORM reported
  }
  return { ok };
}

/** The largest stage count whose sm_100a shared memory fits a block (0 if none). */
function largestSm100Stages(spec: KernelSpec): number {
  let stages = 0;
  while (sm100Budget({ ...spec, stages: stages + 1 }).smemBytes <= SM100.smemPerBlockBytes.value) stages++;
  return stages;
}

/** Shared memory, tensor memory and the generator's tile-K / epilogue-N limits of an sm_100a spec. */
function checkSm100Resources(report: Report, spec: KernelSpec, budget: Sm100Budget, stagesIsCount: boolean, maxStages: number): void {
  const [mmaM, tileN, tileK] = spec.tiler.mma;
  const limit = SM100.smemPerBlockBytes.value;
  const tile = `${mmaM}×${tileN}×${tileK} ${spec.op.a}`;
  if (stagesIsCount && budget.smemBytes > limit) {
    const perStage = budget.aBytesPerStage + budget.products * (budget.bBytesPerStage + budget.sfbBytesPerStage) + budget.sfaBytesPerStage;
    const operands = budget.products === 2 ? "A, B1 and B2" : "A and B";
    const scales = budget.format ? ` (${operands} tiles and their scales)` : ` of ${operands} tiles`;
    report(
      "SM100-SMEM",
      "stages",
      `shared memory ${fmt(budget.smemBytes)} B for ${spec.stages} stages (${spec.stages} × ${fmt(perStage)} B${scales} + ${fmt(budget.epilogueBytes)} B epilogue + ${fmt(budget.barrierBytes)} B barriers + ${fmt(budget.alignmentSlackBytes)} B alignment) exceeds ${fmt(limit)} B per block`,
      `${fmt(budget.smemBytes)} B`,
      maxStages >= MIN_STAGES ? `stages <= ${maxStages} for this tile (${tile})` : `no stage count >= ${MIN_STAGES} fits a ${tile} tile; use a smaller tile K`,
    );
  }
  const columns = SM100.tmem.value.columns;
  if (budget.tmemColumns > columns) {
    const free = columns - budget.accumulatorColumns;
    const fit = budget.scaleColumnsPerStage > 0 ? Math.floor(free / budget.scaleColumnsPerStage) : 0;
    report(
      "SM100-TMEM",
      budget.scaleColumnsPerStage > 0 ? "stages" : "tiler.mma[1]",
      `tensor memory needs ${fmt(budget.tmemColumns)} columns (${budget.accumulatorStages} accumulator stage(s) × ${budget.products === 2 ? `2 products × ${fmt(tileN)}` : fmt(tileN)} + ${spec.stages} stages × ${budget.scaleColumnsPerStage} scale columns), more than the ${columns} of an SM`,
      `${fmt(budget.tmemColumns)} columns`,
      fit >= MIN_STAGES ? `stages <= ${fit} for this tile (${tile})` : "a smaller tile K",
    );
  }
  if (!(isInt(tileK) && tileK % budget.kPerSwizzleAtom === 0)) {
    report(
      "GEN-K-ATOM",
      "tiler.mma[2]",
      `tile K ${fmt(tileK)} is not whole ${SM100.swizzleBytes.value}-byte swizzle rows of ${spec.op.a} (${budget.kPerSwizzleAtom} elements each)`,
      fmt(tileK),
      `tile K a multiple of ${budget.kPerSwizzleAtom}${eg(nearestMultiples(tileK, budget.kPerSwizzleAtom))}`,
    );
  }
  if (!(isInt(tileN) && tileN % budget.epilogueChunkColumns === 0)) {
    report(
      "GEN-EPILOGUE-N",
      "tiler.mma[1]",
      `tile N ${fmt(tileN)} is not whole epilogue chunks of ${budget.epilogueChunkColumns} ${spec.op.out} columns (one ${SM100.swizzleBytes.value}-byte row)`,
      fmt(tileN),
      `tile N a multiple of ${budget.epilogueChunkColumns} for ${spec.op.out} output${eg(nearestMultiples(tileN, budget.epilogueChunkColumns, 256))}`,
    );
  }
}
