/**
 * The demo's Python-written data without Python: the same keys and the same bytes as
 * tests/fixtures/python-caches/seed_redis.py + ./seed_redis_more.py (Redis) and pymemcache's pickle serde
 * (memcached), written with Cacheboard's own encoders. The demo uses these only when Debian's python3 lacks
 * python3-redis, python3-msgpack or python3-pymemcache; tests/integration/demo-python-shaped.test.ts runs
 * both writers where the modules are present and compares every key byte for byte.
 *
 * What cannot be byte-equal is random on the Python side too: uuid4 session ids and lock values, a stream
 * entry's id, and the order of a pickled set of strings (CPython's string hashes are salted per process).
 */
import { randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { Redis } from "ioredis";
import { encodeMsgpack } from "@/lib/codecs/msgpack/encode";
import type { MsgpackNode } from "@/lib/codecs/msgpack/nodes";
import { encodePickle } from "@/lib/codecs/pickle/encode";
import type { PickleNode } from "@/lib/codecs/pickle/nodes";
import { pythonFloatRepr } from "@/lib/codecs/python-float";

const DAY = 24 * 3600;
const HOUR = 3600;
/** pickle.HIGHEST_PROTOCOL, which Django's RedisCache and pymemcache's serde use. */
const HIGHEST = 5;
/** pickle.DEFAULT_PROTOCOL of Debian's python3 (3.11 in bookworm, 3.13 in trixie; 3.14 moves it to 5). */
const DEFAULT = 4;

/** A plain value as Python sees it: a JS number that is an integer is a Python int, any other a float. */
type PyPlain = null | boolean | number | string | PyPlain[] | { [key: string]: PyPlain };

/** Python's `json.dumps(v)` with its default separators (", " and ": "); the demo's strings are ASCII. */
export function pyJsonDumps(v: PyPlain, compact = false): string {
  const [item, key] = compact ? [",", ":"] : [", ", ": "];
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pythonFloatRepr(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyJsonDumps(x, compact)).join(item)}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}${key}${pyJsonDumps(x, compact)}`)
    .join(item)}}`;
}

const str = (v: string): PickleNode => ({ t: "str", v });
const int = (v: number): PickleNode => ({ t: "int", v: BigInt(v) });
const float = (v: number): PickleNode => ({ t: "float", v });
const bool = (v: boolean): PickleNode => ({ t: "bool", v });
const list = (items: PickleNode[]): PickleNode => ({ t: "list", items });
const tuple = (items: PickleNode[]): PickleNode => ({ t: "tuple", items });
const set = (items: PickleNode[]): PickleNode => ({ t: "set", items });
const bytes = (v: Uint8Array): PickleNode => ({ t: "bytes", v });
/** A dict whose keys are fresh string objects, as a dict display with distinct literal keys makes them. */
const dict = (entries: Record<string, PickleNode>): PickleNode => ({ t: "dict", entries: Object.entries(entries).map(([k, v]) => [str(k), v]) });

/** A plain value as a pickle tree: what Python builds from `json.loads` of the same value. */
function pickleOf(v: PyPlain): PickleNode {
  if (v === null) return { t: "none" };
  if (typeof v === "boolean") return bool(v);
  if (typeof v === "number") return Number.isInteger(v) ? int(v) : float(v);
  if (typeof v === "string") return str(v);
  if (Array.isArray(v)) return list(v.map(pickleOf));
  return dict(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pickleOf(x)])));
}

const pickle = (node: PickleNode, protocol: number) => Buffer.from(encodePickle(node, protocol));
/** Django's RedisCache value: exact ints as ASCII digits, everything else pickled with the highest protocol. */
const django = (node: PickleNode | number) => (typeof node === "number" ? String(node) : pickle(node, HIGHEST));
const uuidHex = () => randomUUID().replaceAll("-", "");

const mpStr = (v: string): MsgpackNode => ({ t: "str", v });
const mpInt = (v: number): MsgpackNode => ({ t: "int", v: BigInt(v) });
const mpBin = (v: string): MsgpackNode => ({ t: "bin", v: Buffer.from(v) });
const mpMap = (entries: Record<string, MsgpackNode>): MsgpackNode => ({ t: "map", entries: Object.entries(entries).map(([k, v]) => [mpStr(k), v]) });
const msgpack = (root: MsgpackNode) => Buffer.from(encodeMsgpack({ format: "msgpack", root }));

/** seed_redis.py's django(): Django's RedisCache and django-redis's zlib compression. */
async function djangoKeys(r: Redis): Promise<void> {
  await r.set(":1:user:42", django(dict({ name: str("Ada"), roles: list([str("admin"), str("dev")]), active: bool(true), score: float(9.5) })), "EX", DAY);
  await r.set(":1:hits", django(1234));
  await r.set(":1:greeting", django(str("hello")), "EX", 3600);
  await r.set(":1:tags", django(set([str("python"), str("cache")])), "EX", 3600);
  await r.set(":1:tuple", django(tuple([int(1), str("two"), float(3)])));
  for (let i = 0; i < 20; i++) {
    await r.set(`:1:product:${i}`, django(dict({ id: int(i), price: float(i * 1.5), name: str(`Product ${i}`) })), "EX", 3600 + i);
  }
  const session = dict({ _auth_user_id: str("1"), _auth_user_backend: str("django.contrib.auth.backends.ModelBackend") });
  await r.set(`:1:django.contrib.sessions.cache${uuidHex()}`, django(session), "EX", 14 * DAY);
  const page = "views.decorators.cache.cache_page..GET.d41d8cd98f00b204e9800998ecf8427e.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC";
  await r.set(`:1:${page}`, django(bytes(Buffer.from("<html><body>cached page</body></html>"))), "EX", 3600);
  // The comprehension's "n", "text" and "x" * 40 are constants: one object each, so the pickle memoizes them.
  const [n, text, x40] = [str("n"), str("text"), str("x".repeat(40))];
  const rows = Array.from({ length: 200 }, (_, i): PickleNode => ({ t: "dict", entries: [[n, int(i)], [text, x40]] }));
  await r.set(":1:report:compressed", deflateSync(pickle(dict({ rows: list(rows) }), DEFAULT)), "EX", DAY);
  await r.set(":1:report:plain", pickle(dict({ rows: list([]) }), DEFAULT));
  await r.set("shop:2:cart:7", django(dict({ items: list([int(1), int(2), int(3)]) })), "EX", DAY);
}

/** seed_redis.py's aiocache() and seed_redis_more.py's aiocache(). */
async function aiocacheKeys(r: Redis): Promise<void> {
  for (let i = 0; i < 10; i++) await r.set(`api:item:${i}`, pyJsonDumps({ id: i, ok: true }), "EX", 3600);
  await r.set("api:config", pyJsonDumps({ a: 1, b: [1, 2] }));
  await r.set("api:config-lock", randomUUID(), "EX", 3600);
  await r.incrby("api:counter", 5);
  for (let i = 0; i < 5; i++) {
    await r.set(`pickled:obj:${i}`, pickle(dict({ i: int(i), items: list(Array.from({ length: i }, (_, j) => int(j))) }), DEFAULT), "EX", 3600);
  }
  await r.set("pickled:obj:0-lock", randomUUID(), "EX", 3600);

  for (let i = 0; i < 12; i++) {
    const langs = ["en", "nl"].slice(0, 1 + (i % 2)).map(mpStr);
    await r.set(`profiles:user:${i}`, msgpack(mpMap({ id: mpInt(i), name: mpStr(`user ${i}`), langs: { t: "array", items: langs } })), "EX", 6 * HOUR);
  }
  // StringSerializer: str(value), a dict's Python repr.
  await r.set("strings:greeting", "hello from aiocache");
  await r.set("strings:settings", "{'debug': False, 'hosts': ['a.example', 'b.example'], 'ratio': 0.25}", "EX", HOUR);
  await r.set("strings:answer", "42");
  for (const city of ["amsterdam", "berlin", "lisbon", "oslo", "prague", "vienna"]) {
    await r.set(`weather:${city}`, pyJsonDumps({ city, celsius: 11.5, wind: [3, 7] }), "EX", 2 * HOUR);
  }
  await r.set("weather:oslo-lock", randomUUID(), "EX", HOUR);
  for (const page of ["home", "pricing", "docs", "blog"]) await r.incrby(`hits:page:${page}`, 17 * page.length);
}

/** seed_redis.py's litestar(): responses, sessions, rate limits, and a sibling namespace. */
async function litestarKeys(r: Redis): Promise<void> {
  for (let i = 0; i < 8; i++) await r.set(`LITESTAR:item${i}`, `value ${i}`, "EX", 1800);
  for (let i = 0; i < 4; i++) await r.set(`LITESTAR_sessions:${uuidHex()}${uuidHex()}`, pyJsonDumps({ user: i, cart: [] }, true), "EX", 14 * DAY);
  const messages: MsgpackNode = {
    t: "array",
    items: [
      mpMap({ type: mpStr("http.response.start"), status: mpInt(200), headers: { t: "array", items: [{ t: "array", items: [mpBin("content-type"), mpBin("application/json")] }] } }),
      mpMap({ type: mpStr("http.response.body"), body: mpBin('{"items":[]}'), more_body: { t: "bool", v: false } }),
    ],
  };
  await r.set("LITESTAR_response_cache:GET/items?page=1", msgpack(messages), "EX", 3600);
  await r.set("LITESTAR_rate_limit:RateLimitMiddleware::127.0.0.1", pyJsonDumps({ history: [1700000000], reset: 1700000060 }, true), "EX", 3600);
  for (let i = 0; i < 3; i++) await r.set(`LITESTARX:keep${i}`, "sibling");
}

/** seed_redis.py's async_caches() and other_types(), and seed_redis_more.py's privex(). */
async function otherKeys(r: Redis): Promise<void> {
  await r.setex("::user:42", 300, pyJsonDumps({ name: "Grace", id: 42 }));
  await r.mset({ "myapp:2:user:1": pyJsonDumps({ name: "Linus" }), "myapp:2:visits": pyJsonDumps(17) });
  await r.expire("myapp:2:user:1", 600);
  await r.expire("myapp:2:visits", 600);

  await r.hset("app:hash", { field1: "one", field2: pyJsonDumps({ x: 1 }) });
  await r.rpush("app:list", "a", "b", "c");
  await r.sadd("app:set", "x", "y");
  await r.zadd("app:zset", 1, "low", 10, "high");
  await r.xadd("app:stream", "*", "event", "created");
  await r.set(Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]), Buffer.from("\x00\x01binary value", "latin1"));

  const privex: [string, PickleNode][] = [
    ["exchange_rate_USD_EUR", float(0.9231)],
    ["exchange_rate_USD_GBP", float(0.7912)],
    ["latest_block", dict({ height: int(812345), hash: str("00000000000000000002a7c4"), txs: int(3121) })],
    ["node_status", tuple([str("ok"), int(14), bool(true)])],
  ];
  for (const [key, value] of privex) await r.setex(key, HOUR, pickle(value, DEFAULT));
  await r.set("pvx_cmgr:all_cache_keys", pickle(set(privex.map(([key]) => str(key))), DEFAULT));
}

/** Writes what seed_redis.py and seed_redis_more.py write; returns how many keys the database gained. */
export async function writePythonShapedRedis(r: Redis): Promise<number> {
  const before = await r.dbsize();
  await djangoKeys(r);
  await aiocacheKeys(r);
  await litestarKeys(r);
  await otherKeys(r);
  return (await r.dbsize()) - before;
}

/** An item as tests/fixtures/memcached/pymemcache-client.py takes it (`bytes` values are hex). */
export interface PymemcacheItem {
  key: string;
  kind: "pickle" | "int" | "text" | "bytes";
  value: PyPlain;
}

/** pymemcache's `pickle_serde.serialize`: bytes as they are (flags 0), str as UTF-8 (16), int as digits (2), else pickle (1). */
export function pymemcacheSerialize(item: PymemcacheItem): { value: Buffer; flags: number } {
  switch (item.kind) {
    case "bytes":
      return { value: Buffer.from(String(item.value), "hex"), flags: 0 };
    case "text":
      return { value: Buffer.from(String(item.value), "utf8"), flags: 16 };
    case "int":
      return { value: Buffer.from(String(item.value)), flags: 2 };
    case "pickle":
      return { value: pickle(pickleOf(item.value), HIGHEST), flags: 1 };
  }
}
