import { describe, expect, it, vi } from "vitest";

describe("DriverError", () => {
  it("is recognised across separately bundled copies of its module", async () => {
    const first = await import("@/lib/drivers/errors");
    vi.resetModules();
    const second = await import("@/lib/drivers/errors");
    expect(second.DriverError).not.toBe(first.DriverError);

    const thrownElsewhere = new second.DriverError("CONFLICT", "changed since it was loaded");
    expect(thrownElsewhere instanceof first.DriverError).toBe(true);
    expect(first.isDriverError(thrownElsewhere)).toBe(true);
    expect(thrownElsewhere.code).toBe("CONFLICT");

    const lookalike = Object.assign(new Error("x"), { name: "DriverError", code: "CONFLICT" });
    expect(first.isDriverError(lookalike)).toBe(false);
    expect(first.isDriverError(null)).toBe(false);
  });
});
