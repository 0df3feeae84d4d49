/** The other half of the capability contract: what a backend lacks is refused with UNSUPPORTED. */
import { beforeAll, describe, expect, it } from "vitest";
import { DriverError } from "@/lib/drivers/errors";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { unique, key, asString, type Suite } from "./helpers";

export function unsupportedGroup(suite: Suite): void {
  describe("what the capabilities rule out", () => {
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ driver, caps } = suite);
    });

    it("refuses what its capabilities say it cannot do with UNSUPPORTED, changing nothing", async (ctx) => {
      const ns = unique("unsupported");
      const k = key(ns, "k");
      await driver.write(k, Buffer.from("7"));
      const refusals: [keyof Capabilities, () => Promise<unknown>][] = [
        ["listKeys", () => driver.scan({ prefix: Buffer.from(ns) })],
        ["ttl", () => driver.expire(k, 60_000)],
        ["persist", () => driver.persist(k)],
        ["counters", () => driver.increment(k, 1)],
        ["rename", () => driver.rename(k, key(ns, "renamed"))],
        ["namespaceDelete", () => driver.deletePrefix(Buffer.from(ns))],
        ["namespaceExpire", () => driver.expirePrefix(Buffer.from(ns), 60_000)],
        ["dumpRestore", async () => (driver.dump ? driver.dump(k) : Promise.reject(new DriverError("UNSUPPORTED", "no dump method")))],
        ["flush", async () => (driver.flush ? driver.flush() : Promise.reject(new DriverError("UNSUPPORTED", "no flush method")))],
      ];
      const lacking = refusals.filter(([capability]) => !caps[capability]);
      if (lacking.length === 0) ctx.skip("every capability with a refusal contract is present");
      for (const [capability, call] of lacking) {
        await expect(call(), `capabilities.${capability} is false`).rejects.toMatchObject({ code: "UNSUPPORTED" });
      }
      const read = asString(await driver.read(k));
      expect(read.value.toString()).toBe("7");
      expect(read.ttlMs).toBeNull();
      await driver.delete([k]);
    });
  });
}
