/**
 * Debian's Chromium driven by playwright-core, with a fresh profile per browser, and screenshots saved under
 * test-results/screenshots (git-ignored) so people can look at every page a test visited.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { removeDir, requireBinary, tempDir } from "../../support/process";

const screenshotDir = path.resolve(import.meta.dirname, "../../../test-results/screenshots");

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(options: { colorScheme?: "light" | "dark"; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const executablePath = requireBinary("chromium", "chromium");
  const profile = tempDir("chromium");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? "light",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      removeDir(profile);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // Transitions finished: a theme switched just before would otherwise be caught halfway (buttons fade their colours).
  await page.screenshot({ path: file, fullPage: false, animations: "disabled" });
  return file;
}

/** Signs in through the login form, as a person would. */
export async function signInAs(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** Creates the first admin through the setup form, as a person would on a fresh install, and waits until signed in. */
export async function createFirstAdmin(page: Page, baseUrl: string, admin: { email: string; password: string; name?: string }): Promise<void> {
  await page.goto(`${baseUrl}/setup`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Name").fill(admin.name ?? "Ada Admin");
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Repeat password").fill(admin.password);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await page.waitForURL(`${baseUrl}/`);
}
