/**
 * emit: KernelPlan -> CUDA C++ text, by the Handlebars templates in templates/. The templates only
 * print what the plan decided; there are no template helpers with logic.
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import Handlebars from "handlebars";
import type { AnyKernelPlan } from "./plan.js";

export const TEMPLATES_DIR = new URL("../../templates/", import.meta.url).pathname;

function makeEnvironment(templatesDir: string, targetFolder: string): typeof Handlebars {
  const hb = Handlebars.create();
  // Partials are every .hbs in common/ and in the plan's target folder, named by file (e.g. "wgmma").
  for (const folder of ["common", targetFolder]) {
    const dir = join(templatesDir, folder);
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(".hbs") || file.endsWith(".cu.hbs")) continue;
      hb.registerPartial(basename(file, ".hbs"), readFileSync(join(dir, file), "utf8"));
    }
  }
  return hb;
}

export function emit(plan: AnyKernelPlan, templatesDir: string = TEMPLATES_DIR): string {
  const hb = makeEnvironment(templatesDir, dirname(plan.template));
  const template = hb.compile(readFileSync(join(templatesDir, plan.template), "utf8"), {
    noEscape: true,
    strict: true,
  });
  // Collapse the blank lines that block helpers leave behind, so the output reads like hand-written CUDA.
  return template(plan).replace(/\n{3,}/g, "\n\n");
}
