/**
 * The keyspace analysis against a real Redis and the real action wrapper, database and route: data written by
 * redis-py, the report checked against an independent count (a python3 script summing MEMORY USAGE … SAMPLES 0
 * per prefix over its own SCAN), starting and deleting audited, viewers refused, CSV and JSON export.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { AnalysisJobResult, AnalysisReportView } from "@/lib/wire/analysis";
import { debianPython, removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";

vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("analysis");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "56".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { startAnalysis } = await import("@/lib/actions/analysis/start-analysis");
const { deleteAnalysisReport } = await import("@/lib/actions/analysis/delete-analysis-report");
const { readJob } = await import("@/lib/server/keys/jobs");
const { readReport } = await import("@/lib/server/analysis/reports");
const { createProfile } = await import("@/lib/connections/store");
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const reportRoute = (await import("@/app/api/c/[id]/analysis/[reportId]/route")).GET as unknown as Handler;

/** Seeds with redis-py: known namespaces, sizes, TTLs and collection lengths. */
const SEED = `
import sys, json, pickle, redis
r = redis.Redis(port=int(sys.argv[1]))
p = r.pipeline(transaction=False)
for i in range(30): p.set(f"obj:pickled:{i}", pickle.dumps({"id": i, "tags": ["a", "b"]}, protocol=5))
for i in range(10): p.set(f"obj:json:{i}", json.dumps({"id": i}))
for i in range(300): p.set(f"app:user:{i}", "u" * (10 + i))
for i in range(120): p.set(f"app:session:{i}", "s" * 200, px=30 * 60 * 1000)
for i in range(80): p.set(f"cache:page:{i}", "p" * 1000, ex=2 * 86400)
for i in range(40): p.set(f"cache:frag:{i}", "f" * 50, ex=3 * 86400 + 3600 * 24 * 5)
p.hset("cache:h:big", mapping={f"f{i}": "v" * 20 for i in range(1500)})
p.rpush("queue:jobs", *[f"job-{i}" for i in range(700)])
p.sadd("queue:seen", *[f"m{i}" for i in range(90)])
p.zadd("board:scores", {f"p{i}": i for i in range(250)})
p.xadd("events:stream", {"a": "1"})
for i in range(5): p.set(f"plain{i}", "x" * 3)
p.execute()
`;

/** The independent count: its own SCAN, MEMORY USAGE with SAMPLES 0 and PTTL per key, summed per prefix. */
const COUNT = `
import sys, json, redis
r = redis.Redis(port=int(sys.argv[1]))
out = {"keys": 0, "bytes": 0, "noTtl": 0, "ns": {}, "ttl": {"hour": 0, "day": 0, "week": 0, "later": 0, "never": 0}, "biggest": None}
for k in r.scan_iter(count=1000):
    mem = r.execute_command("MEMORY", "USAGE", k, "SAMPLES", "0")
    ttl = r.pttl(k)
    out["keys"] += 1; out["bytes"] += mem
    b = "never" if ttl < 0 else "hour" if ttl <= 3600000 else "day" if ttl <= 86400000 else "week" if ttl <= 604800000 else "later"
    out["ttl"][b] += 1
    if ttl < 0: out["noTtl"] += 1
    if out["biggest"] is None or mem > out["biggest"][1]: out["biggest"] = [k.decode(), mem]
    parts = k.decode().split(":")
    for d in range(1, len(parts)):
        ns = ":".join(parts[:d]) + ":"
        n = out["ns"].setdefault(ns, {"keys": 0, "bytes": 0, "noTtlKeys": 0})
        n["keys"] += 1; n["bytes"] += mem
        if ttl < 0: n["noTtlKeys"] += 1
print(json.dumps(out))
`;

/** The independent encoding count: its own SCAN, TYPE and OBJECT ENCODING per key. */
const ENCODINGS = `
import sys, json, redis
r = redis.Redis(port=int(sys.argv[1]))
out = {}
for k in r.scan_iter(count=1000):
    t = r.type(k).decode(); e = r.object("encoding", k).decode()
    out.setdefault(t, {}); out[t][e] = out[t].get(e, 0) + 1
print(json.dumps(out))
`;

const python = (script: string, port: number) => execFileSync(debianPython(), ["-c", script, String(port)], { encoding: "utf8" });

async function finished(connectionId: string, jobId: string, userId: string) {
  for (let i = 0; i < 3000; i++) {
    const job = await readJob(connectionId, jobId, userId);
    if (!job) throw new Error("job vanished");
    if (job.status !== "running") return job as typeof job & { result: AnalysisJobResult | null };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the analysis did not finish");
}

describe("keyspace analysis on Redis", () => {
  let redis: RedisServer;
  let connectionId = "";
  const users: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    redis = await startRedis();
    python(SEED, redis.port);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const base = { secrets: {}, readOnly: true, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], timeoutMs: 3000 };
    connectionId = (await createProfile({ ...base, environment: "production", name: "prod", kind: "redis", settings: { host: "127.0.0.1", port: redis.port, db: 0 } })).id;
    for (const role of ["viewer", "editor"]) {
      const user = await db().user.create({ data: { email: `${role}@example.test`, passwordHash: "x", role } });
      const token = `${role}-token`;
      await db().session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 600_000) } });
      users[role] = { id: user.id, token };
    }
  });
  afterAll(async () => {
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });

  let report: AnalysisReportView;

  it("refuses a viewer, and runs for an editor on a read-only production connection, audited", async () => {
    testRequest.cookie = users.viewer.token;
    expect(await startAnalysis({ connectionId })).toMatchObject({ ok: false, code: "FORBIDDEN" });

    testRequest.cookie = users.editor.token;
    const started = await startAnalysis({ connectionId });
    if (!started.ok) throw new Error(started.message);
    const second = await startAnalysis({ connectionId });
    expect(second).toMatchObject({ ok: false, code: "CONFLICT" });
    const job = await finished(connectionId, started.data.jobId, users.editor.id);
    expect(job.status).toBe("done");
    expect(job.progress.matched).toBe(await redis.raw().dbsize());
    report = (await readReport(connectionId, job.result!.reportId!))!;
    expect(report).toMatchObject({ status: "done", actorEmail: "editor@example.test", keys: job.progress.matched });
    const entries = await db().auditEntry.findMany({ where: { action: "analysis.start" }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.outcome, e.actorEmail])).toEqual([
      ["denied", "viewer@example.test"],
      ["ok", "editor@example.test"],
      ["error", "editor@example.test"],
    ]);
    expect(JSON.parse(entries[1].detail!)).toEqual({ jobId: started.data.jobId });
  });

  it("counts the encoding mix per type as OBJECT ENCODING says, and exports it", async () => {
    const truth = JSON.parse(python(ENCODINGS, redis.port)) as Record<string, Record<string, number>>;
    expect(report.figures.encodings).toEqual(truth);
    // redis-py's small hashes and sets next to a 1,500-field hash: more than one encoding shows up.
    expect(Object.values(truth).reduce((n, mix) => n + Object.keys(mix).length, 0)).toBeGreaterThan(Object.keys(truth).length);
    testRequest.cookie = users.editor.token;
    const csv = await (await reportRoute(new Request(`http://127.0.0.1:3000/api/c/${connectionId}/analysis/${report.id}?download=csv`), {
      params: Promise.resolve({ id: connectionId, reportId: report.id }),
    })).text();
    const [encoding, keys] = Object.entries(truth.string)[0];
    expect(csv).toContain(`encoding,${encoding},,,string,${keys},`);
  });

  it("matches an independent python3 count per namespace, TTL bucket and biggest key", () => {
    const truth = JSON.parse(python(COUNT, redis.port)) as {
      keys: number;
      bytes: number;
      noTtl: number;
      ns: Record<string, { keys: number; bytes: number; noTtlKeys: number }>;
      ttl: Record<string, number>;
      biggest: [string, number];
    };
    const { figures } = report;
    expect(figures.bytesMeasure).toBe("memory");
    expect(figures.server?.usedBytes).toBeGreaterThan(truth.bytes);
    expect(figures.complete).toBe(true);
    expect(figures.totals).toMatchObject({ keys: truth.keys, bytes: truth.bytes, noTtlKeys: truth.noTtl });
    const ours = Object.fromEntries(figures.namespaces.map((n) => [n.label, { keys: n.keys, bytes: n.bytes, noTtlKeys: n.noTtlKeys }]));
    expect(ours).toEqual(truth.ns);
    expect(Object.fromEntries(Object.entries(figures.ttl).map(([bucket, f]) => [bucket, f.keys]))).toEqual(truth.ttl);
    expect(figures.ttl).toMatchObject({ hour: { keys: 120 }, day: { keys: 0 }, week: { keys: 80 }, later: { keys: 40 } });
    expect([figures.topKeys[0].label, figures.topKeys[0].bytes]).toEqual(truth.biggest);
    expect(figures.topKeys).toHaveLength(100);
    expect(figures.topCollections.map((k) => [k.label, k.type, k.length])).toEqual([
      ["cache:h:big", "hash", 1500],
      ["queue:jobs", "list", 700],
      ["board:scores", "zset", 250],
      ["queue:seen", "set", 90],
      ["events:stream", "stream", 1],
    ]);
    expect(figures.rootKeys.keys).toBe(5);
    expect(figures.namespaces.find((n) => n.label === "cache:")?.types).toEqual({ string: 120, hash: 1 });
    expect(figures.types.string?.keys).toBe(585);
    // The first 20 strings of each first-level namespace are sampled for their format, as the key list detects it.
    const obj = figures.namespaces.find((n) => n.label === "obj:")!.formats!;
    expect(Object.values(obj).reduce((a, b) => a + b, 0)).toBe(20);
    expect(Object.keys(obj).every((label) => label === "pickle protocol 5" || label.startsWith("JSON"))).toBe(true);
    expect(figures.namespaces.find((n) => n.label === "app:")!.formats).toEqual({ text: 20 });
  });

  it("exports the report as JSON and CSV to a viewer", async () => {
    testRequest.cookie = users.viewer.token;
    const call = (query: string) =>
      reportRoute(new Request(`http://127.0.0.1:3000/api/c/${connectionId}/analysis/${report.id}${query}`), { params: Promise.resolve({ id: connectionId, reportId: report.id }) });
    const json = await call("?download=json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename="cacheboard-analysis-prod-.*\.json"/);
    expect(((await json.json()) as AnalysisReportView).figures.totals).toEqual(report.figures.totals);
    const csv = await (await call("?download=csv")).text();
    expect(csv).toContain(`namespace,app:user:,${Buffer.from("app:user:").toString("base64url")},2,,300,`);
    const missing = await reportRoute(new Request(`http://127.0.0.1:3000/api/c/${connectionId}/analysis/nope`), { params: Promise.resolve({ id: connectionId, reportId: "nope" }) });
    expect(missing.status).toBe(404);
  });

  it("deletes a report for an editor, audited, and refuses a viewer", async () => {
    testRequest.cookie = users.viewer.token;
    expect(await deleteAnalysisReport({ connectionId, reportId: report.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    testRequest.cookie = users.editor.token;
    expect(await deleteAnalysisReport({ connectionId, reportId: report.id })).toMatchObject({ ok: true });
    expect(await readReport(connectionId, report.id)).toBeNull();
    expect(await deleteAnalysisReport({ connectionId, reportId: report.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    const last = await db().auditEntry.findFirstOrThrow({ where: { action: "analysis.delete", outcome: "ok" } });
    expect(JSON.parse(last.detail!)).toEqual({ reportId: report.id });
  });

  it("a cancelled analysis stores what it walked, marked cancelled", async () => {
    // Enough keys for a walk of many paced SCAN calls (production: a pause between calls).
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < 30_000; i++) pipeline.set(`bulk:${i}`, "b");
    await pipeline.exec();
    testRequest.cookie = users.editor.token;
    const started = await startAnalysis({ connectionId });
    if (!started.ok) throw new Error(started.message);
    const { cancelJob } = await import("@/lib/server/keys/jobs");
    expect(await cancelJob(connectionId, started.data.jobId, { id: users.editor.id, role: "editor" })).toBe(true);
    const job = await finished(connectionId, started.data.jobId, users.editor.id);
    expect(job.status).toBe("cancelled");
    const stored = await readReport(connectionId, job.result!.reportId!);
    expect(stored).toMatchObject({ status: "cancelled" });
    expect(stored!.figures.complete).toBe(false);
  });

  it("deleting the connection deletes its reports", async () => {
    const { deleteProfile } = await import("@/lib/connections/store");
    expect(await db().analysisReport.count({ where: { connectionId } })).toBeGreaterThan(0);
    await deleteProfile(connectionId);
    expect(await db().analysisReport.count({ where: { connectionId } })).toBe(0);
  });
});
