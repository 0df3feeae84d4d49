/**
 * Jobs that walk a busy Redis say so: while redis-benchmark keeps the server's command thread busy, a
 * production connection's namespace count (the Redis driver's own prefix walk), count of keys without a TTL
 * (the listing's walk) and whole-namespace sort each ask for a quarter of the pace's keys per SCAN call, and
 * their progress reads `gentle` while they run (what the Jobs tab and the job dialogs show); it reads false
 * once they end. Its own file: the load must not meet another test's MONITOR, which would echo every GET.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { ActionContext } from "@/lib/actions/define-action";
import type { JobView } from "@/lib/wire/jobs";
import { startGetLoad, waitForBusy } from "../support/busy-redis";
import { removeDir, type StartedProcess, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";

const dir = tempDir("busy-jobs");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "58".repeat(32);

const { db } = await import("@/lib/db");
const { createProfile } = await import("@/lib/connections/store");
const { profileFields } = await import("@/lib/connections/profile-input");
const { loadConnection } = await import("@/lib/connections/load");
const { startTopKeys } = await import("@/lib/server/keys/top-keys");
const { startNamespaceJob } = await import("@/lib/server/keys/namespace-job");
const { readJob } = await import("@/lib/server/keys/jobs");
const { createDriver } = await import("@/lib/drivers/registry");
const { serverLoadOf } = await import("@/lib/connections/server-load");

const KEYS = 4_000;

/**
 * Every progress seen while the job walked read `gentle`, and there was one. After the walk's last SCAN (a sort
 * then describes its winners once more; any job then ends) it may read false before the job is done.
 */
function expectSlowed(running: boolean[]): void {
  const last = running.lastIndexOf(true);
  expect(last, running.join(" ")).toBeGreaterThanOrEqual(0);
  expect(running.slice(0, last + 1).every(Boolean), running.join(" ")).toBe(true);
}

describe("jobs on a busy server", () => {
  let redis: RedisServer;
  let load: StartedProcess | undefined;
  let connection: NonNullable<Awaited<ReturnType<typeof loadConnection>>>;
  let user: { id: string; email: string };

  /** Follows a job to its end: the `gentle` of every progress seen while it ran, and how it ended. */
  async function follow(jobId: string): Promise<{ running: boolean[]; end: JobView }> {
    const running: boolean[] = [];
    for (;;) {
      const job = await readJob(connection.scope, jobId, user.id);
      if (!job) throw new Error(`job ${jobId} is gone`);
      if (job.status !== "running") return { running, end: job };
      if (job.progress.scanned > 0) running.push(job.progress.gentle === true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  beforeAll(async () => {
    redis = await startRedis();
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < KEYS; i++) pipeline.set(`busy:${i % 5}:${i}`, "v".repeat(1 + (i % 40)));
    await pipeline.exec();
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const row = await db().user.create({ data: { email: "busy@example.test", passwordHash: "x", role: "admin" } });
    user = { id: row.id, email: row.email };
    // 200 keys per call, 5 ms apart: a busy server is asked for 50.
    const settings = { host: "127.0.0.1", port: redis.port, db: 0 };
    const profile = await createProfile(profileFields.parse({ name: "busy", kind: "redis", environment: "production", settings, scanCount: 200, scanPauseMs: 5 }));
    connection = (await loadConnection(profile.id))!;
    // Pipelined GETs from 20 clients keep the server's command thread busy until stopped.
    load = startGetLoad(redis.port);
    await waitForBusy(redis);
  });
  afterAll(async () => {
    await load?.stop();
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });

  const ctx = () => ({ user: { ...user, role: "admin" }, clientAddress: null, audit: {}, auditEntryId: null }) as unknown as ActionContext;

  it("a namespace count says it is slowed while it runs, and not once it is done", async () => {
    const { running, end } = await follow(await startNamespaceJob({ connection, ctx: ctx(), prefix: Buffer.from("busy:"), operation: { kind: "count" } }));
    expect(end.status).toBe("done");
    expect((end.result as { matched: number }).matched).toBe(KEYS);
    expectSlowed(running);
    expect(end.progress.gentle).toBe(false);
  });

  it("a count of the keys without a TTL (the listing's walk) says so too", async () => {
    const { running, end } = await follow(await startNamespaceJob({ connection, ctx: ctx(), prefix: Buffer.from("busy:1:"), operation: { kind: "countNoTtl" } }));
    expect(end.status).toBe("done");
    expectSlowed(running);
    expect(end.progress.gentle).toBe(false);
  });

  it("a namespace job and the walks beside it share one reading of the server's load", async () => {
    // A driver no walk has used yet: its first is the driver's own prefix walk.
    const driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 5000 });
    try {
      await driver.countPrefix(Buffer.from("busy:2:"), { pauseMs: 1, batchSize: 1000 });
      // It read the load through the driver's shared reading: asking that again reads nothing new.
      const read = vi.fn(async () => ({}));
      expect((await serverLoadOf(driver, read).pace(200)).count).toBe(50);
      expect(read).not.toHaveBeenCalled();
    } finally {
      await driver.dispose();
    }
  });

  it("a whole-namespace sort says so too", async () => {
    const jobId = await startTopKeys({ driver: connection.driver(), connectionId: connection.scope, userId: user.id, pace: connection.scanPace, by: "size", desc: true, limit: 5, prefix: Buffer.from("busy:") });
    const { running, end } = await follow(jobId);
    expect(end.status).toBe("done");
    expectSlowed(running);
    expect(end.progress.gentle).toBe(false);
  });
});
