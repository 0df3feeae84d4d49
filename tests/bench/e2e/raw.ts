/** The raw baselines: the same work done directly with ioredis, in the same run and on the same Redis. */
import type { Redis } from "ioredis";

/** First segment (delimiter included) of every key, counted; keys without a delimiter under "". */
export async function firstLevelRaw(raw: Redis): Promise<Map<string, number>> {
  const groups = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, keys] = await raw.scanBuffer(cursor, "COUNT", 1000);
    cursor = next.toString();
    for (const key of keys) {
      const colon = key.indexOf(0x3a);
      const name = colon === -1 ? "" : key.toString("latin1", 0, colon + 1);
      groups.set(name, (groups.get(name) ?? 0) + 1);
    }
  } while (cursor !== "0");
  return groups;
}

/**
 * The first 500 keys the scan yields, then one pipelined round trip for them: TYPE + PTTL, and with `described`
 * also STRLEN and GETRANGE 0 1023 (size and the head a format is told from), the work a Cacheboard row shows.
 */
export async function firstPageRaw(raw: Redis, rows = 500, described = false): Promise<number> {
  const keys: Buffer[] = [];
  let cursor = "0";
  do {
    const [next, found] = await raw.scanBuffer(cursor, "COUNT", rows);
    cursor = next.toString();
    keys.push(...found);
  } while (keys.length < rows && cursor !== "0");
  const pipeline = raw.pipeline();
  for (const key of keys.slice(0, rows)) {
    pipeline.type(key).pttl(key);
    if (described) pipeline.strlen(key).getrangeBuffer(key, 0, 1023);
  }
  const results = (await pipeline.exec()) ?? [];
  return results.length / (described ? 4 : 2);
}

export async function getRaw(raw: Redis, key: string): Promise<number> {
  const value = await raw.getBuffer(key);
  if (!value) throw new Error(`${key} is missing`);
  return value.length;
}

export async function deleteRaw(raw: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [next, found] = await raw.scanBuffer(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next.toString();
    if (found.length === 0) continue;
    removed += await raw.unlink(...found);
  } while (cursor !== "0");
  return removed;
}
