/**
 * Starting and stopping the real servers tests (and `npm run demo`) talk to: free loopback ports, readiness
 * checks, and stopping by PID (only the processes a test started, never by name).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** Finds an executable on PATH or in the usual sbin folders, or fails with what to install. */
export function requireBinary(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    `Cacheboard's tests and demo need \`${name}\`, which is not installed. Install it with: apt-get install -y ${debianPackage}`,
  );
}

const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that nothing listens on right now (and that this process has not handed out). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        const chosen = typeof address === "object" && address ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    // Redis Cluster also binds port + 10000 for its bus: keep ports low enough for that.
    if (port > 55000 || handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `cacheboard-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface StartedProcess {
  pid: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): StartedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString("utf8");
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", (error) => {
      log += `\n${String(error)}`;
      resolve(-1);
    });
  });
  if (child.pid === undefined) throw new Error(`Could not start ${command}`);
  const pid = child.pid;
  let stopping: Promise<void> | undefined;
  return {
    pid,
    child,
    exited,
    output: () => log,
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(pid, "SIGCONT");
          process.kill(pid, "SIGTERM");
        } catch {
          return;
        }
        const timer = setTimeout(() => {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }, graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `probe` resolves truthy; fails with the process output after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; process?: StartedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (options.process && options.process.child.exitCode !== null) {
      throw new Error(`${what}: the process exited early.\n${options.process.output()}`);
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 50);
  }
  throw new Error(
    `${what} was not ready in time${lastError ? ` (${String(lastError)})` : ""}.\n${options.process?.output() ?? ""}`,
  );
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Sends raw bytes to a TCP server and collects the reply until `done` says it is complete. */
export function rawExchange(
  port: number,
  request: Buffer | string,
  done: (reply: Buffer) => boolean,
  timeoutMs = 5000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No complete reply from 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      const reply = Buffer.concat(chunks);
      if (done(reply)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Debian's python3 (with python3-redis, python3-msgpack, python3-pymemcache), not whatever is first on PATH. */
export function debianPython(): string {
  try {
    accessSync("/usr/bin/python3", constants.X_OK);
    return "/usr/bin/python3";
  } catch {
    return requireBinary("python3", "python3");
  }
}
