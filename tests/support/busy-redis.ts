/**
 * A busy cache for the tests of walks that slow down while their server is busy (lib/connections/server-load.ts):
 * redis-benchmark's pipelined GETs from 20 clients keep the server's command thread busy until stopped.
 */
import { BUSY_SHARE } from "@/lib/connections/server-load";
import { requireBinary, startProcess, type StartedProcess } from "./process";
import type { RedisServer } from "./redis";

/** Starts the load on the Redis at `port`; stop it with `stop()`. */
export function startGetLoad(port: number): StartedProcess {
  return startProcess(requireBinary("redis-benchmark", "redis-tools"), ["-h", "127.0.0.1", "-p", String(port), "-t", "get", "-n", "1000000000", "-c", "20", "-P", "8", "-q"]);
}

/** Until the server's command thread has used more than BUSY_SHARE of a core over a quarter of a second. */
export async function waitForBusy(server: RedisServer): Promise<void> {
  const used = async () => {
    const info = String(await server.raw().info("cpu"));
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field("used_cpu_sys_main_thread") + field("used_cpu_user_main_thread");
  };
  for (;;) {
    const before = await used();
    await new Promise((resolve) => setTimeout(resolve, 250));
    if ((await used()) - before > BUSY_SHARE * 0.25) return;
  }
}
