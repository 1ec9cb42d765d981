/**
 * Maps the property paths the validator reports ("stages", "tiler.mma[1]", "scheduler.swizzle",
 * "problems[2].k", ...) to where their values are written in a kernel file, so a rule violation
 * points at the user's line and column like a type error does.
 *
 * Reads the syntax only (no type checking): finds the `defineKernel({...})` call, walks its object
 * literal, and descends into builder calls (`gemm({...})`, `persistent({...})`) and into same-file
 * constants (`problems: SQUARE`), so "op.a" and "scheduler.swizzle" land inside those calls.
 */
import { Node, Project, SyntaxKind, type CallExpression, type SourceFile } from "ts-morph";
import type { SourceLocation } from "./validate.js";

export type PropertyLocator = (path: string) => SourceLocation | undefined;

/**
 * Returns a locator for the kernel defined in `file`. Which `defineKernel` call: the one whose
 * `name` is the string literal `kernelName` if given and found, else the default export's, else the
 * first in the file. A path with no property of its own falls back to the nearest enclosing one
 * ("tiler.mma[2]" -> "tiler.mma" -> "tiler" -> the config object), so every path gets a place as
 * long as the file has a defineKernel call; without one the locator returns undefined.
 */
export function locateKernelProperties(file: string, project?: Project, kernelName?: string): PropertyLocator {
  const sourceFile = openSourceFile(file, project);
  const call = sourceFile ? findKernelCall(sourceFile, kernelName) : undefined;
  if (!sourceFile || !call) return () => undefined;
  const config = call.getArguments()[0];
  if (!config) return () => undefined;

  const places = new Map<string, SourceLocation>();
  const place = (node: Node): SourceLocation => {
    const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
    return { file, line, column };
  };
  const visiting = new Set<Node>();

  /** Records `path` at `node` and maps what is inside it. */
  const visit = (node: Node, path: string): void => {
    if (!places.has(path)) places.set(path, place(node));
    const inner = resolve(unwrap(node), sourceFile);
    if (visiting.has(inner)) return;
    visiting.add(inner);
    mapChildren(inner, path);
    visiting.delete(inner);
  };

  const mapChildren = (node: Node, path: string): void => {
    if (Node.isObjectLiteralExpression(node)) {
      for (const property of node.getProperties()) {
        if (Node.isPropertyAssignment(property)) {
          const key = propertyKey(property.getNameNode());
          const value = property.getInitializer();
          if (key !== undefined && value) visit(value, join(path, key));
        } else if (Node.isShorthandPropertyAssignment(property)) {
          visit(property.getNameNode(), join(path, property.getName()));
        }
      }
    } else if (Node.isArrayLiteralExpression(node)) {
      node.getElements().forEach((element, i) => {
        if (!Node.isSpreadElement(element) && !Node.isOmittedExpression(element)) visit(element, `${path}[${i}]`);
      });
    } else if (Node.isCallExpression(node)) {
      // A builder: its options object holds the properties of the value it returns.
      const options = node.getArguments()[0];
      if (options) {
        const inner = resolve(unwrap(options), sourceFile);
        if (Node.isObjectLiteralExpression(inner) && !visiting.has(inner)) {
          visiting.add(inner);
          mapChildren(inner, path);
          visiting.delete(inner);
        }
      }
    }
  };

  visit(config, "");

  return (path: string) => {
    let p = path;
    for (;;) {
      const found = places.get(p);
      if (found) return found;
      if (p === "") return undefined;
      p = parentPath(p);
    }
  };
}

/** "problems[1].k" -> "problems[1]" -> "problems" -> "". */
export function parentPath(path: string): string {
  const m = /^(.*?)(?:\.[^.[\]]+|\[[^\]]*\])$/.exec(path);
  return m ? (m[1] ?? "") : "";
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function openSourceFile(file: string, project: Project | undefined): SourceFile | undefined {
  const p = project ?? new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, compilerOptions: { allowJs: true } });
  try {
    return p.getSourceFile(file) ?? p.addSourceFileAtPath(file);
  } catch {
    return undefined;
  }
}

/** Strips `( )`, `as T`, `satisfies T`, `<T>x` and `x!` around an expression. */
function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (
      Node.isParenthesizedExpression(n) ||
      Node.isAsExpression(n) ||
      Node.isSatisfiesExpression(n) ||
      Node.isTypeAssertion(n) ||
      Node.isNonNullExpression(n)
    ) {
      n = n.getExpression();
    } else return n;
  }
}

/** An identifier naming a top-level `const` of this file stands for its initializer. */
function resolve(node: Node, sourceFile: SourceFile, depth = 0): Node {
  if (!Node.isIdentifier(node) || depth > 8) return node;
  const declaration = sourceFile.getVariableDeclaration(node.getText());
  const initializer = declaration?.getInitializer();
  if (!initializer) return node;
  return resolve(unwrap(initializer), sourceFile, depth + 1);
}

function propertyKey(name: Node): string | undefined {
  if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name) || Node.isNumericLiteral(name)) return name.getLiteralText();
  return undefined;
}

/** The functions that declare a kernel: `defineKernel` and, for GEMVs, `defineGemv`. */
const DEFINERS: ReadonlySet<string> = new Set(["defineKernel", "defineGemv"]);

/** The local names `defineKernel` (or `defineGemv`) is imported or declared under in this file. */
function defineKernelNames(sourceFile: SourceFile): Set<string> {
  const names = new Set(DEFINERS);
  for (const declaration of sourceFile.getImportDeclarations()) {
    for (const specifier of declaration.getNamedImports()) {
      if (DEFINERS.has(specifier.getName())) names.add(specifier.getAliasNode()?.getText() ?? specifier.getName());
    }
  }
  return names;
}

function isDefineKernelCall(call: CallExpression, names: ReadonlySet<string>): boolean {
  const callee = unwrap(call.getExpression());
  if (Node.isIdentifier(callee)) return names.has(callee.getText());
  if (Node.isPropertyAccessExpression(callee)) return DEFINERS.has(callee.getName());
  return false;
}

/** The string literal `name` of a defineKernel call's config object, if it has one. */
function kernelNameOf(call: CallExpression, sourceFile: SourceFile): string | undefined {
  const arg = call.getArguments()[0];
  const config = arg ? resolve(unwrap(arg), sourceFile) : undefined;
  if (!config || !Node.isObjectLiteralExpression(config)) return undefined;
  const property = config.getProperty("name");
  if (!property || !Node.isPropertyAssignment(property)) return undefined;
  const value = property.getInitializer();
  const literal = value ? resolve(unwrap(value), sourceFile) : undefined;
  return literal && (Node.isStringLiteral(literal) || Node.isNoSubstitutionTemplateLiteral(literal)) ? literal.getLiteralText() : undefined;
}

function findKernelCall(sourceFile: SourceFile, kernelName: string | undefined): CallExpression | undefined {
  const names = defineKernelNames(sourceFile);
  const calls = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).filter((c) => isDefineKernelCall(c, names));
  if (calls.length === 0) return undefined;
  if (kernelName !== undefined) {
    const named = calls.find((c) => kernelNameOf(c, sourceFile) === kernelName);
    if (named) return named;
  }
  const exported = defaultExportCall(sourceFile, names);
  return exported ?? calls[0];
}

/** `export default defineKernel({...})`, or `export default k` where `const k = defineKernel({...})`. */
function defaultExportCall(sourceFile: SourceFile, names: ReadonlySet<string>): CallExpression | undefined {
  for (const assignment of sourceFile.getExportAssignments()) {
    if (assignment.isExportEquals()) continue;
    const expression = resolve(unwrap(assignment.getExpression()), sourceFile);
    if (Node.isCallExpression(expression) && isDefineKernelCall(expression, names)) return expression;
  }
  return undefined;
}
