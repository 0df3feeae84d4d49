// Lint step: every export of app/, components/ and lib/ must be imported somewhere else (app, components,
// lib, tests, scripts). An export nobody imports is either dead code or should not be exported; both make
// the code read as if more depended on it than does. Uses the TypeScript compiler's own module resolution.
// Next.js's file conventions (page, layout, route handlers…) are entry points and exempt.
import path from "node:path";
import ts from "typescript";
import { root } from "./lib/setup.mjs";

const CHECKED = ["app/", "components/", "lib/"];
/** Files whose exports Next.js (or Node) reads by name. */
const ENTRY = /^app\/(.*\/)?(page|layout|route|not-found|error|global-error|loading|template|default|icon|apple-icon|manifest|robots|sitemap|forbidden|unauthorized)\.tsx?$|^(next\.config|instrumentation|middleware|proxy)\.ts$|^lib\/instrumentation\//;
/** Generated code is not ours to prune. */
const GENERATED = /^lib\/generated\//;

const configPath = ts.findConfigFile(root, ts.sys.fileExists, "tsconfig.json");
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const rel = (file) => path.relative(root, file).split(path.sep).join("/");

/** file → names imported from it by other files; "*" when a file is imported whole. */
const used = new Map();
const markUsed = (file, name) => {
  if (!used.has(file)) used.set(file, new Set());
  used.get(file).add(name);
};

function resolve(spec, from) {
  const resolved = ts.resolveModuleName(spec, from, config.options, ts.sys).resolvedModule;
  return resolved && !resolved.isExternalLibraryImport ? rel(resolved.resolvedFileName) : null;
}

for (const source of program.getSourceFiles()) {
  if (source.isDeclarationFile || source.fileName.includes("node_modules")) continue;
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const target = resolve(node.moduleSpecifier.text, source.fileName);
      if (target) {
        if (ts.isImportDeclaration(node)) {
          const clause = node.importClause;
          if (!clause) markUsed(target, "*");
          else {
            if (clause.name) markUsed(target, "default");
            const bindings = clause.namedBindings;
            if (bindings && ts.isNamespaceImport(bindings)) markUsed(target, "*");
            if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) markUsed(target, (el.propertyName ?? el.name).text);
          }
        } else if (!node.exportClause) markUsed(target, "*");
        else if (ts.isNamedExports(node.exportClause)) for (const el of node.exportClause.elements) markUsed(target, (el.propertyName ?? el.name).text);
        else markUsed(target, "*");
      }
    }
    // `await import("…")`: the destructured names, else everything.
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      const target = resolve(node.arguments[0].text, source.fileName);
      if (target) {
        let parent = node.parent;
        if (parent && ts.isAwaitExpression(parent)) parent = parent.parent;
        if (parent && ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)) {
          for (const el of parent.name.elements) markUsed(target, (el.propertyName ?? el.name).getText(source));
        } else markUsed(target, "*");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const checker = program.getTypeChecker();
const dead = [];
for (const source of program.getSourceFiles()) {
  const file = rel(source.fileName);
  if (source.isDeclarationFile || !CHECKED.some((dir) => file.startsWith(dir)) || ENTRY.test(file) || GENERATED.test(file)) continue;
  const names = used.get(file) ?? new Set();
  if (names.has("*")) continue;
  const symbol = checker.getSymbolAtLocation(source);
  if (!symbol) continue;
  for (const exported of checker.getExportsOfModule(symbol)) {
    const name = exported.getName();
    if (names.has(name)) continue;
    const declaration = exported.declarations?.[0];
    // Re-exports are judged where they are declared.
    if (declaration && rel(declaration.getSourceFile().fileName) !== file) continue;
    const line = declaration ? source.getLineAndCharacterOfPosition(declaration.getStart()).line + 1 : 0;
    dead.push(`${file}:${line} ${name}`);
  }
}

if (dead.length) {
  console.error(`${dead.length} exports are imported nowhere (remove them, or drop "export" when the file uses them itself):`);
  for (const line of dead) console.error(`  ${line}`);
  process.exit(1);
}
console.log("dead exports: none");
