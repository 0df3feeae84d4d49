/**
 * The peers, from the npm registry: redis-commander 0.9 (an Express app) and p3x-redis-ui's server (Koa and
 * socket.io). Installed on demand into a cache folder under the OS temp dir (never into the project's
 * dependencies), started on a free loopback port against the same Redis, measured through the requests their
 * UIs make (redis-commander: HTTP; p3x: socket.io events), and stopped by PID.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, removeDir, startProcess, tempDir, waitFor, type StartedProcess } from "../../support/process";

const PEER = "redis-commander@0.9";
const CACHE = path.join(tmpdir(), "cacheboard-bench-peers");
const BIN = path.join(CACHE, "node_modules/redis-commander/bin/redis-commander.js");

/** The newest release whose dependencies resolve (2026.10.100 asks for a corifeus-utils that was never published). */
const P3X = "p3x-redis-ui-server@2025.10.108";
const P3X_BIN = path.join(CACHE, "node_modules/p3x-redis-ui-server/bin/p3xrs.js");
/** The bench's own socket.io client for talking to p3x, installed beside it. */
const SOCKET_IO_CLIENT = "socket.io-client@4";
const SOCKET_IO_CLIENT_DIR = path.join(CACHE, "node_modules/socket.io-client");

/** Installs the packages into the cache unless their files are there; returns why they cannot be used, or null. */
function install(packages: string[], files: string[]): string | null {
  if (files.every((file) => existsSync(file))) return null;
  mkdirSync(CACHE, { recursive: true });
  console.log(`Installing ${packages.join(", ")} into ${CACHE} (once)…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // Saved to the cache folder's own package.json: an install that did not list the other peers would remove them.
  const result = spawnSync(npm, ["install", "--prefix", CACHE, "--no-audit", "--no-fund", "--loglevel=error", ...packages], {
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
    timeout: 600_000,
  });
  if (result.status === 0 && files.every((file) => existsSync(file))) return null;
  return `npm install ${packages.join(" ")} failed (${result.error?.message ?? result.stderr?.trim().split("\n").slice(-1)[0] ?? `exit ${result.status}`})`;
}

/** Installs redis-commander unless it is already cached; returns why it cannot be used, or null. */
export function installPeer(): string | null {
  return install([PEER], [BIN]);
}

/** Installs p3x-redis-ui's server and a socket.io client unless cached; returns why they cannot be used, or null. */
export function installP3x(): string | null {
  return install([P3X, SOCKET_IO_CLIENT], [P3X_BIN, path.join(SOCKET_IO_CLIENT_DIR, "package.json")]);
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

interface SocketIoClient {
  connected: boolean;
  once(event: string, listener: (...args: unknown[]) => void): void;
  off(event: string, listener?: (...args: unknown[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  close(): void;
}

export interface P3xPeer {
  pid: number;
  process: StartedProcess;
  /** One request as its UI sends it; rejects on an error answer or after 10 s. */
  request<T extends { status: string }>(action: string, payload: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * p3x-redis-ui's server with one saved connection to the Redis, and a socket.io client connected to it as its UI
 * would be (websocket transport), the connection opened (`connection-connect`, which its UI sends first).
 */
export async function startP3x(redisPort: number): Promise<P3xPeer> {
  const port = await freePort();
  // Its own HOME and config folder: the connections file it reads (and would write) stays out of the user's home.
  const home = tempDir("p3x");
  writeFileSync(path.join(home, "p3xrs.json"), JSON.stringify({ p3xrs: { http: { port, bind: "127.0.0.1" }, connections: { "home-dir": home } } }));
  writeFileSync(path.join(home, ".p3xrs-conns.json"), JSON.stringify({ update: new Date(), list: [{ id: "bench", name: "bench", host: "127.0.0.1", port: redisPort }] }));
  const child = startProcess(process.execPath, [P3X_BIN, "--config", path.join(home, "p3xrs.json")], { cwd: home, env: { ...process.env, HOME: home, NODE_ENV: "production" } });
  let socket: SocketIoClient | undefined;
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitFor("p3x-redis-ui-server", async () => (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).ok, { timeoutMs: 60_000, intervalMs: 250, process: child });
    const load = createRequire(path.join(SOCKET_IO_CLIENT_DIR, "package.json"));
    const { io } = load("socket.io-client") as { io: (url: string, options: object) => SocketIoClient };
    // p3x sends each item of a collection as its own binary attachment; socket.io-client 4.8 refuses packets
    // with more than 10 unless its parser is told otherwise (p3x's own UI bundles a client without that limit).
    const parser = createRequire(load.resolve("socket.io-client"))("socket.io-parser") as { Encoder: unknown; Decoder: new (options: object) => object };
    const Decoder = class extends parser.Decoder {
      constructor() {
        super({ maxAttachments: 1_000_000 });
      }
    };
    const client = (socket = io(url, { transports: ["websocket"], reconnection: false, parser: { Encoder: parser.Encoder, Decoder } }));
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("connect_error", (error) => reject(error as Error));
    });
    let next = 0;
    const request = <T extends { status: string }>(action: string, payload: unknown) =>
      new Promise<T>((resolve, reject) => {
        const requestId = `bench-${++next}`;
        const event = `p3xr-response-${requestId}`;
        const timer = setTimeout(() => {
          client.off(event);
          reject(new Error(`p3x did not answer ${action} within 10 s`));
        }, 10_000);
        client.once(event, (answer) => {
          clearTimeout(timer);
          const reply = answer as T & { error?: string };
          if (reply.status === "ok") resolve(reply);
          else reject(new Error(`p3x ${action}: ${reply.error ?? reply.status}`));
        });
        client.emit("p3xr-request", { action, requestId, payload });
      });
    await request("connection-connect", { connection: { id: "bench", name: "bench" }, db: 0 });
    return {
      pid: child.pid,
      process: child,
      request,
      async stop() {
        client.close();
        await child.stop();
        removeDir(home);
      },
    };
  } catch (error) {
    socket?.close();
    await child.stop();
    removeDir(home);
    throw error;
  }
}

/** Opening a key as p3x's UI does (`key-get`: the whole value, its TTL, encoding and length). */
export async function p3xKey(peer: P3xPeer, key: string): Promise<void> {
  const reply = await peer.request<{ status: string; type?: string }>("key-get", { key });
  if (!reply.type || reply.type === "none") throw new Error(`p3x found no ${key}`);
}
