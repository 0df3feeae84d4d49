import { applyMigrations } from "../lib/db-migrate";
import { databaseTarget } from "../lib/db-url";

const target = databaseTarget();
const applied = await applyMigrations({ log: (line) => console.log(line) });
console.log(
  applied.length
    ? `Database ready (${target.provider}): ${applied.length} migration(s) applied.`
    : `Database ready (${target.provider}): up to date.`,
);
