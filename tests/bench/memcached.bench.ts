/**
 * Listing a 1M-item memcached through the driver's paged cursor, against reading the raw
 * `lru_crawler metadump hash` (what the driver asks for) over a socket in the same run, and the memory
 * either side needs to do it.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { createDriver } from "@/lib/drivers/registry";
import { loadItems, startMemcached } from "../support/memcached";
import { type BenchFigure, figure } from "./report";

const ITEMS = 1_000_000;
const PAGE = 10_000;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "latin1");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

/** Peak RSS of `pid` while `work` runs, sampled every 20 ms. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number; before: number }> {
  const before = rssOf(pid);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, rssOf(pid));
    return { result, peak, before };
  } finally {
    clearInterval(timer);
  }
}

function rawDump(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let lines = 0;
    let tail = Buffer.alloc(0);
    socket.on("connect", () => socket.write("lru_crawler metadump hash\r\n"));
    socket.on("data", (chunk: Buffer) => {
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
      tail = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - 5))]).subarray(-5);
      if (tail.toString("latin1") === "END\r\n") {
        socket.destroy();
        resolve(lines - 1);
      }
    });
    socket.on("error", reject);
  });
}

export default async function bench(report: (f: BenchFigure) => void): Promise<void> {
  const cluster = await startMemcached(1, { memoryMb: 1024 });
  const driver = createDriver({ kind: "memcached", settings: { servers: cluster.addresses }, secrets: {}, timeoutMs: 30_000 });
  try {
    const loadStarted = performance.now();
    const loaders = 4;
    await Promise.all(
      Array.from({ length: loaders }, (_, i) => loadItems(cluster.addresses[0], `bench:${i}:item:`, ITEMS / loaders, "0123456789")),
    );
    report(figure("memcached: load 1M items (pipelined set noreply)", (performance.now() - loadStarted) / 1000, "s"));

    const port = cluster.servers[0].port;
    const serverPid = cluster.servers[0].process.pid;
    let rawBest = Number.POSITIVE_INFINITY;
    let driverBest = Number.POSITIVE_INFINITY;
    let clientGrowth = 0;
    let serverGrowth = 0;
    for (let round = 0; round < 5; round++) {
      const rawStarted = performance.now();
      const rawCount = await rawDump(port);
      rawBest = Math.min(rawBest, performance.now() - rawStarted);
      if (rawCount !== ITEMS) throw new Error(`raw dump listed ${rawCount} items, expected ${ITEMS}`);

      global.gc?.();
      const clientBefore = process.memoryUsage().rss;
      let clientPeak = clientBefore;
      const sampler = setInterval(() => {
        clientPeak = Math.max(clientPeak, process.memoryUsage().rss);
      }, 20);
      const driverStarted = performance.now();
      const { result: listed, peak, before } = await peakRss(serverPid, async () => {
        let count = 0;
        let cursor = "";
        for (;;) {
          const page = await driver.scan({ cursor, count: PAGE });
          count += page.keys.length;
          if (page.done) return count;
          cursor = page.cursor;
        }
      });
      driverBest = Math.min(driverBest, performance.now() - driverStarted);
      clearInterval(sampler);
      clientGrowth = Math.max(clientGrowth, clientPeak - clientBefore);
      serverGrowth = Math.max(serverGrowth, peak - before);
      if (listed !== ITEMS) throw new Error(`the driver listed ${listed} items, expected ${ITEMS}`);
    }

    report(
      figure("memcached: list 1M items through the driver (pages of 10k)", driverBest, "ms", {
        baseline: { name: "raw metadump over a socket", value: rawBest },
        target: 1.2,
      }),
    );
    report(
      figure("memcached: RSS growth of this process while listing 1M items", clientGrowth / 1048576, "MB", {
        limit: 100,
        target: 1,
      }),
    );
    report(
      figure("memcached: server RSS growth while listing 1M items", serverGrowth / 1048576, "MB", { limit: 100, target: 1 }),
    );
  } finally {
    await driver.dispose();
    await cluster.stop();
  }
}
