/** What every conformance group shares: the target a driver file sets up, and small helpers for the tests. */
import { expect } from "vitest";
import type { DriverErrorCode, StoredVersion } from "@/lib/drivers/errors";
import { isConflictError, isDriverError } from "@/lib/drivers/errors";
import type { Capabilities, Driver, ReadResult, StringRead } from "@/lib/drivers/types";

export interface ConformanceTarget {
  driver: Driver;
  /** Writes a string value behind the driver's back (another client, another app). */
  rawSet(key: Buffer, value: Buffer, ttlMs?: number): Promise<void>;
  /** Reads a value behind the driver's back; null when the key does not exist. */
  rawGet(key: Buffer): Promise<Buffer | null>;
  /** A second driver on the same server with another timeout (for the pause test). */
  connect(options: { timeoutMs: number }): Driver;
  /** A driver pointed at a port nothing listens on. */
  connectClosedPort(options: { timeoutMs: number }): Driver;
  /** SIGSTOP / SIGCONT the server process (every process of a multi-node server). */
  pause?(): void;
  resume?(): void;
  /** Stops the servers and removes their files; runs even when tests failed. */
  teardown(): Promise<void>;
}

export interface ConformanceOptions {
  /** Timeout of the driver the pause test creates. */
  pauseTimeoutMs?: number;
}

export const BINARY_KEY_TAIL = Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]);
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export async function expectCode(promise: Promise<unknown>, code: DriverErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a DriverError ${code}`).toBeDefined();
  if (!isDriverError(caught)) throw caught;
  expect(caught.code, caught.message).toBe(code);
}

/** The stored version a refused collection edit carries. */
export async function conflictOf(promise: Promise<unknown>): Promise<StoredVersion> {
  await expectCode(promise, "CONFLICT");
  const caught = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!isConflictError(caught)) throw new Error("CONFLICT without the stored version");
  return caught.stored;
}

export function unique(label: string): string {
  return `cbtest:${label}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;
}

export function key(ns: string, tail: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(ns), typeof tail === "string" ? Buffer.from(tail) : tail]);
}

export async function scanAll(driver: Driver, request: { prefix?: Buffer; match?: Buffer; count?: number }): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  let cursor = "";
  for (let pages = 0; pages < 1_000_000; pages++) {
    const page = await driver.scan({ ...request, cursor });
    keys.push(...page.keys);
    if (page.done) return keys;
    cursor = page.cursor;
  }
  throw new Error("scan never finished");
}

export function asString(result: ReadResult): StringRead {
  expect(result.type).toBe("string");
  return result as StringRead;
}

/** Pattern-aware payload of `length` bytes, so a wrong range is visible in the diff. */
export function payload(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

/** The target, its driver and what that driver can do, filled in when the suite's setup has run. */
export interface Suite {
  target: ConformanceTarget;
  driver: Driver;
  caps: Capabilities;
  options: ConformanceOptions;
}

/** The largest string value this backend stores, capped for test speed. */
export function maxValue(caps: Capabilities, wanted: number): number {
  return Math.min(wanted, caps.maxValueBytes ?? wanted);
}
