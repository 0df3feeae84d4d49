/**
 * Per-request cost of the most frequent action, opening a key (issue 17): a 280 B string, a 1000-item list
 * (first page) and a 10-field hash, each opened the way the key pane does, on one Redis, three ways in the same
 * run: raw ioredis, Cacheboard (the built app over HTTP, signed in; its own server time read from the
 * Server-Timing header) and redis-commander, the two servers taking turns request by request. Also the CPU time each server process spends
 * per open (from /proc, over the same opens) and the idle resident memory of both servers.
 * Options: `--opens N` (default 500 per key), `--no-peer`.
 */
import { Redis } from "ioredis";
import { startRedis } from "../support/redis";
import { type Cacheboard, startCacheboard } from "./e2e/cacheboard";
import { cpuTimeOf, median, memoryOf, percentile, timed } from "./e2e/measure";
import { installPeer, peerKey, type Peer, startPeer } from "./e2e/peer";
import { type BenchFigure, figure } from "./report";

const KEYS: Record<string, { key: string; raw: (r: Redis, k: string) => Promise<unknown> }> = {
  "string, 280 B": { key: "bench:open:string", raw: (r: Redis, k: string) => r.getBuffer(k) },
  "list of 1000 (first page)": { key: "bench:open:list", raw: (r: Redis, k: string) => r.lrangeBuffer(k, 0, 99) },
  "hash, 10 fields": { key: "bench:open:hash", raw: (r: Redis, k: string) => r.hgetallBuffer(k) },
};

const WARM_UP_OPENS = 200;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 10 || value > 100_000) throw new Error(`--${name} takes a whole number from 10 to 100000`);
  return value;
}

async function seed(raw: Redis): Promise<void> {
  await raw.set(KEYS["string, 280 B"].key, JSON.stringify({ id: 1, name: "x".repeat(240), roles: ["reader"] }).slice(0, 280));
  await raw.rpush(KEYS["list of 1000 (first page)"].key, ...Array.from({ length: 1000 }, (_, i) => `item ${i}`));
  await raw.hset(KEYS["hash, 10 fields"].key, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field${i}`, `value ${i}`])));
}

/** One open as the key pane does it: the round trip, and the server's own time from Server-Timing. */
async function open(cb: Cacheboard, key: string): Promise<{ ms: number; serverMs: number }> {
  const started = performance.now();
  const response = await fetch(`${cb.app.url}/api/c/${encodeURIComponent(cb.connectionId)}/key`, {
    method: "POST",
    headers: { cookie: cb.cookie, "content-type": "application/json", origin: cb.app.url },
    body: JSON.stringify({ key: Buffer.from(key).toString("base64") }),
  });
  const body = (await response.json()) as { ok: boolean };
  const ms = performance.now() - started;
  if (!body.ok) throw new Error(`Opening ${key} failed: ${JSON.stringify(body).slice(0, 300)}`);
  const serverMs = Number(/app;dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1] ?? Number.NaN);
  return { ms, serverMs };
}

export default async function run(report: (figure: BenchFigure) => void): Promise<void> {
  const opens = option("opens", 500);
  const redis = await startRedis();
  const raw = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: false });
  let cb: Cacheboard | undefined;
  let peer: Peer | undefined;
  try {
    await seed(raw);
    const peerSkipped = process.argv.includes("--no-peer") ? "--no-peer" : installPeer();
    // Both servers run at once and take turns request by request (the order alternating), so a change in the
    // machine's load during the run weighs on both alike.
    if (!peerSkipped) peer = await startPeer(redis.port);
    cb = await startCacheboard(redis.port);
    // The browser that signed in leaves its page: the home page polls the connections' statistics and health,
    // work the server would do in the middle of the opens, which redis-commander (no browser) is spared.
    await cb.browser.page.goto("about:blank");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRss = memoryOf(cb.app.process.pid).rssMb;
    const peerIdle = { rss: peer ? memoryOf(peer.pid).rssMb : Number.NaN };
    // The key pane opens keys the list has just shown: list them first, as a person does.
    await fetch(`${cb.app.url}/api/c/${encodeURIComponent(cb.connectionId)}/keys`, {
      method: "POST",
      headers: { cookie: cb.cookie, "content-type": "application/json", origin: cb.app.url },
      body: JSON.stringify({ limit: 100, match: "bench:open:*" }),
    });
    for (const [label, { key, raw: rawRead }] of Object.entries(KEYS)) {
      // Warm-up, the same for both servers: the first few hundred requests of a path run while V8 is still
      // compiling it (the first key measured used to show it in its p99); a server that has been up a while is past that.
      for (let i = 0; i < WARM_UP_OPENS; i++) {
        await open(cb, key);
        if (peer) await peerKey(peer, key);
        await rawRead(raw, key);
      }
      const rawTimes: number[] = [];
      const peerTimes: number[] = [];
      const trips: number[] = [];
      const server: number[] = [];
      const cpuBefore = { ours: cpuTimeOf(cb.app.process.pid), theirs: peer ? cpuTimeOf(peer.pid) : 0 };
      for (let i = 0; i < opens; i++) {
        const ours = async () => {
          const { ms, serverMs } = await open(cb!, key);
          trips.push(ms);
          server.push(serverMs);
        };
        const theirs = async () => {
          if (peer) peerTimes.push((await timed(() => peerKey(peer!, key))).ms);
        };
        if (i % 2 === 0) {
          await ours();
          await theirs();
        } else {
          await theirs();
          await ours();
        }
        rawTimes.push((await timed(() => rawRead(raw, key))).ms);
      }
      const cpuPerOpen = { ours: (cpuTimeOf(cb.app.process.pid) - cpuBefore.ours) / opens, theirs: peer ? (cpuTimeOf(peer.pid) - cpuBefore.theirs) / opens : Number.NaN };
      const peerP50 = peer ? median(peerTimes) : undefined;
      const rawP50 = median(rawTimes);
      const serverP50 = median(server);
      const serverP99 = percentile(server, 99);
      report({
        ...figure(`open ${label}: server time p50 / p99`, serverP50, "ms", {
          baseline: { name: "raw ioredis", value: rawP50 },
          note: `p99 ${serverP99.toFixed(2)} ms; target ≤ 2 ms p50, ≤ 5 ms p99${serverP50 > 2 || serverP99 > 5 ? " MISSED" : " ok"}`,
        }),
        peer: peerP50 !== undefined ? { name: "redis-commander (round trip)", value: peerP50 } : undefined,
        missed: serverP50 > 2 || serverP99 > 5,
      });
      report({
        ...figure(`open ${label}: round trip p50`, median(trips), "ms", {
          baseline: { name: "raw ioredis", value: rawP50 },
          note: `p99 ${percentile(trips, 99).toFixed(2)} ms${peerP50 !== undefined ? ` (redis-commander p99 ${percentile(peerTimes, 99).toFixed(2)} ms); faster than redis-commander: ${median(trips) < peerP50 ? "yes" : "NO"}` : `; peer skipped: ${peerSkipped}`}`,
        }),
        peer: peerP50 !== undefined ? { name: "redis-commander", value: peerP50 } : undefined,
      });
      report({
        ...figure(`open ${label}: server CPU per open`, cpuPerOpen.ours, "ms", {
          note: `user + system time of the whole server process over the ${opens} opens${peer ? `; less than redis-commander's: ${cpuPerOpen.ours < cpuPerOpen.theirs ? "yes" : "NO"}` : ""}`,
        }),
        peer: peer ? { name: "redis-commander", value: cpuPerOpen.theirs } : undefined,
      });
    }
    report({
      ...figure("server RSS idle (after start and sign-in)", idleRss, "MB", { note: peerSkipped ? `peer skipped: ${peerSkipped}` : undefined }),
      peer: Number.isNaN(peerIdle.rss) ? undefined : { name: "redis-commander", value: peerIdle.rss },
    });
  } finally {
    await cb?.stop();
    await peer?.stop();
    raw.disconnect();
    await redis.stop();
  }
}
