import "server-only";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { db } from "../db";
import { tryOpenSecrets } from "../secrets";
import { profileFields } from "./profile-input";
import { createProfile, updateProfile } from "./store";

/**
 * Connections a deployment declares: CACHEBOARD_CONNECTIONS_FILE (JSON or YAML), or the same document inline
 * in CACHEBOARD_CONNECTIONS. Either a list of profiles or `{ connections: [...] }`. Secrets may be written
 * in the file or, better, named as environment variables with `secretsFromEnv: { password: "REDIS_PASSWORD" }`.
 */
const declaredProfile = z.looseObject({
  secretsFromEnv: z.record(z.string(), z.string().min(1)).optional(),
});
const document = z.union([z.array(declaredProfile), z.object({ connections: z.array(declaredProfile) })]);

type Environment = Record<string, string | undefined>;

export interface ApplyResult {
  source: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  released: string[];
}

function readDeclaration(env: Environment): { source: string; text: string } | null {
  if (env.CACHEBOARD_CONNECTIONS_FILE) {
    return { source: env.CACHEBOARD_CONNECTIONS_FILE, text: readFileSync(env.CACHEBOARD_CONNECTIONS_FILE, "utf8") };
  }
  if (env.CACHEBOARD_CONNECTIONS) return { source: "CACHEBOARD_CONNECTIONS", text: env.CACHEBOARD_CONNECTIONS };
  return null;
}

function parseDeclaration(source: string, text: string, env: Environment) {
  // YAML is a superset of JSON, so one parser reads both.
  const raw: unknown = parseYaml(text);
  const parsed = document.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: expected a list of connections or { connections: [...] }`);
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.connections;
  return list.map((entry, index) => {
    const { secretsFromEnv, ...rest } = entry;
    const secrets: Record<string, string> = { ...((rest.secrets as Record<string, string> | undefined) ?? {}) };
    for (const [name, variable] of Object.entries(secretsFromEnv ?? {})) {
      const value = env[variable];
      if (value === undefined) throw new Error(`${source}: connection ${index + 1} reads ${name} from $${variable}, which is not set`);
      secrets[name] = value;
    }
    const fields = profileFields.safeParse({ ...rest, secrets });
    if (!fields.success) {
      const problems = fields.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
      throw new Error(`${source}: connection ${index + 1} (${String(rest.name ?? "unnamed")}) is not valid: ${problems}`);
    }
    return fields.data;
  });
}

/**
 * Creates or updates the declared profiles by name and marks them managed; profiles that were managed but are
 * no longer declared become ordinary ones, so an admin can remove them. Running it again with the same
 * declaration changes nothing and records nothing.
 */
export async function applyManagedConnections(env: Environment = process.env): Promise<ApplyResult | null> {
  const declaration = readDeclaration(env);
  if (!declaration) return null;
  const declared = parseDeclaration(declaration.source, declaration.text, env);
  const names = new Set<string>();
  const result: ApplyResult = { source: declaration.source, created: [], updated: [], unchanged: [], released: [] };
  for (const fields of declared) {
    if (names.has(fields.name)) throw new Error(`${declaration.source}: the name "${fields.name}" is declared twice`);
    names.add(fields.name);
    const row = await db().connectionProfile.findUnique({ where: { name: fields.name } });
    if (!row) {
      await createProfile(fields, { managed: true });
      result.created.push(fields.name);
      continue;
    }
    const secrets = Object.fromEntries(Object.entries(fields.secrets).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
    const same =
      row.managed &&
      row.kind === fields.kind &&
      row.settings === JSON.stringify(fields.settings) &&
      JSON.stringify(tryOpenSecrets(row.secret)) === JSON.stringify(secrets) &&
      row.readOnly === fields.readOnly &&
      row.environment === fields.environment &&
      row.color === fields.color &&
      row.keyDelimiter === fields.keyDelimiter &&
      row.defaultFormat === fields.defaultFormat &&
      row.formatOverrides === JSON.stringify(fields.formatOverrides) &&
      row.timeoutMs === fields.timeoutMs &&
      row.consoleAllow === JSON.stringify(fields.consoleAllow ?? []) &&
      row.scanCount === (fields.scanCount ?? null) &&
      row.scanPauseMs === (fields.scanPauseMs ?? null);
    if (same) {
      result.unchanged.push(fields.name);
      continue;
    }
    // Every secret the file does not name is cleared: the file is the whole truth for a managed profile.
    const cleared = Object.fromEntries(Object.keys(tryOpenSecrets(row.secret) ?? {}).map((name) => [name, secrets[name] ?? ""]));
    await updateProfile(row, { ...fields, secrets: { ...cleared, ...secrets } });
    if (!row.managed) await db().connectionProfile.update({ where: { id: row.id }, data: { managed: true } });
    result.updated.push(fields.name);
  }
  const stale = await db().connectionProfile.findMany({ where: { managed: true, name: { notIn: [...names] } } });
  for (const row of stale) {
    await db().connectionProfile.update({ where: { id: row.id }, data: { managed: false } });
    result.released.push(row.name);
  }
  if (result.created.length || result.updated.length || result.released.length) {
    await recordAudit({
      actor: null,
      system: true,
      action: "connections.apply-declared",
      detail: { source: declaration.source, created: result.created, updated: result.updated, released: result.released },
      outcome: "ok",
    });
  }
  return result;
}
