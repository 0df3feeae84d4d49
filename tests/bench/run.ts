/**
 * `npm run bench`: runs every `tests/bench/*.bench.ts` (or those named on the command line) and prints each
 * figure next to its baseline and the ratio. Benchmarks start their own servers like the tests do.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type BenchFigure, formatFigure } from "./report";

const here = import.meta.dirname;
// Names pick bench files; `--option value` pairs are for the benches themselves (e.g. `--scale 100k`).
const args = process.argv.slice(2);
const wanted = args.filter((arg, i) => !arg.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--") && !args[i - 1].startsWith("--no-")));
const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort();

const all: BenchFigure[] = [];
for (const file of files) {
  console.log(`\n## ${file}`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as {
    default: (report: (figure: BenchFigure) => void) => Promise<void>;
  };
  await mod.default((figure) => {
    all.push(figure);
    console.log(formatFigure(figure));
  });
}

const missed = all.filter((f) => f.missed ?? (f.target !== undefined && f.ratio !== undefined && f.ratio > f.target));
console.log(`\n${all.length} figures, ${missed.length} over their target`);
for (const f of missed) console.log(`  over target: ${f.name}`);
