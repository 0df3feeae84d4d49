/**
 * The console's uWSGI cache commands: get, set (only when absent, like `cache_set`), update, del, exists and
 * stats (the stats server's cache section). Keys are written `<cache>:<key>`, as everywhere in Cacheboard.
 */
import type { ConsoleValue } from "../../wire/console";
import { DriverError } from "../errors";
import type { ConsoleRunner, ConsoleRunOptions } from "../operations";
import { fetchStats } from "./protocol";
import type { UwsgiServer } from "./server";

const simple = (text: string): ConsoleValue => ({ t: "simple", text });

function seconds(arg: Buffer | undefined): number {
  if (!arg) return 0;
  const text = arg.toString("latin1");
  if (!/^\d{1,10}$/.test(text)) throw new DriverError("INVALID_ARGUMENT", "expires must be a whole number of seconds (0: never).");
  return Number(text);
}

export function uwsgiConsole(server: UwsgiServer): ConsoleRunner {
  async function run(args: Buffer[], options: ConsoleRunOptions): Promise<{ reply: ConsoleValue; node: string | null }> {
    const name = args[0].toString("latin1").toLowerCase();
    const key = args[1];
    const need = (count: number, usage: string) => {
      if (args.length < count) throw new DriverError("INVALID_ARGUMENT", `Usage: ${usage}`);
    };
    const command = async (cmd: "del" | "exists") => {
      const r = await server.resolve(key);
      if (!r || r.inner.length === 0) return { t: "int" as const, value: "0" };
      const reply = await server.cacheCommand(server.address, { cmd, key: r.inner, cache: r.cache.name }, null, server.timeoutMs);
      return { t: "int" as const, value: reply ? "1" : "0" };
    };
    switch (name) {
      case "get": {
        need(2, "get <cache>:<key>");
        const r = await server.resolve(key);
        const reply = r ? await server.get(r) : null;
        if (!reply) return { reply: { t: "null" }, node: null };
        const keep = Math.min(reply.value.length, options.limits.bytes);
        return { reply: { t: "blob", b64: reply.value.subarray(0, keep).toString("base64"), size: reply.value.length }, node: null };
      }
      case "set":
      case "update": {
        need(3, `${name} <cache>:<key> <value> [<expires seconds>]`);
        const r = await server.resolveForWrite(key);
        if (args[2].length === 0) throw new DriverError("INVALID_ARGUMENT", "uWSGI caches refuse empty values.");
        const stored = await server.store(name, r, args[2], seconds(args[3]));
        return { reply: stored ? simple("OK") : { t: "error", text: name === "set" ? "not stored: the key exists, or the cache is full" : "not stored: the cache is full" }, node: null };
      }
      case "del":
        need(2, "del <cache>:<key>");
        return { reply: await command("del"), node: null };
      case "exists":
        need(2, "exists <cache>:<key>");
        return { reply: await command("exists"), node: null };
      case "stats": {
        if (!server.statsAddress) throw new DriverError("UNSUPPORTED", "stats needs the uWSGI stats server address in the connection profile.");
        const stats = await fetchStats(server.statsAddress, server.timeoutMs);
        const caches = (stats.caches ?? []).map((cache): [ConsoleValue, ConsoleValue] => {
          const entries = Object.entries(cache).map(([field, value]): [ConsoleValue, ConsoleValue] => [simple(field), typeof value === "number" ? { t: "int", value: String(value) } : simple(String(value))]);
          return [simple(cache.name), { t: "map", entries, total: entries.length }];
        });
        return { reply: { t: "map", entries: caches, total: caches.length }, node: null };
      }
      default:
        throw new DriverError("UNSUPPORTED", `The console does not run "${name}" on uWSGI.`);
    }
  }
  return { run };
}
