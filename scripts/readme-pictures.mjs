#!/usr/bin/env node
/**
 * The README's pictures are the end-to-end suite's own screenshots: after `npm test` (or `npm run test:e2e`)
 * has written them to test-results/screenshots, `npm run pictures` copies the ones the README shows into
 * docs/pictures/, under stable names. It fails, naming what is missing, when a screenshot was not taken
 * (a renamed or skipped test), so a picture never silently goes stale.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const from = path.join(root, "test-results", "screenshots");
const to = path.join(root, "docs", "pictures");

/** README picture ← the e2e screenshot it is (test file that takes it). */
const PICTURES = {
  "tree-and-list.png": "browser-tree-list-1920.png", // tests/e2e/browser-redis.test.ts
  "pickle-editor.png": "python-objects-editor-1280.png", // tests/e2e/python-objects-redis.test.ts
  "conflict-dialog.png": "key-detail-conflict.png", // tests/e2e/key-detail-redis.test.ts
  "namespace-delete.png": "browser-namespace-delete-confirm.png", // tests/e2e/browser-redis.test.ts
  "audit-undo.png": "audit-entry-edit.png", // tests/e2e/audit.test.ts
  "stats.png": "connections-stats.png", // tests/e2e/connections.test.ts
  "analysis.png": "analysis-report-light.png", // tests/e2e/analysis.test.ts
  "console.png": "console-admin-1280.png", // tests/e2e/console.test.ts
  "phone.png": "layout-390-key-sheet.png", // tests/e2e/layout.test.ts
};

const missing = Object.values(PICTURES).filter((shot) => !existsSync(path.join(from, shot)));
if (missing.length > 0) {
  console.error(`Not in ${path.relative(root, from)} (run the e2e tests first): ${missing.join(", ")}`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const [picture, shot] of Object.entries(PICTURES)) copyFileSync(path.join(from, shot), path.join(to, picture));
console.log(`${Object.keys(PICTURES).length} pictures copied to ${path.relative(root, to)}/`);
