/**
 * The Jobs tab: a namespace delete started by an editor (held mid-way by the gate in front of Redis, so
 * "running" is a state the test sets up) is listed to a viewer without a Cancel button and to an admin with
 * one; the running count shows on the tab; the admin cancels it there, and both the admin's list and the
 * editor's own dialog and list show it cancelled. Screenshots of the tab at 390, 1280 and 1920 px, light and dark.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { startGateProxy, type GateProxy } from "../support/gate-proxy";
import { waitFor } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const password = "correct horse battery";
const people = {
  editor: { email: "eve@example.test", name: "Eve", role: "editor" },
  admin: { email: "ada@example.test", name: "Ada", role: "admin" },
  viewer: { email: "vic@example.test", name: "Vic", role: "viewer" },
};
const KEYS = 50_000;

describe("the Jobs tab", () => {
  let redis: RedisServer;
  let gate: GateProxy;
  let app: RunningApp;
  const browsers: Browser[] = [];
  let connectionId = "";

  beforeAll(async () => {
    redis = await startRedis();
    gate = await startGateProxy(redis.port);
    app = await startApp();
    const passwordHash = await hashPassword(password);
    const ids: Record<string, string> = {};
    for (const [key, person] of Object.entries(people)) ids[key] = (await app.db.user.create({ data: { ...person, passwordHash } })).id;
    for (let start = 0; start < KEYS; start += 5000) {
      const pipeline = redis.raw().pipeline();
      for (let i = start; i < start + 5000; i++) pipeline.set(`big:item:${i}`, "v");
      await pipeline.exec();
    }
    // A long timeout: the held delete waits at the gate while the test looks and takes its screenshots.
    // 1000 keys per batch, as the held delete below expects most of `big:` to be left after four batches.
    connectionId = (await app.db.connectionProfile.create({ data: { name: "shared redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: gate.port }), timeoutMs: 120_000, scanCount: 1000 } })).id;
    // Jobs that ended earlier in the hour, as the rows of other instances would have left them.
    const now = Date.now();
    const ended = (id: string, kind: string, ownerId: string, status: string, agoMs: number, extra: Record<string, unknown> = {}) => ({
      id,
      kind,
      connectionId,
      ownerId,
      status,
      progress: JSON.stringify({ scanned: 50_001, matched: 50_001, affected: 50_001, total: 50_001 }),
      startedAt: new Date(now - agoMs - 42_000),
      heartbeatAt: new Date(now - agoMs),
      finishedAt: new Date(now - agoMs),
      instanceId: "other:1:x",
      ...extra,
    });
    await app.db.job.createMany({
      data: [
        ended("00000000-0000-4000-8000-000000000001", "export", ids.viewer!, "done", 5 * 60_000),
        ended("00000000-0000-4000-8000-000000000002", "analysis", ids.admin!, "error", 20 * 60_000, {
          connectionId: `${connectionId}~3`,
          errorCode: "TIMEOUT",
          errorMessage: "The server did not answer in time.",
          progress: JSON.stringify({ scanned: 1200, matched: 0, affected: 0, total: 50_001 }),
        }),
      ],
    });
  });
  afterAll(async () => {
    gate?.release();
    for (const browser of browsers) await browser.close();
    await app?.stop();
    await gate?.stop();
    await redis?.stop();
  });

  async function signedIn(person: keyof typeof people): Promise<Page> {
    const browser = await openBrowser();
    browsers.push(browser);
    await signInAs(browser.page, app.url, people[person].email, password);
    return browser.page;
  }

  const item = (page: Page, jobId: string) => page.locator(`[data-testid="job-item"][data-job-id="${jobId}"]`);

  it("lists a job to everyone on the connection, cancellable by its owner and an admin only", async () => {
    // Eve starts a delete of `big:`; the gate holds it after a few UNLINK batches.
    const eve = await signedIn("editor");
    await eve.goto(`${app.url}/c/${connectionId}`);
    const tree = eve.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "big", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for big", exact: true }).click();
    await eve.getByRole("menuitem", { name: "Delete all…" }).click();
    const dialog = eve.getByRole("dialog");
    await dialog.getByTestId("namespace-preview").filter({ hasText: /keys will be deleted/ }).waitFor({ timeout: 60_000 });
    await dialog.getByLabel("Confirmation text").fill("big:");
    gate.holdAt("UNLINK", 4);
    await dialog.getByRole("button", { name: /^Delete [\d,]+ keys$/ }).click();
    await waitFor("the delete to be held after a few batches", async () => gate.holding(), { timeoutMs: 60_000 });
    const jobId = (await app.db.job.findFirstOrThrow({ where: { kind: "delete", status: "running" } })).id;
    await expect.poll(async () => JSON.parse((await app.db.job.findUniqueOrThrow({ where: { id: jobId } })).progress).affected, { timeout: 30_000 }).toBeGreaterThan(0);
    // Her own tabs count it at once (the dialog's job tells the list), not at the next idle look a half-minute on.
    await eve.getByTestId("running-jobs-count").waitFor({ timeout: 15_000 });

    // Vic, a viewer, sees it with who started it and its progress, and no Cancel button.
    const vic = await signedIn("viewer");
    await vic.goto(`${app.url}/c/${connectionId}/jobs`);
    const seenByVic = item(vic, jobId);
    await seenByVic.waitFor({ timeout: 30_000 });
    expect(await seenByVic.getByTestId("job-status").textContent()).toBe("Running");
    expect(await seenByVic.textContent()).toContain("Delete keys");
    expect(await seenByVic.getByTestId("job-target").textContent()).toBe("big:*");
    expect(await seenByVic.textContent()).toContain("Started by eve@example.test");
    expect(await seenByVic.getByTestId("job-progress").textContent()).toMatch(/^[\d,]+ of 50,000 keys scanned \([\d.]+ %\) · [\d,]+ deleted$/);
    expect(await seenByVic.getByRole("button").count()).toBe(0);
    // The export Vic ran earlier is listed as done; its row offers no Cancel either.
    expect(await item(vic, "00000000-0000-4000-8000-000000000001").getByTestId("job-status").textContent()).toBe("Done");
    await screenshot(vic, "jobs-viewer-1280-light");

    // Ada, an admin, sees the job with a Cancel button, and the running count on the tab. (She opens the tab
    // directly: every other tab reads the cache through the held gate, and hung reads take the browser's sockets.)
    const ada = await signedIn("admin");
    await ada.goto(`${app.url}/c/${connectionId}/jobs`);
    const count = ada.getByTestId("running-jobs-count");
    await count.waitFor({ timeout: 30_000 });
    expect(await count.getAttribute("title")).toBe("1 job running");
    const tab = ada.getByRole("navigation", { name: "Connection" }).getByRole("link", { name: /^Jobs/ });
    expect(await tab.getAttribute("href")).toBe(`/c/${connectionId}/jobs`);
    expect(await tab.getAttribute("aria-current")).toBe("page");
    const seenByAda = item(ada, jobId);
    await seenByAda.waitFor({ timeout: 30_000 });
    const cancel = seenByAda.getByRole("button", { name: "Cancel Delete keys started by eve@example.test" });
    await cancel.waitFor();
    const failed = item(ada, "00000000-0000-4000-8000-000000000002");
    expect(await failed.textContent()).toContain("database 3");
    expect(await failed.getByTestId("job-status").textContent()).toBe("Failed");
    for (const scheme of ["light", "dark"] as const) {
      await ada.emulateMedia({ colorScheme: scheme });
      for (const width of [390, 1280, 1920]) {
        await ada.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        // Loaded on a phone's width, the tabs scroll to show the current one (the last).
        if (width === 390) await ada.reload();
        await seenByAda.waitFor();
        await screenshot(ada, `jobs-running-${width}-${scheme}`);
      }
    }
    await ada.emulateMedia({ colorScheme: "light" });
    await ada.setViewportSize({ width: 1280, height: 800 });

    await cancel.click();
    await expect.poll(async () => (await app.db.job.findUniqueOrThrow({ where: { id: jobId } })).cancelRequested, { timeout: 30_000 }).toBe(true);
    gate.release();

    // Both see the outcome: Ada's list (the job moves to the ended ones), Eve's dialog and Eve's own list.
    await expect.poll(async () => item(ada, jobId).getAttribute("data-status"), { timeout: 30_000 }).toBe("cancelled");
    expect(await item(ada, jobId).getByTestId("job-status").textContent()).toBe("Cancelled");
    expect(await item(ada, jobId).getByRole("button").count()).toBe(0);
    await ada.getByRole("region", { name: "Running" }).getByText("No job is running on this connection.").waitFor();
    await expect.poll(async () => count.count(), { timeout: 30_000 }).toBe(0);
    await screenshot(ada, "jobs-cancelled-1280-light");
    await dialog.getByText("Finished: cancelled").waitFor({ timeout: 30_000 });
    await dialog.getByRole("button", { name: "Close" }).click();
    await eve.goto(`${app.url}/c/${connectionId}/jobs`);
    await expect.poll(async () => item(eve, jobId).getAttribute("data-status"), { timeout: 30_000 }).toBe("cancelled");
    expect(await item(eve, jobId).textContent()).toContain("Started by eve@example.test (you)");
    // Who stopped it is on the row and in the delete's one audit entry, beside what it had deleted.
    expect(await item(eve, jobId).getByTestId("job-cancelled-by").textContent()).toBe(" · cancelled by ada@example.test");
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "namespaces.delete" }, orderBy: { id: "desc" } });
    expect(JSON.parse(entry.detail ?? "{}")).toMatchObject({ cancelled: true, cancelledBy: "ada@example.test", prefix: "big:" });
    const left = await redis.raw().dbsize();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(KEYS);
    await screenshot(eve, "jobs-owner-after-cancel");
  });
});
