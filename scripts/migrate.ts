// Applies pending migrations, then prints a human summary and, as the last line, a JSON summary that
// `npm start` reads to tell the person what to do first.
import { applyMigrations } from "../lib/db-migrate";
import { databaseTarget } from "../lib/db-url";
import { createDb } from "../lib/db-factory";

const target = databaseTarget();
const applied = await applyMigrations({ log: (line) => console.log(line) });
console.log(
  applied.length
    ? `Database ready (${target.provider}): ${applied.length} migration(s) applied.`
    : `Database ready (${target.provider}): up to date.`,
);
const db = createDb();
const users = await db.user.count();
await db.$disconnect();
console.log(JSON.stringify({ provider: target.provider, users }));
