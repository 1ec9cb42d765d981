/**
 * `npm run gen`: type-check kernels/*.ts, validate each kernel, plan it, emit generated/<name>.cu and
 * generated/manifest.json. Orchestration and presentation only; every decision is made in src/dsl
 * and src/codegen.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import chalk from "chalk";
import { Project, ts } from "ts-morph";
import { emit } from "../codegen/emit.js";
import { plan, planGemvKernel, GENERATOR_VERSION } from "../codegen/plan.js";
import { locateKernelProperties } from "../dsl/locate.js";
import type { AnyKernelSpec } from "../dsl/types.js";
import { formatViolation, isGemvSpec, validate } from "../dsl/validate.js";
import { groupShapes, isGroupedProblem } from "../dsl/index.js";
import { groupedProblem, type Manifest, type ManifestKernel } from "./manifest.js";

const root = process.cwd();

interface GenOptions {
  readonly kernelsDir: string;
  readonly outDir: string;
  readonly files: readonly string[];
}

function parseArgs(argv: readonly string[]): GenOptions {
  let kernelsDir = "kernels";
  let outDir = "generated";
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--kernels") kernelsDir = argv[++i] ?? kernelsDir;
    else if (arg === "--out") outDir = argv[++i] ?? outDir;
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: npm run gen [-- [--kernels DIR] [--out DIR] [kernel files...]]");
      process.exit(0);
    } else if (arg !== undefined) files.push(arg);
  }
  return { kernelsDir, outDir, files };
}

function kernelFiles(opts: GenOptions): string[] {
  if (opts.files.length > 0) return opts.files.map((f) => resolve(root, f));
  const dir = resolve(root, opts.kernelsDir);
  if (!existsSync(dir)) throw new Error(`no kernels folder at ${relative(root, dir)}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => join(dir, f));
}

/** Step 1: the TypeScript checker. Illegal discrete choices are type errors at the user's line. */
function typeCheck(project: Project, files: readonly string[]): string[] {
  const errors: string[] = [];
  for (const file of files) {
    const sourceFile = project.getSourceFileOrThrow(file);
    for (const d of sourceFile.getPreEmitDiagnostics()) {
      if (d.getCategory() !== ts.DiagnosticCategory.Error) continue;
      const where = d.getSourceFile();
      const start = d.getStart();
      let place = relative(root, file);
      if (where && start !== undefined) {
        const { line, column } = where.getLineAndColumnAtPos(start);
        place = `${relative(root, where.getFilePath())}:${line}:${column}`;
      }
      const message = d.getMessageText();
      const text = typeof message === "string" ? message : ts.flattenDiagnosticMessageText(message.compilerObject, "\n  ");
      errors.push(`${place} ${chalk.red("error")} TS${d.getCode()}: ${text}`);
    }
  }
  return errors;
}

function isKernelSpec(v: unknown): v is AnyKernelSpec {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o["name"] === "string" && typeof o["target"] === "string" && typeof o["op"] === "object" && typeof o["tiler"] === "object";
}

async function loadKernels(file: string): Promise<AnyKernelSpec[]> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const specs = Object.values(mod).filter(isKernelSpec);
  if (specs.length === 0) throw new Error(`${relative(root, file)}: exports no kernel (export default defineKernel({...}))`);
  return specs;
}

function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  writeFileSync(path, text);
  return true;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const files = kernelFiles(opts);
  if (files.length === 0) {
    console.error(chalk.red(`no kernel files in ${opts.kernelsDir}/`));
    return 1;
  }
  console.log(chalk.dim(`type-checking ${files.length} kernel file(s)…`));
  const project = new Project({ tsConfigFilePath: join(root, "tsconfig.json"), skipAddingFilesFromTsConfig: true });
  for (const f of files) project.addSourceFileAtPath(f);
  project.resolveSourceFileDependencies();
  const typeErrors = typeCheck(project, files);
  if (typeErrors.length > 0) {
    for (const e of typeErrors) console.error(e);
    console.error(chalk.red(`\n${typeErrors.length} type error(s): nothing generated`));
    return 1;
  }

  const outDir = resolve(root, opts.outDir);
  const entries: ManifestKernel[] = [];
  const outputs = new Map<string, string>();
  let failures = 0;
  const seen = new Map<string, string>();
  for (const file of files) {
    const source = relative(root, file);
    for (const spec of await loadKernels(file)) {
      const locate = locateKernelProperties(file, project, spec.name);
      const result = validate(spec, (path) => {
        const loc = locate(path);
        return loc ? { ...loc, file: relative(root, loc.file) } : undefined;
      });
      if (!result.ok) {
        for (const v of result.violations) console.error(formatViolation(v));
        failures += result.violations.length;
        continue;
      }
      const previous = seen.get(spec.name);
      if (previous !== undefined) {
        const loc = locate("name");
        const where = loc ? `${relative(root, loc.file)}:${loc.line}:${loc.column}` : source;
        console.error(`${where} ${chalk.red("error")} KERNEL-NAME (generator): kernel name "${spec.name}" is already used by ${previous}; names must be unique`);
        failures++;
        continue;
      }
      seen.set(spec.name, source);
      const budget = result.kernel.budget;
      if (isGemvSpec(spec)) {
        if (budget.target !== "gemv") throw new Error(`${spec.name}: a GEMV spec with a ${budget.target} budget`);
        // A GEMV: its own plan and template; problems become n = 1 GEMM-shaped rows with l batches.
        const gemvPlan = planGemvKernel({ spec, budget, source });
        const outFile = `${opts.outDir}/${spec.name}.cu`;
        outputs.set(join(outDir, `${spec.name}.cu`), emit(gemvPlan));
        entries.push({
          name: spec.name,
          op: "gemv",
          target: spec.target,
          file: outFile,
          source,
          problems: gemvPlan.problems.map((p) => ({ m: p.m, n: 1, k: p.k, ...(p.l !== 1 ? { l: p.l } : {}) })),
          summary: {
            tile: [gemvPlan.rowsPerBlock, 1, gemvPlan.kPerStep],
            cluster: [1, 1],
            stages: gemvPlan.unroll,
            threads: gemvPlan.threads,
            smemBytes: 0,
          },
        });
        continue;
      }
      if (budget.target === "gemv") throw new Error(`${spec.name}: a GEMM-family spec with a GEMV budget`);
      const kernelPlan = plan({ spec, budget, source });
      const outFile = `${opts.outDir}/${spec.name}.cu`;
      outputs.set(join(outDir, `${spec.name}.cu`), emit(kernelPlan));
      entries.push({
        name: spec.name,
        target: spec.target,
        file: outFile,
        source,
        ...(spec.op.kind === "groupedGemm" ? { op: "groupedGemm" as const } : {}),
        problems: spec.problems.map((p) => (isGroupedProblem(p) ? groupedProblem(groupShapes(p)) : { m: p.m, n: p.n, k: p.k })),
        summary: {
          tile: [kernelPlan.tile.m, kernelPlan.tile.n, kernelPlan.tile.k],
          cluster: [kernelPlan.cluster.m, kernelPlan.cluster.n],
          stages: kernelPlan.stages,
          threads: kernelPlan.threads,
          smemBytes: kernelPlan.smem.totalBytes,
          // Tensor-memory columns allocated per CTA (sm_100a); Hopper keeps accumulators in registers.
          ...("tmem" in kernelPlan ? { tmemColumns: kernelPlan.tmem.allocColumns } : {}),
        },
      });
    }
  }
  if (failures > 0) {
    console.error(chalk.red(`\n${failures} rule violation(s): nothing generated`));
    return 1;
  }

  mkdirSync(outDir, { recursive: true });
  let written = 0;
  for (const [path, text] of outputs) if (writeIfChanged(path, text)) written++;
  // Remove generated kernels whose definition is gone, so the manifest and the folder agree.
  for (const f of readdirSync(outDir)) {
    if (f.endsWith(".cu") && !outputs.has(join(outDir, f))) {
      rmSync(join(outDir, f));
      console.log(chalk.dim(`removed stale ${opts.outDir}/${f}`));
    }
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const manifest: Manifest = { generator: GENERATOR_VERSION, kernels: entries };
  writeIfChanged(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const e of entries) {
    const [m, n, k] = e.summary.tile;
    console.log(
      `${chalk.green("✓")} ${e.name.padEnd(28)} ${e.target}  tile ${m}×${n}×${k}  cluster ${e.summary.cluster.join("×")}  ` +
        `${e.summary.stages} stages  ${(e.summary.smemBytes / 1024).toFixed(1)} KB smem  → ${e.file}`,
    );
  }
  console.log(chalk.dim(`${entries.length} kernel(s), ${written} file(s) changed, manifest ${opts.outDir}/manifest.json`));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(chalk.red(err instanceof Error ? err.message : String(err)));
    process.exit(1);
  },
);
