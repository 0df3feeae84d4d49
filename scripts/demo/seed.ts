/**
 * The demo's data: what Python apps leave in Redis, memcached and uWSGI caches (docs/formats.md). The
 * Python-written parts run the writers the tests use (tests/fixtures) plus seed_redis_more.py with Debian's
 * python3 when it has the modules; without them, ./python-shaped.ts writes the same keys with the same bytes
 * from here (tests/integration/demo-python-shaped.test.ts holds the two to each other). The 100,000-key Redis
 * bulk, the aiocache items in memcached and the uwsgiconf data are always written from here.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import type { Redis } from "ioredis";
import { encodePickle } from "@/lib/codecs/pickle/encode";
import type { PickleNode } from "@/lib/codecs/pickle/nodes";
import type { MemcachedCluster } from "@/tests/support/memcached";
import { debianPython } from "@/tests/support/process";
import type { UwsgiCacheSpec, UwsgiServer } from "@/tests/support/uwsgi";
import { pyJsonDumps, pymemcacheSerialize, writePythonShapedRedis, type PymemcacheItem } from "./python-shaped";

type Note = (line: string) => void;

const root = path.resolve(import.meta.dirname, "../..");
const fixture = (file: string) => path.join(root, "tests/fixtures", file);
const HOUR = 3600;
const DAY = 24 * HOUR;

/** Small caches with small blocks: uWSGI allocates items × blocksize up front. */
export const UWSGI_CACHES: UwsgiCacheSpec[] = [
  { name: "default", items: 1000, keysize: 256, blocksize: 4096 },
  { name: "pages", items: 200, keysize: 256, blocksize: 16384 },
];

/**
 * Debian's python3 when it imports `modules`; otherwise null, after a note that the same data comes from
 * Cacheboard's own encoders and what to install to have Python write it.
 */
function pythonWith(modules: string[], packages: string, what: string, note: Note): string | null {
  const fallback = "written with Cacheboard's byte-exact encoders instead";
  let python: string;
  try {
    python = debianPython();
  } catch {
    note(`No python3 for ${what}: ${fallback} (apt-get install -y python3 ${packages} to have Python write them).`);
    return null;
  }
  if (spawnSync(python, ["-c", `import ${modules.join(", ")}`], { stdio: "ignore" }).status === 0) return python;
  note(`${python} cannot import ${modules.join(" and ")} for ${what}: ${fallback} (apt-get install -y ${packages}).`);
  return null;
}

/** Runs a writer script; its last line of output is JSON. */
function runPython(python: string, args: string[]): Record<string, unknown> {
  const out = spawnSync(python, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  if (out.status !== 0) throw new Error(`${path.basename(args[0])} failed: ${out.stderr || String(out.error ?? out.signal)}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() || "{}") as Record<string, unknown>;
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

const str = (v: string): PickleNode => ({ t: "str", v });
const int = (v: number): PickleNode => ({ t: "int", v: BigInt(v) });
const dict = (entries: Record<string, PickleNode>): PickleNode => ({ t: "dict", entries: Object.entries(entries).map(([k, v]) => [str(k), v]) });
/** Django's RedisCache value: pickle protocol 5, by the app's own encoder (byte-exact with CPython's). */
const djangoPickle = (node: PickleNode) => Buffer.from(encodePickle(node, 5));

interface BulkNamespace {
  count: number;
  key(i: number): string;
  value(i: number): string | Buffer;
  /** Seconds; none for keys that do not expire. */
  ttl?(i: number): number;
}

/** 100,000 keys in the shapes of the libraries above, so the tree and the list have something to page through. */
const BULK: BulkNamespace[] = [
  // aiocache, JsonSerializer, namespace "catalog".
  {
    count: 30_000,
    key: (i) => `catalog:product:${i}`,
    value: (i) => pyJsonDumps({ id: i, name: `Product ${i}`, price: (i % 500) + 0.99, stock: (i * 37) % 120, tags: ["demo", i % 2 ? "odd" : "even"] }),
    ttl: (i) => DAY + (i % HOUR),
  },
  // Litestar server-side sessions: 64 hex characters, compact JSON (separators=(",", ":")), 14 days.
  {
    count: 20_000,
    key: (i) => `LITESTAR_sessions:${md5(`s${i}`)}${md5(`t${i}`)}`,
    value: (i) => pyJsonDumps({ user_id: i, cart: [i % 7, i % 11], theme: i % 3 ? "light" : "dark" }, true),
    ttl: () => 14 * DAY,
  },
  // Django: counters are exact ints as ASCII digits; everything else is pickled (protocol 5).
  { count: 10_000, key: (i) => `:1:views:article:${i}`, value: (i) => String((i * 7919) % 100_000) },
  {
    count: 10_000,
    key: (i) => `:1:profile:${i}`,
    value: (i) => djangoPickle(dict({ id: int(i), name: str(`User ${i}`), groups: { t: "list", items: [str("staff"), str(`team-${i % 12}`)] } })),
    ttl: () => DAY,
  },
  {
    count: 15_000,
    key: (i) => `:1:template.cache.sidebar.${md5(`f${i}`)}`,
    value: (i) => djangoPickle(str(`<aside class="sidebar"><a href="/articles/${i}/">Article ${i}</a></aside>`)),
    ttl: (i) => 6 * HOUR + (i % HOUR),
  },
  // async-caches with key_prefix "myapp" and version 2: stdlib json.dumps (", " and ": ").
  {
    count: 15_000,
    key: (i) => `myapp:2:user:${1000 + i}`,
    value: (i) => pyJsonDumps({ name: `User ${1000 + i}`, id: 1000 + i, active: i % 5 !== 0 }),
    ttl: () => 2 * DAY,
  },
];

const BATCH = 5000;

/** Writes BULK with pipelines of BATCH commands; returns how many keys it wrote. */
async function writeBulk(client: Redis): Promise<number> {
  let written = 0;
  for (const namespace of BULK) {
    for (let start = 0; start < namespace.count; start += BATCH) {
      const pipeline = client.pipeline();
      const end = Math.min(namespace.count, start + BATCH);
      for (let i = start; i < end; i++) {
        const ttl = namespace.ttl?.(i);
        if (ttl) pipeline.set(namespace.key(i), namespace.value(i), "EX", ttl);
        else pipeline.set(namespace.key(i), namespace.value(i));
      }
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
      written += end - start;
    }
  }
  return written;
}

export async function seedRedis(port: number, client: Redis, note: Note): Promise<void> {
  const what = "the Python-written Redis keys (Django, django-redis, aiocache, async-caches, Litestar, privex)";
  const python = pythonWith(["redis", "msgpack"], "python3-redis python3-msgpack", what, note);
  if (python) {
    const base = runPython(python, [fixture("python-caches/seed_redis.py"), String(port)]);
    const more = runPython(python, [path.join(import.meta.dirname, "seed_redis_more.py"), String(port)]);
    note(`Redis: ${Number(base.keys) + Number(more.keys)} keys written by python3 the way the Python libraries write them.`);
  } else {
    note(`Redis: ${await writePythonShapedRedis(client)} keys written the way the Python libraries write them.`);
  }
  const started = Date.now();
  const bulk = await writeBulk(client);
  note(`Redis: ${bulk.toLocaleString("en")} more keys in ${BULK.length} namespaces (${((Date.now() - started) / 1000).toFixed(1)} s).`);
}

/** Django's PyMemcacheCache: `:1:` keys, pymemcache's pickle serde (flags: 1 pickle, 2 int, 16 text, 0 bytes). */
export const DJANGO_MEMCACHED_ITEMS: PymemcacheItem[] = [
  { key: ":1:user:42", kind: "pickle", value: { name: "Ada", roles: ["admin", "dev"], active: true, score: 9.5 } },
  { key: ":1:hits", kind: "int", value: 1234 },
  { key: ":1:greeting", kind: "text", value: "hello from Django" },
  { key: `:1:django.contrib.sessions.cache${md5("session")}`, kind: "pickle", value: { _auth_user_id: "1", _auth_user_backend: "django.contrib.auth.backends.ModelBackend" } },
  { key: ":1:views.decorators.cache.cache_page..GET.home", kind: "bytes", value: Buffer.from("<html><body>cached page</body></html>").toString("hex") },
  ...Array.from({ length: 20 }, (_, i): PymemcacheItem => ({ key: `:1:product:${i}`, kind: "pickle", value: { id: i, price: i * 1.5, name: `Product ${i}` } })),
];

export async function seedMemcached(memcached: MemcachedCluster, note: Note): Promise<void> {
  const python = pythonWith(["pymemcache"], "python3-pymemcache", "the pymemcache-written memcached items (Django's PyMemcacheCache)", note);
  if (python) {
    const request = { servers: memcached.addresses, op: "write", items: DJANGO_MEMCACHED_ITEMS };
    const written = runPython(python, [fixture("memcached/pymemcache-client.py"), JSON.stringify(request)]);
    note(`memcached: ${Object.keys(written).length} items written by pymemcache (Django's PyMemcacheCache).`);
  } else {
    for (const item of DJANGO_MEMCACHED_ITEMS) {
      const { value, flags } = pymemcacheSerialize(item);
      await memcached.rawSet(Buffer.from(item.key), value, undefined, flags);
    }
    note(`memcached: ${DJANGO_MEMCACHED_ITEMS.length} items written the way pymemcache writes them (Django's PyMemcacheCache).`);
  }
  // aiocache's MemcachedCache: `namespace + key`, JsonSerializer, flags 0.
  for (let i = 0; i < 300; i++) {
    await memcached.rawSet(Buffer.from(`catalog:product:${i}`), Buffer.from(pyJsonDumps({ id: i, name: `Product ${i}`, price: (i % 50) + 0.5 })), DAY * 1000);
  }
  note("memcached: 300 aiocache JSON items.");
}

export async function seedUwsgi(uwsgi: UwsgiServer, note: Note): Promise<void> {
  const set = (cache: string, key: string, value: string, expires = 0) =>
    uwsgi.app({ op: "set", cache, key: Buffer.from(key), value: Buffer.from(value), expires });
  // uwsgiconf's Cache: set() stores str(value); incr() is cache_inc, an int64 counter.
  await set("default", "settings:feature_flags", "{'beta': True, 'max_items': 50}");
  await set("default", "greeting", "hello from uwsgiconf");
  for (const [name, amount] of [["visits", 1234], ["signups", 56], ["api_calls", 98765]] as const) {
    await uwsgi.app({ op: "inc", cache: "default", key: Buffer.from(`counters:${name}`), amount });
  }
  for (let i = 0; i < 150; i++) await set("default", `session:${md5(`u${i}`)}`, JSON.stringify({ user: i, cart: [] }), 2 * DAY);
  for (let i = 0; i < 40; i++) await set("pages", `/articles/${i}/`, `<html><body><h1>Article ${i}</h1></body></html>`, 6 * HOUR);
  note("uWSGI: 195 items in 2 caches, 3 of them uwsgiconf counters.");
}
