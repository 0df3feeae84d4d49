/** The Server tab's contract: every view the capabilities list answers in its own shape; every other is UNSUPPORTED. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { SERVER_VIEWS } from "@/lib/wire/server";
import type { Suite } from "./helpers";

export function serverViewsGroup(suite: Suite): void {
  describe("server views", () => {
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ driver, caps } = suite);
    });

    it("answers each view its capabilities list, and UNSUPPORTED for the others", async (ctx) => {
      if (caps.serverViews.length === 0) ctx.skip("needs capabilities.serverViews");
      const server = driver.server!;
      for (const view of SERVER_VIEWS) {
        if (caps.serverViews.includes(view)) await expect(server.view(view), view).resolves.toMatchObject({ view });
        else await expect(server.view(view), view).rejects.toMatchObject({ code: "UNSUPPORTED" });
      }
    });

    it("lists numbered databases only where the capabilities say so", async () => {
      const databases = driver.server?.databases;
      if (caps.databases) {
        const reply = await databases!();
        expect(reply.databases.length).toBeGreaterThanOrEqual(1);
        expect(reply.databases.map((db) => db.index)).toEqual(reply.databases.map((_, i) => i));
      } else if (databases) {
        await expect(databases()).rejects.toMatchObject({ code: "UNSUPPORTED" });
      } else {
        expect(databases).toBeUndefined();
      }
    });
  });
}
