import "server-only";
import type { LoadedConnection } from "../../connections/load";
import type { ConsoleRunner } from "../../drivers/operations";
import { joinArgs } from "../../wire/console-args";
import { commandDocs, commandInfo, textOf, type CommandInfo } from "./redis-commands";
import { redisSecretArgs } from "./redact";
import type { CommandClass, Dialect, Plan } from "./types";

/**
 * The Redis dialect: a command's class comes from its own COMMAND INFO flags and ACL categories; a deny list
 * stays closed unless the profile opens it; commands that hold a connection or the server for long are
 * refused, or offered their cursor form when the key or keyspace is big.
 */

/** Above this many keys KEYS is on the deny list, and above this many elements a whole-collection read is refused. */
const BIG_KEYSPACE = 10_000;
const PAGE = 1000;

/** Closed unless the profile's console settings open them (by these names). */
const DENY_LIST = [
  "FLUSHALL",
  "FLUSHDB",
  "SHUTDOWN",
  "DEBUG",
  "CONFIG SET",
  "CONFIG RESETSTAT",
  "CONFIG REWRITE",
  "MONITOR",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "SCRIPT FLUSH",
  "FUNCTION FLUSH",
  "CLIENT KILL",
  "CLIENT PAUSE",
  "KEYS",
  "SAVE",
  "SWAPDB",
  "REPLICAOF",
  "SLAVEOF",
  "FAILOVER",
  "CLUSTER RESET",
  "CLUSTER FAILOVER",
  "CLUSTER FORGET",
  "MODULE LOAD",
  "MODULE UNLOAD",
  "SYNC",
  "PSYNC",
] as const;

/** Admin commands that only show server state. */
const INSPECT = new Set([
  "config|get",
  "client|list",
  "client|info",
  "client|id",
  "client|getname",
  "slowlog|get",
  "slowlog|len",
  "latency|doctor",
  "latency|history",
  "latency|latest",
  "latency|graph",
  "memory|stats",
  "memory|doctor",
  "memory|malloc-stats",
  "acl|whoami",
  "acl|list",
  "acl|users",
  "acl|getuser",
  "acl|cat",
  "acl|log",
  "cluster|info",
  "cluster|nodes",
  "cluster|slots",
  "cluster|shards",
  "cluster|myid",
  "cluster|keyslot",
  "cluster|countkeysinslot",
  "lastsave",
  "role",
  "info",
  "auth",
  "hello",
  "module|list",
  "function|list",
  "function|dump",
  "script|exists",
  "object|encoding",
  "object|freq",
  "object|idletime",
  "object|refcount",
]);

/** Reads anyone may run although their ACL category says @dangerous. */
const PLAIN_READS = new Set(["info", "keys", "sort_ro", "command", "command|docs", "command|info", "command|count", "command|list", "command|getkeys"]);

/** Connection state that would not outlive the command: each command runs on a fresh connection. */
const STATEFUL: Record<string, string> = {
  select: "To use another database, change it in the connection profile.",
  multi: "Transactions need one connection across commands.",
  exec: "Transactions need one connection across commands.",
  discard: "Transactions need one connection across commands.",
  watch: "WATCH needs one connection across commands.",
  unwatch: "WATCH needs one connection across commands.",
  reset: "",
  quit: "",
  readonly: "",
  readwrite: "",
  asking: "",
  unsubscribe: "",
  punsubscribe: "",
  sunsubscribe: "",
  "client|reply": "",
  "client|tracking": "",
  "client|caching": "",
  "client|setname": "",
  "client|setinfo": "",
  "client|no-evict": "",
  "client|no-touch": "",
};

const NON_BLOCKING: Record<string, string> = {
  blpop: "LPOP",
  brpop: "RPOP",
  blmove: "LMOVE",
  brpoplpush: "RPOPLPUSH",
  blmpop: "LMPOP",
  bzpopmin: "ZPOPMIN",
  bzpopmax: "ZPOPMAX",
  bzmpop: "ZMPOP",
};

function classify(info: CommandInfo): CommandClass {
  const { flags, categories, name } = info;
  if (flags.has("write")) return categories.has("@dangerous") || flags.has("admin") ? "admin" : "write";
  if (PLAIN_READS.has(name)) return "read";
  if (INSPECT.has(name)) return "inspect";
  // A script, read-only or not, can hold the server for as long as it runs.
  if (flags.has("pubsub") || categories.has("@scripting")) return "admin";
  if (flags.has("admin") || categories.has("@admin") || categories.has("@dangerous")) return "admin";
  if (flags.has("may_replicate")) return "write";
  return "read";
}

const word = (args: Buffer[], i: number) => args[i]?.toString("latin1") ?? "";
const lower = (args: Buffer[], i: number) => word(args, i).toLowerCase();
const hasWord = (args: Buffer[], from: number, target: string) => args.slice(from).some((a) => a.toString("latin1").toLowerCase() === target);

function suggestion(args: (string | Buffer)[]): string {
  return joinArgs(args.map((a) => (typeof a === "string" ? Buffer.from(a) : a)));
}

async function number(runner: ConsoleRunner, args: string[], key: Buffer): Promise<number> {
  const { reply } = await runner.run([Buffer.from(args[0]), key], { routeKey: key, limits: { elements: 1, bytes: 64 } });
  return reply.t === "int" ? Number(reply.value) : 0;
}

/** Index range size of `start stop` on a list or sorted set of `length` elements. */
function rangeSize(startText: string, stopText: string, length: number): number {
  let start = Number(startText);
  let stop = Number(stopText);
  if (!Number.isInteger(start) || !Number.isInteger(stop)) return 0;
  if (start < 0) start = Math.max(0, length + start);
  if (stop < 0) stop = length + stop;
  stop = Math.min(stop, length - 1);
  return Math.max(0, stop - start + 1);
}

/** A whole-collection read on a big key, refused with its cursor form; null when it is small enough. */
async function bigRead(runner: ConsoleRunner, name: string, args: Buffer[]): Promise<Plan["refusal"] | null> {
  const key = args[1];
  if (!key) return null;
  const refuse = (count: number, instead: (string | Buffer)[]) => ({
    code: "TOO_LARGE" as const,
    message: `${name} would send all ${count.toLocaleString("en-US")} elements at once; the console reads big keys a page at a time.`,
    suggestion: suggestion(instead),
  });
  switch (name) {
    case "SMEMBERS": {
      const n = await number(runner, ["SCARD"], key);
      return n > BIG_KEYSPACE ? refuse(n, ["SSCAN", key, "0", "COUNT", String(PAGE)]) : null;
    }
    case "HGETALL":
    case "HKEYS":
    case "HVALS": {
      const n = await number(runner, ["HLEN"], key);
      return n > BIG_KEYSPACE ? refuse(n, ["HSCAN", key, "0", "COUNT", String(PAGE)]) : null;
    }
    case "LRANGE":
    case "ZRANGE":
    case "ZREVRANGE": {
      if (name === "ZRANGE" && (hasWord(args, 4, "byscore") || hasWord(args, 4, "bylex"))) {
        if (hasWord(args, 4, "limit")) return null;
        const n = await number(runner, ["ZCARD"], key);
        return n > BIG_KEYSPACE ? refuse(n, [...args, "LIMIT", "0", String(PAGE)]) : null;
      }
      const n = await number(runner, [name === "LRANGE" ? "LLEN" : "ZCARD"], key);
      const size = rangeSize(word(args, 2), word(args, 3), n);
      if (size <= BIG_KEYSPACE) return null;
      const start = Number(word(args, 2)) < 0 ? Math.max(0, n + Number(word(args, 2))) : Number(word(args, 2));
      return refuse(size, [args[0], key, String(start), String(start + PAGE - 1), ...args.slice(4)]);
    }
    case "ZRANGEBYSCORE":
    case "ZREVRANGEBYSCORE":
    case "ZRANGEBYLEX":
    case "ZREVRANGEBYLEX": {
      if (hasWord(args, 4, "limit")) return null;
      const n = await number(runner, ["ZCARD"], key);
      return n > BIG_KEYSPACE ? refuse(n, [...args, "LIMIT", "0", String(PAGE)]) : null;
    }
    case "XRANGE":
    case "XREVRANGE": {
      if (hasWord(args, 4, "count")) return null;
      const n = await number(runner, ["XLEN"], key);
      return n > BIG_KEYSPACE ? refuse(n, [...args, "COUNT", String(PAGE)]) : null;
    }
    default:
      return null;
  }
}

async function plan(connection: LoadedConnection, args: Buffer[]): Promise<Plan> {
  const runner = connection.driver().console!;
  const top = await commandInfo(runner, word(args, 0));
  if (!top) {
    return {
      name: word(args, 0).toUpperCase(),
      class: "read",
      key: null,
      deny: null,
      refusal: { code: "INVALID_ARGUMENT", message: `Redis does not know the command "${word(args, 0)}".` },
    };
  }
  const sub = top.subcommands.size && args.length > 1 ? top.subcommands.get(`${top.name}|${lower(args, 1)}`) : undefined;
  const info = sub ?? top;
  const name = (sub ? `${top.name} ${lower(args, 1)}` : top.name).toUpperCase();
  const key = info.firstKey > 0 && args.length > info.firstKey ? args[info.firstKey] : null;
  const result: Plan = { name, class: classify(info), key, deny: (DENY_LIST as readonly string[]).includes(name) ? name : null };

  const stateful = STATEFUL[info.name];
  if (stateful !== undefined) {
    result.refusal = { code: "UNSUPPORTED", message: `The console runs every command on a connection of its own, so ${name} would not last beyond it. ${stateful}`.trim() };
    return result;
  }
  if (info.flags.has("blocking") && !((info.name === "xread" || info.name === "xreadgroup") && !hasWord(args, 1, "block"))) {
    const instead = NON_BLOCKING[info.name];
    result.refusal = {
      code: "UNSUPPORTED",
      message: `${name} waits for data and would hold the console's connection; run its non-blocking form.`,
      suggestion: instead ? suggestion([instead, ...args.slice(1, -1)]) : undefined,
    };
    return result;
  }
  if (info.name === "keys") {
    const { reply } = await runner.run([Buffer.from("DBSIZE")], { limits: { elements: 1, bytes: 64 } });
    const size = Number(textOf(reply));
    result.class = "read";
    if (size <= BIG_KEYSPACE) result.deny = null;
    else {
      result.denyNote = `KEYS walks all ${size.toLocaleString("en-US")} keys in one call that blocks the server meanwhile; SCAN pages through them.`;
      result.offer = suggestion(["SCAN", "0", "MATCH", args[1] ?? "*", "COUNT", String(PAGE)]);
    }
    return result;
  }
  if (["subscribe", "psubscribe", "ssubscribe", "monitor"].includes(info.name)) result.collectMs = 3000;
  const big = await bigRead(runner, name, args);
  if (big) result.refusal = big;
  return result;
}

export const redisDialect: Dialect = {
  docs: (connection) => commandDocs(connection.driver().console!),
  plan,
  secrets: redisSecretArgs,
};
