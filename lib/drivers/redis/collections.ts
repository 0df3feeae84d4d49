/**
 * Hash, list, set, sorted-set and stream edits of the Redis driver. An edit with an expectation is one
 * compare-and-set script on the key (a conflict carries the stored version); without one it is the plain
 * command.
 */
import { randomUUID } from "node:crypto";
import { ConflictError, DriverError } from "../errors";
import type { CollectionOps } from "../operations";
import type { RedisConnection } from "./client";
import { buf, checkTtl, num, text, type Reply } from "./replies";
import {
  HASH_DELETE_SCRIPT,
  HASH_SET_SCRIPT,
  LIST_REMOVE_AT_SCRIPT,
  LIST_SET_SCRIPT,
  parseScore,
  scoreArg,
  SET_REPLACE_SCRIPT,
  ZSET_ADD_SCRIPT,
  ZSET_REMOVE_SCRIPT,
} from "./scripts";

export function redisCollectionOps(connection: RedisConnection): CollectionOps {
  const call = (command: string, ...args: (string | Buffer | number)[]) =>
    connection.run((client) => connection.call(client, command, ...args));
  const flatPairs = (entries: { field: Buffer; value: Buffer }[]) => entries.flatMap((e) => [e.field, e.value]);
  const flatScores = (members: { member: Buffer; score: number }[]) => members.flatMap((m) => [scoreArg(m.score), m.member]);
  const scoreExpect = (score: number | null | undefined) => (score === undefined ? "" : score === null ? "absent" : scoreArg(score));
  /** Throws the conflict a script answered ({"conflict", element, stored}); returns the reply otherwise. */
  const settle = (reply: Reply[], what: "value" | "score", message: string): Reply[] => {
    if (text(reply[0]) !== "conflict") return reply;
    const stored = reply[2] === null || reply[2] === undefined ? null : buf(reply[2]);
    const element = buf(reply[1]);
    if (what === "score") throw new ConflictError(message, { element, score: stored === null ? null : parseScore(stored.toString()) });
    throw new ConflictError(message, { element, value: stored });
  };
  return {
    hashSet: async (key, field, value, options = {}) => {
      const { ifAbsent, expect, replaces } = options;
      if (expect === undefined && !replaces) {
        if (ifAbsent) {
          if (num(await call("HSETNX", key, field, value)) === 0) throw new DriverError("ALREADY_EXISTS", "The field already exists");
        } else {
          await call("HSET", key, field, value);
        }
        return;
      }
      const reply = await connection.casScript(HASH_SET_SCRIPT, key, [
        field,
        value,
        expect ?? "",
        ifAbsent ? 1 : 0,
        replaces ? 1 : 0,
        replaces?.field ?? "",
        replaces?.expect ?? "",
      ]);
      if (text(reply[0]) === "exists") throw new DriverError("ALREADY_EXISTS", "The field already exists");
      settle(reply, "value", "The field changed since it was loaded; nothing was written");
    },
    hashDelete: async (key, fields, options = {}) => {
      if (fields.length === 0) return 0;
      if (!options.expect) return num(await call("HDEL", key, ...fields));
      const expect = options.expect;
      const reply = await connection.casScript(HASH_DELETE_SCRIPT, key, fields.flatMap((field, i) => [field, expect[i] ?? ""]));
      return num(settle(reply, "value", "The field changed since it was loaded; nothing was removed")[1]);
    },
    listSet: async (key, index, value, options = {}) => {
      if (options.expect === undefined) {
        await call("LSET", key, index, value);
        return;
      }
      settle(
        await connection.casScript(LIST_SET_SCRIPT, key, [index, value, options.expect]),
        "value",
        `The element at index ${index} changed since it was loaded; nothing was written`,
      );
    },
    listRemoveAt: async (key, index, expect) => {
      const tombstone = `cacheboard:removed:${randomUUID()}`;
      settle(
        await connection.casScript(LIST_REMOVE_AT_SCRIPT, key, [index, expect, tombstone]),
        "value",
        `The element at index ${index} changed since it was loaded; nothing was removed`,
      );
    },
    listPush: async (key, values, end) => num(await call(end === "head" ? "LPUSH" : "RPUSH", key, ...values)),
    listInsert: async (key, pivot, value, where) => {
      const length = num(await call("LINSERT", key, where === "before" ? "BEFORE" : "AFTER", pivot, value));
      if (length === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
      if (length === -1) throw new DriverError("NOT_FOUND", "The pivot element is not in the list");
      return length;
    },
    listRemove: async (key, value, count) => num(await call("LREM", key, count, value)),
    setAdd: async (key, members, options = {}) => {
      if (!options.replaces) return num(await call("SADD", key, ...members));
      const reply = await connection.casScript(SET_REPLACE_SCRIPT, key, [options.replaces, ...members]);
      return num(settle(reply, "value", "The member was removed since it was loaded; nothing was written")[1]);
    },
    setRemove: async (key, members) => num(await call("SREM", key, ...members)),
    zsetAdd: async (key, members, options = {}) => {
      const { expect, replaces } = options;
      if (!expect && !replaces) return num(await call("ZADD", key, ...flatScores(members)));
      const reply = await connection.casScript(ZSET_ADD_SCRIPT, key, [
        replaces ? 1 : 0,
        replaces?.member ?? "",
        scoreExpect(replaces?.expect),
        ...members.flatMap((m, i) => [m.member, scoreArg(m.score), scoreExpect(expect?.[i])]),
      ]);
      return num(settle(reply, "score", "The member's score changed since it was loaded; nothing was written")[1]);
    },
    zsetRemove: async (key, members, options = {}) => {
      if (members.length === 0) return 0;
      const expect = options.expect;
      if (!expect) return num(await call("ZREM", key, ...members));
      const reply = await connection.casScript(ZSET_REMOVE_SCRIPT, key, members.flatMap((member, i) => [member, scoreExpect(expect[i])]));
      return num(settle(reply, "score", "The member's score changed since it was loaded; nothing was removed")[1]);
    },
    streamAdd: async (key, id, fields) => text(await call("XADD", key, id, ...flatPairs(fields))),
    streamDelete: async (key, ids) => num(await call("XDEL", key, ...ids)),
    create: async (key, content, options = {}) => {
      if (typeof options.ttlMs === "number") checkTtl(options.ttlMs);
      await connection.run(async (client) => {
        if (options.ifAbsent && num(await connection.call(client, "EXISTS", key)) === 1) {
          throw new DriverError("ALREADY_EXISTS", "The key already exists");
        }
        const tx = client.multi();
        tx.unlink(key);
        switch (content.type) {
          case "hash":
            tx.hset(key, ...flatPairs(content.entries));
            break;
          case "list":
            tx.rpush(key, ...content.items);
            break;
          case "set":
            tx.sadd(key, ...content.members);
            break;
          case "zset":
            tx.zadd(key, ...flatScores(content.members));
            break;
          case "stream":
            tx.xadd(key, "*", ...flatPairs(content.fields));
            break;
        }
        if (typeof options.ttlMs === "number") tx.pexpire(key, options.ttlMs);
        const results = await tx.exec();
        const failed = results?.find(([error]) => error);
        if (failed?.[0]) throw failed[0];
      });
    },
  };
}