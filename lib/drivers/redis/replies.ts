/** Reading ioredis' Buffer replies, and the argument checks the Redis driver's parts share. */
import { DriverError } from "../errors";
import type { KeyType } from "../types";

export type Reply = Buffer | string | number | null | Reply[];

export function text(reply: unknown): string {
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  return reply === null || reply === undefined ? "" : String(reply);
}

export function num(reply: unknown): number {
  return Number(text(reply));
}

export function buf(reply: unknown): Buffer {
  if (Buffer.isBuffer(reply)) return reply;
  return Buffer.from(reply === null || reply === undefined ? "" : String(reply));
}

export function pairs(flat: Reply[]): { field: Buffer; value: Buffer }[] {
  const out: { field: Buffer; value: Buffer }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ field: buf(flat[i]), value: buf(flat[i + 1]) });
  return out;
}

export function ttlOf(reply: unknown): number | null {
  const ttl = num(reply);
  return ttl >= 0 ? ttl : null;
}

export function keyType(name: string): KeyType {
  return name === "string" || name === "hash" || name === "list" || name === "set" || name === "zset" || name === "stream"
    ? name
    : "unknown";
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new DriverError("INVALID_ARGUMENT", `A TTL must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

export function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
