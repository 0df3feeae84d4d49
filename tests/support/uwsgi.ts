/**
 * A real uWSGI for the driver tests: the Python 3 plugin running `tests/fixtures/uwsgi/cache_app.py`,
 * named caches, the uwsgi-protocol socket, the stats server and an HTTP socket for the app, all on
 * loopback. `app()` makes the Python side write and read the caches with uWSGI's own API.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fetchStats } from "@/lib/drivers/uwsgi/protocol";
import { freePort, portAccepts, removeDir, requireBinary, startProcess, type StartedProcess, tempDir, waitFor } from "./process";
import { waitUntilStopped } from "./memcached";

export interface UwsgiCacheSpec {
  name: string;
  items: number;
  keysize?: number;
  blocksize?: number;
}

export interface AppRequest {
  op: "set" | "update" | "inc" | "get" | "num" | "exists";
  cache: string;
  key: Buffer;
  value?: Buffer;
  expires?: number;
  amount?: number;
}

export interface UwsgiServer {
  /** The uwsgi socket: `127.0.0.1:port`, or a socket file path. */
  address: string;
  statsAddress: string;
  process: StartedProcess;
  /** Runs one cache call inside uWSGI's Python app. */
  app(request: AppRequest): Promise<{ ok?: boolean; value?: Buffer | null; num?: number }>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/**
 * The timeout the uWSGI driver tests give their drivers. Every uWSGI cache request is a new connection
 * served by a Python worker process, and an item-table read is many round trips between two processes:
 * on a machine also running another test suite, the product's 5 s default measures the machine, not the
 * driver. Timeouts themselves are tested with explicit short limits (the conformance pause test).
 */
export const UWSGI_TEST_TIMEOUT_MS = 30_000;

const APP = path.resolve(import.meta.dirname, "../fixtures/uwsgi/cache_app.py");

/**
 * Starts uWSGI with `caches`; with `unixSocket` the uwsgi socket is a socket file instead of a TCP port.
 * `cachePlugin: false` starts it as `--plugin python3` alone: the caches exist for the app, but the
 * uwsgi socket cannot serve remote cache requests (uWSGI logs "unavailable modifier requested: 111").
 */
export async function startUwsgi(caches: UwsgiCacheSpec[], options: { unixSocket?: boolean; cachePlugin?: boolean } = {}): Promise<UwsgiServer> {
  const binary = requireBinary("uwsgi", "uwsgi uwsgi-plugin-python3");
  const [port, statsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const dir = options.unixSocket ? tempDir("uwsgi") : null;
  const socketAddress = dir ? path.join(dir, "uwsgi.sock") : `127.0.0.1:${port}`;
  const args = [
    "--plugin", options.cachePlugin === false ? "python3" : "python3,cache",
    "--master", "--processes", "2", "--die-on-term", "--no-orphans", "--need-app", "--disable-logging",
    "--socket", socketAddress,
    "--stats", `127.0.0.1:${statsPort}`,
    "--http-socket", `127.0.0.1:${httpPort}`,
    "--wsgi-file", APP,
  ];
  for (const c of caches) {
    args.push("--cache2", `name=${c.name},items=${c.items},keysize=${c.keysize ?? 2048},blocksize=${c.blocksize ?? 65536}`);
  }
  const started = startProcess(binary, args);
  const statsAddress = `127.0.0.1:${statsPort}`;
  let workers: number[] = [];
  try {
    await waitFor("uWSGI", async () => (dir ? existsSync(socketAddress) : await portAccepts(port)) && (await portAccepts(httpPort)) && (await portAccepts(statsPort)), {
      process: started,
      timeoutMs: 30_000,
    });
    workers = ((await fetchStats(statsAddress, UWSGI_TEST_TIMEOUT_MS)).workers ?? []).map((w) => w.pid);
  } catch (error) {
    await started.stop();
    if (dir) removeDir(dir);
    throw error;
  }
  const pids = () => [started.pid, ...workers];
  return {
    address: socketAddress,
    statsAddress,
    process: started,
    async app(request) {
      // uWSGI's --http-socket closes the connection after each response without saying so (HTTP/1.1, no
      // `Connection: close`), so a pooled keep-alive socket may already be dead when fetch reuses it:
      // ask for a fresh connection per call instead.
      const response = await fetch(`http://127.0.0.1:${httpPort}/`, {
        method: "POST",
        headers: { connection: "close" },
        body: JSON.stringify({ ...request, key: request.key.toString("hex"), value: request.value?.toString("hex") }),
      });
      if (!response.ok) throw new Error(`the uWSGI app answered ${response.status}: ${await response.text()}`);
      const json = (await response.json()) as { ok?: boolean; value?: string | null; num?: number };
      return { ...json, value: json.value === undefined ? undefined : json.value === null ? null : Buffer.from(json.value, "hex") };
    },
    pause() {
      for (const pid of pids()) {
        process.kill(pid, "SIGSTOP");
        waitUntilStopped(pid);
      }
    },
    resume() {
      for (const pid of pids()) process.kill(pid, "SIGCONT");
    },
    async stop() {
      await started.stop();
      // Workers outlive a master that had to be killed; they are ours, so end them by PID.
      for (const pid of workers) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, "latin1").includes(socketAddress)) process.kill(pid, "SIGKILL");
        } catch {
          // already gone with the master
        }
      }
      if (dir) removeDir(dir);
    },
  };
}
