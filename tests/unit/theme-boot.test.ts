/** The boot script in public/ reads the same storage key the theme switch writes. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { THEME_STORAGE_KEY } from "@/lib/ui/theme";

describe("theme boot script", () => {
  it("reads the theme switch's storage key", () => {
    const script = readFileSync(path.resolve(import.meta.dirname, "../../public/theme-boot.js"), "utf8");
    expect(script).toContain(`localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)})`);
  });
});
