/**
 * A throwaway PostgreSQL server: initdb into a temp folder, postgres on a free loopback port, stopped by
 * PID. PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user (setpriv execs,
 * so the PID we hold is the server's own).
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort, removeDir, startProcess, tempDir, waitFor } from "./process";

export interface PostgresServer {
  port: number;
  /** Connection URL of a database that exists (`postgres`); use `createDatabase` for fresh ones. */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function postgresBin(name: string): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort().reverse() : [];
  for (const version of versions) {
    const candidate = path.join(base, version, "bin", name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`The tests need PostgreSQL's ${name}, which is not installed. Install it with: apt-get install -y postgresql`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const initdb = postgresBin("initdb");
  const postgres = postgresBin("postgres");
  const dir = tempDir("postgres");
  const dataDir = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (asRoot) {
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const as = (command: string, args: string[]) =>
    asRoot ? { command: "setpriv", args: [`--reuid=${uid}`, `--regid=${gid}`, "--init-groups", "--", command, ...args] } : { command, args };

  const init = as(initdb, ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  execFileSync(init.command, init.args, { stdio: "pipe" });
  const port = await freePort();
  const serve = as(postgres, ["-D", dataDir, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"]);
  const server = startProcess(serve.command, serve.args);
  const url = (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`;

  await waitFor(
    "PostgreSQL",
    async () => {
      const client = new pg.Client({ connectionString: url() });
      try {
        await client.connect();
        await client.query("SELECT 1");
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, process: server },
  );

  return {
    port,
    url,
    async createDatabase(name: string) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await server.stop();
      removeDir(dir);
    },
  };
}
