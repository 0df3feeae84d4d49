/**
 * redis-commander 0.9 from the npm registry as the peer: installed on demand into a cache folder under the
 * OS temp dir (never into the project's dependencies), started on a free loopback port against the same
 * Redis, measured through the endpoints its UI calls, and stopped by PID.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, removeDir, startProcess, tempDir, waitFor, type StartedProcess } from "../../support/process";

const PEER = "redis-commander@0.9";
const CACHE = path.join(tmpdir(), "cacheboard-bench-peers");
const BIN = path.join(CACHE, "node_modules/redis-commander/bin/redis-commander.js");

/** Installs the peer unless it is already cached; returns why it cannot be used, or null. */
export function installPeer(): string | null {
  if (existsSync(BIN)) return null;
  mkdirSync(CACHE, { recursive: true });
  console.log(`Installing ${PEER} into ${CACHE} (once)…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--prefix", CACHE, "--no-audit", "--no-fund", "--no-save", "--loglevel=error", PEER], {
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
    timeout: 600_000,
  });
  if (result.status === 0 && existsSync(BIN)) return null;
  return `npm install ${PEER} failed (${result.error?.message ?? result.stderr?.trim().split("\n").slice(-1)[0] ?? `exit ${result.status}`})`;
}

export interface Peer {
  url: string;
  pid: number;
  /** The connection id its routes take: `R:<host>:<port>:<db>`. */
  connection: string;
  process: StartedProcess;
  stop(): Promise<void>;
}

export async function startPeer(redisPort: number): Promise<Peer> {
  const port = await freePort();
  // Its own HOME, so the connections it saves never touch the user's ~/.redis-commander.
  const home = tempDir("redis-commander");
  const child = startProcess(
    process.execPath,
    [BIN, "--address", "127.0.0.1", "--port", String(port), "--redis-host", "127.0.0.1", "--redis-port", String(redisPort), "--nosave", "--no-log-data"],
    { cwd: home, env: { ...process.env, HOME: home, NODE_ENV: "production", NODE_CONFIG_DIR: path.join(path.dirname(BIN), "../config") } },
  );
  const url = `http://127.0.0.1:${port}`;
  const connection = `R:127.0.0.1:${redisPort}:0`;
  await waitFor(
    "redis-commander",
    async () => (await fetch(`${url}/apiv2/keystree/${encodeURIComponent(connection)}/?pattern=nothing-matches-this`)).ok,
    { timeoutMs: 60_000, intervalMs: 250, process: child },
  );
  return {
    url,
    pid: child.pid,
    connection,
    process: child,
    async stop() {
      await child.stop();
      removeDir(home);
    },
  };
}

/** The root of its key tree, as its UI loads it on opening the connection. */
export async function peerTree(peer: Peer): Promise<number> {
  const response = await fetch(`${peer.url}/apiv2/keystree/${encodeURIComponent(peer.connection)}/`);
  if (!response.ok) throw new Error(`redis-commander keystree answered ${response.status}`);
  const { data } = (await response.json()) as { data: unknown[] };
  return data.length;
}

export async function peerKey(peer: Peer, key: string): Promise<void> {
  const response = await fetch(`${peer.url}/apiv2/key/${encodeURIComponent(peer.connection)}/${encodeURIComponent(key)}`);
  if (!response.ok) throw new Error(`redis-commander key answered ${response.status}`);
  await response.arrayBuffer();
}
