// The Redis profile store's options and statistics, and the check of the options at construction.
import type { ProfileStore } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import type { ProfileRedisOptions } from './profile-store-connection.js';
import type { ProfileStoreEvent } from './profile-store-errors.js';

/** What `getWithStatus` answers (the engine's `ProfileRead`). */
export type ProfileRead = Awaited<ReturnType<NonNullable<ProfileStore['getWithStatus']>>>;

export interface RedisProfileStoreOptions extends ProfileRedisOptions {
  /** A Redis URL (the store opens and closes a fail-fast connection) or a client you own (see `failFastOptions`). */
  redis: string | Redis;
  /** Prefix of every key and of the invalidation channel (default `arbiter:`): keys are `<prefix>profile:<id>`. */
  prefix?: string;
  /** Expire a profile this long after its last write (default: never). */
  ttlSeconds?: number;
  cache?: {
    /** Most profiles cached in this process (default 100,000). */
    max?: number;
    /** Most estimated bytes cached (default: no byte bound). */
    maxBytes?: number;
    /** The freshness backstop: a cached copy older than this is re-read from Redis (default 5,000 ms). */
    maxAgeMs?: number;
    /** Keep compact msgpack records in the cache instead of objects (less memory, a decode per hit). */
    compact?: boolean;
  };
  /** Subscribe to other processes' writes and evict their subscribers (default true). Writes always publish. */
  invalidation?: boolean;
  writeBuffer?: {
    /** Most subscribers with writes held while Redis is down (default 10,000); past it the oldest is dropped. */
    limit?: number;
    /** How often held writes are retried while Redis answers slowly or not at all (default 1,000 ms). */
    retryMs?: number;
  };
  /** After a failed command, serve cached copies without asking Redis for this long (default 1,000 ms). */
  backoffMs?: number;
  /** Clock in epoch ms (default Date.now), for tests of the max age. */
  clock?: () => number;
  /** Buffered, dropped and flushed writes, and lost invalidations: nothing is held back or lost silently. */
  onEvent?: (event: ProfileStoreEvent) => void;
}

export interface RedisProfileStoreStats {
  cached: number;
  cachedBytes: number;
  hits: number;
  misses: number;
  /** Reads answered from the cache (or the write buffer) while Redis was unavailable. */
  degradedReads: number;
  invalidations: number;
  evictions: number;
  pendingWrites: number;
  flushedWrites: number;
  droppedWrites: number;
  redisAvailable: boolean;
  invalidationLive: boolean;
}

/** Throws a RangeError naming the first option out of range. */
export function checkOptions(options: RedisProfileStoreOptions): void {
  const { cache, writeBuffer } = options;
  const checks: [string, number | undefined, number][] = [
    ['ttlSeconds', options.ttlSeconds, 1],
    ['cache.max', cache?.max, 1],
    ['cache.maxBytes', cache?.maxBytes, 1],
    ['cache.maxAgeMs', cache?.maxAgeMs, 0],
    ['writeBuffer.limit', writeBuffer?.limit, 1],
    ['writeBuffer.retryMs', writeBuffer?.retryMs, 1],
    ['backoffMs', options.backoffMs, 0],
  ];
  for (const [name, value, min] of checks) {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
    }
  }
}
