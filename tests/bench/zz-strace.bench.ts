import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import { startRedis } from "../support/redis";
import { openKeyTimed, openLaneSocket, startCacheboard } from "./e2e/cacheboard";
import { installP3x, p3xKey, startP3x } from "./e2e/peer";
import type { BenchFigure } from "./report";

async function traced(pid: number, label: string, work: () => Promise<void>): Promise<void> {
  const out: string[] = [];
  const st = spawn("strace", ["-c", "-f", "-p", String(pid)], { stdio: ["ignore", "ignore", "pipe"] });
  st.stderr.on("data", (d) => out.push(String(d)));
  await new Promise((r) => setTimeout(r, 1000));
  await work();
  st.kill("SIGINT");
  await new Promise((r) => st.once("exit", r));
  console.log(`==== ${label}\n${out.join("").split("\n").slice(0, 25).join("\n")}`);
}

export default async function run(_report: (figure: BenchFigure) => void): Promise<void> {
  const redis = await startRedis();
  const raw = new Redis({ host: "127.0.0.1", port: redis.port });
  const key = "bench:open:string";
  await raw.set(key, JSON.stringify({ id: 1, name: "x".repeat(240), roles: ["reader"] }).slice(0, 280));
  installP3x();
  const p3x = await startP3x(redis.port);
  const cb = await startCacheboard(redis.port);
  await cb.browser.close();
  const lane = await openLaneSocket(cb);
  for (let i = 0; i < 3000; i++) { await lane.open(key); await p3xKey(p3x, key); await openKeyTimed(cb, key); }
  const n = 2000;
  await traced(cb.app.process.pid, "cacheboard socket x2000", async () => { for (let i = 0; i < n; i++) await lane.open(key); });
  await traced(p3x.pid, "p3x x2000", async () => { for (let i = 0; i < n; i++) await p3xKey(p3x, key); });
  await traced(cb.app.process.pid, "cacheboard http x2000", async () => { for (let i = 0; i < n; i++) await openKeyTimed(cb, key); });
  lane.close();
  await cb.stop();
  await p3x.stop();
  raw.disconnect();
  await redis.stop();
}
