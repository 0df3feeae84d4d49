/**
 * Real Redis servers for tests and benchmarks: standalone (optionally TLS with a CA made here by `openssl`,
 * or with an ACL user), a 3-primary Cluster and a Sentinel-monitored primary with a replica. All listen on
 * free loopback ports, are stopped by PID, and their temp dirs are removed.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort, removeDir, requireBinary, startProcess, tempDir, waitFor, type StartedProcess } from "./process";

export interface RedisServer {
  port: number;
  pid: number;
  process: StartedProcess;
  dir: string;
  /** A raw ioredis client (plain TCP, no TLS) for acting behind the driver's back; closed by `stop`. */
  raw(): Redis;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

const serverBinary = () => requireBinary("redis-server", "redis-server");

const BASE_ARGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"];

function signal(pid: number, name: NodeJS.Signals): void {
  process.kill(pid, name);
}

async function launch(
  args: string[],
  options: { name: string; dir?: string; readyPort: number; password?: string; rawPort?: number; rawAuth?: { username?: string; password?: string } },
): Promise<RedisServer> {
  const dir = options.dir ?? tempDir(options.name);
  const proc = startProcess(serverBinary(), [...BASE_ARGS, "--dir", dir, ...args]);
  const rawPort = options.rawPort ?? options.readyPort;
  const clients: Redis[] = [];
  const raw = () => {
    const client = new Redis({
      host: "127.0.0.1",
      port: rawPort,
      username: options.rawAuth?.username,
      password: options.rawAuth?.password,
      protocol: 2,
      lazyConnect: false,
      maxRetriesPerRequest: 1,
    });
    client.on("error", () => undefined);
    clients.push(client);
    return client;
  };
  const server: RedisServer = {
    port: options.readyPort,
    pid: proc.pid,
    process: proc,
    dir,
    raw,
    pause: () => signal(proc.pid, "SIGSTOP"),
    resume: () => signal(proc.pid, "SIGCONT"),
    async stop() {
      for (const client of clients) client.disconnect();
      await proc.stop();
      if (!options.dir) removeDir(dir);
    },
  };
  try {
    await waitFor(
      `redis-server on port ${rawPort}`,
      async () => {
        const probe = new Redis({
          host: "127.0.0.1",
          port: rawPort,
          username: options.rawAuth?.username,
          password: options.rawAuth?.password,
          protocol: 2,
          lazyConnect: true,
          retryStrategy: () => null,
          maxRetriesPerRequest: 0,
        });
        probe.on("error", () => undefined);
        try {
          await probe.connect();
          return (await probe.ping()) === "PONG";
        } finally {
          probe.disconnect();
        }
      },
      { process: proc },
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** A standalone server; `args` are extra `--option value` pairs. */
export async function startRedis(options: { args?: string[]; password?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const args = ["--port", String(port), ...(options.args ?? [])];
  if (options.password) args.push("--requirepass", options.password);
  return launch(args, { name: "redis", readyPort: port, rawAuth: { password: options.password } });
}

/** A server whose default user is off and whose only user is `username` with `password` and full access. */
export async function startRedisWithAcl(username: string, password: string): Promise<RedisServer> {
  const port = await freePort();
  return launch(
    // Each ACL rule is its own argument: one quoted string would be read as the user name.
    ["--port", String(port), "--user", "default", "off", "--user", username, "on", `>${password}`, "~*", "&*", "+@all"],
    { name: "redis-acl", readyPort: port, rawAuth: { username, password } },
  );
}

/** A CA, a server certificate for 127.0.0.1/localhost signed by it, and a client certificate. */
export function makeTlsFiles(dir: string): TlsFiles {
  const openssl = requireBinary("openssl", "openssl");
  const file = (name: string) => path.join(dir, name);
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Cacheboard Test CA", "-keyout", file("ca.key"), "-out", file("ca.crt"));
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
  run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", file("server.key"), "-out", file("server.csr"));
  run("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("server.ext"), "-out", file("server.crt"));
  writeFileSync(file("client.ext"), "extendedKeyUsage=clientAuth\n");
  run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=cacheboard-client", "-keyout", file("client.key"), "-out", file("client.csr"));
  run("x509", "-req", "-in", file("client.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("client.ext"), "-out", file("client.crt"));
  return { ca: file("ca.crt"), cert: file("server.crt"), key: file("server.key"), clientCert: file("client.crt"), clientKey: file("client.key") };
}

/**
 * A server that speaks TLS on `port` (client certificates required when `mutual`) and plain TCP on
 * `plainPort` for the test's raw access.
 */
export async function startRedisTls(options: { mutual?: boolean } = {}): Promise<RedisServer & { tls: TlsFiles; plainPort: number }> {
  const dir = tempDir("redis-tls");
  try {
    const tls = makeTlsFiles(dir);
    const port = await freePort();
    const plainPort = await freePort();
    const server = await launch(
      [
        "--port", String(plainPort),
        "--tls-port", String(port),
        "--tls-cert-file", tls.cert,
        "--tls-key-file", tls.key,
        "--tls-ca-cert-file", tls.ca,
        "--tls-auth-clients", options.mutual ? "yes" : "no",
      ],
      { name: "redis-tls", dir, readyPort: port, rawPort: plainPort },
    );
    return {
      ...server,
      tls,
      plainPort,
      async stop() {
        await server.stop();
        removeDir(dir);
      },
    };
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}

export interface RedisClusterHandle {
  /** The primaries. */
  nodes: RedisServer[];
  ports: number[];
  /** One replica for each of the first `replicas` primaries, in their order (none unless asked). */
  replicas: RedisServer[];
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

async function launchClusterNode(): Promise<RedisServer> {
  const port = await freePort();
  // A replica's offset moves with its primary's pings; CLUSTER SLOTS leaves out a replica still at offset 0.
  const args = ["--port", String(port), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "3000", "--repl-ping-replica-period", "1"];
  return launch(args, { name: "redis-cluster", readyPort: port });
}

/**
 * Three primaries, every slot assigned, `cluster_state:ok` on every node; no replicas unless `replicas` asks
 * for one on each of that many primaries (joined and in sync before this returns).
 */
export async function startRedisCluster(options: { replicas?: number } = {}): Promise<RedisClusterHandle> {
  const nodes: RedisServer[] = [];
  const replicas: RedisServer[] = [];
  const stop = async () => {
    await Promise.all([...nodes, ...replicas].map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < 3; i++) nodes.push(await launchClusterNode());
    const cli = requireBinary("redis-cli", "redis-server");
    execFileSync(cli, ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-yes"], { stdio: "pipe" });
    for (const primary of nodes.slice(0, options.replicas ?? 0)) {
      const id = String(await withClient(primary.raw(), (c) => c.cluster("MYID")));
      const replica = await launchClusterNode();
      replicas.push(replica);
      const join = ["--cluster", "add-node", `127.0.0.1:${replica.port}`, `127.0.0.1:${primary.port}`, "--cluster-slave", "--cluster-master-id", id];
      execFileSync(cli, join, { stdio: "pipe" });
      await waitFor(
        `replica ${replica.port} to sync with ${primary.port}`,
        async () => (await withClient(replica.raw(), (c) => c.info("replication"))).includes("master_link_status:up"),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    }
    await waitFor(
      "cluster_state:ok on every node",
      async () => {
        for (const node of [...nodes, ...replicas]) {
          const client = node.raw();
          try {
            const info = await client.cluster("INFO");
            if (!info.includes("cluster_state:ok")) return false;
            const slots = (await client.cluster("SLOTS")) as unknown[][];
            if (slots.length < 3) return false;
            // Each replica is listed (after its primary) once clients are told about it.
            const listed = new Set(slots.flatMap((range) => range.slice(3).map((node) => (node as [string, number])[1])));
            if (replicas.some((replica) => !listed.has(replica.port))) return false;
          } finally {
            client.disconnect();
          }
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    ports: nodes.map((n) => n.port),
    replicas,
    pause: () => [...nodes, ...replicas].forEach((n) => n.pause()),
    resume: () => [...nodes, ...replicas].forEach((n) => n.resume()),
    stop,
  };
}

export interface RedisSentinelHandle {
  masterName: string;
  primary: RedisServer;
  replica: RedisServer;
  sentinels: { port: number; process: StartedProcess }[];
  password: string;
  sentinelPassword: string;
  /** The port sentinels currently report for the primary. */
  currentPrimaryPort(): Promise<number>;
  /** Asks a sentinel for a failover; resolves with the new primary's port once both servers switched roles. */
  failover(): Promise<number>;
  stop(): Promise<void>;
}

/** A password-protected primary, one replica and `sentinelCount` sentinels (quorum 2) with their own password. */
export async function startRedisSentinel(sentinelCount = 3): Promise<RedisSentinelHandle> {
  const masterName = "cacheboard-primary";
  const password = "data-secret";
  const sentinelPassword = "sentinel-secret";
  const started: { stop(): Promise<void> }[] = [];
  const dirs: string[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
    dirs.forEach(removeDir);
  };
  try {
    const auth = ["--requirepass", password, "--masterauth", password];
    const primary = await startRedis({ args: ["--masterauth", password], password });
    started.push(primary);
    const replicaPort = await freePort();
    const replica = await launch(
      ["--port", String(replicaPort), ...auth, "--replicaof", "127.0.0.1", String(primary.port)],
      { name: "redis-replica", readyPort: replicaPort, rawAuth: { password } },
    );
    started.push(replica);
    await waitFor(
      "the replica to sync",
      async () => (await withClient(replica.raw(), (c) => c.info("replication"))).includes("master_link_status:up"),
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    const sentinels: { port: number; process: StartedProcess }[] = [];
    for (let i = 0; i < sentinelCount; i++) {
      const port = await freePort();
      const dir = tempDir("redis-sentinel");
      dirs.push(dir);
      const conf = path.join(dir, "sentinel.conf");
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          "protected-mode no",
          `dir ${dir}`,
          `requirepass ${sentinelPassword}`,
          `sentinel sentinel-pass ${sentinelPassword}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} 2`,
          `sentinel auth-pass ${masterName} ${password}`,
          `sentinel down-after-milliseconds ${masterName} 2000`,
          `sentinel failover-timeout ${masterName} 10000`,
          `sentinel parallel-syncs ${masterName} 1`,
          "",
        ].join("\n"),
      );
      const proc = startProcess(serverBinary(), [conf, "--sentinel"]);
      started.push(proc);
      sentinels.push({ port, process: proc });
    }
    const askSentinel = (port: number) =>
      new Redis({ host: "127.0.0.1", port, password: sentinelPassword, protocol: 2, lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    const primaryPortFrom = async (port: number) => {
      const reply = (await withClient(askSentinel(port), (c) => c.call("SENTINEL", "get-master-addr-by-name", masterName))) as string[];
      return Number(reply[1]);
    };
    for (const s of sentinels) {
      await waitFor(
        `sentinel ${s.port} to see the replica and the other sentinels`,
        async () => {
          const master = (await withClient(askSentinel(s.port), (c) => c.call("SENTINEL", "master", masterName))) as string[];
          const fields = new Map<string, string>();
          for (let i = 0; i + 1 < master.length; i += 2) fields.set(master[i], master[i + 1]);
          return Number(fields.get("num-slaves")) >= 1 && Number(fields.get("num-other-sentinels")) >= sentinelCount - 1;
        },
        { timeoutMs: 30_000, intervalMs: 200, process: s.process },
      );
    }
    return {
      masterName,
      primary,
      replica,
      sentinels,
      password,
      sentinelPassword,
      currentPrimaryPort: () => primaryPortFrom(sentinels[0].port),
      async failover() {
        const before = await primaryPortFrom(sentinels[0].port);
        await withClient(askSentinel(sentinels[0].port), (c) => c.call("SENTINEL", "failover", masterName));
        let after = before;
        await waitFor(
          "the sentinels to promote the replica",
          async () => {
            after = await primaryPortFrom(sentinels[0].port);
            if (after === before) return false;
            const roleOf = (port: number) =>
              withClient(new Redis({ host: "127.0.0.1", port, password, protocol: 2, retryStrategy: () => null }), (c) => c.info("replication"));
            // Done only once the old primary has been turned into a replica: until then it still takes writes.
            return (await roleOf(after)).includes("role:master") && (await roleOf(before)).includes("role:slave");
          },
          { timeoutMs: 30_000, intervalMs: 200 },
        );
        return after;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function withClient<T>(client: Redis, run: (client: Redis) => Promise<T>): Promise<T> {
  client.on("error", () => undefined);
  try {
    return await run(client);
  } finally {
    client.disconnect();
  }
}
