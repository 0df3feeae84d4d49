/**
 * The scan pace a profile sets is what a real Redis receives: every walk over the keyspace (tree scan, the
 * whole-namespace sort, the analysis, a namespace count, an export, the key list's search pages) sends SCAN
 * with the profile's COUNT, as MONITOR shows, and waits the profile's pause between two calls. The pause is
 * checked by counting the waits the walk asks for (one per SCAN after the first), never by the clock. Walks other
 * than the analysis may start at a quarter of the COUNT, until the server has shown it is not busy
 * (lib/connections/server-load.ts).
 */
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { ActionContext } from "@/lib/actions/define-action";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";

/** Every wait a walk asks for, in ms; the real timer still runs. */
const waits = vi.hoisted(() => [] as number[]);
vi.mock("node:timers/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:timers/promises")>();
  return {
    ...real,
    setTimeout: (delay?: number, value?: unknown, options?: Parameters<typeof real.setTimeout>[2]) => {
      waits.push(delay ?? 0);
      return real.setTimeout(delay, value, options);
    },
  };
});

const dir = tempDir("scan-pace");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "57".repeat(32);
// The defaults under test are the built-in ones.
delete process.env.CACHEBOARD_SCAN_COUNT;
delete process.env.CACHEBOARD_SCAN_PAUSE_MS;
delete process.env.CACHEBOARD_SCAN_SAMPLE_EVERY;

const { db } = await import("@/lib/db");
const { createProfile } = await import("@/lib/connections/store");
const { profileFields } = await import("@/lib/connections/profile-input");
const { loadConnection } = await import("@/lib/connections/load");
const { ensureIndex, readIndex } = await import("@/lib/server/keys/keyspace-index");
const { startTopKeys } = await import("@/lib/server/keys/top-keys");
const { startNamespaceJob } = await import("@/lib/server/keys/namespace-job");
const { startAnalysis } = await import("@/lib/server/analysis/run");
const { openExport } = await import("@/lib/server/transfer/export");
const { keyPage } = await import("@/lib/server/keys/key-page");
const { MAX_PAGE_ROWS } = await import("@/lib/wire/key-page");
const { readJob } = await import("@/lib/server/keys/jobs");
const { gentleCount } = await import("@/lib/connections/server-load");

const COUNT = 137;
const PAUSE = 3;
const KEYS = 3_000;

type Loaded = NonNullable<Awaited<ReturnType<typeof loadConnection>>>;

/**
 * Counts that are a quarter of `count` for a while, then `count` to the end (a walk shorter than the first
 * window may be a quarter throughout); returns how many were a quarter.
 */
function gentleThenFull(counts: number[], count: number, label: string): number {
  const full = counts.indexOf(count);
  const firstFull = full === -1 ? counts.length : full;
  expect(counts.slice(0, firstFull), `${label}: ${counts.join(" ")}`).toEqual(Array(firstFull).fill(gentleCount(count)));
  expect(counts.slice(firstFull), `${label}: ${counts.join(" ")}`).toEqual(Array(counts.length - firstFull).fill(count));
  return firstFull;
}

describe("scan pace against a real Redis", () => {
  let redis: RedisServer;
  let monitor: Redis;
  let connection: Loaded;
  let user: { id: string; email: string };
  /** SCAN commands the server received, as MONITOR reports them. */
  const scans: string[][] = [];
  let marker = 0;
  let markerSeen = "";

  /** Waits until MONITOR has shown everything sent before now (an ECHO sent after it comes back after it). */
  async function monitored(): Promise<string[][]> {
    const text = `pace-marker-${++marker}`;
    await redis.raw().echo(text);
    while (markerSeen !== text) await new Promise((resolve) => setTimeout(resolve, 10));
    return scans;
  }

  async function finished(jobId: string, scope = connection.scope) {
    for (;;) {
      const job = await readJob(scope, jobId, user.id);
      if (job && job.status !== "running") return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Every SCAN asked for the profile's COUNT, or a quarter of it at the start of a walk before the idle server
   * had shown it has room (lib/connections/server-load.ts; none where a fresh reading says so, or where the walk
   * does not adapt), and the walk waited the profile's pause between two of them (the analysis at least the
   * pause: it also waits forty times what its last page took). Returns how many calls were gentle.
   */
  async function expectPaced(label: string, atLeast = false): Promise<number> {
    const seen = await monitored();
    expect(seen.length, `${label}: SCAN calls`).toBeGreaterThan(2);
    const gentle = gentleThenFull(seen.map((args) => Number(args[args.indexOf("COUNT") + 1])), COUNT, label);
    expect(waits.filter((ms) => (atLeast ? ms >= PAUSE : ms === PAUSE)).length, `${label}: pauses`).toBe(seen.length - 1);
    return gentle;
  }

  beforeAll(async () => {
    redis = await startRedis();
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < KEYS; i++) pipeline.set(`pace:${i % 7}:${i}`, "v".repeat(1 + (i % 50)));
    await pipeline.exec();
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const row = await db().user.create({ data: { email: "pace@example.test", passwordHash: "x", role: "admin" } });
    user = { id: row.id, email: row.email };
    const settings = { host: "127.0.0.1", port: redis.port, db: 0 };
    const paced = await createProfile(profileFields.parse({ name: "paced", kind: "redis", environment: "production", settings, scanCount: COUNT, scanPauseMs: PAUSE }));
    await createProfile(profileFields.parse({ name: "default", kind: "redis", environment: "production", settings }));
    await createProfile(profileFields.parse({ name: "dev", kind: "redis", environment: "development", settings }));
    connection = (await loadConnection(paced.id))!;
    monitor = await new Redis({ port: redis.port, lazyConnect: true }).monitor();
    monitor.on("monitor", (_time: string, args: string[]) => {
      const name = args[0]?.toUpperCase();
      if (name === "SCAN") scans.push(args);
      else if (name === "ECHO") markerSeen = args[1];
    });
  });
  afterAll(async () => {
    monitor?.disconnect();
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });
  beforeEach(async () => {
    await monitored();
    scans.length = 0;
    waits.length = 0;
  });

  it("resolves the stored profile's pace when the connection is loaded; unset fields take the defaults", async () => {
    expect(connection.scanPace).toMatchObject({ paced: true, count: COUNT, pauseMs: PAUSE });
    const rows = await db().connectionProfile.findMany({ orderBy: { name: "asc" } });
    expect(rows.map((row) => [row.name, row.scanCount, row.scanPauseMs])).toEqual([
      ["default", null, null],
      ["dev", null, null],
      ["paced", COUNT, PAUSE],
    ]);
    const byName = Object.fromEntries(rows.map((row) => [row.name, row.id]));
    expect((await loadConnection(byName.default))!.scanPace).toMatchObject({ count: 1000, pauseMs: 125 });
    expect((await loadConnection(byName.dev))!.scanPace).toMatchObject({ count: 5000, pauseMs: 0 });
  });

  it("the namespace tree scan, which asks for a quarter of the count until the idle server has shown it has room", async () => {
    // On this thread, where the test counts the walk's pauses; the walks' own thread runs the same scanInto.
    await ensureIndex({ driver: connection.driver(), config: null, kind: "redis", connectionId: connection.scope, delimiter: ":", pace: connection.scanPace });
    while (readIndex(connection.scope, ":")?.scan) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readIndex(connection.scope, ":")!.roots.find((node) => node.label === "pace")?.count).toBe(KEYS);
    // Gentle first (nothing is known of the server's load yet), then, the test's Redis being idle, the pace's count to the end.
    expect(await expectPaced("tree scan")).toBeGreaterThan(0);
  });

  it("the whole-namespace sort by size", async () => {
    const jobId = await startTopKeys({ driver: connection.driver(), connectionId: connection.scope, userId: user.id, pace: connection.scanPace, by: "size", desc: true, limit: 5, prefix: Buffer.from("pace:") });
    expect((await finished(jobId)).status).toBe("done");
    await expectPaced("top-N sort");
  });

  it("the namespace count job", async () => {
    const ctx = { user: { ...user, role: "admin" }, clientAddress: null, audit: {}, auditEntryId: null } as unknown as ActionContext;
    const jobId = await startNamespaceJob({ connection, ctx, prefix: Buffer.from("pace:3:"), operation: { kind: "count" } });
    const job = await finished(jobId);
    expect(job.status).toBe("done");
    expect((job.result as { matched: number }).matched).toBe(Math.ceil((KEYS - 3) / 7));
    await expectPaced("namespace count");
  });

  it("the keyspace analysis", async () => {
    const jobId = await startAnalysis({ connection, user });
    expect((await finished(jobId)).status).toBe("done");
    await expectPaced("analysis", true);
  });

  it("a paced analysis or sort reads at most 1000 keys per SCAN call, as each probes every key; at full speed they take the pace's count", async () => {
    const settings = { host: "127.0.0.1", port: redis.port, db: 0 };
    const countOf = async (walk: "analysis" | "sort", scanPauseMs: number) => {
      const profile = await createProfile(profileFields.parse({ name: `big pages ${walk} ${scanPauseMs}`, kind: "redis", environment: "production", settings, scanCount: 2500, scanPauseMs }));
      const big = (await loadConnection(profile.id))!;
      await monitored();
      scans.length = 0;
      const jobId =
        walk === "analysis"
          ? await startAnalysis({ connection: big, user })
          : await startTopKeys({ driver: big.driver(), connectionId: big.scope, userId: user.id, pace: big.scanPace, by: "size", desc: true, limit: 5, prefix: Buffer.from("pace:") });
      await finished(jobId, big.scope);
      const seen = await monitored();
      expect(seen.length).toBeGreaterThan(1);
      return seen.map((args) => Number(args[args.indexOf("COUNT") + 1]));
    };
    expect(new Set(await countOf("analysis", PAUSE))).toEqual(new Set([1000]));
    expect(new Set(await countOf("analysis", 0))).toEqual(new Set([2500]));
    // The sort also asks a busy (or not yet known) server for a quarter: its new connection starts gentle.
    gentleThenFull(await countOf("sort", PAUSE), 1000, "paced sort");
    expect(new Set(await countOf("sort", 0))).toEqual(new Set([2500]));
  });

  it("an export of the whole database", async () => {
    const reader = (await openExport(connection, { kind: "database" }, false, user.id)).stream.getReader();
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      lines += new TextDecoder().decode(value).split("\n").length - 1;
    }
    expect(lines).toBe(KEYS + 2);
    await expectPaced("export");
  });

  it("a page of the key list asks SCAN for what it still needs, up to the pace's count, not in calls of 500", async () => {
    const row = await db().connectionProfile.findFirstOrThrow({ where: { name: "default" } });
    const production = (await loadConnection(row.id))!;
    expect(production.scanPace).toMatchObject({ count: 1000, pauseMs: 125 });
    const page = await keyPage(production.driver(), { limit: MAX_PAGE_ROWS, pace: production.scanPace });
    expect(page.rows.length).toBe(MAX_PAGE_ROWS);
    const seen = await monitored();
    const counts = seen.map((args) => Number(args[args.indexOf("COUNT") + 1]));
    // SCAN's COUNT is a hint: a call returns about that many keys, so 2,000 rows take two calls of the pace's 1000, sometimes a third for the rest.
    expect(counts[0]).toBe(1000);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts.length).toBeLessThanOrEqual(3);
    for (const count of counts) expect(count).toBeLessThanOrEqual(1000);
  });

  it("a page of the key list's search", async () => {
    const page = await keyPage(connection.driver(), { match: Buffer.from("pace:5:*"), limit: 1000, pace: connection.scanPace });
    expect(page.rows.length).toBeGreaterThan(0);
    await expectPaced("search page");
  });
});
