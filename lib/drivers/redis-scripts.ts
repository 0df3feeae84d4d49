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

/**
 * {type, pttl, size, length[, head]}: STRLEN for strings, MEMORY USAGE and the element count for collections;
 * -1 when unknown. With ARGV[1] > 0 a string also returns its first ARGV[1] bytes (GETRANGE, never the whole
 * value), so a key list can label formats in the same round trip.
 */
export const DESCRIBE_SCRIPT = script(`
local k = KEYS[1]
local t = redis.call('TYPE', k)['ok']
if t == 'none' then return {t, -2, -1, -1} end
local ttl = redis.call('PTTL', k)
if t == 'string' then
  local head = tonumber(ARGV[1] or '0')
  if head > 0 then return {t, ttl, redis.call('STRLEN', k), -1, redis.call('GETRANGE', k, 0, head - 1)} end
  return {t, ttl, redis.call('STRLEN', k), -1}
end
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
 * {length, sha1 of the whole value, GETRANGE page} of a string of at most ARGV[3] bytes, in one atomic step so
 * the page and its digest belong to the same value; {length} alone (nothing hashed) when it is larger or not
 * a string. ARGV = offset, limit, largest length to hash (`DIGEST_MAX_BYTES`).
 */
export const DIGEST_PAGE_SCRIPT = script(`
local k = KEYS[1]
if redis.call('TYPE', k)['ok'] ~= 'string' then return {-1} end
local len = redis.call('STRLEN', k)
if len > tonumber(ARGV[3]) then return {len} end
local off = tonumber(ARGV[1])
local lim = tonumber(ARGV[2])
local page = ''
if lim > 0 and off < len then page = redis.call('GETRANGE', k, off, off + lim - 1) end
return {len, redis.sha1hex(redis.call('GET', k)), page}
`);

/**
 * Compare-and-set of a string: ARGV = value, expected digest ("absent" = must not exist), ttl mode
 * (keep | persist | px), ttl ms, ifAbsent (1/0), largest length to hash, sample bytes. Returns "ok", "exists"
 * or "conflict"; on anything but "ok" nothing was written.
 *
 * A whole-value SHA-1 is only ever computed for a stored value of at most ARGV[6] bytes: a longer one cannot
 * equal a value whose full digest the editor holds, and a sampled digest ("sampled:…", see `sampledDigest`)
 * is checked from STRLEN and the two end samples, O(sample) whatever the value's size.
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
  local len = redis.call('STRLEN', k)
  local limit = tonumber(ARGV[6])
  if string.sub(ARGV[2], 1, 8) == 'sampled:' then
    if len <= limit then return 'conflict' end
    local n = tonumber(ARGV[7])
    local sample = len .. ':' .. redis.call('GETRANGE', k, 0, n - 1) .. redis.call('GETRANGE', k, -n, -1)
    if 'sampled:' .. redis.sha1hex(sample) ~= ARGV[2] then return 'conflict' end
  else
    if len > limit then return 'conflict' end
    if redis.sha1hex(redis.call('GET', k)) ~= ARGV[2] then return 'conflict' end
  end
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
