/**
 * A loopback TCP forwarder in front of a real server that a test can close like a gate: once armed, it lets
 * through the client's bytes until the n-th occurrence of a command name, then holds everything the
 * clients send until released (replies to what already passed keep flowing). It holds a long job in the
 * middle of its work without timing: a namespace delete stops between two UNLINK batches for as long as
 * the test needs.
 */
import { createServer, connect, type Socket } from "node:net";
import { freePort } from "./process";

export interface GateProxy {
  port: number;
  /** From now on, forwards until `count` more occurrences of `command` (as sent on the wire), then holds. */
  holdAt(command: string, count: number): void;
  /** Whether it is holding the clients' bytes now. */
  holding(): boolean;
  /** Forwards what it held, and everything after. */
  release(): void;
  stop(): Promise<void>;
}

/** Occurrences of a command name in RESP, whatever its case (clients send "unlink" or "UNLINK"). */
function occurrences(chunk: Buffer, needle: string): number {
  const haystack = chunk.toString("latin1").toLowerCase();
  let found = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) found++;
  return found;
}

export async function startGateProxy(targetPort: number): Promise<GateProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let gate: { needle: string; left: number } | null = null;
  let held: { upstream: Socket; chunk: Buffer }[] | null = null;

  const server = createServer((client) => {
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("data", (chunk: Buffer) => {
      if (!held && gate) {
        gate.left -= occurrences(chunk, gate.needle);
        if (gate.left <= 0) {
          gate = null;
          held = [];
        }
      }
      if (held) held.push({ upstream, chunk });
      else upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  return {
    port,
    holdAt(command, count) {
      gate = { needle: `\r\n${command.toLowerCase()}\r\n`, left: count };
    },
    holding: () => held !== null,
    release() {
      const pending = held ?? [];
      held = null;
      gate = null;
      for (const { upstream, chunk } of pending) if (!upstream.destroyed) upstream.write(chunk);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
