/**
 * `npm run demo`: a Redis, a memcached and a uWSGI with its cache plugin on free loopback ports, filled the
 * way Python apps fill them (./seed.ts), a throwaway app database with the three connections and a demo admin,
 * and the dashboard served from it by scripts/start.mjs (built first when needed). Ctrl+C (SIGINT or SIGTERM)
 * stops everything it started, by PID, and removes the temporary directories.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { hashPassword } from "@/lib/auth/password";
import { createDb } from "@/lib/db-factory";
import { applyMigrations } from "@/lib/db-migrate";
import { startMemcached } from "@/tests/support/memcached";
import { freePort, removeDir, requireBinary, startProcess, tempDir, waitFor, type StartedProcess } from "@/tests/support/process";
import { startRedis } from "@/tests/support/redis";
import { startUwsgi } from "@/tests/support/uwsgi";
import { seedMemcached, seedRedis, seedUwsgi, UWSGI_CACHES } from "./seed";

const root = path.resolve(import.meta.dirname, "../..");
const log = (line: string) => console.log(line);

/** What is missing to run the demo, as one line per thing with the Debian package to install. */
function missingPrograms(): string[] {
  const problems: string[] = [];
  for (const [binary, debianPackage] of [["redis-server", "redis-server"], ["memcached", "memcached"], ["uwsgi", "uwsgi uwsgi-plugin-python3"]]) {
    try {
      requireBinary(binary, debianPackage);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  // Debian's uwsgi loads its language plugins from here; a uWSGI built another way may have them built in.
  const pluginDir = "/usr/lib/uwsgi/plugins";
  if (existsSync(pluginDir) && !existsSync(path.join(pluginDir, "python3_plugin.so"))) {
    problems.push("The demo needs uWSGI's Python 3 plugin, which is not installed. Install it with: apt-get install -y uwsgi-plugin-python3");
  }
  return problems;
}

/** Everything the demo started, stopped in reverse order. */
const started: { name: string; stop(): Promise<void> }[] = [];
let stopping: Promise<void> | undefined;

function shutDown(code: number): Promise<void> {
  stopping ??= (async () => {
    log("\nStopping the demo…");
    for (const item of started.reverse()) {
      try {
        await item.stop();
      } catch (error) {
        console.error(`Could not stop ${item.name}: ${String(error)}`);
      }
    }
    log("Demo stopped.");
    process.exit(code);
  })();
  return stopping;
}

/** Keeps `item` for shutDown; when a signal came while it was starting, stops it and waits for the exit. */
async function track<T extends { stop(): Promise<void> }>(name: string, item: T): Promise<T> {
  if (stopping) {
    await item.stop();
    await stopping;
  }
  started.push({ name, stop: () => item.stop() });
  return item;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutDown(0));

async function main(): Promise<void> {
  const problems = missingPrograms();
  if (problems.length) {
    for (const problem of problems) console.error(problem);
    process.exit(1);
  }
  // Install and build before any server starts (a fresh tree takes minutes); start.mjs then finds both done.
  const setup = (await import(pathToFileURL(path.join(root, "scripts/lib/setup.mjs")).href)) as { ensureDependencies(): void; ensureBuild(): boolean };
  setup.ensureDependencies();
  setup.ensureBuild();

  const dir = tempDir("demo");
  await track("the demo directory", { stop: async () => removeDir(dir) });
  log(`Cacheboard demo: data in ${dir}\n`);

  const redis = await track("redis-server", await startRedis());
  const memcached = await track("memcached", await startMemcached(1));
  const uwsgi = await track("uwsgi", await startUwsgi(UWSGI_CACHES));
  log(`redis-server  127.0.0.1:${redis.port}  pid ${redis.pid}`);
  log(`memcached     ${memcached.addresses[0]}  pid ${memcached.servers[0].process.pid}`);
  log(`uwsgi         ${uwsgi.address}  pid ${uwsgi.process.pid}  (stats ${uwsgi.statsAddress}; caches ${UWSGI_CACHES.map((c) => c.name).join(", ")})\n`);

  await seedRedis(redis.port, redis.raw(), log);
  await seedMemcached(memcached, log);
  await seedUwsgi(uwsgi, log);

  // The app's database, with what the setup form and the connection form would have written.
  const databaseUrl = `file:${path.join(dir, "cacheboard.db")}`;
  await applyMigrations({ url: databaseUrl, root });
  const admin = { email: "demo@cacheboard.test", password: randomBytes(12).toString("base64url") };
  const db = createDb(databaseUrl);
  try {
    await db.user.create({ data: { email: admin.email, name: "Demo Admin", role: "admin", passwordHash: await hashPassword(admin.password) } });
    const connections = [
      { name: "Demo Redis", kind: "redis", settings: { host: "127.0.0.1", port: redis.port } },
      { name: "Demo memcached", kind: "memcached", settings: { servers: memcached.addresses } },
      { name: "Demo uWSGI", kind: "uwsgi", settings: { address: uwsgi.address, statsAddress: uwsgi.statsAddress } },
    ];
    for (const c of connections) await db.connectionProfile.create({ data: { ...c, settings: JSON.stringify(c.settings) } });
  } finally {
    await db.$disconnect();
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app: StartedProcess = startProcess(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CACHEBOARD_SECRET_KEY: randomBytes(32).toString("hex"),
      PORT: String(port),
      HOST: "127.0.0.1",
      CACHEBOARD_ADMIN_EMAIL: "",
      CACHEBOARD_ADMIN_PASSWORD: "",
      CACHEBOARD_CONNECTIONS: "",
      CACHEBOARD_CONNECTIONS_FILE: "",
      // Offer no Redis on the standard port: the demo looks at nothing but what it started.
      CACHEBOARD_LOCAL_REDIS: "",
    },
  });
  app.child.stdout?.pipe(process.stdout, { end: false });
  app.child.stderr?.pipe(process.stderr, { end: false });
  await track("the dashboard", app);
  await waitFor(
    "the dashboard",
    async () => {
      const response = await fetch(`${url}/login`, { redirect: "manual", headers: { connection: "close" } });
      await response.body?.cancel();
      return response.status < 500;
    },
    { timeoutMs: 180_000, intervalMs: 250, process: app },
  );
  void app.exited.then((code) => {
    if (!stopping) console.error(`The dashboard exited (code ${code}).`);
    void shutDown(1);
  });
  log(`\nCacheboard demo is ready at ${url}`);
  log(`Sign in as ${admin.email} with password ${admin.password}`);
  log("Connections: Demo Redis, Demo memcached, Demo uWSGI. Press Ctrl+C to stop the demo and everything it started.");
}

main().catch((error: unknown) => {
  if (stopping) return;
  console.error(error instanceof Error ? error.message : String(error));
  void shutDown(1);
});
