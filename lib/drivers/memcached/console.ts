/**
 * The console's memcached commands on the driver's own connections: get/gets (as meta gets, so binary keys
 * work), mg, ms, md, ma, touch, incr/decr, stats with its read-only sub-commands, and version. A keyed command
 * goes to the server its key lives on; stats and version ask every server of the pool. Which commands a person
 * may run is decided in lib/server/console; this only speaks the protocol.
 */
import type { ConsoleValue, ReplyLimits } from "../../wire/console";
import { keyText } from "../../wire/keys";
import { DriverError } from "../errors";
import type { ConsoleRunner, ConsoleRunOptions } from "../operations";
import { metaKey, metaSet, type MetaReply } from "./connection";
import type { MemcachedPool } from "./pool";

const MEMCACHED_STATS_SUBCOMMANDS = ["", "slabs", "items", "settings", "sizes", "conns"];

const simple = (text: string): ConsoleValue => ({ t: "simple", text });

function blob(value: Buffer, limits: { bytes: number }): ConsoleValue {
  const keep = Math.min(value.length, limits.bytes);
  limits.bytes -= keep;
  return { t: "blob", b64: value.subarray(0, keep).toString("base64"), size: value.length };
}

/** A meta flag as typed: a letter and an optional token, nothing that could end the command line. */
function flagTokens(args: Buffer[]): string[] {
  return args.map((arg) => {
    const token = arg.toString("latin1");
    if (!/^[A-Za-z][\x21-\x7e]*$/.test(token)) throw new DriverError("INVALID_ARGUMENT", `Not a meta flag: ${JSON.stringify(token)}`);
    if (token === "b") throw new DriverError("INVALID_ARGUMENT", "Type the key itself (binary bytes as \\xHH); the console base64-encodes it for you.");
    return token;
  });
}

function number(arg: Buffer | undefined, what: string): string {
  const token = arg?.toString("latin1") ?? "";
  if (!/^-?\d{1,20}$/.test(token)) throw new DriverError("INVALID_ARGUMENT", `${what} must be a whole number.`);
  return token;
}

function replyOf(reply: MetaReply, limits: { bytes: number }): ConsoleValue {
  if (reply.status === "ERROR" || reply.status === "CLIENT_ERROR" || reply.status === "SERVER_ERROR") return { t: "error", text: reply.line };
  if (reply.value) return { t: "array", items: [simple(reply.line), blob(reply.value, limits)], total: 2 };
  return simple(reply.line);
}

export function memcachedConsole(pool: MemcachedPool): ConsoleRunner {
  const many = pool.servers.length > 1;

  async function keyed(key: Buffer, payload: Buffer | string): Promise<MetaReply> {
    return pool.connectionFor(key).one(typeof payload === "string" ? Buffer.from(payload, "latin1") : payload);
  }

  async function everyServer(line: string, shape: "line" | "stats", limits: { bytes: number }): Promise<ConsoleValue> {
    const replies = await Promise.all(pool.connections.map((connection) => connection.one(line, shape)));
    const values = replies.map((reply): ConsoleValue => {
      if (shape === "line" || !reply.stats || reply.status !== "END") return replyOf(reply, limits);
      const entries = [...reply.stats].map(([name, value]): [ConsoleValue, ConsoleValue] => [simple(name), simple(value)]);
      return { t: "map", entries, total: entries.length };
    });
    if (!many) return values[0];
    return { t: "map", entries: values.map((value, i) => [simple(pool.servers[i]), value]), total: values.length };
  }

  async function run(args: Buffer[], options: ConsoleRunOptions): Promise<{ reply: ConsoleValue; node: string | null }> {
    const limits: ReplyLimits = { ...options.limits };
    const name = args[0].toString("latin1").toLowerCase();
    const key = args[1];
    const node = key && many ? pool.servers[pool.serverOf(key)] : null;
    const need = (count: number, usage: string) => {
      if (args.length < count) throw new DriverError("INVALID_ARGUMENT", `Usage: ${usage}`);
    };
    switch (name) {
      case "get":
      case "gets": {
        need(2, `${name} <key> [<key> …]`);
        const items: ConsoleValue[] = [];
        const nodes = new Set<string>();
        for (const k of args.slice(1)) {
          nodes.add(pool.servers[pool.serverOf(k)]);
          const reply = await keyed(k, `mg ${metaKey(k)} v f${name === "gets" ? " c" : ""}\r\n`);
          if (reply.status === "EN") continue;
          if (reply.status !== "VA") return { reply: replyOf(reply, limits), node };
          const cas = name === "gets" ? ` ${reply.flags.get("c") ?? ""}` : "";
          items.push(simple(`VALUE ${keyText(k).text} ${reply.flags.get("f") ?? 0} ${reply.value?.length ?? 0}${cas}`), blob(reply.value ?? Buffer.alloc(0), limits));
        }
        items.push(simple("END"));
        return { reply: { t: "array", items, total: items.length }, node: many ? [...nodes].join(", ") : null };
      }
      case "mg":
      case "md":
      case "ma": {
        need(2, `${name} <key> [<flag> …]`);
        const flags = flagTokens(args.slice(2));
        return { reply: replyOf(await keyed(key, `${name} ${metaKey(key)}${flags.map((f) => ` ${f}`).join("")}\r\n`), limits), node };
      }
      case "ms": {
        need(3, "ms <key> <value> [<flag> …]");
        return { reply: replyOf(await keyed(key, metaSet(key, args[2], flagTokens(args.slice(3)))), limits), node };
      }
      case "touch": {
        need(3, "touch <key> <exptime>");
        const reply = await keyed(key, `mg ${metaKey(key)} T${number(args[2], "exptime")}\r\n`);
        return { reply: reply.status === "HD" ? simple("TOUCHED") : reply.status === "EN" ? simple("NOT_FOUND") : replyOf(reply, limits), node };
      }
      case "incr":
      case "decr": {
        need(3, `${name} <key> <delta>`);
        const delta = number(args[2], "The delta");
        if (delta.startsWith("-")) throw new DriverError("INVALID_ARGUMENT", "memcached deltas are unsigned; use decr to go down.");
        const reply = await keyed(key, `ma ${metaKey(key)} v D${delta}${name === "decr" ? " MD" : ""}\r\n`);
        if (reply.status === "VA" && reply.value) return { reply: { t: "int", value: reply.value.toString("latin1") }, node };
        return { reply: reply.status === "NF" ? simple("NOT_FOUND") : replyOf(reply, limits), node };
      }
      case "stats": {
        const sub = args[1]?.toString("latin1").toLowerCase() ?? "";
        if (!MEMCACHED_STATS_SUBCOMMANDS.includes(sub) || args.length > 2) {
          throw new DriverError("UNSUPPORTED", `The console offers stats, ${MEMCACHED_STATS_SUBCOMMANDS.filter(Boolean).map((s) => `stats ${s}`).join(", ")}.`);
        }
        return { reply: await everyServer(`stats${sub ? ` ${sub}` : ""}\r\n`, "stats", limits), node: null };
      }
      case "version":
        return { reply: await everyServer("version\r\n", "line", limits), node: null };
      default:
        throw new DriverError("UNSUPPORTED", `The console does not run "${name}" on memcached.`);
    }
  }

  return { run };
}
