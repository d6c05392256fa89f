// Importing into Redis: the RedisProfileStore, made to fail loudly so a write Redis did not take stops the import.
import type { Profile, ProfileStore } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { RedisProfileStore } from '../redis/profile-store.js';
import { connectProfileRedis } from '../redis/profile-store-connection.js';
import type { ProfileStoreEvent } from '../redis/profile-store-errors.js';

export interface RedisImportTarget {
  store: ProfileStore;
  label: string;
  /** Sends what the store still holds if Redis is back, and closes the connection. */
  close(): Promise<void>;
  /** Held writes the store gave up on at close (Redis still down); each row was already reported STORE_FAILED. */
  readonly dropped: number;
}

export interface RedisImportOptions {
  /** A Redis URL, or a client the caller owns. */
  redis: string | Redis;
  prefix?: string;
  /** How long to wait for Redis before giving up (default 5,000 ms). */
  readyTimeoutMs?: number;
  /** A write not answered within this many ms fails the import (default 5,000; for a URL only). */
  commandTimeoutMs?: number;
}

/**
 * A profile store for `arbiter import --redis`. The RedisProfileStore keeps serving while Redis is down by holding
 * writes in a bounded buffer, which suits live traffic; a bulk import must not report a row as imported while it
 * waits in memory, so here a write that was held fails, the import stops there and the row goes to the rejects
 * file. Writes still publish invalidations, so running servers drop stale cached copies of re-imported profiles.
 */
export async function redisImportTarget(options: RedisImportOptions): Promise<RedisImportTarget> {
  const held = new Map<string, string>();
  let dropped = 0;
  // A bulk load is not latency-bound: the store's 100 ms default would fail writes over a busy moment.
  const owned =
    typeof options.redis === 'string'
      ? connectProfileRedis(options.redis, { commandTimeoutMs: options.commandTimeoutMs ?? 5_000 })
      : undefined;
  const client = owned ?? (options.redis as Redis);
  const redis = new RedisProfileStore({
    redis: client,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    // The import reads nothing back and needs no one else's invalidations.
    invalidation: false,
    cache: { max: 1_000 },
    onEvent: (event: ProfileStoreEvent) => {
      if (event.code === 'PROFILE_WRITE_BUFFERED' && event.subscriberId) held.set(event.subscriberId, event.detail);
      if (event.code === 'PROFILE_WRITE_DROPPED') dropped += 1;
    },
  });
  const close = async () => {
    await redis.close();
    await owned?.quit().catch(() => owned.disconnect());
  };
  try {
    // A wrong host or port answers at once: say so rather than retry until the timeout.
    await Promise.race([redis.ready(options.readyTimeoutMs ?? 5_000), firstError(client)]);
  } catch (error) {
    await close();
    throw error;
  }
  const where = typeof options.redis === 'string' ? redactUrl(options.redis) : 'redis';
  return {
    store: {
      get: (subscriberId) => redis.get(subscriberId),
      async put(profile: Profile) {
        await redis.put(profile);
        const why = held.get(profile.subscriberId);
        if (why !== undefined) throw new Error(`Redis did not take the write: ${why}`);
      },
    },
    label: `${where} (keys ${redis.prefix}profile:<subscriberId>)`,
    close,
    get dropped() {
      return dropped;
    },
  };
}

/** Rejects with the client's first connection error (ECONNREFUSED, ENOTFOUND, auth); never resolves otherwise. */
function firstError(client: Redis): Promise<never> {
  return new Promise((_, reject) => {
    if (client.status === 'ready') return;
    const fail = (error: Error) => reject(error);
    client.once('error', fail);
    client.once('ready', () => client.off('error', fail));
  });
}

/** The URL without its password, for the summary. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
