/**
 * A mixed keyspace shaped like a production cache, streamed through `redis-cli --pipe` (the fastest way in):
 * app namespaces three levels deep, Litestar and Django keys, queues, logs, rate limits, thousands of tiny
 * namespaces, every type, and one 19 MiB string.
 */
import { spawn } from "node:child_process";
import { requireBinary } from "../../support/process";

export const BIG_KEY = "blob:report:2026";
const BIG_BYTES = 19 * 1024 * 1024;
/** A small JSON string every run can open; its size is well under the 64 KiB of the "open a key" target. */
export const SMALL_KEY = "myapp:user:0";

function resp(args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

/** The i-th of the small JSON strings (`myapp:user:<n>`), for reads spread over the keyspace. */
export function smallKey(total: number, i: number): string {
  const users = Math.floor(mixedKeys(total) / 20);
  return `myapp:user:${(i % users) * 20}`;
}

function mixedKeys(total: number): number {
  return total - 2 * tinyNamespaces(total) - 1;
}

/** Tiny namespaces hold two keys each; a few thousand of them at 100k keys and above. */
export function tinyNamespaces(total: number): number {
  return Math.min(3000, Math.round(total * 0.03));
}

function command(i: number): string {
  // Six hours and more: no key the bench reads expires during a run.
  const ttl = String(21_600_000 + (i % 3600) * 1000);
  const hex = ((i * 2654435761) >>> 0).toString(16).padStart(8, "0");
  switch (i % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
      return resp(["SET", `myapp:user:${i}`, JSON.stringify({ id: i, name: `user ${i}`, roles: ["reader"] }), "PX", ttl]);
    case 6:
    case 7:
      return resp(["SET", `myapp:counter:${i}`, String(i)]);
    case 8:
    case 9:
    case 10:
      return resp(["SET", `LITESTAR:sessions:${hex.repeat(8)}${i}`, `{"user":${i}}`, "PX", ttl]);
    case 11:
    case 12:
      return resp(["SET", `:1:views.decorators.cache.cache_page.site.GET.${hex}${i}.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC`, "\u0080\u0005K*.", "PX", ttl]);
    case 13:
      return resp(["SET", `cache:${i}`, `{"v": ${i}}`, "PX", ttl]);
    case 14:
      return resp(["HSET", `bull:emails:${i}`, "name", "send", "data", `{"to":"u${i}@example.test"}`, "attemptsMade", "0"]);
    case 15:
      return resp(["RPUSH", `logs:2026-11-${String((i % 28) + 1).padStart(2, "0")}:${i}`, "GET /", "POST /login", "GET /items"]);
    case 16:
      return resp(["SET", `ratelimit:10.${i % 256}.${(i >> 8) % 256}.${i % 251}:${i}`, "3", "PX", ttl]);
    case 17:
      return resp(["HSET", `myapp:cart:${i}`, "sku", String(i), "qty", "2", "price", "9.99"]);
    case 18:
      return resp(["ZADD", `leaderboard:weekly:${i}`, "1", "alice", "2", "bob", "3", String(i)]);
    default:
      return resp(["SET", `session:${hex}${i}`, `{"_auth_user_id": "${i}"}`, "PX", ttl]);
  }
}

async function pipe(port: number, commands: Iterable<string>): Promise<void> {
  const cli = spawn(requireBinary("redis-cli", "redis-server"), ["-h", "127.0.0.1", "-p", String(port), "--pipe"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on("exit", resolve));
  let chunk = "";
  for (const next of commands) {
    chunk += next;
    if (chunk.length > 1 << 20) {
      if (!cli.stdin.write(chunk)) await new Promise((resolve) => cli.stdin.once("drain", resolve));
      chunk = "";
    }
  }
  cli.stdin.end(chunk);
  if ((await exited) !== 0 || !/errors: 0/.test(output)) throw new Error(`Loading keys failed: ${output}`);
}

/** Exactly `total` keys: the mix above, the tiny namespaces and the big string. */
export async function seedKeyspace(port: number, total: number): Promise<void> {
  const tiny = tinyNamespaces(total);
  const mixed = mixedKeys(total);
  await pipe(port, (function* () {
    for (let i = 0; i < mixed; i++) yield command(i);
    for (let j = 0; j < tiny; j++) {
      yield resp(["SET", `tenant${j}:settings`, `{"plan":"free","tenant":${j}}`]);
      yield resp(["SADD", `tenant${j}:flags`, "beta", "dark-mode"]);
    }
    yield resp(["SET", BIG_KEY, "x".repeat(BIG_BYTES)]);
  })());
}

/** `count` keys under `<prefix>item:<i>`, for the namespace delete figures. */
export async function seedNamespace(port: number, prefix: string, count: number): Promise<void> {
  await pipe(port, (function* () {
    for (let i = 0; i < count; i++) yield resp(["SET", `${prefix}item:${i}`, `{"id": ${i}}`]);
  })());
}
