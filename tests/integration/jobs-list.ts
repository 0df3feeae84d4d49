/**
 * The Jobs tab's list, for jobs-suite.ts (SQLite and PostgreSQL): a connection's running jobs, whichever
 * process runs them and in whichever of its databases, and those that ended in the last hour with their
 * outcome; never another connection's. Cancel is offered, and taken, by one rule: the owner, or an admin.
 */
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { cancelJob, listJobs, startJob } from "@/lib/server/keys/jobs";
import { startProcess, waitFor, type StartedProcess } from "../support/process";

export function jobListTests(root: string, children: StartedProcess[]): void {
  it("list a connection's running and recent jobs from every process and database, with who may cancel each", async () => {
    const user = (email: string, role: string) => db().user.create({ data: { email, role, passwordHash: "x" } });
    const [alice, bob, ada] = [await user("alice@list.test", "viewer"), await user("bob@list.test", "editor"), await user("ada@list.test", "admin")];

    // Alice's count runs in another process, in database 2 of the profile; Bob's delete runs here.
    const child = startProcess(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/support/job-instance.ts", "lp1~2", alice.id], { cwd: root });
    children.push(child);
    let aliceJob = "";
    await waitFor("the other process's job", async () => (aliceJob = /\{"jobId":"([^"]+)"\}/.exec(child.output())?.[1] ?? "") !== "", { timeoutMs: 60_000, process: child });
    const bobJob = await startJob<null>({
      kind: "delete",
      connectionId: "lp1",
      userId: bob.id,
      total: 1000,
      target: "myapp:session:*",
      work: async (control) => {
        let scanned = 0;
        while (!control.signal.aborted) {
          scanned = Math.min(1000, scanned + 5);
          control.progress({ scanned, matched: scanned, affected: scanned });
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return null;
      },
    });

    const now = Date.now();
    const row = (id: string, connectionId: string, status: string, endedAgoMs: number | null, extra: Record<string, unknown> = {}) => ({
      id,
      kind: "export",
      connectionId,
      ownerId: bob.id,
      status,
      progress: '{"scanned":40,"matched":40,"affected":40,"total":100}',
      startedAt: new Date(now - (endedAgoMs ?? 0) - 5000),
      heartbeatAt: new Date(now - (endedAgoMs ?? 0)),
      finishedAt: endedAgoMs === null ? null : new Date(now - endedAgoMs),
      instanceId: "elsewhere:1:x",
      ...extra,
    });
    await db().job.createMany({
      data: [
        row("l-done", "lp1", "done", 60_000, { target: "cache:views:*" }),
        row("l-error", "lp1~3", "error", 120_000, { errorCode: "TIMEOUT", errorMessage: "The server did not answer in time." }),
        row("l-stale", "lp1", "running", 90_000, { finishedAt: null }),
        row("l-old", "lp1", "done", 2 * 3_600_000),
        row("l-other", "lp2", "running", 0, { finishedAt: null }),
        row("l-similar", "lp10", "done", 1000),
        row("l-gone", "lp1", "cancelled", 30_000, { ownerId: "deleted-user" }),
      ],
    });

    await expect.poll(async () => (await listJobs("lp1", alice)).running.map((j) => j.id).sort(), { timeout: 20_000 }).toEqual([aliceJob, bobJob].sort());
    const asAlice = await listJobs("lp1", alice);
    const mineRunning = asAlice.running.find((j) => j.id === aliceJob)!;
    expect(mineRunning).toMatchObject({ kind: "count", scope: "lp1~2", database: 2, mine: true, canCancel: true, cancelRequested: false, owner: { id: alice.id, email: "alice@list.test" } });
    expect(asAlice.running.find((j) => j.id === bobJob)).toMatchObject({ kind: "delete", target: "myapp:session:*", scope: "lp1", database: null, mine: false, canCancel: false, owner: { email: "bob@list.test" } });
    // What a job works on is listed with it; a job that names nothing (the whole database) lists null.
    expect(mineRunning.target).toBeNull();
    expect(asAlice.running.every((j) => !("result" in j))).toBe(true);
    // Ended in the last hour, the latest first; the silent running row reads as interrupted; other connections never.
    expect(asAlice.finished.map((j) => [j.id, j.status])).toEqual([
      ["l-gone", "cancelled"],
      ["l-done", "done"],
      ["l-stale", "interrupted"],
      ["l-error", "error"],
    ]);
    expect(asAlice.finished.every((j) => !j.canCancel)).toBe(true);
    expect(asAlice.finished.find((j) => j.id === "l-error")).toMatchObject({ database: 3, error: { code: "TIMEOUT" }, progress: { affected: 40, total: 100 } });
    expect(asAlice.finished.find((j) => j.id === "l-gone")!.owner).toEqual({ id: "deleted-user", email: null, name: null });
    expect(asAlice.finished.find((j) => j.id === "l-done")!.target).toBe("cache:views:*");
    expect((await db().job.findUniqueOrThrow({ where: { id: "l-stale" } })).status).toBe("interrupted");

    // Bob (an editor) may stop his own job only; the admin may stop both.
    expect((await listJobs("lp1", bob)).running.map((j) => [j.id === bobJob, j.canCancel]).sort()).toEqual([
      [false, false],
      [true, true],
    ]);
    expect((await listJobs("lp1", ada)).running.every((j) => j.canCancel && !j.mine)).toBe(true);

    // The cancel takes the same rule: refused to another viewer, taken from the admin for a job running in another process.
    expect(await cancelJob("lp1", bobJob, alice)).toBe(false);
    expect(await cancelJob("lp1~2", aliceJob, bob)).toBe(false);
    expect(await cancelJob("lp1", aliceJob, ada)).toBe(false); // named with the wrong database
    expect(await cancelJob("lp1~2", aliceJob, ada)).toBe(true);
    expect(await cancelJob("lp1", bobJob, ada)).toBe(true);
    await child.exited;
    expect(child.output()).toContain('"status":"cancelled"');
    await expect.poll(async () => (await listJobs("lp1", bob)).running.length, { timeout: 20_000 }).toBe(0);
    const after = await listJobs("lp1", bob);
    expect(after.finished.filter((j) => j.id === aliceJob || j.id === bobJob).map((j) => j.status)).toEqual(["cancelled", "cancelled"]);
    expect(after.finished.find((j) => j.id === bobJob)!.progress.affected).toBeGreaterThan(0);
    // Who stopped each is recorded, whichever process ran it; the first to ask is the one kept.
    expect(after.finished.filter((j) => j.id === aliceJob || j.id === bobJob).map((j) => j.cancelledBy?.email)).toEqual(["ada@list.test", "ada@list.test"]);
    expect(after.finished.find((j) => j.id === "l-done")!.cancelledBy).toBeNull();
    expect((await listJobs("lp2", ada)).running.map((j) => j.id)).toEqual(["l-other"]);
  });

  it("keep a job's target within bounds: a namespace as long as a key is cut with an ellipsis", async () => {
    const owner = await db().user.create({ data: { email: "long@list.test", role: "editor", passwordHash: "x" } });
    const long = `${"n".repeat(5000)}:*`;
    const id = await startJob<null>({ kind: "count", connectionId: "lp3", userId: owner.id, total: 0, target: long, work: async () => null });
    await expect.poll(async () => (await listJobs("lp3", owner)).finished.map((j) => j.id), { timeout: 20_000 }).toEqual([id]);
    const [listed] = (await listJobs("lp3", owner)).finished;
    expect(listed.target).toHaveLength(300);
    expect(listed.target!.endsWith("…")).toBe(true);
    expect(long.startsWith(listed.target!.slice(0, -1))).toBe(true);
  });
}
