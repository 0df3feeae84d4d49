/**
 * Real memcached servers for the driver tests: one or several on free loopback ports, optionally with
 * dumps disabled (`-X`) or memcached's ASCII authentication (`-Y`). Binary-protocol SASL (`-S`) needs a
 * system-wide Cyrus SASL configuration and then refuses the text protocol, so it is not started here.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { MemcachedConnection, metaKey, metaSet } from "@/lib/drivers/memcached/connection";
import { pickServer } from "@/lib/drivers/memcached/hashing";
import { debianPython, freePort, portAccepts, removeDir, requireBinary, startProcess, type StartedProcess, tempDir, waitFor } from "./process";

const PYMEMCACHE_CLIENT = path.resolve(import.meta.dirname, "../fixtures/memcached/pymemcache-client.py");

/** One request to pymemcache, as Django's memcached backend uses it (see the script for the requests). */
export async function pymemcache<T>(request: object): Promise<T> {
  const { stdout } = await promisify(execFile)(debianPython(), [PYMEMCACHE_CLIENT, JSON.stringify(request)], { timeout: 30_000 });
  return JSON.parse(stdout) as T;
}

export interface MemcachedServer {
  port: number;
  address: string;
  process: StartedProcess;
}

export interface MemcachedOptions {
  memoryMb?: number;
  /** `-X`: no `lru_crawler metadump`, no `stats cachedump`. */
  disableDumps?: boolean;
  /** `-Y`: clients must authenticate with this user and password first. */
  auth?: { username: string; password: string };
}

export interface MemcachedCluster {
  servers: MemcachedServer[];
  /** `host:port` of each server, as the driver and pymemcache name them. */
  addresses: string[];
  /** Raw client that places keys like pymemcache's HashClient: for writing behind the driver's back. */
  rawSet(key: Buffer, value: Buffer, ttlMs?: number, flags?: number): Promise<void>;
  rawGet(key: Buffer): Promise<Buffer | null>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** SIGSTOP reaches every thread asynchronously: wait until none of them can still answer a request. */
export function waitUntilStopped(pid: number, timeoutMs = 2000): void {
  const deadline = Date.now() + timeoutMs;
  const stopped = () =>
    readdirSync(`/proc/${pid}/task`).every((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "latin1");
      return /^[TtX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
    });
  while (Date.now() < deadline) {
    try {
      if (stopped()) return;
    } catch {
      return;
    }
  }
}

async function startOne(options: MemcachedOptions, dir: string): Promise<MemcachedServer> {
  const binary = requireBinary("memcached", "memcached");
  const port = await freePort();
  const args = ["-l", "127.0.0.1", "-p", String(port), "-U", "0", "-m", String(options.memoryMb ?? 64), "-t", "2"];
  if (process.getuid?.() === 0) args.push("-u", "root");
  if (options.disableDumps) args.push("-X");
  if (options.auth) {
    const file = path.join(dir, `auth-${port}`);
    writeFileSync(file, `${options.auth.username}:${options.auth.password}\n`, { mode: 0o600 });
    args.push("-Y", file);
  }
  const started = startProcess(binary, args);
  await waitFor(`memcached on ${port}`, () => portAccepts(port), { process: started });
  return { port, address: `127.0.0.1:${port}`, process: started };
}

export async function startMemcached(count = 1, options: MemcachedOptions = {}): Promise<MemcachedCluster> {
  const dir = tempDir("memcached");
  const servers: MemcachedServer[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await startOne(options, dir));
  } catch (error) {
    await Promise.all(servers.map((s) => s.process.stop()));
    removeDir(dir);
    throw error;
  }
  const addresses = servers.map((s) => s.address);
  const raw = addresses.map(
    (address) => new MemcachedConnection({ address, timeoutMs: 5000, username: options.auth?.username, password: options.auth?.password }),
  );
  const rawFor = (key: Buffer) => raw[pickServer(addresses, key)];
  return {
    servers,
    addresses,
    async rawSet(key, value, ttlMs, flags = 0) {
      const ttl = ttlMs === undefined ? 0 : Math.ceil(ttlMs / 1000);
      const reply = await rawFor(key).one(metaSet(key, value, [`T${ttl}`, `F${flags}`]));
      if (reply.status !== "HD") throw new Error(`raw set failed: ${reply.line}`);
    },
    async rawGet(key) {
      const reply = await rawFor(key).one(`mg ${metaKey(key)} v\r\n`);
      return reply.status === "VA" ? (reply.value ?? Buffer.alloc(0)) : null;
    },
    pause() {
      for (const s of servers) {
        process.kill(s.process.pid, "SIGSTOP");
        waitUntilStopped(s.process.pid);
      }
    },
    resume() {
      for (const s of servers) process.kill(s.process.pid, "SIGCONT");
    },
    async stop() {
      for (const connection of raw) connection.close();
      await Promise.all(servers.map((s) => s.process.stop()));
      removeDir(dir);
    },
  };
}

/** Loads `count` items `${prefix}${i}` fast: pipelined `set … noreply` with one `mn` round trip per batch. */
export async function loadItems(address: string, prefix: string, count: number, value = "v"): Promise<void> {
  const connection = new MemcachedConnection({ address, timeoutMs: 60_000 });
  try {
    const batch = 10_000;
    for (let start = 0; start < count; start += batch) {
      const end = Math.min(count, start + batch);
      let payload = "";
      for (let i = start; i < end; i++) payload += `set ${prefix}${i} 0 0 ${value.length} noreply\r\n${value}\r\n`;
      await connection.one(`${payload}mn\r\n`);
    }
  } finally {
    connection.close();
  }
}
