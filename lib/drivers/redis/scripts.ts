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

/** The one key description both scripts below run: {type, pttl, size, length[, head]}. */
const DESCRIBE_ONE = `
local function describe(k, head)
  local t = redis.call('TYPE', k)['ok']
  if t == 'none' then return {t, -2, -1, -1} end
  local ttl = redis.call('PTTL', k)
  if t == 'string' then
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
end
`;

/**
 * {type, pttl, size, length[, head]}: STRLEN for strings, MEMORY USAGE and the element count for collections;
 * -1 when unknown. With ARGV[1] > 0 a string also returns its first ARGV[1] bytes (GETRANGE, never the whole
 * value), so a key list can label formats in the same round trip.
 */
export const DESCRIBE_SCRIPT = script(`${DESCRIBE_ONE}
return describe(KEYS[1], tonumber(ARGV[1] or '0'))
`);

/**
 * DESCRIBE_SCRIPT for every key in KEYS, one reply each: a page of keys in one command instead of one per
 * key, which is most of a key list's cost in the client (each command is an object, a promise and a parse).
 * Standalone servers only (a cluster's keys of one page live in many slots). Every call is a few O(1)
 * commands per key, so a batch of a hundred keys holds the server well under a millisecond.
 */
export const DESCRIBE_MANY_SCRIPT = script(`${DESCRIBE_ONE}
local head = tonumber(ARGV[1] or '0')
local out = {}
for i, k in ipairs(KEYS) do out[i] = describe(k, head) end
return out
`);
/**
 * What an analysis asks of every key in KEYS, one reply each: {type, pttl, strlen, length, memory, encoding},
 * -1 / "" where unknown, {"none"} for a key that is gone. MEMORY USAGE with SAMPLES 0 counts every element of
 * a collection (exact); it and OBJECT ENCODING run under pcall, so an ACL that refuses them leaves -1 / ""
 * instead of failing the batch. Standalone servers only, like DESCRIBE_MANY_SCRIPT; the caller keeps batches
 * small (each key is a handful of O(1) commands, plus MEMORY USAGE's walk of a collection).
 */
export const INSPECT_MANY_SCRIPT = script(`
local out = {}
for i, k in ipairs(KEYS) do
  local t = redis.call('TYPE', k)['ok']
  if t == 'none' then
    out[i] = {t}
  else
    local ttl = redis.call('PTTL', k)
    local size, len = -1, -1
    if t == 'string' then size = redis.call('STRLEN', k)
    elseif t == 'hash' then len = redis.call('HLEN', k)
    elseif t == 'list' then len = redis.call('LLEN', k)
    elseif t == 'set' then len = redis.call('SCARD', k)
    elseif t == 'zset' then len = redis.call('ZCARD', k)
    elseif t == 'stream' then len = redis.call('XLEN', k) end
    local mem = redis.pcall('MEMORY', 'USAGE', k, 'SAMPLES', '0')
    if type(mem) ~= 'number' then mem = -1 end
    local enc = redis.pcall('OBJECT', 'ENCODING', k)
    if type(enc) ~= 'string' then enc = '' end
    out[i] = {t, ttl, size, len, mem, enc}
  end
end
return out
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

/*
 * Compare-and-set of collection elements. An expectation is "" (none), "absent", or what the editor saw:
 * the sha1 of a field value or list element, or a score. Every check runs before any change, so a refused
 * edit writes nothing. A conflict answers {"conflict", element, stored} with what is stored now.
 */

/**
 * ARGV = field, value, expect, ifAbsent (1/0), renames (1/0), renamed field, its expect. Returns {"ok"},
 * {"exists"} or {"conflict", field, stored value or nil}.
 */
export const HASH_SET_SCRIPT = script(`
local k = KEYS[1]
local function seen(field, expect)
  if expect == '' then return true end
  local stored = redis.call('HGET', k, field)
  if expect == 'absent' then return stored == false end
  return stored ~= false and redis.sha1hex(stored) == expect
end
if ARGV[4] == '1' and redis.call('HEXISTS', k, ARGV[1]) == 1 then return {'exists'} end
if not seen(ARGV[1], ARGV[3]) then return {'conflict', ARGV[1], redis.call('HGET', k, ARGV[1])} end
if ARGV[5] == '1' and not seen(ARGV[6], ARGV[7]) then return {'conflict', ARGV[6], redis.call('HGET', k, ARGV[6])} end
redis.call('HSET', k, ARGV[1], ARGV[2])
if ARGV[5] == '1' and ARGV[6] ~= ARGV[1] then redis.call('HDEL', k, ARGV[6]) end
return {'ok'}
`);

/** ARGV = (field, expect) pairs. A field already gone is no conflict: nothing of anyone's is lost. Returns {"ok", removed}. */
export const HASH_DELETE_SCRIPT = script(`
local k = KEYS[1]
local fields = {}
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] ~= '' then
    local stored = redis.call('HGET', k, ARGV[i])
    if stored ~= false and redis.sha1hex(stored) ~= ARGV[i + 1] then return {'conflict', ARGV[i], stored} end
  end
  fields[#fields + 1] = ARGV[i]
end
return {'ok', redis.call('HDEL', k, unpack(fields))}
`);

/** ARGV = index, value, expect. Returns {"ok"} or {"conflict", index, stored element or nil}. */
export const LIST_SET_SCRIPT = script(`
local k = KEYS[1]
local stored = redis.call('LINDEX', k, ARGV[1])
if ARGV[3] ~= '' and (stored == false or redis.sha1hex(stored) ~= ARGV[3]) then return {'conflict', ARGV[1], stored} end
redis.call('LSET', k, ARGV[1], ARGV[2])
return {'ok'}
`);

/**
 * ARGV = index, expect, tombstone: the element is swapped for a caller-chosen unique tombstone, which LREM
 * then removes, because LREM by value would take the first equal element rather than the one at `index`.
 */
export const LIST_REMOVE_AT_SCRIPT = script(`
local k = KEYS[1]
local stored = redis.call('LINDEX', k, ARGV[1])
if stored == false or redis.sha1hex(stored) ~= ARGV[2] then return {'conflict', ARGV[1], stored} end
redis.call('LSET', k, ARGV[1], ARGV[3])
redis.call('LREM', k, tonumber(ARGV[1]) < 0 and -1 or 1, ARGV[3])
return {'ok'}
`);

const LUA_SCORE = `
local function score(s)
  if s == 'inf' or s == '+inf' then return math.huge elseif s == '-inf' then return -math.huge end
  return tonumber(s)
end`;

/**
 * ARGV = renames (1/0), renamed member, its expected score, then (member, score, expect) triples. Returns
 * {"ok", added} or {"conflict", member, stored score or nil}.
 */
export const ZSET_ADD_SCRIPT = script(`${LUA_SCORE}
local k = KEYS[1]
local function seen(member, expect)
  if expect == '' then return true end
  local stored = redis.call('ZSCORE', k, member)
  if expect == 'absent' then return stored == false end
  return stored ~= false and score(stored) == score(expect)
end
if ARGV[1] == '1' and not seen(ARGV[2], ARGV[3]) then return {'conflict', ARGV[2], redis.call('ZSCORE', k, ARGV[2])} end
local args = {}
local keepRenamed = false
for i = 4, #ARGV, 3 do
  if not seen(ARGV[i], ARGV[i + 2]) then return {'conflict', ARGV[i], redis.call('ZSCORE', k, ARGV[i])} end
  args[#args + 1] = ARGV[i + 1]
  args[#args + 1] = ARGV[i]
  if ARGV[i] == ARGV[2] then keepRenamed = true end
end
local added = redis.call('ZADD', k, unpack(args))
if ARGV[1] == '1' and not keepRenamed then redis.call('ZREM', k, ARGV[2]) end
return {'ok', added}
`);

/** ARGV = (member, expected score) pairs; a member already gone is no conflict. Returns {"ok", removed}. */
export const ZSET_REMOVE_SCRIPT = script(`${LUA_SCORE}
local k = KEYS[1]
local members = {}
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] ~= '' then
    local stored = redis.call('ZSCORE', k, ARGV[i])
    if stored ~= false and score(stored) ~= score(ARGV[i + 1]) then return {'conflict', ARGV[i], stored} end
  end
  members[#members + 1] = ARGV[i]
end
return {'ok', redis.call('ZREM', k, unpack(members))}
`);

/**
 * ARGV = replaced member, then the members to add: the edit of a set member, refused when the member it
 * replaces is gone (someone removed it meanwhile). Returns {"ok", added} or {"conflict", member, nil}.
 */
export const SET_REPLACE_SCRIPT = script(`
local k = KEYS[1]
if redis.call('SISMEMBER', k, ARGV[1]) == 0 then return {'conflict', ARGV[1], false} end
local added = redis.call('SADD', k, unpack(ARGV, 2))
local kept = false
for i = 2, #ARGV do if ARGV[i] == ARGV[1] then kept = true end end
if not kept then redis.call('SREM', k, ARGV[1]) end
return {'ok', added}
`);

/** PEXPIRE only when the key has no expiry (PTTL -1): `PEXPIRE … NX` for servers before Redis 7. 1 when set. */
export const EXPIRE_IF_NO_TTL_SCRIPT = script(`
if redis.call('PTTL', KEYS[1]) == -1 then return redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0
`);
