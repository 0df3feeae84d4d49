/**
 * `npm run demo` writes its Python-shaped data with python3 where Debian's python3-redis, python3-msgpack and
 * python3-pymemcache are installed, and with scripts/demo/python-shaped.ts otherwise. This runs both against
 * real servers and holds them to each other, byte for byte: the same keys, types, values and expiries in two
 * Redis servers, and the same bytes and flags for each memcached item pymemcache writes.
 *
 * Random on the Python side as well, and so compared by shape only: uuid4 hex in session keys and lock values,
 * a stream entry's id, and the order of a pickled set of strings (CPython salts string hashes per process).
 * django-redis's zlib-compressed value is compared decompressed, with its header: DEFLATE output differs
 * between zlib builds at the same level (Node bundles Chromium's zlib, some distributions' Python zlib-ng),
 * so its exact bytes belong to the zlib build, not to django-redis.
 */
import { spawnSync } from "node:child_process";
import { inflateSync } from "node:zlib";
import path from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePickle } from "@/lib/codecs/pickle/decode";
import { pymemcacheSerialize, writePythonShapedRedis } from "@/scripts/demo/python-shaped";
import { DJANGO_MEMCACHED_ITEMS } from "@/scripts/demo/seed";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { debianPython } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";

const root = path.resolve(import.meta.dirname, "../..");
const python = debianPython();

function runPython(args: string[]): Record<string, unknown> {
  const out = spawnSync(python, args, { encoding: "utf8", timeout: 60_000 });
  if (out.status !== 0) throw new Error(`${args[0]} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
}

/** Random ids: a 36-character uuid4 anywhere, or one or two uuid4().hex ending a key. */
const normalize = (text: string) =>
  text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, "<uuid>").replace(/[0-9a-f]{32}(?:[0-9a-f]{32})?$/, "<hex>");

/** Pickled sets of strings, whose item order differs from one CPython process to the next. */
const PICKLED_STRING_SETS = new Set([":1:tags", "pvx_cmgr:all_cache_keys"]);
/** zlib streams: the header (level 6, default window) and what they decompress to. */
const ZLIB = new Set([":1:report:compressed"]);

function setItems(data: Buffer): string[] {
  const { root: node } = decodePickle(data);
  if (node.t !== "set") throw new Error(`not a pickled set: ${node.t}`);
  return node.items.map((item) => (item.t === "str" ? item.v : JSON.stringify(item))).sort();
}

interface Entry {
  type: string;
  value: unknown;
  /** -1 for no expiry, else the TTL in whole minutes (both writers ran within seconds of each other). */
  ttl: number;
}

/** Every key of the database, by normalized name (latin1, so binary names survive). */
async function snapshot(r: Redis): Promise<Map<string, Entry>> {
  const keys = (await r.keysBuffer("*")) as Buffer[];
  const out = new Map<string, Entry>();
  for (const key of keys) {
    const name = key.toString("latin1");
    const type = await r.type(key);
    let value: unknown;
    if (type === "string") {
      const data = (await r.getBuffer(key))!;
      if (PICKLED_STRING_SETS.has(name)) value = { set: setItems(data) };
      else if (ZLIB.has(name)) value = { zlibHeader: data.subarray(0, 2).toString("hex"), inflated: inflateSync(data).toString("hex") };
      else value = normalize(data.toString("latin1"));
    } else if (type === "hash") value = await r.hgetall(key);
    else if (type === "list") value = await r.lrange(key, 0, -1);
    else if (type === "set") value = (await r.smembers(key)).sort();
    else if (type === "zset") value = await r.zrange(key, "0", "-1", "WITHSCORES");
    else if (type === "stream") value = (await r.xrange(key, "-", "+")).map(([, fields]) => fields);
    const pttl = await r.pttl(key);
    const entry = { type, value, ttl: pttl < 0 ? pttl : Math.round(pttl / 60_000) };
    const normalized = normalize(name);
    // Random session keys normalize to one name: keep their values as a sorted list so each counts.
    const existing = out.get(normalized);
    out.set(normalized, existing ? ({ ...existing, value: [existing.value, value].flat().map(String).sort() } as Entry) : entry);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe("the demo's Python-shaped data without Python", () => {
  let byPython: RedisServer;
  let byCacheboard: RedisServer;
  let memcached: MemcachedCluster;

  beforeAll(async () => {
    [byPython, byCacheboard, memcached] = await Promise.all([startRedis(), startRedis(), startMemcached(1)]);
  });
  afterAll(async () => {
    await Promise.all([byPython?.stop(), byCacheboard?.stop(), memcached?.stop()]);
  });

  it("writes the same Redis keys, types, bytes and expiries as seed_redis.py and seed_redis_more.py", async () => {
    runPython([path.join(root, "tests/fixtures/python-caches/seed_redis.py"), String(byPython.port)]);
    runPython([path.join(root, "scripts/demo/seed_redis_more.py"), String(byPython.port)]);
    const written = await writePythonShapedRedis(byCacheboard.raw());

    const expected = await snapshot(byPython.raw());
    const actual = await snapshot(byCacheboard.raw());
    expect(written).toBe(await byPython.raw().dbsize());
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [key, entry] of expected) expect(actual.get(key), key).toEqual(entry);
    // The comparison sees what it should: the zlib-compressed pickle and a msgpack response are among them.
    expect(expected.get(":1:report:compressed")?.value).toMatchObject({ zlibHeader: "789c", inflated: expect.stringMatching(/^8004/) });
    expect(expected.has("LITESTAR_response_cache:GET/items?page=1")).toBe(true);
  });

  it("serializes each Django memcached item to pymemcache's bytes and flags", () => {
    const request = { servers: memcached.addresses, op: "write", items: DJANGO_MEMCACHED_ITEMS };
    const reply = runPython([path.join(root, "tests/fixtures/memcached/pymemcache-client.py"), JSON.stringify(request)]) as Record<string, { hex: string; flags: number }>;
    expect(Object.keys(reply)).toHaveLength(DJANGO_MEMCACHED_ITEMS.length);
    for (const item of DJANGO_MEMCACHED_ITEMS) {
      const { value, flags } = pymemcacheSerialize(item);
      expect({ hex: value.toString("hex"), flags }, item.key).toEqual(reply[item.key]);
    }
    expect(new Set(Object.values(reply).map((r) => r.flags))).toEqual(new Set([0, 1, 2, 16]));
  });

  it("stores items pymemcache reads back as the Python values the demo meant", async () => {
    const raw = await startMemcached(1);
    try {
      for (const item of DJANGO_MEMCACHED_ITEMS) {
        const { value, flags } = pymemcacheSerialize(item);
        await raw.rawSet(Buffer.from(item.key), value, undefined, flags);
      }
      const request = { servers: raw.addresses, op: "read", keys: DJANGO_MEMCACHED_ITEMS.map((item) => item.key) };
      const read = runPython([path.join(root, "tests/fixtures/memcached/pymemcache-client.py"), JSON.stringify(request)]) as Record<string, { repr: string; type: string }>;
      const types = { pickle: "dict", int: "int", text: "str", bytes: "bytes" };
      for (const item of DJANGO_MEMCACHED_ITEMS) expect(read[item.key].type, item.key).toBe(types[item.kind]);
      expect(read[":1:user:42"].repr).toBe("{'name': 'Ada', 'roles': ['admin', 'dev'], 'active': True, 'score': 9.5}");
      expect(read[":1:product:2"].repr).toBe("{'id': 2, 'price': 3, 'name': 'Product 2'}");
    } finally {
      await raw.stop();
    }
  });
});
