import "server-only";
import type { ConsoleRunner } from "../../drivers/operations";
import { DriverError } from "../../drivers/errors";
import type { CommandDoc, ConsoleValue } from "../../wire/console";

/**
 * What the server says about its commands: COMMAND INFO (flags, ACL categories, key positions) for the role
 * rules, COMMAND DOCS for autocomplete and the inline syntax. Both are asked once per connection (per driver,
 * so an edited profile asks again) and kept.
 */
export interface CommandInfo {
  /** `get`, or `config|set` for a sub-command. */
  name: string;
  arity: number;
  flags: Set<string>;
  categories: Set<string>;
  firstKey: number;
  subcommands: Map<string, CommandInfo>;
}

const BIG = { elements: 1_000_000, bytes: 32 * 1024 * 1024 };

export function textOf(value: ConsoleValue | undefined): string {
  if (!value) return "";
  switch (value.t) {
    case "blob":
      return Buffer.from(value.b64, "base64").toString("utf8");
    case "simple":
    case "error":
      return value.text;
    case "int":
    case "double":
    case "bignum":
      return value.value;
    default:
      return "";
  }
}

function words(value: ConsoleValue | undefined): string[] {
  return value && (value.t === "array" || value.t === "set") ? value.items.map(textOf) : [];
}

function infoOf(value: ConsoleValue): CommandInfo | null {
  if (value.t !== "array" || value.items.length < 7) return null;
  const [name, arity, flags, first, , , categories] = value.items;
  const subcommands = new Map<string, CommandInfo>();
  const subs = value.items[9];
  if (subs?.t === "array") {
    for (const sub of subs.items) {
      const info = infoOf(sub);
      if (info) subcommands.set(info.name.toLowerCase(), info);
    }
  }
  return {
    name: textOf(name).toLowerCase(),
    arity: Number(textOf(arity)),
    flags: new Set(words(flags).map((w) => w.toLowerCase())),
    categories: new Set(words(categories).map((w) => w.toLowerCase())),
    firstKey: Number(textOf(first)),
    subcommands,
  };
}

const infoCache = new WeakMap<ConsoleRunner, Map<string, CommandInfo | null>>();

/** COMMAND INFO of one command (its sub-commands included), or null when the server does not know it. */
export async function commandInfo(runner: ConsoleRunner, name: string): Promise<CommandInfo | null> {
  let cache = infoCache.get(runner);
  if (!cache) infoCache.set(runner, (cache = new Map()));
  const lower = name.toLowerCase();
  if (cache.has(lower)) return cache.get(lower)!;
  const { reply } = await runner.run([Buffer.from("COMMAND"), Buffer.from("INFO"), Buffer.from(lower)], { limits: BIG });
  if (reply.t === "error") throw new DriverError("SERVER_ERROR", `COMMAND INFO: ${reply.text}`);
  const first = reply.t === "array" ? reply.items[0] : undefined;
  const info = first && first.t !== "null" ? infoOf(first) : null;
  if (cache.size > 1000) cache.clear();
  cache.set(lower, info);
  return info;
}

interface DocArgument {
  name: string;
  type: string;
  token?: string;
  display?: string;
  optional: boolean;
  multiple: boolean;
  arguments: DocArgument[];
}

function mapOf(value: ConsoleValue | undefined): Map<string, ConsoleValue> {
  const out = new Map<string, ConsoleValue>();
  if (value?.t === "map") for (const [k, v] of value.entries) out.set(textOf(k), v);
  // RESP2 servers send maps as flat arrays.
  if (value?.t === "array") for (let i = 0; i + 1 < value.items.length; i += 2) out.set(textOf(value.items[i]), value.items[i + 1]);
  return out;
}

function argumentOf(value: ConsoleValue): DocArgument {
  const fields = mapOf(value);
  const flags = words(fields.get("flags"));
  const nested = fields.get("arguments");
  return {
    name: textOf(fields.get("name")),
    type: textOf(fields.get("type")),
    token: fields.has("token") ? textOf(fields.get("token")) : undefined,
    display: fields.has("display_text") ? textOf(fields.get("display_text")) : undefined,
    optional: flags.includes("optional"),
    multiple: flags.includes("multiple"),
    arguments: nested && (nested.t === "array" || nested.t === "set") ? nested.items.map(argumentOf) : [],
  };
}

/** One argument as redis-cli's hints write it: `[EX seconds | PX milliseconds]`, `key [key ...]`. */
function argumentSyntax(arg: DocArgument): string {
  let inner: string;
  if (arg.type === "oneof") inner = arg.arguments.map(argumentSyntax).join(" | ");
  else if (arg.type === "block") inner = arg.arguments.map(argumentSyntax).join(" ");
  else if (arg.type === "pure-token") inner = arg.token ?? arg.name;
  else inner = arg.display ?? arg.name;
  if (arg.token && arg.type !== "pure-token") inner = `${arg.token} ${inner}`;
  if (arg.multiple) inner = `${inner} [${inner} ...]`;
  if (arg.optional) return `[${inner}]`;
  return arg.type === "oneof" ? `<${inner}>` : inner;
}

function docsOf(reply: ConsoleValue, parent: string | null, out: CommandDoc[]): void {
  for (const [name, value] of mapOf(reply)) {
    const fields = mapOf(value);
    const full = (parent ? name.replace("|", " ") : name).toUpperCase();
    const args = fields.get("arguments");
    const syntax = args && (args.t === "array" || args.t === "set") ? args.items.map((a) => argumentSyntax(argumentOf(a))).join(" ") : "";
    out.push({ name: full, syntax, summary: textOf(fields.get("summary")) });
    const subs = fields.get("subcommands");
    if (subs) docsOf(subs, full, out);
  }
}

const docsCache = new WeakMap<ConsoleRunner, Promise<CommandDoc[]>>();

/** Every command's syntax and summary from COMMAND DOCS (Redis 7+; older servers get names from COMMAND). */
export function commandDocs(runner: ConsoleRunner): Promise<CommandDoc[]> {
  let docs = docsCache.get(runner);
  if (!docs) {
    docs = (async () => {
      const { reply } = await runner.run([Buffer.from("COMMAND"), Buffer.from("DOCS")], { limits: BIG });
      if (reply.t === "error") {
        const names = await runner.run([Buffer.from("COMMAND")], { limits: BIG });
        if (names.reply.t !== "array") return [];
        return names.reply.items.map((item) => ({ name: textOf(item.t === "array" ? item.items[0] : item).toUpperCase(), syntax: "", summary: "" }));
      }
      const out: CommandDoc[] = [];
      docsOf(reply, null, out);
      return out.sort((a, b) => a.name.localeCompare(b.name));
    })();
    docs.catch(() => docsCache.delete(runner));
    docsCache.set(runner, docs);
  }
  return docs;
}
