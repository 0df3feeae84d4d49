// `npm test`: every check, every time — type-check, lint, unit and integration tests on real servers,
// then end-to-end tests in Chromium against the built app. Runs all steps even when one fails, and ends
// with one summary line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureDependencies, root } from "./lib/setup.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureDependencies();

const resultsDir = path.join(root, "test-results");
mkdirSync(resultsDir, { recursive: true });
const bin = (name) => path.join(root, "node_modules/.bin", name);

const steps = [
  { name: "typecheck", command: bin("tsc"), args: ["--noEmit", "-p", "."] },
  { name: "lint", command: bin("eslint"), args: ["--max-warnings", "0", "."] },
  { name: "dead exports", command: process.execPath, args: [path.join(root, "scripts/dead-exports.mjs")] },
  { name: "unit+integration", command: bin("vitest"), args: ["run", "--config", "vitest.config.ts"], json: "vitest-unit.json" },
  { name: "e2e", command: bin("vitest"), args: ["run", "--config", "vitest.e2e.config.ts"], json: "vitest-e2e.json" },
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const outcomes = [];
// The failed tests are named again in the summary: a long run's output is often read from its tail only.
const failures = [];
for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const args = [...step.args];
  if (step.json) {
    const file = path.join(resultsDir, step.json);
    rmSync(file, { force: true });
    args.push("--reporter=default", "--reporter=json", `--outputFile.json=${file}`);
  }
  const result = spawnSync(step.command, args, { cwd: root, stdio: "inherit", env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let ok = result.status === 0;
  if (step.json) {
    const file = path.join(resultsDir, step.json);
    if (existsSync(file)) {
      const report = JSON.parse(readFileSync(file, "utf8"));
      totals.passed += report.numPassedTests ?? 0;
      totals.failed += report.numFailedTests ?? 0;
      totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
      if ((report.numTotalTests ?? 0) === 0) ok = false;
      for (const suite of report.testResults ?? []) {
        const file = path.relative(root, suite.name ?? "");
        for (const test of suite.assertionResults ?? []) {
          if (test.status !== "failed") continue;
          const message = String(test.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300);
          failures.push(`${file} > ${test.fullName ?? test.title}\n       ${message}`);
        }
        if ((suite.assertionResults ?? []).length === 0 && suite.status === "failed") {
          failures.push(`${file} (the file failed before its tests ran)\n       ${String(suite.message ?? "").split("\n")[0].slice(0, 300)}`);
        }
      }
    } else {
      ok = false;
    }
  }
  // Type-check, lint and the dead-export check are not tests and are not counted as tests: a failure shows as
  // their FAIL line in the summary, and the exit code says it.
  outcomes.push(`${ok ? "ok  " : "FAIL"} ${step.name} (${seconds} s)`);
}

console.log("\n=== summary ===");
for (const line of outcomes) console.log(line);
for (const line of failures) console.log(`FAILED ${line}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(outcomes.some((line) => line.startsWith("FAIL")) ? 1 : 0);
