/**
 * Exports as job rows, part of the jobs suite (so on SQLite and on PostgreSQL), on a real Redis: an export
 * streamed here writes a running row of kind "export" whose count grows as the file is read, ends with a
 * CANCELLED line when another instance sets its cancel flag, is marked cancelled when the download is
 * aborted, and done with its count when the file is complete; an export running in another process
 * (tests/support/export-instance.ts) is read and cancelled from here, and once that process is killed its
 * row reads as interrupted with the count it had written.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { cancelJob, readJob, runningJob } from "@/lib/server/keys/jobs";
import type { ExportEnd } from "@/lib/wire/transfer";
import { removeDir, startProcess, tempDir, waitFor, type StartedProcess } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";

const KEYS = 20_000;

type Loaded = NonNullable<Awaited<ReturnType<typeof import("@/lib/connections/load").loadConnection>>>;

/** Reads an export stream a chunk at a time; the export only moves on as far as it is read. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const keyLines = () => text.split("\n").filter((line) => line.startsWith('{"key"')).length;
  return {
    reader,
    keyLines,
    async readUntil(keys: number): Promise<void> {
      while (keyLines() < keys) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the export ended after ${keyLines()} keys`);
        text += decoder.decode(value, { stream: true });
      }
    },
    async rest(): Promise<ExportEnd> {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return JSON.parse(text.trimEnd().split("\n").at(-1)!) as ExportEnd;
    },
  };
}

export function exportJobTests(root: string): void {
  describe("exports", () => {
    let redis: RedisServer;
    let connection: Loaded;
    let openExport: typeof import("@/lib/server/transfer/export").openExport;
    const dir = tempDir("export-jobs");
    const children: StartedProcess[] = [];
    const row = (id: string) => db().job.findUniqueOrThrow({ where: { id } });
    const written = async (id: string) => (JSON.parse((await row(id)).progress) as { affected: number }).affected;
    /** Two beats of the running instance after now: the first one after a cancel flag was set has read it. */
    const twoBeats = async (id: string) => {
      for (let i = 0; i < 2; i++) {
        const before = (await row(id)).heartbeatAt.getTime();
        await expect.poll(async () => (await row(id)).heartbeatAt.getTime(), { timeout: 20_000 }).toBeGreaterThan(before);
      }
    };

    beforeAll(async () => {
      process.env.CACHEBOARD_SECRET_KEY ??= "57".repeat(32);
      redis = await startRedis();
      const pipeline = redis.raw().pipeline();
      for (let i = 0; i < KEYS; i++) pipeline.set(`exp:${i}`, `value ${i}`);
      await pipeline.exec();
      const { createProfile } = await import("@/lib/connections/store");
      const { profileFields } = await import("@/lib/connections/profile-input");
      const { loadConnection } = await import("@/lib/connections/load");
      ({ openExport } = await import("@/lib/server/transfer/export"));
      const profile = await createProfile(profileFields.parse({ name: "exports", kind: "redis", environment: "development", settings: { host: "127.0.0.1", port: redis.port, db: 0 } }));
      connection = (await loadConnection(profile.id))!;
    });
    afterAll(async () => {
      for (const child of children) await child.stop();
      await redis?.stop();
      removeDir(dir);
    });

    it("write a running row whose count grows as the file is read, and end with a CANCELLED line when another instance sets the flag", async () => {
      const { jobId, stream } = await openExport(connection, { kind: "database" }, false, "erin");
      const file = lineReader(stream);
      expect(await row(jobId)).toMatchObject({ kind: "export", status: "running", ownerId: "erin", connectionId: connection.scope });
      expect(JSON.parse((await row(jobId)).progress)).toMatchObject({ total: KEYS });
      expect(await runningJob(connection.scope, "export")).toEqual({ jobId, userId: "erin" });
      await file.readUntil(1000);
      await expect.poll(() => written(jobId), { timeout: 20_000 }).toBeGreaterThanOrEqual(1000);
      const first = await written(jobId);
      await file.readUntil(first + 3000);
      await expect.poll(() => written(jobId), { timeout: 20_000 }).toBeGreaterThanOrEqual(first + 3000);

      // What the cancel of another instance does: it only sets the flag, which this one reads at its next beat.
      await db().job.update({ where: { id: jobId }, data: { cancelRequested: true } });
      await twoBeats(jobId);
      const end = await file.rest();
      expect(end).toMatchObject({ format: "cacheboard-keys", error: { code: "CANCELLED" } });
      expect(end.error!.message).toMatch(/cancelled/);
      expect(end.end).toBeUndefined();
      expect(end.keys).toBe(file.keyLines());
      expect(end.keys).toBeLessThan(KEYS);
      const done = await row(jobId);
      expect(done.status).toBe("cancelled");
      expect(done.finishedAt).not.toBeNull();
      expect(JSON.parse(done.result!)).toEqual({ keys: end.keys });
      expect(JSON.parse(done.progress).affected).toBe(end.keys);
      expect(await runningJob(connection.scope, "export")).toBeNull();
    });

    it("are marked cancelled when the download is aborted, and done with their count when the file is complete", async () => {
      const aborted = await openExport(connection, { kind: "database" }, false, "erin");
      const partial = lineReader(aborted.stream);
      await partial.readUntil(500);
      await partial.reader.cancel();
      const cancelled = await row(aborted.jobId);
      expect(cancelled.status).toBe("cancelled");
      expect(JSON.parse(cancelled.result!).keys).toBeGreaterThanOrEqual(500);

      const whole = await openExport(connection, { kind: "namespace", prefix: Buffer.from("exp:1") }, false, "erin");
      const end = await lineReader(whole.stream).rest();
      expect(end).toEqual({ format: "cacheboard-keys", end: true, keys: 11_111 });
      const done = await row(whole.jobId);
      expect(done.status).toBe("done");
      expect(JSON.parse(done.result!)).toEqual({ keys: 11_111 });
      expect((await readJob(connection.scope, whole.jobId, "erin"))!.progress).toMatchObject({ affected: 11_111, scanned: 11_111 });
    });

    /** An export in another process, paused (as by a slow browser) after its first 1,000 keys. */
    async function otherInstance(gate: string) {
      const args = ["--conditions=react-server", "--import", "tsx", "tests/support/export-instance.ts", connection.profile.id, "frank", gate, "1000"];
      const child = startProcess(process.execPath, args, { cwd: root });
      children.push(child);
      let jobId = "";
      await waitFor(
        "the other instance's export",
        async () => {
          jobId = /\{"jobId":"([^"]+)"\}/.exec(child.output())?.[1] ?? "";
          return jobId !== "";
        },
        { timeoutMs: 60_000, process: child },
      );
      return { child, jobId };
    }

    it("running in another instance are read and cancelled from here", async () => {
      const gate = path.join(dir, "go-cancel");
      const other = await otherInstance(gate);
      await expect.poll(async () => (await readJob(connection.scope, other.jobId, "frank"))?.progress.affected ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(1000);
      expect(await readJob(connection.scope, other.jobId, "frank")).toMatchObject({ kind: "export", status: "running" });
      expect(await cancelJob(connection.scope, other.jobId, { id: "erin", role: "viewer" })).toBe(false);
      expect(await cancelJob(connection.scope, other.jobId, { id: "frank", role: "viewer" })).toBe(true);
      await twoBeats(other.jobId);
      writeFileSync(gate, "");
      await other.child.exited;
      const outcome = JSON.parse(/\{"last":.*\}/.exec(other.child.output())![0]) as { last: string; keyLines: number };
      const end = JSON.parse(outcome.last) as ExportEnd;
      expect(end).toMatchObject({ error: { code: "CANCELLED" }, keys: outcome.keyLines });
      expect(outcome.keyLines).toBeLessThan(KEYS);
      const job = (await readJob(connection.scope, other.jobId, "frank"))!;
      expect(job).toMatchObject({ status: "cancelled", result: { keys: outcome.keyLines } });
    });

    it("read as interrupted, with the keys written, once their instance died", async () => {
      const other = await otherInstance(path.join(dir, "never"));
      await expect.poll(() => written(other.jobId), { timeout: 20_000 }).toBeGreaterThanOrEqual(1000);
      process.kill(other.child.pid, "SIGKILL");
      await other.child.exited;
      const last = await row(other.jobId);
      expect(last.status).toBe("running");
      // Time passing without a heartbeat, as after a crash: the row's last beat is moved back past the limit.
      const lastBeat = new Date(Date.now() - 60_000);
      await db().job.update({ where: { id: other.jobId }, data: { heartbeatAt: lastBeat } });
      const job = (await readJob(connection.scope, other.jobId, "frank"))!;
      expect(job).toMatchObject({ kind: "export", status: "interrupted", finishedAt: lastBeat.getTime() });
      expect(job.progress).toEqual(JSON.parse(last.progress));
      expect(job.progress.affected).toBeGreaterThanOrEqual(1000);
      expect(await cancelJob(connection.scope, other.jobId, { id: "frank", role: "viewer" })).toBe(false);
    });
  });
}
