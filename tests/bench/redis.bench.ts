/**
 * The Redis driver on a million keys shaped like real Python caches, each figure next to the same work done
 * directly with ioredis in the same run; then the read path (opening a key, a key-list page, a download, and
 * what paging a 100 MiB value costs other clients) on a server of its own.
 */
import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import { keyPage } from "@/lib/server/keys/key-page";
import { openValueDownload } from "@/lib/server/keys/value-download";
import { toWire } from "@/lib/server/keys/to-wire";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { requireBinary } from "@/tests/support/process";
import { startRedis } from "@/tests/support/redis";
import { type BenchFigure, figure } from "./report";

const TOTAL = 1_000_000;
const PURGE = 100_000;
const RUNS = 3;

function resp(args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

/** The i-th command of the data set: namespaces 2–4 levels deep, Django and Litestar keys, every type. */
function command(i: number): string {
  if (i < PURGE) return resp(["SET", `purge-driver:item:${i}`, `{"id": ${i}}`]);
  if (i < 2 * PURGE) return resp(["SET", `purge-raw:item:${i}`, `{"id": ${i}}`]);
  const ttl = String(60_000 + (i % 3600) * 1000);
  switch (i % 16) {
    case 0:
    case 1:
    case 2:
      return resp(["SET", `myapp:users:profile:${i}`, JSON.stringify({ id: i, name: `user ${i}`, roles: ["a", "b"] }), "PX", ttl]);
    case 3:
    case 4:
      return resp(["SET", `:1:views.decorators.cache.cache_page.site.GET.${(i * 2654435761) >>> 0}.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC`, `\u0080\u0005K*.`, "PX", ttl]);
    case 5:
      return resp(["SET", `:1:django.contrib.sessions.cache${(i * 40503).toString(36)}${i}`, `{"_auth_user_id": "${i}"}`, "PX", ttl]);
    case 6:
      return resp(["SET", `LITESTAR_sessions:${i.toString(16).padStart(64, "0")}`, `{"user":${i}}`, "PX", ttl]);
    case 7:
      return resp(["SET", `LITESTAR_response_cache:GET/items?page=${i}`, "\u0092\u0083\u00a4type", "PX", ttl]);
    case 8:
      return resp(["SET", `LITESTAR:rate:RateLimitMiddleware::10.0.${i % 256}.${i % 251}:${i}`, `{"history":[${i}],"reset":${i}}`, "PX", ttl]);
    case 9:
      return resp(["SET", `stats:counter:${i}`, String(i)]);
    case 10:
      return resp(["HSET", `shop:cart:${i}`, "sku", String(i), "qty", "2", "price", "9.99"]);
    case 11:
      return resp(["RPUSH", `jobs:queue:v2:${i}`, "a", "b", "c"]);
    case 12:
      return resp(["SADD", `tags:set:${i}`, "red", "green", String(i)]);
    case 13:
      return resp(["ZADD", `board:scores:weekly:${i}`, "1", "alice", "2", "bob"]);
    case 14:
      return resp(["SET", `myapp:2:catalog:item:${i}`, `{"id": ${i}, "price": 1.5}`, "PX", ttl]);
    default:
      return resp(["SET", `cache:${i}`, `{"v": ${i}}`, "PX", ttl]);
  }
}

/** Streams the whole data set through `redis-cli --pipe`, the fastest way in. */
async function load(port: number): Promise<void> {
  const cli = spawn(requireBinary("redis-cli", "redis-server"), ["-h", "127.0.0.1", "-p", String(port), "--pipe"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on("exit", resolve));
  let chunk = "";
  for (let i = 0; i < TOTAL; i++) {
    chunk += command(i);
    if (chunk.length > 1 << 20) {
      if (!cli.stdin.write(chunk)) await new Promise((resolve) => cli.stdin.once("drain", resolve));
      chunk = "";
    }
  }
  cli.stdin.end(chunk);
  if ((await exited) !== 0 || !/errors: 0/.test(output)) throw new Error(`Loading failed: ${output}`);
}

function firstLevel(groups: Map<string, number>, key: Buffer): void {
  const colon = key.indexOf(0x3a);
  const name = colon === -1 ? "" : key.toString("latin1", 0, colon);
  groups.set(name, (groups.get(name) ?? 0) + 1);
}

async function namespacesRaw(raw: Redis): Promise<Map<string, number>> {
  const groups = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, keys] = await raw.scanBuffer(cursor, "COUNT", 1000);
    cursor = next.toString();
    for (const key of keys) firstLevel(groups, key);
  } while (cursor !== "0");
  return groups;
}

async function namespacesDriver(driver: Driver, onPage?: () => void): Promise<Map<string, number>> {
  const groups = new Map<string, number>();
  let cursor = "";
  for (;;) {
    const page = await driver.scan({ cursor, count: 1000 });
    for (const key of page.keys) firstLevel(groups, key);
    onPage?.();
    if (page.done) return groups;
    cursor = page.cursor;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * Sends PING back to back from a child process (so this process's own work does not delay the answers) until
 * stopped; reports the slowest answer. Resolves once the first answer came back.
 */
async function pingLoop(port: number): Promise<{ stop(): Promise<{ worst: number; count: number }> }> {
  const script = `
    const socket = require("node:net").connect(${port}, "127.0.0.1");
    let worst = 0, count = 0, sent = 0, running = true;
    const ping = () => { sent = performance.now(); socket.write("PING\\r\\n"); };
    socket.on("connect", ping);
    socket.on("data", () => {
      if (count === 0) process.stdout.write("ready\\n");
      else worst = Math.max(worst, performance.now() - sent);
      count++;
      if (running) ping(); else { process.stdout.write(JSON.stringify({ worst, count }) + "\\n"); process.exit(0); }
    });
    process.stdin.on("data", () => { running = false; });
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.startsWith("ready\n")) ready();
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await started;
  return {
    async stop() {
      child.stdin.write("stop\n");
      await exited;
      return JSON.parse(output.split("\n")[1]) as { worst: number; count: number };
    },
  };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.length;
  }
}

/** Opening a key, a key-list page with formats, a 50 MB download, and PING latency while a 100 MiB value is paged. */
export async function readPath(report: (figure: BenchFigure) => void): Promise<void> {
  const server = await startRedis();
  const raw = new Redis({ host: "127.0.0.1", port: server.port, protocol: 2 });
  const driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 30_000 });
  try {
    const base = JSON.stringify({ id: 42, name: "Ada Lovelace", roles: ["admin", "dev"], bio: "" });
    const small = Buffer.from(JSON.stringify({ id: 42, name: "Ada Lovelace", roles: ["admin", "dev"], bio: "x".repeat(280 - base.length) }));
    await raw.set("open:small", small);
    const rawOpen: number[] = [];
    const open: number[] = [];
    for (let i = 0; i < 2000; i++) {
      let started = performance.now();
      await raw.getBuffer("open:small");
      rawOpen.push(performance.now() - started);
      started = performance.now();
      JSON.stringify(toWire(await driver.read(Buffer.from("open:small"), { bytes: 65536, limit: 100 })));
      open.push(performance.now() - started);
    }
    report(
      figure(`open a ${small.length} B string (driver read + wire JSON; the route adds its session/profile lookups)`, median(open), "ms", {
        baseline: { name: "ioredis GET", value: median(rawOpen) },
        note: `p99 ${percentile(open, 0.99).toFixed(2)} ms (GET p99 ${percentile(rawOpen, 0.99).toFixed(2)} ms); median of 2000; target ≤ 2 ms p50`,
      }),
    );

    const pipe = raw.pipeline();
    for (let i = 0; i < 5000; i++) pipe.set(`page:item:${i}`, i % 2 ? JSON.stringify({ id: i, tags: ["a", "b"] }) : Buffer.from([0x80, 0x05, 0x4b, i & 0xff, 0x2e]));
    await pipe.exec();
    const rawPage: number[] = [];
    const page: number[] = [];
    for (let run = 0; run < 20; run++) {
      const r = await timed(async () => {
        const keys: Buffer[] = [];
        let cursor = "0";
        do {
          const [next, found] = await raw.scanBuffer(cursor, "MATCH", "page:*", "COUNT", 500);
          cursor = next.toString();
          keys.push(...found);
        } while (keys.length < 500 && cursor !== "0");
        const meta = raw.pipeline();
        for (const key of keys.slice(0, 500)) meta.type(key).pttl(key).strlen(key).getrangeBuffer(key, 0, 1023);
        await meta.exec();
      });
      rawPage.push(r.ms);
      const d = await timed(() => keyPage(driver, { prefix: Buffer.from("page:"), limit: 500 }));
      if (d.result.rows.length !== 500) throw new Error(`the page held ${d.result.rows.length} rows, not 500`);
      page.push(d.ms);
    }
    report(
      figure("key list: first page of 500 rows with type/TTL/size/format", median(page), "ms", {
        baseline: { name: "SCAN + pipelined TYPE/PTTL/STRLEN/GETRANGE 0 1023", value: median(rawPage) },
        target: 2,
        note: "median of 20",
      }),
    );

    const fifty = Buffer.alloc(50 * 1024 * 1024, 0x61);
    await raw.set("download:50mb", fifty);
    const rawGet: number[] = [];
    const download: number[] = [];
    for (let run = 0; run < 3; run++) {
      rawGet.push((await timed(() => raw.getBuffer("download:50mb"))).ms);
      const d = await timed(async () => drain((await openValueDownload(driver, Buffer.from("download:50mb"))).stream));
      if (d.result !== fifty.length) throw new Error(`the download held ${d.result} bytes`);
      download.push(d.ms);
    }
    report(figure("download a 50 MB value (streamed GETRANGE chunks)", median(download), "ms", { baseline: { name: "ioredis GET", value: median(rawGet) }, target: 2, note: "median of 3" }));

    const huge = Buffer.alloc(100 * 1024 * 1024, 0x62);
    await raw.set("page:huge", huge);
    // Baseline: the same ranges read straight with ioredis, so machine noise shows on both sides.
    const rawPing = await pingLoop(server.port);
    const rawWork = await timed(async () => {
      for (let i = 0; i <= 10; i++) await raw.getrangeBuffer("page:huge", i * 65536, (i + 1) * 65536 - 1);
      for (let offset = 0; offset < huge.length; offset += 4 * 1024 * 1024) await raw.getrangeBuffer("page:huge", offset, offset + 4 * 1024 * 1024 - 1);
    });
    const rawWorst = await rawPing.stop();
    const busy = await pingLoop(server.port);
    const work = await timed(async () => {
      const key = Buffer.from("page:huge");
      await driver.read(key, { bytes: 65536, limit: 100 });
      for (let i = 1; i <= 10; i++) await driver.read(key, { offset: i * 65536, bytes: 65536, limit: 100 });
      return drain((await openValueDownload(driver, key)).stream);
    });
    const busyPing = await busy.stop();
    report(
      figure("worst PING of another client while a 100 MiB value is opened, paged 10× and downloaded", busyPing.worst, "ms", {
        baseline: { name: "the same ranges read with ioredis GETRANGE", value: rawWorst.worst },
        note: `${busyPing.count} pings over ${work.ms.toFixed(0)} ms (raw: ${rawWorst.count} over ${rawWork.ms.toFixed(0)} ms); target < 20 ms on an idle machine`,
      }),
    );
  } finally {
    await driver.dispose();
    raw.disconnect();
    await server.stop();
  }
}

export default async function run(report: (figure: BenchFigure) => void): Promise<void> {
  await readPath(report);
  const server = await startRedis();
  const raw = new Redis({ host: "127.0.0.1", port: server.port, protocol: 2 });
  const driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 30_000 });
  try {
    const loading = await timed(() => load(server.port));
    const keys = await raw.dbsize();
    report(figure("load 1M cache-shaped keys (redis-cli --pipe)", loading.ms / 1000, "s", { note: `${keys} keys` }));

    const rawTimes: number[] = [];
    const driverTimes: number[] = [];
    let rawGroups = new Map<string, number>();
    let driverGroups = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) {
      const r = await timed(() => namespacesRaw(raw));
      rawTimes.push(r.ms);
      rawGroups = r.result;
      const d = await timed(() => namespacesDriver(driver));
      driverTimes.push(d.ms);
      driverGroups = d.result;
    }
    const sameGroups = [...rawGroups].every(([name, n]) => driverGroups.get(name) === n) && rawGroups.size === driverGroups.size;
    report(
      figure("first-level namespaces over 1M keys", median(driverTimes), "ms", {
        baseline: { name: "ioredis SCAN COUNT 1000 + grouping", value: median(rawTimes) },
        target: 1.2,
        note: `${driverGroups.size} namespaces${sameGroups ? "" : ", DIFFERENT from the raw walk"}; median of ${RUNS}`,
      }),
    );

    const firstPage: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { ms } = await timed(async () => {
        const page: Buffer[] = [];
        let cursor = "";
        while (page.length < 500) {
          const next = await driver.scan({ cursor, count: 500 });
          page.push(...next.keys);
          if (next.done) break;
          cursor = next.cursor;
        }
        const metas = await driver.describe(page.slice(0, 500));
        if (metas.length !== Math.min(500, page.length)) throw new Error("describe lost rows");
      });
      firstPage.push(ms);
    }
    report(figure("first page of 500 keys with type/TTL/size", median(firstPage), "ms", { limit: 50, target: 1, note: `median of 20, max ${Math.max(...firstPage).toFixed(1)} ms` }));

    const serverMemory = async () => Number(/used_memory:(\d+)/.exec(await raw.info("memory"))?.[1]);
    const serverBefore = await serverMemory();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    await namespacesDriver(driver, () => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    });
    const serverAfter = await serverMemory();
    report(
      figure("Redis used_memory growth across that walk", (serverAfter - serverBefore) / 1024 / 1024, "MB", {
        limit: 100,
        target: 1,
        note: "SCAN keeps no server-side state",
      }),
    );
    report(
      figure("RSS growth of the driver process walking 1M keys", (rssPeak - rssBefore) / 1024 / 1024, "MB", {
        limit: 100,
        target: 1,
        note: `RSS ${(rssBefore / 1024 / 1024).toFixed(0)} → ${(rssPeak / 1024 / 1024).toFixed(0)} MB`,
      }),
    );

    const deleteRaw = await timed(async () => {
      let cursor = "0";
      let removed = 0;
      do {
        const [next, found] = await raw.scanBuffer(cursor, "MATCH", "purge-raw:*", "COUNT", 1000);
        cursor = next.toString();
        if (found.length === 0) continue;
        const pipeline = raw.pipeline();
        for (const key of found) pipeline.unlink(key);
        const results = (await pipeline.exec()) ?? [];
        removed += results.reduce((sum, [, n]) => sum + Number(n), 0);
      } while (cursor !== "0");
      return removed;
    });
    const deleteDriver = await timed(() => driver.deletePrefix(Buffer.from("purge-driver:")));
    report(
      figure("namespace delete of 100k keys", deleteDriver.ms, "ms", {
        baseline: { name: "SCAN MATCH + pipelined UNLINK loop", value: deleteRaw.ms },
        target: 1.3,
        note: `driver removed ${deleteDriver.result.affected}, raw removed ${deleteRaw.result}`,
      }),
    );
  } finally {
    await driver.dispose();
    raw.disconnect();
    await server.stop();
  }
}
