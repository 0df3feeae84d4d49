/**
 * Two app instances (built once, started on two ports) on one PostgreSQL: a session made on one is good on
 * the other, a namespace delete started on instance 1 shows its progress on both and is cancelled from
 * instance 2, an export streaming from instance 1 is seen and cancelled from instance 2 (its file ends
 * with the CANCELLED line, which the export dialog shows), and when instance 1 is killed in the middle of
 * a job, instance 2 reports it interrupted with its count. The Redis sits behind a gate
 * (support/gate-proxy.ts) that holds the delete between two UNLINK batches, so "in the middle" is a state
 * the test sets up rather than a race it hopes to win.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import type { JobView } from "@/lib/wire/jobs";
import { startGateProxy, type GateProxy } from "../support/gate-proxy";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { waitFor } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";
import { builtActions } from "./support/endpoints";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const KEYS = 50_000;

describe("two instances on one PostgreSQL", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let gate: GateProxy;
  let one: RunningApp;
  let two: RunningApp;
  let browser: Browser;
  let connectionId = "";
  let cookie = "";

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    gate = await startGateProxy(redis.port);
    const databaseUrl = await postgres.createDatabase("cacheboard_multi");
    const env = { CACHEBOARD_SECRET_KEY: randomBytes(32).toString("hex") };
    // One after the other: the first applies the migrations, the second finds them applied.
    one = await startApp(env, { databaseUrl });
    two = await startApp(env, { databaseUrl });
    const raw = redis.raw();
    await fillBig();
    await raw.set("other:key", "kept");
    await one.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    // 1000 keys per batch: a delete held after four batches still has most of `big:` ahead of it when the
    // cancel from the other instance lands (at the default 5000 it could finish first).
    connectionId = (await one.db.connectionProfile.create({ data: { name: "shared redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: gate.port }), scanCount: 1000 } })).id;
    browser = await openBrowser();
  });
  afterAll(async () => {
    gate?.release();
    await browser?.close();
    await one?.stop();
    await two?.stop();
    await gate?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  /** The job as an instance's API answers it, with the browser's session cookie. */
  async function jobOn(app: RunningApp, jobId: string): Promise<JobView> {
    const response = await fetch(`${app.url}/api/c/${connectionId}/jobs/${jobId}`, { headers: { cookie, connection: "close" } });
    expect(response.status).toBe(200);
    return (await response.json()) as JobView;
  }

  /** Calls the jobs.cancel server action on an instance, as the dialog's Cancel button does; what it answered. */
  async function cancelOn(app: RunningApp, jobId: string): Promise<string> {
    const action = builtActions().get("lib/actions/namespaces/cancel-job.ts#cancelJob")!;
    const response = await fetch(`${app.url}${action.pagePath}`, {
      method: "POST",
      headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", origin: app.url, accept: "text/x-component", cookie, connection: "close" },
      body: JSON.stringify([{ connectionId, jobId }]),
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  /**
   * `big:` whole again. A delete cancelled from the other instance runs on until instance 1 reads the flag
   * (its next heartbeat), which at full speed can be most of the namespace; the next held delete needs enough
   * batches left to reach the gate's hold.
   */
  async function fillBig(): Promise<void> {
    for (let start = 0; start < KEYS; start += 5000) {
      const pipeline = redis.raw().pipeline();
      for (let i = start; i < start + 5000; i++) pipeline.set(`big:item:${i}`, "v");
      await pipeline.exec();
    }
  }

  /** Starts a delete of `big:` in instance 1's UI and lets it run until the gate holds it after a few batches. */
  async function startHeldDelete(page: Page): Promise<string> {
    await page.goto(`${one.url}/c/${connectionId}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "big", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for big", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete all…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("namespace-preview").filter({ hasText: /keys will be deleted/ }).waitFor({ timeout: 60_000 });
    await dialog.getByLabel("Confirmation text").fill("big:");
    gate.holdAt("UNLINK", 4);
    await dialog.getByRole("button", { name: /^Delete [\d,]+ keys$/ }).click();
    await waitFor("the delete to be held after a few batches", async () => gate.holding(), { timeoutMs: 60_000 });
    const job = await one.db.job.findFirstOrThrow({ where: { kind: "delete", status: "running" }, orderBy: { startedAt: "desc" } });
    return job.id;
  }

  it("share sessions: signed in on one, the other serves the same browser", async () => {
    const { page } = browser;
    await signInAs(page, one.url, admin.email, admin.password);
    cookie = (await browser.context.cookies(one.url)).map((c) => `${c.name}=${c.value}`).join("; ");
    expect(cookie).toContain("cb_session=");
    await page.goto(`${two.url}/c/${connectionId}`);
    expect(new URL(page.url()).pathname).toBe(`/c/${connectionId}`);
    await page.getByTestId("namespace-tree").getByRole("treeitem", { name: "big", exact: true }).waitFor({ timeout: 60_000 });
    await screenshot(page, "multi-instance-browse-on-two");
  });

  it("show a delete started on one on both, and cancel it from the other", async () => {
    const { page } = browser;
    const jobId = await startHeldDelete(page);
    const dialog = page.getByRole("dialog");

    // Both instances see the same running job and its count; instance 2 reads the row instance 1 writes.
    await expect.poll(async () => (await jobOn(two, jobId)).progress.affected, { timeout: 30_000 }).toBeGreaterThan(0);
    const onOne = await jobOn(one, jobId);
    await expect.poll(async () => (await jobOn(two, jobId)).progress.affected, { timeout: 30_000 }).toBe(onOne.progress.affected);
    expect(onOne.status).toBe("running");
    expect((await jobOn(two, jobId)).status).toBe("running");
    expect(onOne.progress.affected).toBeLessThan(KEYS);
    await dialog.getByText(`${onOne.progress.affected.toLocaleString("en-US")} deleted`).waitFor();
    await screenshot(page, "multi-instance-delete-running");

    // The cancel goes to instance 2, through the same server action the dialog's Cancel button calls.
    expect(await cancelOn(two, jobId)).toContain('"cancelled":true');
    // Instance 1 sees the flag on its next beat and aborts; the walk stops as soon as its batch returns.
    await expect.poll(async () => (await one.db.job.findUniqueOrThrow({ where: { id: jobId } })).cancelRequested).toBe(true);
    gate.release();

    await expect.poll(async () => (await jobOn(two, jobId)).status, { timeout: 30_000 }).toBe("cancelled");
    const finalOnOne = await jobOn(one, jobId);
    const finalOnTwo = await jobOn(two, jobId);
    expect(finalOnOne.status).toBe("cancelled");
    expect(finalOnTwo.progress).toEqual(finalOnOne.progress);
    await dialog.getByText("Finished: cancelled").waitFor();
    const left = await redis.raw().dbsize();
    expect(left).toBeGreaterThan(1);
    expect(left).toBe(KEYS + 1 - finalOnTwo.progress.affected);
    expect(await redis.raw().get("other:key")).toBe("kept");
    const audit = await two.db.auditEntry.findFirstOrThrow({ where: { action: "namespaces.delete" } });
    expect(audit.status).toBe("done");
    expect(JSON.parse(audit.detail!)).toMatchObject({ prefix: "big:", cancelled: true, count: finalOnTwo.progress.affected });
  });

  it("show an export streaming from one on the other, cancel it from the other (the file ends with the CANCELLED line), and mark an aborted download cancelled", async () => {
    const { page } = browser;
    await fillBig();
    const total = await redis.raw().dbsize();
    await page.goto(`${one.url}/c/${connectionId}`);
    await page.getByTestId("namespace-tree").getByRole("treeitem", { name: "big", exact: true }).waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Export…" }).first().click();
    const dialog = page.getByTestId("export-dialog");
    await dialog.getByText("The whole database").click();
    // The export stops between two SCAN pages for as long as the test needs, as a slow download would hold it.
    gate.holdAt("SCAN", 3);
    await dialog.getByRole("button", { name: "Export", exact: true }).click();
    await waitFor("the export to be held between two SCAN pages", async () => gate.holding(), { timeoutMs: 60_000 });
    const progress = dialog.getByTestId("export-progress");
    await expect.poll(() => progress.getAttribute("data-job-id"), { timeout: 30_000 }).toMatch(/^[0-9a-f-]{36}$/);
    const jobId = (await progress.getAttribute("data-job-id"))!;

    // Instance 2 reads the row instance 1 writes while it streams, and takes the cancel.
    expect(await jobOn(two, jobId)).toMatchObject({ kind: "export", status: "running", progress: { total } });
    expect(await cancelOn(two, jobId)).toContain('"cancelled":true');
    // Two heartbeats of instance 1 after the flag: the first of them has read it and aborted the scan.
    for (let i = 0; i < 2; i++) {
      const before = (await two.db.job.findUniqueOrThrow({ where: { id: jobId } })).heartbeatAt.getTime();
      await expect.poll(async () => (await two.db.job.findUniqueOrThrow({ where: { id: jobId } })).heartbeatAt.getTime(), { timeout: 30_000 }).toBeGreaterThan(before);
    }
    gate.release();

    // The stream's last line says it was cancelled; the dialog shows it (its message under Details) and saves nothing.
    const alert = dialog.getByRole("alert");
    await alert.getByText("The operation was cancelled.").waitFor({ timeout: 30_000 });
    expect(await alert.locator("[data-error-code]").getAttribute("data-error-code")).toBe("CANCELLED");
    expect(await alert.textContent()).toContain("The export was cancelled before it was complete");
    await screenshot(page, "multi-instance-export-cancelled");
    await expect.poll(async () => (await jobOn(two, jobId)).status, { timeout: 30_000 }).toBe("cancelled");
    const job = await jobOn(two, jobId);
    expect(job.result).toEqual({ keys: job.progress.affected });
    expect(job.progress.affected).toBeLessThan(total);
    expect(await jobOn(one, jobId)).toMatchObject({ status: "cancelled", result: job.result });
    await progress.getByText(`${job.progress.affected.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} keys`).waitFor();

    // The dialog's own Cancel aborts the download; instance 1 ends the export's row as cancelled.
    gate.holdAt("SCAN", 3);
    await dialog.getByRole("button", { name: "Export", exact: true }).click();
    await waitFor("the second export to be held", async () => gate.holding(), { timeoutMs: 60_000 });
    const newJob = async () => {
      const id = await progress.getAttribute("data-job-id");
      return id !== jobId ? (id ?? "") : "";
    };
    await expect.poll(newJob, { timeout: 30_000 }).toMatch(/^[0-9a-f-]{36}$/);
    const abortedId = await newJob();
    expect((await jobOn(two, abortedId)).status).toBe("running");
    await dialog.getByRole("button", { name: "Cancel export" }).click();
    gate.release();
    await expect.poll(async () => (await jobOn(two, abortedId)).status, { timeout: 30_000 }).toBe("cancelled");
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  it("report a job interrupted, with its count, when the instance running it is killed", async () => {
    const { page } = browser;
    await fillBig();
    const before = await redis.raw().dbsize();
    const jobId = await startHeldDelete(page);
    await expect.poll(async () => (await jobOn(two, jobId)).progress.affected, { timeout: 30_000 }).toBeGreaterThan(0);
    const lastSeen = await jobOn(two, jobId);
    expect(lastSeen.status).toBe("running");

    process.kill(one.process.pid, "SIGKILL");
    await one.process.exited;
    gate.release();

    // No heartbeat any more: after the staleness limit instance 2 says interrupted, never running forever.
    await expect.poll(async () => (await jobOn(two, jobId)).status, { timeout: 90_000, interval: 1000 }).toBe("interrupted");
    const job = await jobOn(two, jobId);
    expect(job.progress.affected).toBe(lastSeen.progress.affected);
    expect(job.finishedAt).not.toBeNull();
    const left = await redis.raw().dbsize();
    expect(left).toBeGreaterThan(1);
    expect(left).toBeLessThan(before);
    // The delete's audit entry keeps the count it had written, still marked running: the record of how far it got.
    const audit = await two.db.auditEntry.findFirstOrThrow({ where: { action: "namespaces.delete" }, orderBy: { id: "desc" } });
    expect(audit.status).toBe("running");

    // A cancel of a dead instance's job is refused rather than flagged for nobody.
    expect(await cancelOn(two, jobId)).toContain('"cancelled":false');
    await page.goto(`${two.url}/c/${connectionId}`);
    await page.getByTestId("namespace-tree").getByRole("treeitem", { name: "big", exact: true }).waitFor({ timeout: 60_000 });
    await screenshot(page, "multi-instance-after-kill");
  });
});
