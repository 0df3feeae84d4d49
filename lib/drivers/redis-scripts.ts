/**
 * Server-side Lua of the Redis driver and the pure parsers of its replies. Each script touches one key
 * (KEYS[1]) so it routes by slot in a cluster.
 */
import { createHash } from "node:crypto";

export interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash("sha1").update(lua).digest("hex") };
}

/** {type, pttl, size, length}: STRLEN for strings, MEMORY USAGE and the element count for collections; -1 when unknown. */
export const DESCRIBE_SCRIPT = script(`
local k = KEYS[1]
local t = redis.call('TYPE', k)['ok']
if t == 'none' then return {t, -2, -1, -1} end
local ttl = redis.call('PTTL', k)
if t == 'string' then return {t, ttl, redis.call('STRLEN', k), -1} end
local len = -1
if t == 'hash' then len = redis.call('HLEN', k)
elseif t == 'list' then len = redis.call('LLEN', k)
elseif t == 'set' then len = redis.call('SCARD', k)
elseif t == 'zset' then len = redis.call('ZCARD', k)
elseif t == 'stream' then len = redis.call('XLEN', k) end
local size = redis.call('MEMORY', 'USAGE', k) or -1
return {t, ttl, size, len}
`);

/**
 * {type, pttl} for collections; {type, pttl, length, sha1 of the whole value, GETRANGE page} for strings, so the
 * digest is computed where the value lives and only the page travels.
 */
export const READ_STRING_SCRIPT = script(`
local k = KEYS[1]
local t = redis.call('TYPE', k)['ok']
if t ~= 'string' then return {t, redis.call('PTTL', k)} end
local len = redis.call('STRLEN', k)
local off = tonumber(ARGV[1])
local lim = tonumber(ARGV[2])
local page = ''
if lim > 0 and off < len then page = redis.call('GETRANGE', k, off, off + lim - 1) end
return {t, redis.call('PTTL', k), len, redis.sha1hex(redis.call('GET', k)), page}
`);

/**
 * Compare-and-set of a string: ARGV = value, expected digest ("absent" = must not exist), ttl mode
 * (keep | persist | px), ttl ms, ifAbsent (1/0). Returns "ok", "exists" or "conflict"; on anything but "ok"
 * nothing was written.
 */
export const WRITE_EXPECT_SCRIPT = script(`
local k = KEYS[1]
local exists = redis.call('EXISTS', k) == 1
if ARGV[5] == '1' and exists then return 'exists' end
if ARGV[2] == 'absent' then
  if exists then return 'conflict' end
elseif not exists then
  return 'conflict'
else
  if redis.call('TYPE', k)['ok'] ~= 'string' then return 'conflict' end
  if redis.sha1hex(redis.call('GET', k)) ~= ARGV[2] then return 'conflict' end
end
if ARGV[3] == 'keep' then redis.call('SET', k, ARGV[1], 'KEEPTTL')
elseif ARGV[3] == 'px' then redis.call('SET', k, ARGV[1], 'PX', ARGV[4])
else redis.call('SET', k, ARGV[1]) end
return 'ok'
`);

/** INFO text as field → value (keyspace lines `db0:keys=…` included). */
export function parseInfo(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split("\r\n")) {
    if (!line || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** A zset score as Redis prints it (`inf`, `-inf`, decimals) to a number. */
export function parseScore(score: string): number {
  if (score === "inf" || score === "+inf") return Infinity;
  if (score === "-inf") return -Infinity;
  return Number(score);
}

/** A number as a zset score argument Redis accepts. */
export function scoreArg(score: number): string {
  if (score === Infinity) return "+inf";
  if (score === -Infinity) return "-inf";
  return String(score);
}
