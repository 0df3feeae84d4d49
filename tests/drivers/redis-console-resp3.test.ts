/**
 * The console's RESP3 reader against a real Redis: each reply type as the server itself sends it (DEBUG
 * PROTOCOL, with the debug command enabled for local clients), nested arrays, verbatim strings with their
 * format, an attribute followed by its reply, and replies cut by elements and by bytes — counted whole, kept in
 * part — with nested elements sharing the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import type { ConsoleValue, ReplyLimits } from "@/lib/wire/console";
import { startRedis, type RedisServer } from "../support/redis";

const ROOMY: ReplyLimits = { elements: 10_000, bytes: 1 << 20 };

describe("the console's replies from a real Redis, by RESP3 type", () => {
  let server: RedisServer;
  let driver: Driver;

  beforeAll(async () => {
    server = await startRedis({ args: ["--enable-debug-command", "local"] });
    driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await driver?.dispose();
    await server?.stop();
  });

  const run = async (words: (string | Buffer)[], limits = ROOMY): Promise<ConsoleValue> =>
    (await driver.console!.run(words.map((w) => (typeof w === "string" ? Buffer.from(w) : w)), { limits })).reply;
  const text = (value: ConsoleValue | undefined) => (value?.t === "blob" ? Buffer.from(value.b64, "base64").toString() : value);

  it("keeps every scalar type the server sends", async () => {
    expect(text(await run(["DEBUG", "PROTOCOL", "string"]))).toBe("Hello World");
    expect(await run(["DEBUG", "PROTOCOL", "integer"])).toEqual({ t: "int", value: "12345" });
    expect(await run(["DEBUG", "PROTOCOL", "double"])).toEqual({ t: "double", value: "3.141" });
    expect(await run(["DEBUG", "PROTOCOL", "bignum"])).toEqual({ t: "bignum", value: "1234567999999999999999999999999999999" });
    expect(await run(["DEBUG", "PROTOCOL", "null"])).toEqual({ t: "null" });
    expect(await run(["DEBUG", "PROTOCOL", "true"])).toEqual({ t: "bool", value: true });
    expect(await run(["DEBUG", "PROTOCOL", "false"])).toEqual({ t: "bool", value: false });
    expect(await run(["NO-SUCH-COMMAND"])).toMatchObject({ t: "error", text: expect.stringMatching(/^ERR unknown command/) });
  });

  it("keeps aggregates, verbatim strings and the reply an attribute describes", async () => {
    expect(await run(["DEBUG", "PROTOCOL", "array"])).toMatchObject({ t: "array", total: 3, items: [{ t: "int", value: "0" }, { t: "int", value: "1" }, { t: "int", value: "2" }] });
    expect(await run(["DEBUG", "PROTOCOL", "set"])).toMatchObject({ t: "set", total: 3 });
    const map = await run(["DEBUG", "PROTOCOL", "map"]);
    expect(map).toMatchObject({ t: "map", total: 3 });
    expect(map.t === "map" && map.entries.map(([k, v]) => [k, v])).toEqual([
      [{ t: "int", value: "0" }, { t: "bool", value: false }],
      [{ t: "int", value: "1" }, { t: "bool", value: true }],
      [{ t: "int", value: "2" }, { t: "bool", value: false }],
    ]);
    const verbatim = await run(["DEBUG", "PROTOCOL", "verbatim"]);
    expect(verbatim).toMatchObject({ t: "blob", format: "txt" });
    expect(text(verbatim)).toBe("This is a verbatim\nstring");
    expect(text(await run(["DEBUG", "PROTOCOL", "attrib"]))).toBe("Some real reply following the attribute");
  });

  it("keeps nested arrays and binary bytes, and cuts by elements and bytes with the totals kept", async () => {
    const raw = server.raw();
    await raw.xadd("events", "1-0", "field", Buffer.from([0x00, 0xff]));
    expect(await run(["XRANGE", "events", "-", "+"])).toEqual({
      t: "array",
      total: 1,
      items: [
        {
          t: "array",
          total: 2,
          items: [
            { t: "blob", b64: Buffer.from("1-0").toString("base64"), size: 3 },
            {
              t: "array",
              total: 2,
              items: [
                { t: "blob", b64: Buffer.from("field").toString("base64"), size: 5 },
                { t: "blob", b64: Buffer.from([0x00, 0xff]).toString("base64"), size: 2 },
              ],
            },
          ],
        },
      ],
    });

    await raw.rpush("long", ...Array.from({ length: 5000 }, (_, i) => `item-${i}`));
    const cut = await run(["LRANGE", "long", "0", "-1"], { elements: 10, bytes: 1 << 20 });
    expect(cut).toMatchObject({ t: "array", total: 5000 });
    expect(cut.t === "array" && cut.items.map(text)).toEqual(Array.from({ length: 10 }, (_, i) => `item-${i}`));

    // Nested elements share the one budget: 3 elements are the outer entry, its id and its field list.
    const nested = await run(["XRANGE", "events", "-", "+"], { elements: 3, bytes: 1 << 20 });
    expect(nested.t === "array" && nested.items[0]).toMatchObject({ t: "array", total: 2, items: [{ t: "blob" }, { t: "array", total: 2, items: [] }] });

    await raw.set("big", Buffer.alloc(300_000, 0x61));
    const big = await run(["GET", "big"], { elements: 10, bytes: 1000 });
    expect(big).toMatchObject({ t: "blob", size: 300_000 });
    expect(big.t === "blob" && Buffer.from(big.b64, "base64").length).toBe(1000);
    // The cut bytes are read past, not parsed: the element after them is read whole, with what budget is left.
    await raw.set("after", "after-value");
    const both = await run(["MGET", "big", "after"], { elements: 10, bytes: 1005 });
    expect(both.t === "array" && both.items.map((item) => (item.t === "blob" ? [item.size, Buffer.from(item.b64, "base64").toString()] : item))).toEqual([
      [300_000, "a".repeat(1005)],
      [11, ""],
    ]);
    const first = await run(["MGET", "after", "big"], { elements: 10, bytes: 1005 });
    expect(first.t === "array" && first.items.map((item) => (item.t === "blob" ? item.size : item))).toEqual([11, 300_000]);
    expect(first.t === "array" && text(first.items[0])).toBe("after-value");
    raw.disconnect();
  });
});
