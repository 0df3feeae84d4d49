// The dashboard's HTTP server (what `npm start` runs once the app is built): Next.js's own request handling,
// as `next start` sets it up, with the direct lane in front. The lane (app/api/direct-lane.ts, registered by
// instrumentation.ts when Next.js prepares) answers the key pane's, the key list's and the tree's requests
// itself and returns false for everything else; it also answers them over a WebSocket (/api/lane), whose
// transport is here. CACHEBOARD_DIRECT_LANE=0 sends every request to Next.js and refuses the WebSocket.
// Arguments: --port N --hostname H (defaults: PORT, HOST, 3000, 127.0.0.1).
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { WebSocketServer } from "ws";
import { distDir } from "./lib/setup.mjs";

function argument(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const root = path.resolve(import.meta.dirname, "..");
const port = Number(argument("port", process.env.PORT || "3000"));
const hostname = argument("hostname", process.env.HOST || "127.0.0.1");
process.env.NODE_ENV = "production";
process.title = "cacheboard";

// Next.js starts from the configuration the build resolved and wrote beside it, as its standalone server does,
// instead of loading next.config.ts again: compiling that file loads Next.js's native SWC compiler, which then
// stays resident (25–35 MB of the idle server). The two cannot differ: `npm start` and the test harness rebuild
// when next.config.ts is newer than the build. An explicit value in the environment wins.
const built = path.join(root, distDir(), "required-server-files.json");
if (!process.env.__NEXT_PRIVATE_STANDALONE_CONFIG && existsSync(built)) {
  const { config } = JSON.parse(readFileSync(built, "utf8"));
  if (config) process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

const { default: next } = await import("next");
const server = http.createServer();
const app = next({ dev: false, dir: root, hostname, port, httpServer: server });
const handle = app.getRequestHandler();

server.on("error", (error) => {
  console.error("The server could not start:", error);
  process.exit(1);
});

await app.prepare();
// Registered at the end of instrumentation's register(), which Next.js runs as it starts; until then (and with
// the lane off) Next.js answers everything, after its own start-up.
const laneOn = process.env.CACHEBOARD_DIRECT_LANE !== "0";

server.on("request", (request, response) => {
  if (laneOn && globalThis.cacheboardDirectLane?.(request, response)) return;
  handle(request, response).catch((error) => {
    console.error(`Failed to handle request for ${request.url}:`, error);
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});

// The lane's WebSocket (framing in lib/wire/lane.ts). The lane admits or refuses each upgrade and answers each
// message; this is only the transport. Next.js answers no upgrade in production (it leaves unmatched ones to the
// custom server), so every other upgrade is refused here rather than left hanging.
const LANE_MESSAGE_LIMIT = 1024 * 1024; // lib/wire/lane.ts's LANE_MESSAGE_LIMIT
const LANE_IDLE_MS = 10 * 60_000; // a socket with no traffic this long is closed; the page opens another when it reads again
// Answers waiting to be written past this, the socket stops reading requests until the client has taken them:
// a client that asks without reading cannot make the server hold its answers in memory without end.
const LANE_BUFFERED_LIMIT = 4 * 1024 * 1024;
const sockets = new WebSocketServer({ noServer: true, maxPayload: LANE_MESSAGE_LIMIT, perMessageDeflate: false, clientTracking: true });

function refuseUpgrade(socket, status, message) {
  const body = Buffer.from(`${message}\n`, "utf8");
  const reason = http.STATUS_CODES[status] ?? "Refused";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

server.on("upgrade", (request, socket, head) => {
  socket.on("error", () => socket.destroy());
  const open = laneOn ? globalThis.cacheboardLaneSocket : undefined;
  if (!open) return refuseUpgrade(socket, 404, "Nothing answers WebSockets here.");
  open(request).then(
    (opened) => {
      if (socket.destroyed) return opened.socket?.close();
      if (opened.refused) return refuseUpgrade(socket, opened.refused.status, opened.refused.message);
      sockets.handleUpgrade(request, socket, head, (ws) => {
        const lane = opened.socket;
        socket.setTimeout(LANE_IDLE_MS, () => ws.terminate());
        ws.on("message", (data, isBinary) => {
          if (isBinary) return ws.close(1003, "text messages only");
          lane.receive(data.toString("utf8"), (text) => {
            if (ws.readyState !== ws.OPEN) return;
            ws.send(text);
            if (ws.bufferedAmount > LANE_BUFFERED_LIMIT && !ws.isPaused) ws.pause();
          });
        });
        socket.on("drain", () => {
          if (ws.isPaused && ws.bufferedAmount <= LANE_BUFFERED_LIMIT) ws.resume();
        });
        ws.on("close", () => lane.close());
        ws.on("error", () => ws.terminate());
      });
    },
    (error) => {
      console.error("The lane's WebSocket could not be opened:", error);
      refuseUpgrade(socket, 500, "The server failed to open the socket.");
    },
  );
});

let stopping = false;
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeIdleConnections();
    for (const ws of sockets.clients) ws.terminate();
    app
      .close()
      .catch((error) => console.error(error))
      .finally(() => process.exit(code));
  });
}

server.listen(port, hostname, () => {
  const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
  console.log(`Ready on http://${shown}:${port}${laneOn ? "" : " (direct lane off)"}`);
});
