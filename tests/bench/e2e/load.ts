/**
 * Load (issue 11): N signed-in clients for T seconds, each alternating a key list page and a key read,
 * against the app on loopback; and the same alternation done raw with ioredis for comparison.
 */
import { Redis } from "ioredis";
import { api, type Cacheboard, openKey } from "./cacheboard";
import { memoryOf, percentile } from "./measure";
import { firstPageRaw } from "./raw";

export interface LoadFigures {
  requests: number;
  perSecond: number;
  listP50: number;
  listP99: number;
  readP50: number;
  readP99: number;
  errors: number;
  firstError?: string;
  rssPeakMb: number;
}

type Step = (client: number, i: number) => Promise<"list" | "read">;

async function drive(clients: number, seconds: number, step: Step, sample?: () => void): Promise<Omit<LoadFigures, "rssPeakMb">> {
  const list: number[] = [];
  const read: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const deadline = performance.now() + seconds * 1000;
  const sampler = sample ? setInterval(sample, 250) : undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      // Every client lists and reads at least once, so both figures exist even when the server is slow.
      for (let i = 0; i < 2 || performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          const kind = await step(client, i);
          (kind === "list" ? list : read).push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          firstError ??= String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (sampler) clearInterval(sampler);
  const requests = list.length + read.length + errors;
  return {
    requests,
    perSecond: requests / elapsed,
    listP50: percentile(list, 50),
    listP99: percentile(list, 99),
    readP50: percentile(read, 50),
    readP99: percentile(read, 99),
    errors,
    firstError,
  };
}

/** `keys(i)` names an existing small key for the i-th read. */
export async function loadCacheboard(cb: Cacheboard, options: { clients: number; seconds: number; key: (i: number) => string }): Promise<LoadFigures> {
  const cookies = await Promise.all(Array.from({ length: options.clients }, () => cb.newSession()));
  let rssPeakMb = 0;
  const figures = await drive(
    options.clients,
    options.seconds,
    async (client, i) => {
      if (i % 2 === 0) {
        await api(cb, "/keys", { method: "POST", body: {}, cookie: cookies[client] });
        return "list";
      }
      await openKey(cb, options.key(client * 7919 + i), cookies[client]);
      return "read";
    },
    () => (rssPeakMb = Math.max(rssPeakMb, memoryOf(cb.app.process.pid).rssMb)),
  );
  return { ...figures, rssPeakMb };
}

/** The same alternation with one ioredis connection per client: a 200-row page (SCAN + TYPE/PTTL) and a GET. */
export async function loadRaw(port: number, options: { clients: number; seconds: number; key: (i: number) => string }): Promise<LoadFigures> {
  const connections = Array.from({ length: options.clients }, () => new Redis({ host: "127.0.0.1", port, protocol: 2 }));
  try {
    const figures = await drive(options.clients, options.seconds, async (client, i) => {
      if (i % 2 === 0) {
        await firstPageRaw(connections[client], 200);
        return "list";
      }
      await connections[client].getBuffer(options.key(client * 7919 + i));
      return "read";
    });
    return { ...figures, rssPeakMb: Number.NaN };
  } finally {
    for (const connection of connections) connection.disconnect();
  }
}
