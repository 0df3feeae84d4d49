/**
 * The namespace tree end to end: the built app's HTTP API with a signed-in session against a Redis of 100k
 * and 1M mixed keys, next to a raw ioredis SCAN COUNT 1000 + first-level grouping in the same run. Reports
 * the time to a complete first level (cold index, rescan, warm index), the bytes the progress polls sent,
 * what scans at the production pace cost the cache's own clients (redis-benchmark GET p99), and the app
 * server's peak RSS. Needs the production build (`npm run build`, or any e2e run). Option: `--scale 100k|1m`
 * (default both).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import type { TreeState } from "@/lib/wire/tree";
import { resolveScanPace } from "@/lib/connections/scan-pace";
import { startRedis } from "@/tests/support/redis";
import { startApp, type RunningApp } from "../e2e/support/app";
import { p99Impact } from "./cache-load";
import { type BenchFigure, figure } from "./report";

const SCALES: Record<string, number> = { "100k": 100_000, "1m": 1_000_000 };

function sizes(): number[] {
  const at = process.argv.indexOf("--scale");
  if (at === -1) return Object.values(SCALES);
  const scale = process.argv[at + 1]?.toLowerCase() ?? "";
  if (!(scale in SCALES)) throw new Error(`--scale takes one of ${Object.keys(SCALES).join(", ")}`);
  return [SCALES[scale]];
}
const TINY = 3_000;
/** The browser's poll interval while a scan runs: each poll waits on the server up to 400 ms for the scan to end, then 100 ms pass. */
const BROWSER_POLL_MS = 500;
const BROWSER_POLL_WAIT_MS = 400;

/** The share of each namespace in the mix; 3,000 one-key namespaces come on top. */
const MIX: [string, number][] = [
  ["myapp:user:", 0.61],
  ["myapp:counter:", 0.05],
  ["LITESTAR:", 0.15],
  [":1:views:", 0.05],
  ["cache:", 0.04],
  ["bull:mail:", 0.03],
  ["logs:", 0.02],
  ["ratelimit:", 0.02],
];

async function seed(raw: Redis, total: number): Promise<void> {
  await raw.flushdb();
  const names: string[] = [];
  for (let i = 0; i < TINY; i++) names.push(`tiny${i}:only`);
  let left = total - TINY;
  for (const [index, [prefix, share]] of MIX.entries()) {
    const count = index === MIX.length - 1 ? left : Math.floor((total - TINY) * share);
    left -= count;
    for (let start = 0; start < count; start += 20_000) {
      const pipeline = raw.pipeline();
      for (let i = start; i < Math.min(count, start + 20_000); i++) pipeline.set(`${prefix}${i}`, "v");
      await pipeline.exec();
    }
  }
  const pipeline = raw.pipeline();
  for (const name of names) pipeline.set(name, "x");
  await pipeline.exec();
}

async function rawFirstLevel(raw: Redis, pace = { count: 1000, pauseMs: 0 }, signal?: AbortSignal): Promise<Map<string, number>> {
  const groups = new Map<string, number>();
  let cursor = "0";
  do {
    if (pace.pauseMs > 0 && cursor !== "0") await new Promise((resolve) => setTimeout(resolve, pace.pauseMs));
    if (signal?.aborted) break;
    const [next, keys] = await raw.scanBuffer(cursor, "COUNT", pace.count);
    cursor = next.toString();
    for (const key of keys) {
      // Keys without a delimiter are outside any namespace, as in the tree.
      const colon = key.indexOf(0x3a);
      if (colon === -1) continue;
      const name = key.toString("latin1", 0, colon);
      groups.set(name, (groups.get(name) ?? 0) + 1);
    }
  } while (cursor !== "0");
  return groups;
}

/** RSS of a process and its descendants, in bytes (Linux /proc). */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    sum += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

async function signedInCookie(app: RunningApp): Promise<string> {
  const user = await app.db.user.create({ data: { email: `bench-${randomBytes(4).toString("hex")}@example.test`, name: "Bench", role: "admin", passwordHash: "x" } });
  const token = randomBytes(32).toString("base64url");
  await app.db.session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) } });
  return `cb_session=${token}`;
}

/**
 * Polls the tree endpoint like the browser does (diffs after the first answer, each waiting on the server for
 * the scan's end) until no scan runs; returns
 * the time, the bytes received and the number of polls.
 */
async function pollUntilDone(
  url: string,
  cookie: string,
  intervalMs: number,
  onPoll: () => void,
  options: { signal?: AbortSignal; from?: TreeState } = {},
): Promise<{ ms: number; bytes: number; polls: number; state: TreeState }> {
  const { signal, from } = options;
  const started = performance.now();
  let bytes = 0;
  let polls = 0;
  let since = from ? `?generation=${from.generation}&version=${from.version}&wait=${BROWSER_POLL_WAIT_MS}` : "";
  for (;;) {
    const response = await fetch(`${url}${since}`, { headers: { cookie } });
    const body = await response.text();
    if (!response.ok) throw new Error(`${response.status}: ${body}`);
    bytes += Buffer.byteLength(body);
    polls += 1;
    onPoll();
    const state = JSON.parse(body) as TreeState;
    if (!state.scan) return { ms: performance.now() - started, bytes, polls, state };
    if (signal?.aborted) await (await fetch(url, { method: "DELETE", headers: { cookie } })).text();
    since = `?generation=${state.generation}&version=${state.version}&wait=${BROWSER_POLL_WAIT_MS}`;
    await new Promise((resolve) => setTimeout(resolve, intervalMs - BROWSER_POLL_WAIT_MS));
  }
}

export default async function run(report: (figure: BenchFigure) => void): Promise<void> {
  const root = path.resolve(import.meta.dirname, "../..");
  execFileSync(process.execPath, ["--input-type=module", "-e", "const s = await import('./scripts/lib/setup.mjs'); s.ensureBuild();"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const server = await startRedis();
  const raw = new Redis({ host: "127.0.0.1", port: server.port, protocol: 2 });
  const app = await startApp();
  try {
    const cookie = await signedInCookie(app);
    for (const size of sizes()) {
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
      await seed(raw, size);
      // A connection per size: each gets its own index, so the first visit is a cold one.
      const connection = await app.db.connectionProfile.create({
        data: { name: `bench ${label}`, kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: server.port }), environment: "development" },
      });
      const url = `${app.url}/api/c/${connection.id}/keys/tree`;
      const idleRss = treeRss(app.process.pid);
      let peakRss = idleRss;
      const sample = () => (peakRss = Math.max(peakRss, treeRss(app.process.pid)));

      const timedRaw = async () => {
        const started = performance.now();
        const groups = await rawFirstLevel(raw);
        return { ms: performance.now() - started, groups };
      };
      const { ms: firstRawMs, groups } = await timedRaw();
      const cold = await pollUntilDone(url, cookie, BROWSER_POLL_MS, sample);
      const complete = cold.state.rootCount === groups.size && cold.state.count === size;
      report(
        figure(`tree: complete first level, cold index, ${label} keys (HTTP, polled every ${BROWSER_POLL_MS} ms)`, cold.ms, "ms", {
          baseline: { name: "ioredis SCAN COUNT 1000 + grouping", value: firstRawMs },
          note: `${cold.state.rootCount} first-level namespaces${complete ? ", same as raw" : ", DIFFERENT from raw"}`,
        }),
      );
      report(figure(`tree: bytes sent by progress polls, ${label} keys`, cold.bytes / 1024, "KiB", { note: `${cold.polls} polls, first one carries the whole first level` }));

      // A rescan as the page starts one (it holds the first level; the POST answers the status, the polls at
      // the browser's interval what changed), three times in turn with the raw walk; medians, as one run
      // swings by a fifth. Timed to the index's own completion stamp (same machine, same clock): the page's
      // waiting poll sees it at once.
      const rescan = async () => {
        const started = Date.now();
        const response = await fetch(url, { method: "POST", headers: { cookie } });
        const from = (await response.json()) as TreeState;
        const done = await pollUntilDone(url, cookie, BROWSER_POLL_MS, sample, { from });
        if (done.state.scannedAt === null) throw new Error("The rescan left no completion time");
        return done.state.scannedAt - started;
      };
      const rescans: number[] = [];
      const raws: number[] = [firstRawMs];
      for (let round = 0; round < 3; round++) {
        rescans.push(await rescan());
        if (round > 0) raws.push((await timedRaw()).ms);
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const rawMs = median(raws);
      report(
        figure(`tree: rescan to a complete first level, ${label} keys (index's own completion time, polled every ${BROWSER_POLL_MS} ms)`, median(rescans), "ms", {
          baseline: { name: "ioredis SCAN COUNT 1000 + grouping", value: rawMs },
          target: 1.3,
          note: `medians of 3 (rescans ${rescans.map(Math.round).join(" / ")} ms, raw ${raws.map(Math.round).join(" / ")} ms)`,
        }),
      );

      const warmStarted = performance.now();
      const warm = await fetch(url, { headers: { cookie } });
      const warmBody = await warm.text();
      report(
        figure(`tree: first level from the warm index, ${label} keys`, performance.now() - warmStarted, "ms", {
          limit: 1000,
          target: 1,
          note: `${(Buffer.byteLength(warmBody) / 1024).toFixed(0)} KiB`,
        }),
      );
      // A production connection's scans go at its pace (by default 5000 keys per SCAN, a 125 ms pause): what they cost the
      // cache's other clients, one rescan after another while redis-benchmark runs.
      const production = await app.db.connectionProfile.create({
        data: { name: `bench ${label} production`, kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: server.port }), environment: "production" },
      });
      const pacedUrl = `${app.url}/api/c/${production.id}/keys/tree`;
      const pacedScan = async (signal: AbortSignal) => {
        const from = (await (await fetch(pacedUrl, { method: "POST", headers: { cookie } })).json()) as TreeState;
        await pollUntilDone(pacedUrl, cookie, BROWSER_POLL_MS, sample, { signal, from });
      };
      // The same walk done raw, at the same pace: ioredis SCAN + first-level grouping in this process.
      const pace = resolveScanPace({ environment: "production", scanCount: null, scanPauseMs: null }, { paced: true, env: {} });
      const rawPaced = { what: `a raw walk at that pace (SCAN COUNT ${pace.count}, ${pace.pauseMs} ms pauses)`, walk: (signal: AbortSignal) => rawFirstLevel(raw, pace, signal) };
      const requests = Math.min(size, 400_000);
      const what = `a tree scan of ${label} keys at the production pace`;
      await p99Impact(report, { port: server.port, requests, clients: 50, what, walk: pacedScan, raw: rawPaced });
      await p99Impact(report, { port: server.port, requests: requests / 2, clients: 4, what, walk: pacedScan, raw: rawPaced });
      report(
        figure(`tree: app server peak RSS during the ${label} scans`, peakRss / 1024 / 1024, "MB", {
          limit: 300,
          target: 1,
          note: `idle before ${(idleRss / 1024 / 1024).toFixed(0)} MB`,
        }),
      );
    }
  } finally {
    raw.disconnect();
    await app.stop();
    await server.stop();
  }
}
