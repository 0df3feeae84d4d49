/**
 * Per-request cost of the most frequent action, opening a key (issue 17): a 280 B string, a 1000-item list
 * (first page) and a 10-field hash, each opened the way the key pane does, on one Redis, in the same run: raw
 * ioredis, Cacheboard (the built app, signed in, over the direct lane's WebSocket as the key pane reads; its
 * own server time from the answer's timing), redis-commander (HTTP) and p3x-redis-ui (socket.io; it reads whole
 * values), the three servers taking turns request by request. Also the CPU time each server process spends
 * per open (from /proc, over the same opens) and the idle resident memory of the servers. Then the same
 * opens over HTTP alone (the key pane's fallback, and every other client's way in), against raw.
 * Options: `--opens N` (default 500 per key), `--warm-up N` (default 2000 per key and server), `--no-peer`.
 */
import { Redis } from "ioredis";
import { startRedis } from "../support/redis";
import { type Cacheboard, type LaneSocketClient, openKeyTimed, openLaneSocket, startCacheboard } from "./e2e/cacheboard";
import { cpuTimeOf, median, memoryOf, percentile, timed } from "./e2e/measure";
import { installP3x, installPeer, p3xKey, type P3xPeer, peerKey, type Peer, startP3x, startPeer } from "./e2e/peer";
import { type BenchFigure, figure } from "./report";

const KEYS: Record<string, { key: string; raw: (r: Redis, k: string) => Promise<unknown> }> = {
  "string, 280 B": { key: "bench:open:string", raw: (r: Redis, k: string) => r.getBuffer(k) },
  "list of 1000 (first page)": { key: "bench:open:list", raw: (r: Redis, k: string) => r.lrangeBuffer(k, 0, 99) },
  "hash, 10 fields": { key: "bench:open:hash", raw: (r: Redis, k: string) => r.hgetallBuffer(k) },
};

/**
 * Opens per key and server before any is measured. A server's cost per open keeps falling for a few thousand
 * requests while V8 optimises its request path (in a scratch run, Cacheboard's CPU per open over the socket
 * went 0.52 → 0.32 → 0.18 ms over three rounds of 2,300 opens, p3x-redis-ui's 0.43 → 0.23 → 0.22 ms); a
 * dashboard's server has been up far longer than that, so the bench measures past it, for every server alike.
 * `--warm-up N` changes it.
 */
const DEFAULT_WARM_UP_OPENS = 2000;

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

interface Participant {
  name: string;
  pid: number;
  open(key: string): Promise<void>;
}

export default async function run(report: (figure: BenchFigure) => void): Promise<void> {
  const opens = option("opens", 500);
  const warmUp = option("warm-up", DEFAULT_WARM_UP_OPENS);
  const redis = await startRedis();
  const raw = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: false });
  let cb: Cacheboard | undefined;
  let lane: LaneSocketClient | undefined;
  let commander: Peer | undefined;
  let p3x: P3xPeer | undefined;
  try {
    await seed(raw);
    const noPeer = process.argv.includes("--no-peer") ? "--no-peer" : null;
    const skipped = { commander: noPeer ?? installPeer(), p3x: noPeer ?? installP3x() };
    // All servers run at once and take turns request by request (the order rotating), so a change in the
    // machine's load during the run weighs on all alike.
    if (!skipped.commander) commander = await startPeer(redis.port);
    if (!skipped.p3x) p3x = await startP3x(redis.port);
    cb = await startCacheboard(redis.port);
    // The browser that signed in is closed once the session exists: its home page polls the connections'
    // statistics and health, and Chromium's own start-up work on these two cores weighed on the first key
    // measured (every server's CPU per open was highest for whichever key came first); the peers have no browser.
    await cb.browser.close();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRss = memoryOf(cb.app.process.pid).rssMb;
    const peers: Participant[] = [];
    if (commander) peers.push({ name: "redis-commander", pid: commander.pid, open: (key) => peerKey(commander!, key) });
    if (p3x) peers.push({ name: "p3x-redis-ui", pid: p3x.pid, open: (key) => p3xKey(p3x!, key) });
    const peerRss = peers.map((peer) => ({ name: peer.name, value: memoryOf(peer.pid).rssMb }));
    const skippedNote = Object.entries(skipped)
      .filter(([, why]) => why)
      .map(([name, why]) => `${name} skipped: ${why}`)
      .join("; ");
    // The key pane opens keys the list has just shown: list them first, as a person does.
    await fetch(`${cb.app.url}/api/c/${encodeURIComponent(cb.connectionId)}/keys`, {
      method: "POST",
      headers: { cookie: cb.cookie, "content-type": "application/json", origin: cb.app.url },
      body: JSON.stringify({ limit: 100, match: "bench:open:*" }),
    });
    const server: number[] = [];
    lane = await openLaneSocket(cb);
    const ours: Participant = {
      name: "Cacheboard",
      pid: cb.app.process.pid,
      open: async (key) => {
        server.push((await lane!.open(key)).serverMs);
      },
    };
    const everyone = [ours, ...peers];
    for (const [label, { key, raw: rawRead }] of Object.entries(KEYS)) {
      // Warm-up, the same for every server: the first few hundred requests of a path run while V8 is still
      // compiling it (the first key measured used to show it in its p99); a server that has been up a while is past that.
      for (let i = 0; i < warmUp; i++) {
        for (const participant of everyone) await participant.open(key);
        await rawRead(raw, key);
      }
      server.length = 0;
      const rawTimes: number[] = [];
      const trips = everyone.map(() => [] as number[]);
      const cpuBefore = everyone.map((participant) => cpuTimeOf(participant.pid));
      for (let i = 0; i < opens; i++) {
        for (let turn = 0; turn < everyone.length; turn++) {
          const at = (i + turn) % everyone.length;
          trips[at]!.push((await timed(() => everyone[at]!.open(key))).ms);
        }
        rawTimes.push((await timed(() => rawRead(raw, key))).ms);
      }
      const cpuPerOpen = everyone.map((participant, at) => (cpuTimeOf(participant.pid) - cpuBefore[at]!) / opens);
      const tripP50 = trips.map((times) => median(times));
      const rawP50 = median(rawTimes);
      const serverP50 = median(server);
      const serverP99 = percentile(server, 99);
      const peerFigures = (values: number[]) => peers.map((peer, at) => ({ name: peer.name, value: values[at + 1]! }));
      const beats = (values: number[]) => (peers.length === 0 ? `; ${skippedNote}` : `; below ${peers.map((peer) => peer.name).join(" and ")}: ${values.slice(1).every((value) => values[0]! < value) ? "yes" : "NO"}`);
      report({
        ...figure(`open ${label}: server time p50 / p99`, serverP50, "ms", {
          baseline: { name: "raw ioredis", value: rawP50 },
          note: `p99 ${serverP99.toFixed(2)} ms; target ≤ 2 ms p50, ≤ 5 ms p99${serverP50 > 2 || serverP99 > 5 ? " MISSED" : " ok"}`,
        }),
        missed: serverP50 > 2 || serverP99 > 5,
      });
      report({
        ...figure(`open ${label}: round trip p50`, tripP50[0]!, "ms", {
          baseline: { name: "raw ioredis", value: rawP50 },
          note: `p99 ${everyone.map((participant, at) => `${participant.name} ${percentile(trips[at]!, 99).toFixed(2)}`).join(", ")} ms${beats(tripP50)}`,
        }),
        peers: peerFigures(tripP50),
      });
      report({
        ...figure(`open ${label}: server CPU per open`, cpuPerOpen[0]!, "ms", {
          note: `user + system time of each server process over the ${opens} opens${beats(cpuPerOpen)}`,
        }),
        peers: peerFigures(cpuPerOpen),
      });
      // The same opens over HTTP, Cacheboard alone against raw (its CPU is its own again).
      const httpTrips: number[] = [];
      const httpServer: number[] = [];
      const httpRaw: number[] = [];
      for (let i = 0; i < warmUp; i++) await openKeyTimed(cb, key);
      const httpCpuBefore = cpuTimeOf(ours.pid);
      for (let i = 0; i < opens; i++) {
        const { ms, serverMs } = await openKeyTimed(cb, key);
        httpTrips.push(ms);
        httpServer.push(serverMs);
        httpRaw.push((await timed(() => rawRead(raw, key))).ms);
      }
      report(
        figure(`open ${label} over HTTP: round trip p50`, median(httpTrips), "ms", {
          baseline: { name: "raw ioredis", value: median(httpRaw) },
          note: `server time p50 ${median(httpServer).toFixed(2)} / p99 ${percentile(httpServer, 99).toFixed(2)} ms, CPU per open ${((cpuTimeOf(ours.pid) - httpCpuBefore) / opens).toFixed(2)} ms; the key pane's fallback`,
        }),
      );
    }
    report({
      ...figure("server RSS idle (after start and sign-in)", idleRss, "MB", { note: skippedNote || undefined }),
      peers: peerRss,
    });
  } finally {
    lane?.close();
    await cb?.stop();
    await commander?.stop();
    await p3x?.stop();
    raw.disconnect();
    await redis.stop();
  }
}
