/**
 * The type-level rules of src/dsl/check.ts, checked with the TypeScript compiler API on the
 * fixtures (which the main typecheck excludes):
 *  - fixtures/legal.ts compiles without a diagnostic;
 *  - fixtures/illegal.ts compiles without a diagnostic, so every `@ts-expect-error` is used;
 *  - with the `@ts-expect-error` comments stripped, each error lands on the line after its comment
 *    and names the rule code that comment gives, and no other line has an error. So an error for the
 *    wrong reason, or in the wrong place, fails.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckRuleCode } from "../../src/dsl/check.js";
import { RULES } from "../../src/dsl/rules.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const legalFile = join(here, "fixtures", "legal.ts");
const illegalFile = join(here, "fixtures", "illegal.ts");

/** Every rule code of check.ts; each must be exercised by at least one expectation. */
const RULE_CODES = [
  "SM90-MMA-M",
  "SM90-MMA-N",
  "SM90-MMA-K",
  "SM90-CLUSTER",
  "SM90-CTA-GROUP",
  "SM90-BLOCK-SCALE",
  "SM100-MMA-M",
  "SM100-MMA-N",
  "SM100-MMA-K",
  "SM100-CLUSTER",
  "SM100-CTA-GROUP",
  "GEMM-DTYPE-AB",
  "GEMM-DTYPE-OUT",
  "GEMM-SCALE-FORMAT",
  "GEMM-SCALE-VECTOR",
  "SCHED-SWIZZLE",
  "STAGES",
  "EPILOGUE-SILU-MUL",
  "DUAL-GEMM-EPILOGUE",
  "GROUPED-GEMM-CLUSTER",
  "SPLITK-CLUSTER",
  "EPILOGUE-ALPHA",
  "EPILOGUE-BIAS",
  "EPILOGUE-ACTIVATION",
  "EPILOGUE-OPTION",
  "GEMV-DTYPE",
  "GEMV-EPILOGUE",
] as const satisfies readonly CheckRuleCode[];

/** Fails to compile when check.ts gains a rule code that RULE_CODES above lacks. */
type MissingCodes = Exclude<CheckRuleCode, (typeof RULE_CODES)[number]>;
const allCodesListed: [MissingCodes] extends [never] ? true : MissingCodes = true;

const DIRECTIVE = /\/\/\s*@ts-expect-error\b[ \t]*(\S*)/;

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, "tsconfig.json");
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

/**
 * A compiler host that parses each file once across programs and can serve replaced text for a
 * file (the fixture with its directives stripped).
 */
function cachingHost(options: ts.CompilerOptions): {
  host: ts.CompilerHost;
  override: (fileName: string, text: string) => void;
} {
  const base = ts.createCompilerHost(options, true);
  const cache = new Map<string, ts.SourceFile>();
  const overrides = new Map<string, string>();
  const host: ts.CompilerHost = {
    ...base,
    getSourceFile(fileName, languageVersion, onError, shouldCreate) {
      const key = resolve(fileName);
      const text = overrides.get(key);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
      const hit = cache.get(key);
      if (hit) return hit;
      const sf = base.getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (sf) cache.set(key, sf);
      return sf;
    },
    readFile(fileName) {
      return overrides.get(resolve(fileName)) ?? base.readFile(fileName);
    },
  };
  return { host, override: (fileName, text) => overrides.set(resolve(fileName), text) };
}

interface Found {
  readonly line: number; // 1-based
  readonly code: number;
  readonly text: string;
}

/** Option and global diagnostics, plus the diagnostics of `file` itself. */
function diagnosticsOf(program: ts.Program, file: string): Found[] {
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`${file} is not in the program`);
  const all = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(sf),
    ...program.getSemanticDiagnostics(sf),
  ];
  return all.map((d) => ({
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

const show = (found: readonly Found[]): string[] => found.map((f) => `line ${f.line} TS${f.code}: ${f.text}`);

interface Expectation {
  readonly directiveLine: number; // 1-based
  readonly errorLine: number; // 1-based: the line after the directive
  readonly rule: string;
}

function expectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split("\n").forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (m) out.push({ directiveLine: i + 1, errorLine: i + 2, rule: m[1] ?? "" });
  });
  return out;
}

/** The fixture with each `@ts-expect-error` turned into a plain comment, line numbers unchanged. */
function stripDirectives(text: string): string {
  return text.replace(/@ts-expect-error/g, "expect-error");
}

describe("type-level rules (check.ts)", () => {
  let options: ts.CompilerOptions;
  let cached: ReturnType<typeof cachingHost>;
  let program: ts.Program;

  beforeAll(() => {
    options = compilerOptions();
    cached = cachingHost(options);
    program = ts.createProgram({ rootNames: [legalFile, illegalFile], options, host: cached.host });
  });

  it("accepts every legal config (legal.ts has no diagnostics)", () => {
    expect(show(diagnosticsOf(program, legalFile))).toEqual([]);
  });

  it("uses every @ts-expect-error in illegal.ts (no diagnostics, no TS2578)", () => {
    expect(show(diagnosticsOf(program, illegalFile))).toEqual([]);
  });

  it("uses rule codes of the validator's registry (rules.ts)", () => {
    expect(allCodesListed).toBe(true);
    expect(RULE_CODES.filter((c) => !(c in RULES))).toEqual([]);
  });

  it("gives each @ts-expect-error in illegal.ts a known rule code, and covers every rule", () => {
    const expected = expectations(ts.sys.readFile(illegalFile) ?? "");
    expect(expected.length).toBeGreaterThan(0);
    for (const e of expected) {
      expect(RULE_CODES as readonly string[], `line ${e.directiveLine}: unknown rule code "${e.rule}"`).toContain(e.rule);
    }
    const covered = new Set(expected.map((e) => e.rule));
    expect(RULE_CODES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it("reports each illegal value on its own line, for the rule its comment names", () => {
    const text = ts.sys.readFile(illegalFile) ?? "";
    const expected = expectations(text);
    cached.override(illegalFile, stripDirectives(text));
    const stripped = ts.createProgram({ rootNames: [illegalFile], options, host: cached.host, oldProgram: program });
    const found = diagnosticsOf(stripped, illegalFile);

    const problems: string[] = [];
    for (const e of expected) {
      const here = found.filter((f) => f.line === e.errorLine);
      if (here.length === 0) {
        problems.push(`line ${e.errorLine}: expected a ${e.rule} error, got none`);
      } else if (!here.some((f) => f.text.includes(`${e.rule}: `))) {
        problems.push(`line ${e.errorLine}: expected a ${e.rule} error, got: ${show(here).join(" | ")}`);
      }
    }
    const expectedLines = new Set(expected.map((e) => e.errorLine));
    for (const f of found) {
      if (!expectedLines.has(f.line)) problems.push(`unexpected error: ${show([f]).join("")}`);
    }
    expect(problems).toEqual([]);
  });
});
