/** A closed port answers CONNECTION_REFUSED at once; a paused server TIMEOUT within the limit, then recovers. */
import { beforeAll, describe, expect, it } from "vitest";
import { isDriverError } from "@/lib/drivers/errors";
import type { ReadResult } from "@/lib/drivers/types";
import { type ConformanceTarget, expectCode, unique, key, asString, type Suite } from "./helpers";

export function failuresGroup(suite: Suite): void {
  describe("connection failures", () => {
    let target: ConformanceTarget;
    const options = suite.options;

    beforeAll(() => {
      ({ target } = suite);
    });

    it("answers CONNECTION_REFUSED quickly for a closed port", async () => {
      const closed = target.connectClosedPort({ timeoutMs: 2000 });
      try {
        // A refusal is answered as soon as the server says no, not after the 2 s timeout ran out.
        for (const call of [() => closed.ping(), () => closed.read(Buffer.from("k"))]) {
          const started = Date.now();
          await expectCode(call(), "CONNECTION_REFUSED");
          expect(Date.now() - started).toBeLessThan(2000);
        }
      } finally {
        await closed.dispose();
      }
    });

    it("answers TIMEOUT within the limit while the server is paused, and recovers", async (ctx) => {
      if (!target.pause || !target.resume) return ctx.skip("this target cannot pause its server");
      const limit = options.pauseTimeoutMs ?? 800;
      const short = target.connect({ timeoutMs: limit });
      const k = key(unique("pause"), "k");
      try {
        await short.write(k, Buffer.from("before"));
        target.pause();
        try {
          const started = Date.now();
          await expectCode(short.read(k), "TIMEOUT");
          // Not before the limit; no upper bound is needed: the server stays paused until this call has
          // answered, so a driver without a timeout would hang here until the test's own timeout.
          expect(Date.now() - started).toBeGreaterThanOrEqual(limit - 50);
        } finally {
          target.resume();
        }
        let recovered: ReadResult | undefined;
        const deadline = Date.now() + 10_000;
        while (!recovered && Date.now() < deadline) {
          try {
            recovered = await short.read(k);
          } catch (error) {
            if (!isDriverError(error)) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        expect(recovered && asString(recovered).value.toString()).toBe("before");
      } finally {
        await short.dispose();
      }
    });
  });
}
