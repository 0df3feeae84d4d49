import { describe, expect, it } from "vitest";
import { MAX_TTL_MS, ttlMsSchema, ttlSecondsTextSchema } from "@/lib/ttl";

const ttlMsFromSeconds = (text: string) => ttlSecondsTextSchema.safeParse(text).data ?? null;

describe("one TTL bound for the fields and the actions", () => {
  it("accepts whole milliseconds from 1 up to 10 years", () => {
    expect(MAX_TTL_MS).toBe(315_360_000_000);
    expect(ttlMsSchema.safeParse(1).success).toBe(true);
    expect(ttlMsSchema.safeParse(MAX_TTL_MS).success).toBe(true);
    for (const refused of [0, -1, 1.5, MAX_TTL_MS + 1, Number.MAX_SAFE_INTEGER, Infinity, NaN]) {
      expect(ttlMsSchema.safeParse(refused).success, String(refused)).toBe(false);
    }
  });

  it("reads a field's whole seconds into milliseconds", () => {
    expect(ttlMsFromSeconds("3600")).toBe(3_600_000);
    expect(ttlMsFromSeconds(" 120 ")).toBe(120_000);
    expect(ttlMsFromSeconds(String(MAX_TTL_MS / 1000))).toBe(MAX_TTL_MS);
    for (const refused of ["", "0", "-5", "1.5", "1e3", "abc", String(MAX_TTL_MS / 1000 + 1), "9".repeat(30)]) {
      expect(ttlMsFromSeconds(refused), refused).toBeNull();
    }
  });
});
