// Generates the Prisma clients for SQLite (prisma/schema.prisma) and PostgreSQL (derived from it, so the
// two never drift). Skips the work when the schema has not changed since the last run.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const schemaPath = path.join(root, "prisma/schema.prisma");
const outDir = path.join(root, "lib/generated");
const pgSchemaPath = path.join(outDir, "schema.postgresql.prisma");
const stampPath = path.join(outDir, ".schema-hash");

const schema = readFileSync(schemaPath, "utf8");
const prismaPackage = readFileSync(path.join(root, "node_modules/prisma/package.json"), "utf8");
const hash = createHash("sha256").update(schema).update(prismaPackage).digest("hex");
const upToDate =
  existsSync(stampPath) &&
  readFileSync(stampPath, "utf8") === hash &&
  existsSync(path.join(outDir, "sqlite/client.ts")) &&
  existsSync(path.join(outDir, "postgresql/client.ts"));

if (!upToDate) {
  mkdirSync(outDir, { recursive: true });
  const pgSchema = schema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output       = "../lib/generated/sqlite"', 'output       = "./postgresql"');
  if (pgSchema === schema) throw new Error("Could not derive the PostgreSQL schema from prisma/schema.prisma");
  writeFileSync(pgSchemaPath, `// Generated from prisma/schema.prisma by scripts/prisma-generate.mjs. Do not edit.\n${pgSchema}`);

  // `prisma generate` needs no schema engine, but the CLI insists on resolving one: any existing file will do
  // (its real engine cannot be downloaded on machines without access to Prisma's binary host).
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  const cli = path.join(root, "node_modules/prisma/build/index.js");
  for (const target of [schemaPath, pgSchemaPath]) {
    execFileSync(process.execPath, [cli, "generate", "--schema", target], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  }
  writeFileSync(stampPath, hash);
  console.log("Prisma clients generated (SQLite and PostgreSQL).");
}
