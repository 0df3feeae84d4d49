// `npm start`: installs what is missing, applies migrations to the database (embedded SQLite by default),
// builds when the sources changed, and serves the dashboard.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild, ensureDependencies, migrate, root } from "./lib/setup.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = process.env.PORT || "3000";

ensureDependencies();
const summary = migrate();
ensureBuild();

const url = `http://localhost:${port}`;
console.log(`\nCacheboard is starting on ${url}`);
if (summary.users === 0) {
  console.log(
    process.env.CACHEBOARD_ADMIN_EMAIL
      ? `First run: sign in as ${process.env.CACHEBOARD_ADMIN_EMAIL} with CACHEBOARD_ADMIN_PASSWORD.`
      : `First run: open ${url} and create the admin account.`,
  );
} else {
  console.log(`Open ${url} and sign in.`);
}

const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", port], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
