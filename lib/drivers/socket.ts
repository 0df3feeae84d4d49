/**
 * Opening a TCP or unix socket to a cache server within a deadline, shared by the memcached and uWSGI drivers
 * (both speak their protocol over a plain socket).
 */
import { connect, type Socket } from "node:net";
import { DriverError } from "./errors";

/** Where a server listens: `host:port`, `[v6]:port`, or a unix socket path; a bare host is memcached's port 11211. */
function parseServerAddress(address: string): { host: string; port: number } | { path: string } {
  if (address.startsWith("/")) return { path: address };
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!match) return { host: address, port: 11211 };
  return { host: match[1], port: Number(match[2]) };
}

/** A socket error while connecting, as the driver error it stands for. */
export function connectError(error: NodeJS.ErrnoException, address: string, label = "memcached"): DriverError {
  if (error.code === "ETIMEDOUT") return new DriverError("TIMEOUT", `Connecting to ${label} at ${address} timed out.`, { cause: error });
  return new DriverError("CONNECTION_REFUSED", `Cannot connect to ${address}: ${error.message}`, { cause: error });
}

/** Opens a socket, failing with CONNECTION_REFUSED or TIMEOUT (a paused server accepts but never answers). */
export function openSocket(address: string, timeoutMs: number, label: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(parseServerAddress(address) as never);
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DriverError("TIMEOUT", `Connecting to ${label} at ${address} took longer than ${timeoutMs} ms.`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectError(error, address, label));
    });
  });
}
