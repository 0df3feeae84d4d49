/**
 * End to end (issues 10, 11, 17): raw ioredis, Cacheboard over HTTP and in Chromium, and redis-commander on
 * the same Redis, at 100k and 1M mixed keys. Options: `--scale 100k|1m|10k` (default 100k and 1m),
 * `--clients N` and `--seconds T` for the load figure (default 50 × 60 s), `--scroll N` rows to scroll in
 * Chromium (default 100,000, at most the keyspace), `--no-peer`.
 */
import { type BenchFigure, figure } from "./report";
import { formatTable, runE2e } from "./e2e/run-e2e";

const SCALES: Record<string, number> = { "10k": 10_000, "100k": 100_000, "1m": 1_000_000 };

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function bounded(name: string, fallback: number, max: number): number {
  const value = Number(option(name) ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} takes a whole number from 1 to ${max}`);
  return value;
}

export default async function run(report: (figure: BenchFigure) => void): Promise<void> {
  const scale = option("scale")?.toLowerCase();
  if (scale !== undefined && !(scale in SCALES)) throw new Error(`--scale takes one of ${Object.keys(SCALES).join(", ")}`);
  const sizes = scale ? [SCALES[scale]] : [SCALES["100k"], SCALES["1m"]];
  const clients = bounded("clients", 50, 500);
  const seconds = bounded("seconds", 60, 600);
  const tables: string[] = [];
  for (const keys of sizes) {
    const result = await runE2e({ keys, clients, seconds, scrollRows: Math.min(keys, bounded("scroll", 100_000, 10_000_000)), peer: !process.argv.includes("--no-peer") });
    for (const row of result.rows) {
      report({
        ...figure(row.figure, row.cacheboard, row.unit, {
          baseline: row.raw ? { name: "raw", value: row.raw } : undefined,
          note: [row.target ? `target ${row.target}${row.ok === false ? " MISSED" : row.ok ? " ok" : ""}` : "", row.note ?? ""].filter(Boolean).join("; "),
        }),
        peers: row.peer !== undefined ? [{ name: "redis-commander", value: row.peer }] : undefined,
        missed: row.ok === false,
      });
    }
    tables.push(formatTable(result));
  }
  console.log(`\n${tables.join("\n\n")}`);
}
