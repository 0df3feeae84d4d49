/**
 * What a walk costs the cache's own clients: GET p99 from redis-benchmark alone and while the walk runs,
 * each the median of a few alternating runs (one run's p99 swings by tens of percent on a small machine),
 * next to a control that shows what any other busy process does to the same figure.
 */
import { spawn } from "node:child_process";
import { requireBinary } from "@/tests/support/process";
import { type BenchFigure, figure } from "./report";

/** GET p99 in ms from redis-benchmark (50 clients by default, which keeps both cores of a small machine busy). */
export async function getP99(port: number, requests: number, clients = 50): Promise<number> {
  const binary = requireBinary("redis-benchmark", "redis-tools");
  const child = spawn(binary, ["-h", "127.0.0.1", "-p", String(port), "-t", "get", "-n", String(requests), "-c", String(clients), "--csv", "-q"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on("close", resolve));
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const line = out.split("\n").find((l) => l.startsWith('"GET"'));
  if (!line) throw new Error(`redis-benchmark printed no GET line: ${out}`);
  return Number(JSON.parse(`[${line}]`)[6]);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * GET p99 alone and while `walk` runs over and over (so the whole benchmark sees it; the signal stops the
 * last one when the benchmark ends), `rounds` of each in
 * turn; reports the medians with a 1.2 target, and with 50 clients a control: a loop busy 2 ms in every
 * 100 (2% of one core), no Cacheboard involved. With 50 clients redis-benchmark and Redis keep both cores
 * busy, so any third process that wakes up takes a scheduler slice from one of them; with 4 a core stays
 * free and what remains is what the walk's commands cost Redis itself.
 */
export async function p99Impact(
  report: (figure: BenchFigure) => void,
  options: {
    port: number;
    requests: number;
    clients: number;
    rounds?: number;
    what: string;
    walk: (signal: AbortSignal) => Promise<unknown>;
    /** The same walk done raw (e.g. ioredis SCAN at the same pace), measured in the same rounds: what any walk at that pace costs. */
    raw?: { what: string; walk: (signal: AbortSignal) => Promise<unknown> };
  },
): Promise<void> {
  const { port, requests, clients, what } = options;
  const alone: number[] = [];
  const during: number[] = [];
  const rawDuring: number[] = [];
  let walks = 0;
  const measureDuring = async (walk: (signal: AbortSignal) => Promise<unknown>) => {
    const stop = new AbortController();
    const walking = (async () => {
      while (!stop.signal.aborted) {
        await walk(stop.signal);
        walks++;
      }
    })();
    const p99 = await getP99(port, requests, clients);
    stop.abort();
    await walking;
    return p99;
  };
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    alone.push(await getP99(port, requests, clients));
    during.push(await measureDuring(options.walk));
    if (options.raw) rawDuring.push(await measureDuring(options.raw.walk));
  }
  const baseline = { name: `GET p99 (${clients} clients) alone`, value: median(alone) };
  const rawNote = options.raw ? `, during ${options.raw.what} ${rawDuring.join(" / ")}` : "";
  report(
    figure(`GET p99 (${clients} clients) during ${what}`, median(during), "ms", {
      baseline,
      target: 1.2,
      note: `medians of ${alone.length} runs each (alone ${alone.join(" / ")}, during ${during.join(" / ")}${rawNote}); ${walks} walks`,
    }),
  );
  if (options.raw) {
    report(
      figure(`GET p99 (${clients} clients) during ${what}, against ${options.raw.what}`, median(during), "ms", {
        baseline: { name: `during ${options.raw.what}`, value: median(rawDuring) },
        note: "what Cacheboard adds to the cost of any walk at that pace",
      }),
    );
  }
  if (clients < 50) return;
  const hog = spawn(process.execPath, ["-e", "setInterval(() => { const t = Date.now(); while (Date.now() - t < 2); }, 100)"], { stdio: "ignore" });
  try {
    const hogged = await getP99(port, requests, clients);
    report(figure(`GET p99 (${clients} clients) beside a loop using 2% of one core (control)`, hogged, "ms", { baseline, note: "no Cacheboard involved: the cost of any busy process on this machine" }));
  } finally {
    hog.kill();
  }
}
