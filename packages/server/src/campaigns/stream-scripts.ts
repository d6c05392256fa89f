// The Lua scripts of a distributed campaign run: each makes one step of the protocol atomic in Redis.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A script run by its SHA (EVALSHA), falling back to EVAL when Redis lost its script cache (a restart). */
export class StreamScript {
  readonly #lua: string;
  readonly #sha: string;

  constructor(lua: string) {
    this.#lua = lua;
    this.#sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#lua, keys.length, ...keys, ...args);
    }
  }
}

// Every write renews the run's keys to the retention time, so a run's keys go away `retainMs` after its last
// activity, finished or abandoned, and nothing is left behind by a run nobody finishes.
const RENEW_RUN_KEYS = `
local function renew(ttl, ...)
  for _, key in ipairs({...}) do redis.call('PEXPIRE', key, ttl) end
end`;

/**
 * Creates the run (meta hash, stream, consumer group) unless it exists; returns the meta hash either way.
 * KEYS: meta, work. ARGV: campaignId, configVersion, now, group, createdAt, retainMs.
 */
export const REGISTER_RUN = new StreamScript(`${RENEW_RUN_KEYS}
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'campaignId', ARGV[1], 'configVersion', ARGV[2], 'now', ARGV[3],
    'state', 'producing', 'cursor', '0', 'total', '0', 'createdAt', ARGV[5])
  redis.pcall('XGROUP', 'CREATE', KEYS[2], ARGV[4], '0', 'MKSTREAM')
  renew(ARGV[6], KEYS[1], KEYS[2])
end
return redis.call('HGETALL', KEYS[1])
`);

/**
 * One producer step: the subscriber ids of the SCAN pages from `fromCursor` to `nextCursor` become one stream entry,
 * and the meta hash moves to `nextCursor`, together. Refused unless the caller still holds the producer lock and the
 * meta hash is still at `fromCursor`, so a page is added at most once even across a takeover. With dedupe, an id
 * already produced (SCAN may return a key twice) is left out.
 * KEYS: meta, work, producer, seen. ARGV: consumer, fromCursor, nextCursor, group, dedupe (1|0), lockTtlMs,
 * retainMs, ids... Returns [status ('ok'|'lost'|'moved'), ids added, entries not yet delivered].
 */
export const PRODUCE_PAGE = new StreamScript(`${RENEW_RUN_KEYS}
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'lost', 0, 0} end
if redis.call('HGET', KEYS[1], 'state') ~= 'producing' or redis.call('HGET', KEYS[1], 'cursor') ~= ARGV[2] then
  return {'moved', 0, 0}
end
local fresh = {}
for i = 8, #ARGV do
  if ARGV[5] == '0' or redis.call('SADD', KEYS[4], ARGV[i]) == 1 then fresh[#fresh + 1] = ARGV[i] end
end
if #fresh > 0 then redis.call('XADD', KEYS[2], '*', 'ids', cjson.encode(fresh)) end
redis.call('HSET', KEYS[1], 'cursor', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'total', #fresh)
if ARGV[3] == '0' then
  redis.call('HSET', KEYS[1], 'state', 'produced')
  redis.call('DEL', KEYS[3], KEYS[4])
  renew(ARGV[7], KEYS[1], KEYS[2])
else
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
  renew(ARGV[7], KEYS[1], KEYS[2], KEYS[4])
end
local pending = redis.call('XPENDING', KEYS[2], ARGV[4])[1]
return {'ok', #fresh, redis.call('XLEN', KEYS[2]) - pending}
`);

/**
 * Keeps the producer lock while the producer waits for consumers to catch up.
 * KEYS: producer, work. ARGV: consumer, lockTtlMs, group. Returns the entries not yet delivered, or -1 when the lock
 * is lost.
 */
export const RENEW_PRODUCER = new StreamScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('XLEN', KEYS[2]) - redis.call('XPENDING', KEYS[2], ARGV[3])[1]
`);

/** Gives the producer lock up (only if still held), so another process takes over at once. KEYS: producer. */
export const RELEASE_PRODUCER = new StreamScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * A chunk is done: acknowledge and delete its entry, and count it run-wide, once (an entry acknowledged already,
 * by a consumer that claimed it too, counts nothing).
 * KEYS: work, counts, meta. ARGV: group, entry id, subscribers read, skipped, retainMs. Returns 1, or 0 if already
 * done.
 */
export const COMMIT_ENTRY = new StreamScript(`${RENEW_RUN_KEYS}
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], 'entries', 1)
redis.call('HINCRBY', KEYS[2], 'scanned', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'skipped', ARGV[4])
renew(ARGV[5], KEYS[1], KEYS[2], KEYS[3])
return 1
`);

/**
 * The heartbeat of a live consumer: resets the idle time of the entries it still owns, so XAUTOCLAIM takes only a
 * dead consumer's work, never a slow one's. An entry another consumer has claimed meanwhile is left alone.
 * KEYS: work. ARGV: group, consumer, ids... Returns the ids this consumer no longer owns.
 */
export const TOUCH_ENTRIES = new StreamScript(`
local lost = {}
for i = 3, #ARGV do
  local owned = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #owned > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
`);

/**
 * Claims up to `want` of the run's volume limit for every process of the run at once.
 * KEYS: volume. ARGV: want, limit, retainMs. Returns how many were granted (0 when the limit is reached).
 */
export const CLAIM_VOLUME = new StreamScript(`${RENEW_RUN_KEYS}
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if grant <= 0 then return 0 end
redis.call('INCRBY', KEYS[1], grant)
renew(ARGV[3], KEYS[1])
return grant
`);
