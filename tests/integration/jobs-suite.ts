/**
 * Jobs as database rows, shared by jobs-sqlite.test.ts and jobs-postgresql.test.ts: a job started by another
 * process (tests/support/job-instance.ts) is read and cancelled from this one, a killed process's job reads
 * as interrupted with its last count, this process's own jobs write progress, heartbeat and a bounded result
 * and obey a cancel flag set by another instance, and old rows are pruned; exports are jobs too (./jobs-export); the Jobs tab lists them (./jobs-list).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { db } from "@/lib/db";
import { cancelJob, pruneJobs, readJob, runningJob, startJob } from "@/lib/server/keys/jobs";
import { startProcess, waitFor, type StartedProcess } from "../support/process";
import { exportJobTests } from "./jobs-export";
import { jobListTests } from "./jobs-list";

const root = path.resolve(import.meta.dirname, "../..");

/** Another instance on the same database, running one job of `userId` on connection `c1`. */
async function otherInstance(userId: string): Promise<{ process: StartedProcess; jobId: string; final: () => Promise<{ status: string; scanned: number }> }> {
  const child = startProcess(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/support/job-instance.ts", "c1", userId], { cwd: root });
  let jobId = "";
  await waitFor(
    "the other instance's job",
    async () => {
      jobId = /\{"jobId":"([^"]+)"\}/.exec(child.output())?.[1] ?? "";
      return jobId !== "";
    },
    { timeoutMs: 60_000, process: child },
  );
  const final = async () => {
    await child.exited;
    const line = /\{"status":.*\}/.exec(child.output())?.[0];
    if (!line) throw new Error(`the other instance printed no outcome:\n${child.output()}`);
    return JSON.parse(line) as { status: string; scanned: number };
  };
  return { process: child, jobId, final };
}

export function jobSuite(name: string, database: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  describe(`jobs on ${name}`, () => {
    let stop: () => Promise<void> = async () => undefined;
    const children: StartedProcess[] = [];

    beforeAll(async () => {
      const started = await database();
      stop = started.stop;
      process.env.DATABASE_URL = started.url;
      await applyMigrations({ url: started.url, root });
    });
    afterAll(async () => {
      for (const child of children) await child.stop();
      await db().$disconnect();
      await stop();
    });

    it("are read here with their progress and cancelled from here when another instance runs them", async () => {
      const other = await otherInstance("alice");
      children.push(other.process);
      await expect.poll(async () => (await readJob("c1", other.jobId, "alice"))?.progress.scanned ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
      const seen = (await readJob("c1", other.jobId, "alice"))!;
      expect(seen).toMatchObject({ id: other.jobId, kind: "count", status: "running", finishedAt: null });
      expect(await readJob("c1", other.jobId, "bob")).toBeNull();
      expect(await readJob("c2", other.jobId, "alice")).toBeNull();
      expect(await cancelJob("c1", other.jobId, { id: "bob", role: "viewer" })).toBe(false);
      expect(await runningJob("c1", "count")).toEqual({ jobId: other.jobId, userId: "alice" });

      expect(await cancelJob("c1", other.jobId, { id: "alice", role: "viewer" })).toBe(true);
      const final = await other.final();
      expect(final.status).toBe("cancelled");
      const after = (await readJob("c1", other.jobId, "alice"))!;
      expect(after.status).toBe("cancelled");
      expect(after.progress.scanned).toBe(final.scanned);
      expect(after.result).toEqual({ steps: final.scanned });
      expect(after.finishedAt).not.toBeNull();
      expect(await cancelJob("c1", other.jobId, { id: "alice", role: "viewer" })).toBe(false);
      expect(await runningJob("c1", "count")).toBeNull();
    });

    it("read as interrupted, with the last count written, once their instance died", async () => {
      const other = await otherInstance("alice");
      children.push(other.process);
      await expect.poll(async () => (await readJob("c1", other.jobId, "alice"))?.progress.scanned ?? 0, { timeout: 30_000 }).toBeGreaterThan(5);
      process.kill(other.process.pid, "SIGKILL");
      await other.process.exited;
      const row = await db().job.findUniqueOrThrow({ where: { id: other.jobId } });
      expect(row.status).toBe("running");
      // Time passing without a heartbeat, as after a crash: the row's last beat is moved back past the limit.
      const lastBeat = new Date(Date.now() - 60_000);
      await db().job.update({ where: { id: other.jobId }, data: { heartbeatAt: lastBeat } });

      const job = (await readJob("c1", other.jobId, "alice"))!;
      expect(job.status).toBe("interrupted");
      expect(job.progress).toEqual(JSON.parse(row.progress));
      expect(job.progress.scanned).toBeGreaterThan(5);
      expect(job.finishedAt).toBe(lastBeat.getTime());
      expect((await db().job.findUniqueOrThrow({ where: { id: other.jobId } })).status).toBe("interrupted");
      expect(await cancelJob("c1", other.jobId, { id: "alice", role: "viewer" })).toBe(false);
      expect(await runningJob("c1", "count")).toBeNull();
    });

    it("started here write progress, heartbeat and a bounded result, and stop when another instance sets the cancel flag", async () => {
      let huge = false;
      const jobId = await startJob<{ text: string }>({
        kind: "top",
        connectionId: "c1",
        userId: "carol",
        total: 100,
        work: async (control) => {
          let steps = 0;
          let sentHuge = false;
          while (!control.signal.aborted) {
            steps++;
            control.progress({ scanned: steps });
            if (!huge) control.publish({ text: `step ${steps}` });
            else if (!sentHuge) control.publish({ text: "x".repeat(2 << 20) });
            sentHuge = huge;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          return { text: "stopped" };
        },
      });
      const row = () => db().job.findUniqueOrThrow({ where: { id: jobId } });
      expect((await row()).instanceId).toContain(`:${process.pid}:`);
      await expect.poll(async () => JSON.parse((await row()).progress).scanned, { timeout: 20_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await row()).result ?? "", { timeout: 20_000 }).toMatch(/^\{"text":"step \d+"\}$/);
      const firstBeat = (await row()).heartbeatAt.getTime();
      await expect.poll(async () => (await row()).heartbeatAt.getTime(), { timeout: 20_000 }).toBeGreaterThan(firstBeat);

      // Over the bound: the row keeps no result, this process still serves it.
      huge = true;
      await expect.poll(async () => (await row()).result, { timeout: 20_000 }).toBeNull();
      expect(((await readJob("c1", jobId, "carol"))!.result as { text: string }).text.length).toBe(2 << 20);

      await db().job.update({ where: { id: jobId }, data: { cancelRequested: true } });
      await expect.poll(async () => (await row()).status, { timeout: 20_000 }).toBe("cancelled");
      const done = await row();
      expect(done.result).toBe('{"text":"stopped"}');
      expect(done.finishedAt).not.toBeNull();
      expect((await readJob("c1", jobId, "carol"))!.status).toBe("cancelled");
    });

    it("of dead instances are marked at start, and old finished ones pruned", async () => {
      const now = Date.now();
      const base = { kind: "delete", connectionId: "c3", ownerId: "dave", progress: '{"scanned":7,"matched":7,"affected":7,"total":null}', instanceId: "gone:1:x" };
      await db().job.createMany({
        data: [
          { ...base, id: "stale", status: "running", startedAt: new Date(now - 120_000), heartbeatAt: new Date(now - 90_000) },
          { ...base, id: "alive", status: "running", startedAt: new Date(now - 1000), heartbeatAt: new Date(now), instanceId: "elsewhere:2:y" },
          { ...base, id: "old", status: "done", startedAt: new Date(now - 3 * 3_600_000), heartbeatAt: new Date(now - 2 * 3_600_000), finishedAt: new Date(now - 2 * 3_600_000) },
          { ...base, id: "recent", status: "cancelled", startedAt: new Date(now - 60_000), heartbeatAt: new Date(now - 50_000), finishedAt: new Date(now - 50_000) },
        ],
      });
      await pruneJobs();
      const rows = await db().job.findMany({ where: { connectionId: "c3" }, orderBy: { id: "asc" } });
      expect(rows.map((r) => [r.id, r.status])).toEqual([
        ["alive", "running"],
        ["recent", "cancelled"],
        ["stale", "interrupted"],
      ]);
      expect(rows.find((r) => r.id === "stale")!.finishedAt!.getTime()).toBe(now - 90_000);
      expect((await readJob("c3", "stale", "dave"))!.progress.affected).toBe(7);
    });

    exportJobTests(root);
    jobListTests(root, children);
  });
}
