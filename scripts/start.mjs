// `npm start`: installs what is missing, applies migrations to the database (embedded SQLite by default),
// builds when the sources changed, and serves the dashboard.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { ensureBuild, ensureDependencies, migrate, root, serverCommand } from "./lib/setup.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = process.env.PORT || "3000";
// Only this machine can reach the dashboard unless HOST says otherwise (e.g. 0.0.0.0 behind a proxy).
const host = process.env.HOST || "127.0.0.1";

ensureDependencies();
const summary = migrate();
ensureBuild();

/** True when something on 127.0.0.1:6379 answers a PING the way Redis does (PONG, or asking for a password). */
function localRedisAnswers() {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 6379 });
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (chunk) => done(/^(\+PONG|-NOAUTH)/.test(chunk.toString("latin1"))));
  });
}

const declared = process.env.CACHEBOARD_CONNECTIONS_FILE || process.env.CACHEBOARD_CONNECTIONS;
// The add-connection page offers it while no connection exists; nothing is added without a person asking.
// A CACHEBOARD_LOCAL_REDIS already set wins, and set empty (as `npm run demo` does) it skips the probe.
const offerLocalRedis = !declared && process.env.CACHEBOARD_LOCAL_REDIS === undefined && (await localRedisAnswers());
if (offerLocalRedis) process.env.CACHEBOARD_LOCAL_REDIS = "127.0.0.1:6379";

const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
const url = `http://${shownHost}:${port}`;
console.log(`\nCacheboard is starting on ${url}${host === "127.0.0.1" ? " (this machine only; set HOST to listen elsewhere)" : ""}`);
if (summary.users === 0) {
  console.log(
    process.env.CACHEBOARD_ADMIN_EMAIL
      ? `First run: sign in as ${process.env.CACHEBOARD_ADMIN_EMAIL} with CACHEBOARD_ADMIN_PASSWORD.`
      : `First run: open ${url} and create the admin account (from another machine, with the setup token the server prints below).`,
  );
} else {
  console.log(`Open ${url} and sign in.`);
}
if (offerLocalRedis) console.log(`A Redis answers on 127.0.0.1:6379: an admin can add it from ${url}/connections/new.`);

const command = serverCommand({ port, host });
const server = spawn(command.command, command.args, { cwd: root, stdio: "inherit", env: command.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
