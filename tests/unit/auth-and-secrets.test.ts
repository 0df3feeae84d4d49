import { statSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/auth/password";
import { roleAllows } from "@/lib/auth/roles";
import { removeDir, tempDir } from "../support/process";

describe("password hashing", () => {
  it("verifies the right password only, with a salted scrypt hash", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await hashPassword("correct horse battery")).not.toBe(hash);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(await verifyPassword("anything", "md5$abc")).toBe(false);
  });

  it("asks for long enough passwords", () => {
    expect(passwordProblem("short")).toMatch(/at least 10/);
    expect(passwordProblem("long enough now")).toBeNull();
  });
});

describe("roles", () => {
  it("orders viewer < editor < admin and rejects unknown roles", () => {
    expect(roleAllows("admin", "editor")).toBe(true);
    expect(roleAllows("editor", "editor")).toBe(true);
    expect(roleAllows("viewer", "editor")).toBe(false);
    expect(roleAllows("root", "viewer")).toBe(false);
  });
});

describe("sealed secrets", () => {
  const dir = tempDir("secrets");
  afterAll(() => removeDir(dir));

  it("generates a 0600 key file beside the database and round-trips with fresh IVs", async () => {
    delete process.env.CACHEBOARD_SECRET_KEY;
    process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
    const { sealSecret, openSecret, secretKeyPath } = await import("@/lib/secrets");
    const a = sealSecret("p@ss");
    const b = sealSecret("p@ss");
    expect(a).not.toBe(b);
    expect(a).not.toContain("p@ss");
    expect(openSecret(a)).toBe("p@ss");
    expect(secretKeyPath()).toBe(path.join(dir, "secret.key"));
    expect(statSync(secretKeyPath()).mode & 0o777).toBe(0o600);

    const [version, iv, tag, body] = a.split(".");
    const flipped = Buffer.from(body!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret([version, iv, tag, flipped.toString("base64")].join("."))).toThrow();
  });
});
