/**
 * Starts the built app (scripts/serve.mjs, as `npm start` serves it) on a free port against a throwaway SQLite database, and stops it by
 * PID. Each test file gets its own app, so files do not share users or connections.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations } from "@/lib/db-migrate";
import { createDb, type Db } from "@/lib/db-factory";
import { freePort, removeDir, startProcess, tempDir, waitFor, type StartedProcess } from "../../support/process";

export interface RunningApp {
  url: string;
  databaseUrl: string;
  secretKey: string;
  /** Prisma client on the app's database, for arranging and checking what the UI cannot show. */
  db: Db;
  process: StartedProcess;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../../..");

/**
 * `options.databaseUrl` runs the app on a database the caller owns (several instances on one PostgreSQL);
 * give them the same CACHEBOARD_SECRET_KEY in `env`.
 */
export async function startApp(env: Record<string, string> = {}, options: { databaseUrl?: string } = {}): Promise<RunningApp> {
  const dir = tempDir("e2e-app");
  const databaseUrl = options.databaseUrl ?? `file:${path.join(dir, "cacheboard.db")}`;
  const secretKey = env.CACHEBOARD_SECRET_KEY ?? randomBytes(32).toString("hex");
  await applyMigrations({ url: databaseUrl, root });
  const port = await freePort();
  // Started as `npm start` starts it (heap limit, malloc arenas), so the benchmarks measure what ships.
  const setup = (await import(pathToFileURL(path.join(root, "scripts/lib/setup.mjs")).href)) as {
    serverCommand(options: { port: number; host: string }): { command: string; args: string[]; env: NodeJS.ProcessEnv };
  };
  const server = setup.serverCommand({ port, host: "127.0.0.1" });
  const child = startProcess(server.command, server.args, {
    cwd: root,
    env: {
      ...server.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      CACHEBOARD_SECRET_KEY: secretKey,
      CACHEBOARD_ADMIN_EMAIL: "",
      CACHEBOARD_ADMIN_PASSWORD: "",
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the Cacheboard app",
    async () => {
      // Not kept alive: a test's first request must not inherit this socket just as the server closes it.
      const response = await fetch(`${url}/login`, { redirect: "manual", headers: { connection: "close" } });
      await response.body?.cancel();
      return response.status < 500;
    },
    { timeoutMs: 60_000, intervalMs: 200, process: child },
  );
  const db = createDb(databaseUrl);
  return {
    url,
    databaseUrl,
    secretKey,
    db,
    process: child,
    async stop() {
      await db.$disconnect();
      await child.stop();
      removeDir(dir);
    },
  };
}

/**
 * A production Redis profile whose walks go one SCAN of 10 keys at a time with 1.5 s between calls: a key
 * page that finds nothing is still walking when a test cancels it or leaves. Returns the profile's id.
 */
export async function slowScanProfile(app: RunningApp, redisPort: number): Promise<string> {
  const profile = await app.db.connectionProfile.create({
    data: {
      name: "paced",
      kind: "redis",
      settings: JSON.stringify({ host: "127.0.0.1", port: redisPort }),
      environment: "production",
      readOnly: false,
      scanCount: 10,
      scanPauseMs: 1500,
    },
  });
  return profile.id;
}

/** How many SCAN calls a Redis has answered since it started. */
export async function scanCalls(raw: { info(section: string): Promise<string> }): Promise<number> {
  return Number(/cmdstat_scan:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1] ?? 0);
}
