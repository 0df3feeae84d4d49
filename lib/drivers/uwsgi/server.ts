/**
 * One uWSGI instance as the driver sees it: its caches (from the `--stats` server or the profile), the
 * `<cache>:<key>` names that address them, cache commands checked against a missing cache plugin, and the
 * helpers every part of the driver shares.
 */
import { DriverError } from "../errors";
import type { Capabilities } from "../types";
import {
  type CacheReply,
  cacheCommand as rawCacheCommand,
  fetchStats,
  readItemTable as rawReadItemTable,
  requireCachePlugin,
} from "./protocol";
import { uwsgiCapabilities, type UwsgiSettings } from "./settings";

/** How long a confirmed cache plugin is taken as still loaded before it is checked again. */
const PLUGIN_RECHECK_MS = 10 * 60_000;
/** Requests in flight at once: uWSGI's listen queue is 100 by default and each request is a connection. */
const CONCURRENCY = 16;

/** `fn` over `items` with at most CONCURRENCY running, results in order. */
export async function mapLimit<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

export interface CacheGeometry {
  name: string;
  keysize: number;
  blocksize: number;
}

interface ResolvedKey {
  cache: CacheGeometry;
  /** The key inside the cache, without `<cache>:`. */
  inner: Buffer;
}

export function notFound(): DriverError {
  return new DriverError("NOT_FOUND", "The key does not exist (or has expired).");
}

/** Remaining seconds for an absolute `expires`, never 0 (which would mean "no expiry"). */
export function remainingSeconds(expires: number): number {
  return expires === 0 ? 0 : Math.max(1, Math.ceil(expires - Date.now() / 1000));
}

export function ttlFromExpires(expires: number): number | null {
  return expires === 0 ? null : Math.max(0, expires * 1000 - Date.now());
}

export const expiresOf = (reply: CacheReply): number => Number(reply.vars.get("expires")?.toString() ?? 0);

export class UwsgiServer {
  readonly address: string;
  readonly statsAddress: string | undefined;
  /** Starts as `uwsgiCapabilities`; the key and value limits are filled in once the caches are known. */
  readonly capabilities: Capabilities = { ...uwsgiCapabilities };
  private geometry: CacheGeometry[] | null;
  /*
   * Without uWSGI's cache plugin every cache request is answered by a hang-up, which reads as a miss, a
   * refused write or a dump cut short. Whenever an answer is one of those, the plugin is checked, so each
   * page says what is really wrong instead of "no such key" or "is the cache full?".
   *
   * The check is a read of a random key, which uWSGI counts as a cache miss in the statistics its operators
   * watch. So once the plugin has answered, a miss is taken as a miss for PLUGIN_RECHECK_MS before asking
   * again: at most one counted miss per connection every ten minutes, instead of one per miss or per ping.
   */
  private pluginConfirmedAt = Number.NEGATIVE_INFINITY;

  constructor(
    settings: UwsgiSettings,
    readonly timeoutMs: number,
  ) {
    this.address = settings.address;
    this.statsAddress = settings.statsAddress;
    this.geometry = settings.statsAddress ? null : (settings.caches ?? null);
    if (this.geometry) this.applyLimits(this.geometry);
  }

  private applyLimits(caches: CacheGeometry[]): void {
    // One limit for the whole instance: the largest any cache accepts; each cache's own is enforced on write.
    this.capabilities.maxKeyBytes = Math.max(0, ...caches.map((c) => Buffer.byteLength(c.name) + 1 + c.keysize)) || null;
    this.capabilities.maxValueBytes = Math.max(0, ...caches.map((c) => c.blocksize)) || null;
  }

  async checkPlugin(): Promise<void> {
    if (performance.now() - this.pluginConfirmedAt < PLUGIN_RECHECK_MS) return;
    await requireCachePlugin(this.address, this.timeoutMs);
    this.pluginConfirmedAt = performance.now();
  }

  async cacheCommand(...args: Parameters<typeof rawCacheCommand>): Promise<CacheReply | null> {
    const reply = await rawCacheCommand(...args);
    if (reply === null) await this.checkPlugin();
    return reply;
  }

  async readItemTable(...args: Parameters<typeof rawReadItemTable>): Promise<void> {
    try {
      await rawReadItemTable(...args);
    } catch (error) {
      if (error instanceof DriverError && error.code === "PROTOCOL_ERROR") {
        // An answer that is not the plugin's: ask again now, whatever was seen before.
        this.pluginConfirmedAt = Number.NEGATIVE_INFINITY;
        await this.checkPlugin();
      }
      throw error;
    }
  }

  async caches(): Promise<CacheGeometry[]> {
    if (this.geometry) return this.geometry;
    if (!this.statsAddress) {
      throw new DriverError("INVALID_ARGUMENT", "Name the caches, or give the address of the uWSGI stats server (--stats).");
    }
    const stats = await fetchStats(this.statsAddress, this.timeoutMs);
    this.geometry = (stats.caches ?? []).map((c) => ({ name: c.name, keysize: c.keysize, blocksize: c.blocksize }));
    this.applyLimits(this.geometry);
    return this.geometry;
  }

  /** Splits `<cache>:<key>`; null when no cache of that name exists (so the key cannot exist either). */
  async resolve(key: Buffer): Promise<ResolvedKey | null> {
    const all = await this.caches();
    if (this.capabilities.maxKeyBytes !== null && key.length > this.capabilities.maxKeyBytes) {
      throw new DriverError("TOO_LARGE", `The key has ${key.length} bytes; no cache of this uWSGI takes keys that long.`);
    }
    const colon = key.indexOf(0x3a);
    if (colon < 0) return null;
    const name = key.toString("utf8", 0, colon);
    const cache = all.find((c) => c.name === name && Buffer.byteLength(c.name) === colon);
    if (!cache) return null;
    const inner = key.subarray(colon + 1);
    if (inner.length > cache.keysize) {
      throw new DriverError("TOO_LARGE", `Keys of the uWSGI cache "${cache.name}" are at most ${cache.keysize} bytes (keysize); this one has ${inner.length}.`);
    }
    return { cache, inner };
  }

  async resolveForWrite(key: Buffer): Promise<ResolvedKey> {
    const resolved = await this.resolve(key);
    if (!resolved) {
      const names = (await this.caches()).map((c) => c.name).join(", ");
      throw new DriverError("INVALID_ARGUMENT", `uWSGI keys are written as <cache>:<key>, and this uWSGI has the caches: ${names}.`);
    }
    if (resolved.inner.length === 0) throw new DriverError("INVALID_ARGUMENT", "The key inside the cache cannot be empty.");
    return resolved;
  }

  get(r: ResolvedKey): Promise<CacheReply | null> {
    return r.inner.length === 0
      ? Promise.resolve(null)
      : this.cacheCommand(this.address, { cmd: "get", key: r.inner, cache: r.cache.name }, null, this.timeoutMs);
  }

  async store(cmd: "set" | "update", r: ResolvedKey, value: Buffer, seconds: number): Promise<boolean> {
    const reply = await this.cacheCommand(
      this.address,
      { cmd, key: r.inner, cache: r.cache.name, size: value.length, expires: seconds },
      value,
      this.timeoutMs,
    );
    return reply !== null;
  }

  async update(r: ResolvedKey, value: Buffer, seconds: number): Promise<void> {
    if (!(await this.store("update", r, value, seconds))) {
      throw new DriverError("SERVER_ERROR", `uWSGI refused to store the value in cache "${r.cache.name}" (is it full?).`);
    }
  }
}
