/**
 * A deployment's connections file (YAML) is applied when the server starts: the profile appears, marked
 * managed, with its password from the environment, and neither the UI nor a forged action can change it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const root = path.resolve(import.meta.dirname, "../..");
const admin = { email: "admin@example.test", password: "correct horse battery" };

describe("declared connections", () => {
  let redis: RedisServer;
  let app: RunningApp;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis({ password: "from-env-secret" });
    await redis.raw().set("declared:key", "value");
    dir = tempDir("declared");
    const file = path.join(dir, "connections.yaml");
    writeFileSync(
      file,
      [
        "connections:",
        "  - name: Shared cache",
        "    kind: redis",
        "    environment: production",
        "    readOnly: true",
        "    settings:",
        "      host: 127.0.0.1",
        `      port: ${redis.port}`,
        "    secretsFromEnv:",
        "      password: SHARED_CACHE_PASSWORD",
        "",
      ].join("\n"),
    );
    app = await startApp({ CACHEBOARD_CONNECTIONS_FILE: file, SHARED_CACHE_PASSWORD: "from-env-secret" });
    await app.db.user.create({ data: { email: admin.email, role: "admin", passwordHash: await hashPassword(admin.password) } });
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
    if (dir) removeDir(dir);
  });

  it("applies the file at start and marks the profile managed", async () => {
    const profile = await app.db.connectionProfile.findUniqueOrThrow({ where: { name: "Shared cache" } });
    expect(profile).toMatchObject({ managed: true, readOnly: true, environment: "production", kind: "redis" });
    expect(profile.secret).not.toContain("from-env-secret");
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "connections.apply-declared" } });
    expect(entry.actorEmail).toBe("(system)");
    expect(JSON.parse(entry.detail!)).toMatchObject({ created: ["Shared cache"] });

    const { page } = browser;
    await page.goto(`${app.url}/connections`);
    const row = page.getByRole("row").filter({ hasText: "Shared cache" });
    await row.getByText("managed").waitFor();
    await page.getByTestId(`status-${profile.id}`).first().and(page.locator('[data-state="up"]')).waitFor();
    await expect(row.getByRole("link", { name: "Edit" }).count()).resolves.toBe(0);
    await expect(row.getByRole("button", { name: "Delete" }).count()).resolves.toBe(0);
    await screenshot(page, "connections-managed-list");

    await page.goto(`${app.url}/connections/${profile.id}/edit`);
    await page.getByRole("status").filter({ hasText: "declared by the deployment" }).waitFor();
    await expect(page.getByRole("button", { name: "Save changes" }).count()).resolves.toBe(0);
    await screenshot(page, "connections-managed-edit");

    await page.goto(`${app.url}/c/${profile.id}`);
    await page.locator('[role="row"][data-key="declared:key"]').waitFor();
  });

  it("refuses a forged edit or delete of the managed profile", async () => {
    const manifest = JSON.parse(readFileSync(path.join(root, process.env.CACHEBOARD_DIST_DIR || ".next", "server/server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { filename: string; exportedName: string }>;
    };
    const idOf = (file: string, name: string) => Object.entries(manifest.node).find(([, e]) => e.filename === file && e.exportedName === name)![0];
    const profile = await app.db.connectionProfile.findUniqueOrThrow({ where: { name: "Shared cache" } });
    const call = (page: string, id: string, args: unknown) =>
      browser.page.evaluate(
        async ({ url, id, body }) => (await fetch(url, { method: "POST", headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" }, body })).text(),
        { url: `${app.url}${page}`, id, body: JSON.stringify([args]) },
      );
    const edit = await call("/connections/new", idOf("lib/actions/connections/update-connection.ts", "updateConnection"), {
      id: profile.id,
      profile: { name: "Shared cache", kind: "redis", settings: { host: "127.0.0.1", port: 1 } },
    });
    expect(edit).toContain("MANAGED");
    const removal = await call("/connections", idOf("lib/actions/connections/delete-connection.ts", "deleteConnection"), { id: profile.id });
    expect(removal).toContain("MANAGED");
    const after = await app.db.connectionProfile.findUniqueOrThrow({ where: { id: profile.id } });
    expect(after.settings).toBe(profile.settings);
  });
});
