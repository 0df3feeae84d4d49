/**
 * Reads of the Redis driver: a page of keys described in one round trip (type, TTL, size, length and the first
 * bytes of each string), and a page of one key's value. A string is never read or hashed beyond its page
 * (plus two 4 KiB samples) when it is larger than `DIGEST_MAX_BYTES`.
 */
import { DIGEST_MAX_BYTES, SAMPLE_BYTES, sampledDigest, stringDigest } from "../digest";
import { DriverError } from "../errors";
import type { KeyHead, KeyInspection, ReadRequest, ReadResult } from "../types";
import type { Client, RedisConnection } from "./client";
import type { KnownTypes } from "./known-types";
import { buf, keyType, num, pairs, text, ttlOf, type Reply } from "./replies";
import { DESCRIBE_MANY_SCRIPT, DESCRIBE_SCRIPT, DIGEST_PAGE_SCRIPT, INSPECT_MANY_SCRIPT, parseScore } from "./scripts";

const DEFAULT_STRING_PAGE = 65536;
const DEFAULT_COLLECTION_PAGE = 100;

/** A read result before its TTL is added (distributes over the union of result shapes). */
type Untimed<T> = T extends unknown ? Omit<T, "ttlMs"> : never;

/** DESCRIBE_SCRIPT per key, all on the wire at once: one round trip for the whole page. */
export async function describeHeads(
  connection: RedisConnection,
  knownTypes: KnownTypes,
  keys: Buffer[],
  headBytes: number,
): Promise<KeyHead[]> {
  if (keys.length === 0) return [];
  const head = Math.max(0, Math.floor(headBytes));
  return connection.run(async (client) => {
    const replies = await describeReplies(connection, client, keys, head);
    return replies.map((reply, i) => {
      const [type, ttl, size, length, prefix] = reply as Reply[];
      const name = text(type);
      if (name === "none") return { key: keys[i], exists: false, type: "unknown", ttlMs: null, size: null, length: null, head: null };
      knownTypes.note(keys[i], name);
      const ttlMs = num(ttl);
      const sizeNum = num(size);
      const lengthNum = num(length);
      return {
        key: keys[i],
        exists: true,
        type: keyType(name),
        ttlMs: ttlMs >= 0 ? ttlMs : null,
        size: sizeNum >= 0 ? sizeNum : null,
        length: lengthNum >= 0 ? lengthNum : null,
        head: name === "string" && head > 0 ? buf(prefix) : null,
      };
    });
  });
}

/** Keys per DESCRIBE_MANY_SCRIPT call: a page of 500 goes out as five commands, all pipelined. */
const DESCRIBE_BATCH = 100;

/** One DESCRIBE_SCRIPT reply per key: batched where the server allows, else one script per key. */
async function describeReplies(connection: RedisConnection, client: Client, keys: Buffer[], head: number): Promise<Reply[]> {
  const batches: Buffer[][] = [];
  for (let at = 0; at < keys.length; at += DESCRIBE_BATCH) batches.push(keys.slice(at, at + DESCRIBE_BATCH));
  const batched = await connection.together(client, () =>
    Promise.all(batches.map((batch) => connection.scriptOverKeys(client, DESCRIBE_MANY_SCRIPT, batch, [head]))),
  );
  if (batched.every((replies) => replies !== null)) return batched.flat();
  return connection.together(client, () => Promise.all(keys.map((key) => connection.script(client, DESCRIBE_SCRIPT, [key], [head]))));
}

/** Keys per INSPECT_MANY_SCRIPT call: fifty keys hold the server for a fraction of a millisecond. */
const INSPECT_BATCH = 50;

/**
 * INSPECT_MANY_SCRIPT over the keys, INSPECT_BATCH keys per call, all calls pipelined; null where scripts
 * cannot run over several keys (a cluster, an ACL without `@scripting`), and the caller then asks per key.
 */
export async function inspectByScript(connection: RedisConnection, keys: Buffer[]): Promise<KeyInspection[] | null> {
  if (keys.length === 0) return [];
  return connection.run(async (client) => {
    const batches: Buffer[][] = [];
    for (let at = 0; at < keys.length; at += INSPECT_BATCH) batches.push(keys.slice(at, at + INSPECT_BATCH));
    const replies = await connection.together(client, () =>
      Promise.all(batches.map((batch) => connection.scriptOverKeys(client, INSPECT_MANY_SCRIPT, batch, []))),
    );
    if (!replies.every((batch) => batch !== null)) return null;
    return replies.flat().map((reply, i): KeyInspection => {
      const [type, ttl, size, length, memory, encoding] = reply as Reply[];
      const name = text(type);
      if (name === "none") return { key: keys[i], exists: false, type: "unknown", ttlMs: null, size: null, length: null, memoryUsage: null, encoding: null };
      const memoryUsage = num(memory);
      const sizeNum = num(size);
      const lengthNum = num(length);
      const encodingName = text(encoding);
      return {
        key: keys[i],
        exists: true,
        type: keyType(name),
        ttlMs: ttlOf(ttl),
        // A collection's size is its memory use, as `describe` says it.
        size: sizeNum >= 0 ? sizeNum : memoryUsage >= 0 ? memoryUsage : null,
        length: lengthNum >= 0 ? lengthNum : null,
        memoryUsage: memoryUsage >= 0 ? memoryUsage : null,
        encoding: encodingName === "" ? null : encodingName,
      };
    });
  });
}

/**
 * A page of any key: a string's range with its digest, or a collection's page, with the TTL, in one round trip
 * (two for a collection the driver has not seen yet).
 */
export async function readKey(
  connection: RedisConnection,
  knownTypes: KnownTypes,
  key: Buffer,
  request: ReadRequest = {},
): Promise<ReadResult> {
  const offset = Math.max(0, Math.floor(request.offset ?? 0));
  return connection.run(async (client) => {
    const notString = (error: unknown) => {
      if (error instanceof Error && error.message.startsWith("WRONGTYPE")) return null;
      throw error;
    };
    // A key listed or read lately is a collection of a known type: its page goes out with TYPE and PTTL in
    // the same round trip, and TYPE confirms the guess (a key that changed type falls through to below).
    const known = knownTypes.get(key);
    if (known && known !== "string") {
      const [typeReply, ttlReply, page] = await connection.together(client, () =>
        Promise.all([
          connection.call(client, "TYPE", key),
          connection.call(client, "PTTL", key),
          collectionPage(connection, client, known, key, offset, request).catch(notString),
        ]),
      );
      if (text(typeReply) === known && page) return { ...page, ttlMs: ttlOf(ttlReply) };
    }
    const stringLimit = Math.max(0, Math.floor(request.bytes ?? request.limit ?? DEFAULT_STRING_PAGE));
    // One round trip for a string: a collection answers WRONGTYPE to the two string commands.
    const [typeReply, ttlReply, lengthReply, rangeReply] = await connection.together(client, () =>
      Promise.all([
        connection.call(client, "TYPE", key),
        connection.call(client, "PTTL", key),
        connection.call(client, "STRLEN", key).catch(notString),
        stringLimit > 0 ? connection.call(client, "GETRANGE", key, offset, offset + stringLimit - 1).catch(notString) : Buffer.alloc(0),
      ]),
    );
    const type = text(typeReply);
    const ttlMs = ttlOf(ttlReply);
    if (type === "none") {
      knownTypes.forget(key);
      throw new DriverError("NOT_FOUND", "The key does not exist");
    }
    knownTypes.note(key, type);
    if (type === "string" && lengthReply !== null && rangeReply !== null) {
      return stringPage(connection, client, key, ttlMs, offset, stringLimit, num(lengthReply), buf(rangeReply));
    }
    const page = await connection.together(client, () => collectionPage(connection, client, type, key, offset, request));
    return { ...page, ttlMs };
  });
}

/** One page of a collection of a known type, without its TTL: two commands sent together. */
async function collectionPage(
  connection: RedisConnection,
  client: Client,
  type: string,
  key: Buffer,
  offset: number,
  request: ReadRequest,
): Promise<Untimed<ReadResult>> {
  const limit = Math.max(1, Math.floor(request.limit ?? DEFAULT_COLLECTION_PAGE));
  const cursor = request.cursor || "0";
  switch (type) {
    case "hash": {
      const [scan, total] = await Promise.all([
        connection.call(client, "HSCAN", key, cursor, "COUNT", limit) as Promise<[Buffer, Reply[]]>,
        connection.call(client, "HLEN", key),
      ]);
      const next = text(scan[0]);
      return { type, key, entries: pairs(scan[1]), cursor: next, done: next === "0", total: num(total) };
    }
    case "set": {
      const [scan, total] = await Promise.all([
        connection.call(client, "SSCAN", key, cursor, "COUNT", limit) as Promise<[Buffer, Reply[]]>,
        connection.call(client, "SCARD", key),
      ]);
      const next = text(scan[0]);
      return { type, key, members: scan[1].map(buf), cursor: next, done: next === "0", total: num(total) };
    }
    case "list": {
      const [items, total] = await Promise.all([
        connection.call(client, "LRANGE", key, offset, offset + limit - 1) as Promise<Reply[]>,
        connection.call(client, "LLEN", key),
      ]);
      return { type, key, items: items.map(buf), offset, total: num(total) };
    }
    case "zset": {
      const [flat, total] = await Promise.all([
        connection.call(client, "ZRANGE", key, offset, offset + limit - 1, "WITHSCORES") as Promise<Reply[]>,
        connection.call(client, "ZCARD", key),
      ]);
      const members: { member: Buffer; score: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) members.push({ member: buf(flat[i]), score: parseScore(text(flat[i + 1])) });
      return { type, key, members, offset, total: num(total) };
    }
    case "stream": {
      const start = request.cursor ? `(${request.cursor}` : "-";
      const [entries, total] = await Promise.all([
        connection.call(client, "XRANGE", key, start, "+", "COUNT", limit + 1) as Promise<[Buffer, Reply[]][]>,
        connection.call(client, "XLEN", key),
      ]);
      const page = entries.slice(0, limit).map(([id, fields]) => ({ id: text(id), fields: pairs(fields) }));
      const nextCursor = entries.length > limit ? page[page.length - 1].id : null;
      return { type, key, entries: page, total: num(total), nextCursor };
    }
    default:
      throw new DriverError("UNSUPPORTED", `Keys of type ${type} cannot be read`);
  }
}

/**
 * A string page and its digest without ever reading or hashing more than the page (plus two 4 KiB samples)
 * for a value above `DIGEST_MAX_BYTES`. A page that holds the whole value is hashed here; a value up to
 * `DIGEST_MAX_BYTES` that the page does not cover is hashed in Lua together with its page, atomically.
 */
async function stringPage(
  connection: RedisConnection,
  client: Client,
  key: Buffer,
  ttlMs: number | null,
  offset: number,
  limit: number,
  length: number,
  page: Buffer,
): Promise<ReadResult> {
  if (offset === 0 && page.length === length) {
    return { type: "string", key, ttlMs, value: page, offset, total: length, digest: stringDigest(page) };
  }
  if (length <= DIGEST_MAX_BYTES) {
    const reply = (await connection.script(client, DIGEST_PAGE_SCRIPT, [key], [offset, limit, DIGEST_MAX_BYTES])) as Reply[];
    const total = num(reply[0]);
    if (total < 0) throw new DriverError("WRONG_TYPE", "The key stopped being a string while it was read");
    if (reply.length === 3) return { type: "string", key, ttlMs, value: buf(reply[2]), offset, total, digest: text(reply[1]) };
    length = total;
  }
  const [head, tail] = await Promise.all([
    connection.call(client, "GETRANGE", key, 0, SAMPLE_BYTES - 1),
    connection.call(client, "GETRANGE", key, -SAMPLE_BYTES, -1),
  ]);
  return { type: "string", key, ttlMs, value: page, offset, total: length, digest: sampledDigest(length, buf(head), buf(tail)) };
}
