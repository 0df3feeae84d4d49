/**
 * The analysis on memcached and uWSGI holding data written by the real Python clients (pymemcache with its
 * pickle serde; uWSGI's own `uwsgi.cache_set` from a Python app), checked against an independent count: a
 * python3 script reading memcached's metadump and `stats slabs` itself, and the uWSGI app's own writes and
 * the stats server.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { AnalysisJobResult } from "@/lib/wire/analysis";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { debianPython, removeDir, tempDir } from "../support/process";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";

const dir = tempDir("analysis-py");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "59".repeat(32);

const { db } = await import("@/lib/db");
const { startAnalysis } = await import("@/lib/server/analysis/run");
const { readJob } = await import("@/lib/server/keys/jobs");
const { readReport } = await import("@/lib/server/analysis/reports");
const { reportCsv } = await import("@/lib/server/analysis/export");
const { createProfile } = await import("@/lib/connections/store");
const { loadConnection } = await import("@/lib/connections/load");

const user = { id: "u1", email: "editor@example.test" };
const base = { secrets: {}, readOnly: false, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], environment: "development" as const };

/** pymemcache's HashClient (pickle serde) over the pool: pickled dicts, pages for an hour, big values for a week, ints. */
const SEED = path.resolve(import.meta.dirname, "../fixtures/python-caches/seed_pymemcache_mix.py");

/** The independent count: each server's metadump and stats slabs, read over a plain socket. */
const COUNT = `
import sys, json, socket, urllib.parse
out = {"keys": 0, "bytes": 0, "noTtl": 0, "ns": {}, "usedChunks": 0, "pages": 0}
def talk(host, port, command, end):
    s = socket.create_connection((host, port)); s.sendall(command); data = b""
    while not data.endswith(end): data += s.recv(65536)
    s.close(); return data.decode()
for spec in sys.argv[1:]:
    host, port = spec.rsplit(":", 1); port = int(port)
    for line in talk(host, port, b"lru_crawler metadump all\\r\\n", b"END\\r\\n").splitlines():
        if not line.startswith("key="): continue
        f = dict(part.split("=", 1) for part in line.split(" "))
        key = urllib.parse.unquote(f["key"]); size = int(f["size"]); never = f["exp"] == "-1"
        out["keys"] += 1; out["bytes"] += size; out["noTtl"] += never
        if ":" in key:
            n = out["ns"].setdefault(key.split(":")[0] + ":", {"keys": 0, "bytes": 0, "noTtlKeys": 0})
            n["keys"] += 1; n["bytes"] += size; n["noTtlKeys"] += never
    for line in talk(host, port, b"stats slabs\\r\\n", b"END\\r\\n").splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and ":" in parts[1]:
            name = parts[1].split(":")[1]
            if name == "used_chunks": out["usedChunks"] += int(parts[2])
            if name == "total_pages": out["pages"] += int(parts[2])
print(json.dumps(out))
`;

async function analyse(connectionId: string) {
  const connection = (await loadConnection(connectionId))!;
  const jobId = await startAnalysis({ connection, user });
  for (let i = 0; i < 3000; i++) {
    const job = await readJob(connectionId, jobId, user.id);
    if (!job) throw new Error("job vanished");
    if (job.status === "error") throw new Error(job.error?.message);
    if (job.status !== "running") return (await readReport(connectionId, (job.result as AnalysisJobResult).reportId!))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the analysis did not finish");
}

describe("analysis of data written by the Python clients", () => {
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;

  beforeAll(async () => {
    [memcached, uwsgi] = await Promise.all([startMemcached(2), startUwsgi([{ name: "pages", items: 300, keysize: 128, blocksize: 2048 }])]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
  }, 120_000);
  afterAll(async () => {
    await db().$disconnect();
    await memcached?.stop();
    await uwsgi?.stop();
    removeDir(dir);
  });

  it("memcached (pymemcache HashClient): namespaces, TTLs, bytes and slab usage match the server's own dump", async () => {
    execFileSync(debianPython(), [SEED, ...memcached.addresses]);
    const { id } = await createProfile({ ...base, name: "mc", kind: "memcached", settings: { servers: memcached.addresses }, timeoutMs: 5000 });
    const report = await analyse(id);
    const truth = JSON.parse(execFileSync(debianPython(), ["-c", COUNT, ...memcached.addresses], { encoding: "utf8" })) as {
      keys: number;
      bytes: number;
      noTtl: number;
      ns: Record<string, { keys: number; bytes: number; noTtlKeys: number }>;
      usedChunks: number;
      pages: number;
    };
    const { figures } = report;
    expect(truth.keys).toBe(83);
    expect(figures.totals).toMatchObject({ keys: truth.keys, bytes: truth.bytes, noTtlKeys: truth.noTtl });
    const ns = Object.fromEntries(figures.namespaces.filter((n) => n.depth === 1).map((n) => [n.label, { keys: n.keys, bytes: n.bytes, noTtlKeys: n.noTtlKeys }]));
    expect(ns).toEqual(truth.ns);
    expect(figures.rootKeys.keys).toBe(8);
    expect(figures.topKeys[0].label).toMatch(/^big:/);

    const slabs = figures.server?.usage?.slabs ?? [];
    expect(slabs.reduce((n, s) => n + s.usedChunks, 0)).toBe(truth.usedChunks);
    expect(slabs.reduce((n, s) => n + s.totalPages, 0)).toBe(truth.pages);
    expect(new Set(slabs.map((s) => s.server))).toEqual(new Set(memcached.addresses));
    for (const s of slabs) expect(s.memory).toBe(s.totalPages * 1024 * 1024);
    expect(reportCsv(report)).toMatch(/\r\nslab,127\.0\.0\.1:\d+ class \d+,/);
  });

  it("uWSGI (uwsgi.cache_set from the Python app): item figures and the cache's own usage", async () => {
    for (let i = 0; i < 30; i++) await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from(`page:${i}`), value: Buffer.alloc(100 + i, 0x61) });
    for (let i = 0; i < 12; i++) await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from(`frag:${i}`), value: Buffer.alloc(40, 0x62), expires: 3600 });
    const misses = 3;
    for (let i = 0; i < misses; i++) expect((await uwsgi.app({ op: "get", cache: "pages", key: Buffer.from(`absent:${i}`) })).value ?? null).toBeNull();
    const { id } = await createProfile({
      ...base,
      name: "uw",
      kind: "uwsgi",
      settings: { address: uwsgi.address, statsAddress: uwsgi.statsAddress, caches: [{ name: "pages", keysize: 128, blocksize: 2048 }] },
      timeoutMs: UWSGI_TEST_TIMEOUT_MS,
    });
    const { figures } = await analyse(id);
    // Independent: what the app wrote.
    const written = { page: { keys: 30, bytes: Array.from({ length: 30 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0) }, frag: { keys: 12, bytes: 12 * 40 } };
    expect(figures.totals).toMatchObject({ keys: 42, bytes: written.page.bytes + written.frag.bytes, noTtlKeys: 30 });
    const ns = Object.fromEntries(figures.namespaces.map((n) => [n.label, n]));
    expect(ns["pages:page:"]).toMatchObject({ keys: 30, bytes: written.page.bytes, noTtlKeys: 30 });
    expect(ns["pages:frag:"]).toMatchObject({ keys: 12, bytes: written.frag.bytes, noTtlKeys: 0 });
    const caches = figures.server?.usage?.caches ?? [];
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatchObject({ name: "pages", items: 42, maxItems: 300, blocksize: 2048 });
    expect(caches[0].misses).toBeGreaterThanOrEqual(misses);
  });
});
