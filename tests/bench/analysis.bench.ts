/**
 * The keyspace analysis (issue 14) on a Redis of mixed keys (1M by default; `--scale 10k|100k|1m`): the whole
 * analysis at full speed next to a raw ioredis script doing SCAN COUNT 1000 plus the same pipelined probes
 * (TYPE, PTTL, MEMORY USAGE SAMPLES 0, length by type) in the same run; the app process's memory growth
 * while it runs; and what an analysis at the production pace costs the cache's own clients (GET p99 from
 * redis-benchmark, alone and during the analysis).
 */
import path from "node:path";
import { Redis } from "ioredis";
import { applyMigrations } from "@/lib/db-migrate";
import type { AnalysisJobResult } from "@/lib/wire/analysis";
import { removeDir, tempDir } from "@/tests/support/process";
import { startRedis } from "@/tests/support/redis";
import { p99Impact } from "./cache-load";
import { type BenchFigure, figure } from "./report";

const SCALES: Record<string, number> = { "10k": 10_000, "100k": 100_000, "1m": 1_000_000 };
const LENGTH = { hash: "HLEN", list: "LLEN", set: "SCARD", zset: "ZCARD", stream: "XLEN" } as Record<string, string>;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function seed(raw: Redis, total: number): Promise<void> {
  for (let start = 0; start < total; start += 20_000) {
    const pipeline = raw.pipeline();
    for (let i = start; i < Math.min(total, start + 20_000); i++) {
      const ttl = 60_000 + (i % 7200) * 1000;
      switch (i % 10) {
        case 0:
          pipeline.hset(`shop:cart:${i}`, "a", "1", "b", "2", "c", String(i));
          break;
        case 1:
          pipeline.rpush(`queue:${i % 500}:jobs`, `job-${i}`);
          break;
        case 2:
          pipeline.set(`:1:views:${i}`, "\u0080\u0005K*.", "PX", ttl);
          break;
        default: {
          const name = `myapp:user:${i % 1000}:profile:${i}`;
          const value = JSON.stringify({ id: i, name: `user ${i}` });
          if (i % 3 === 0) pipeline.set(name, value);
          else pipeline.set(name, value, "PX", ttl);
        }
      }
    }
    await pipeline.exec();
  }
}

/** The raw way: SCAN COUNT 1000, then one pipeline of TYPE, PTTL and MEMORY USAGE per key, then lengths. */
async function rawAnalysis(raw: Redis): Promise<{ keys: number; bytes: number }> {
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await raw.scanBuffer(cursor, "COUNT", 1000);
    cursor = next.toString();
    const probe = raw.pipeline();
    for (const key of batch) probe.type(key).pttl(key).call("MEMORY", "USAGE", key, "SAMPLES", "0");
    const replies = (await probe.exec()) ?? [];
    const lengths = raw.pipeline();
    batch.forEach((key, i) => {
      const type = replies[i * 3]?.[1] as string;
      bytes += Number(replies[i * 3 + 2]?.[1] ?? 0);
      if (LENGTH[type]) lengths.call(LENGTH[type], key);
    });
    if (lengths.length > 0) await lengths.exec();
    keys += batch.length;
  } while (cursor !== "0");
  return { keys, bytes };
}

export default async function run(report: (figure: BenchFigure) => void): Promise<void> {
  const scale = option("scale")?.toLowerCase() ?? "1m";
  const total = SCALES[scale];
  if (!total) throw new Error(`--scale takes one of ${Object.keys(SCALES).join(", ")}`);
  const dir = tempDir("analysis-bench");
  process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
  process.env.CACHEBOARD_SECRET_KEY ??= "58".repeat(32);
  await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
  const { createProfile } = await import("@/lib/connections/store");
  const { loadConnection } = await import("@/lib/connections/load");
  const { startAnalysis } = await import("@/lib/server/analysis/run");
  const { cancelJob, readJob } = await import("@/lib/server/keys/jobs");
  const { db } = await import("@/lib/db");

  const redis = await startRedis();
  const raw = redis.raw();
  try {
    await seed(raw, total);
    const base = { secrets: {}, readOnly: true, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], timeoutMs: 30_000 };
    const settings = { host: "127.0.0.1", port: redis.port };
    const user = { id: "bench", email: "bench@example.test" };
    let runs = 0;
    const analyse = async (environment: "development" | "production", signal?: AbortSignal) => {
      const { id } = await createProfile({ ...base, name: `bench-${environment}-${++runs}`, kind: "redis", environment, settings });
      const connection = (await loadConnection(id))!;
      await connection.driver().ping();
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const started = performance.now();
      const jobId = await startAnalysis({ connection, user });
      for (;;) {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        const job = (await readJob(id, jobId, user.id))!;
        if (job.status === "error") throw new Error(job.error?.message);
        if (job.status !== "running") return { ms: performance.now() - started, growthMb: (rssPeak - rssBefore) / 2 ** 20, result: job.result as AnalysisJobResult };
        if (signal?.aborted) await cancelJob(id, jobId, { id: user.id, role: "admin" });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const rawStarted = performance.now();
    const rawResult = await rawAnalysis(raw);
    const rawMs = performance.now() - rawStarted;
    const full = await analyse("development");
    report(figure(`analysis of ${scale} keys, full speed`, full.ms, "ms", { baseline: { name: "raw SCAN + pipelined probes", value: rawMs }, target: 2, note: `${full.result.scanned} keys, raw saw ${rawResult.keys}` }));
    report(figure(`analysis of ${scale} keys, app memory growth`, full.growthMb, "MB", { limit: 100, target: 1 }));

    // One analysis at the production pace at a time, repeated while the benchmark runs.
    const requests = Math.max(50_000, Math.min(total, 400_000));
    const paced = (signal: AbortSignal) => analyse("production", signal);
    await p99Impact(report, { port: redis.port, requests, clients: 50, what: "an analysis at the production pace", walk: paced });
    await p99Impact(report, { port: redis.port, requests: Math.round(requests / 2), clients: 4, what: "an analysis at the production pace", walk: paced });
  } finally {
    await db().$disconnect();
    await redis.stop();
    removeDir(dir);
  }
}
