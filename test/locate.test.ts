import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Project } from "ts-morph";
import { describe, expect, it } from "vitest";
import { locateKernelProperties, parentPath } from "../src/dsl/locate.js";
import type { KernelSpec } from "../src/dsl/types.js";
import { formatViolation, validate } from "../src/dsl/validate.js";

const FIXTURES = "test/fixtures/locate";
const BASIC = `${FIXTURES}/basic.ts`;
const MULTI = `${FIXTURES}/multi.ts`;

/** "line:column" of a path, or undefined. */
const at = (locate: (path: string) => { line: number; column: number } | undefined, path: string): string | undefined => {
  const l = locate(path);
  return l ? `${l.line}:${l.column}` : undefined;
};

describe("locateKernelProperties", () => {
  const basic = locateKernelProperties(BASIC);

  it("places top-level properties at their values", () => {
    expect(basic("name")).toEqual({ file: BASIC, line: 5, column: 9 });
    expect(at(basic, "stages")).toBe("9:11");
    expect(at(basic, "op")).toBe("7:7");
    expect(at(basic, "scheduler")).toBe("10:14");
    expect(at(basic, "problems")).toBe("12:13");
  });

  it("places tuple elements", () => {
    expect(at(basic, "tiler")).toBe("8:10");
    expect(at(basic, "tiler.mma")).toBe("8:17");
    expect(at(basic, "tiler.mma[0]")).toBe("8:18");
    expect(at(basic, "tiler.mma[1]")).toBe("8:23");
    expect(at(basic, "tiler.mma[2]")).toBe("8:28");
    expect(at(basic, "tiler.cluster")).toBe("8:42");
    expect(at(basic, "tiler.cluster[1]")).toBe("8:46");
  });

  it("looks inside builder calls", () => {
    expect(at(basic, "op.a")).toBe("7:17");
    expect(at(basic, "op.out")).toBe("7:41");
    expect(at(basic, "scheduler.raster")).toBe("10:35");
    expect(at(basic, "scheduler.swizzle")).toBe("10:49");
  });

  it("looks inside the options of an epilogue builder", () => {
    const epilogue = locateKernelProperties(`${FIXTURES}/epilogue.ts`);
    expect(at(epilogue, "epilogue")).toBe("11:13");
    expect(at(epilogue, "epilogue.alpha")).toBe("11:28");
    expect(at(epilogue, "epilogue.bias")).toBe("11:40");
    expect(at(epilogue, "epilogue.activation")).toBe("11:60");
  });

  it("places problems and their fields", () => {
    expect(at(basic, "problems[0]")).toBe("13:5");
    expect(at(basic, "problems[1]")).toBe("14:5");
    expect(at(basic, "problems[1].k")).toBe("14:26");
  });

  it("falls back to the nearest enclosing located path", () => {
    expect(at(basic, "scheduler.splitK")).toBe("10:14"); // not written: the persistent(...) call
    expect(at(basic, "op.accumulator")).toBe("7:7"); // gemm(...)
    expect(at(basic, "problems[7].k")).toBe("12:13"); // no such problem: the list
    expect(at(basic, "tiler.mma[3]")).toBe("8:17");
    expect(at(basic, "nothing.here")).toBe("4:29"); // the config object
    expect(at(basic, "")).toBe("4:29");
  });

  it("chooses the kernel by name, else the default export, else the first call", () => {
    const first = locateKernelProperties(MULTI);
    expect(at(first, "name")).toBe("10:9");
    const second = locateKernelProperties(MULTI, undefined, "locate_second");
    expect(at(second, "name")).toBe("21:9");
    expect(at(locateKernelProperties(MULTI, undefined, "locate_first"), "name")).toBe("10:9");
    expect(at(locateKernelProperties(MULTI, undefined, "no_such_kernel"), "name")).toBe("10:9");
    expect(at(locateKernelProperties(BASIC, undefined, "no_such_kernel"), "name")).toBe("5:9");
  });

  it("follows multi-line values, an aliased defineKernel and same-file constants", () => {
    const second = locateKernelProperties(MULTI, undefined, "locate_second");
    expect(at(second, "op.a")).toBe("24:8");
    expect(at(second, "op.out")).toBe("26:10");
    expect(at(second, "tiler.mma")).toBe("29:10");
    expect(at(second, "tiler.mma[0]")).toBe("30:7");
    expect(at(second, "tiler.mma[2]")).toBe("32:7");
    expect(at(second, "tiler.cluster[0]")).toBe("34:15");
    expect(at(second, "stages")).toBe("36:11");

    const first = locateKernelProperties(MULTI);
    expect(at(first, "scheduler.splitK")).toBe("15:60");
    expect(at(first, "tiler.cluster[1]")).toBe("13:10"); // no cluster written: the tiler
    expect(at(first, "problems")).toBe("17:13"); // the reference `SHAPES`
    expect(at(first, "problems[1].k")).toBe("6:25"); // inside the constant it names
  });

  it("uses a given project and returns undefined for a file without a kernel", () => {
    const project = new Project({ skipAddingFilesFromTsConfig: true });
    const none = locateKernelProperties(`${FIXTURES}/none.ts`, project);
    expect(none("stages")).toBeUndefined();
    expect(none("")).toBeUndefined();
    const viaProject = locateKernelProperties(BASIC, project);
    expect(at(viaProject, "stages")).toBe("9:11");
    expect(project.getSourceFiles().length).toBe(2);
    expect(locateKernelProperties(`${FIXTURES}/missing.ts`)("stages")).toBeUndefined();
  });

  it("gives a validator's violations their places", async () => {
    const spec = ((await import("./fixtures/locate/basic.js")) as { default: KernelSpec }).default;
    const r = validate({ ...spec, stages: 5, scheduler: { ...spec.scheduler, splitK: 40 } }, basic);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations.map(formatViolation).map((s) => s.split(" (")[0])).toEqual([
      `${BASIC}:9:11 error SM90-SMEM`,
      `${BASIC}:10:14 error SPLITK`,
    ]);
  });

  it("locates every kernel of kernels/ by name", async () => {
    const project = new Project({ skipAddingFilesFromTsConfig: true });
    for (const f of readdirSync("kernels").filter((x) => x.endsWith(".ts"))) {
      const file = join("kernels", f);
      const mod = (await import(/* @vite-ignore */ pathToFileURL(resolve(file)).href)) as Record<string, KernelSpec>;
      for (const spec of Object.values(mod)) {
        const l = locateKernelProperties(file, project, spec.name)("name");
        expect(l, `${file} ${spec.name}`).toBeDefined();
        const line = readFileSync(file, "utf8").split("\n")[l!.line - 1]!;
        expect(line.slice(l!.column - 1)).toMatch(new RegExp(`^"${spec.name}"`));
      }
    }
  });
});

describe("parentPath", () => {
  it("strips the last property or index", () => {
    expect(parentPath("problems[1].k")).toBe("problems[1]");
    expect(parentPath("problems[1]")).toBe("problems");
    expect(parentPath("tiler.mma[2]")).toBe("tiler.mma");
    expect(parentPath("tiler.mma")).toBe("tiler");
    expect(parentPath("stages")).toBe("");
    expect(parentPath("")).toBe("");
  });
});
