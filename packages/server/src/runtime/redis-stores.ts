// The runtime's stores on Redis: profiles (with the hot cache), contact history, decision log, event dedupe and
// trigger debounce, on fail-fast connections, with one close that flushes what waits and disconnects.

import { hostname } from 'node:os';
import type { ContactHistory, DebounceStore, DecisionLog, EventDedupe, ProfileStore } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import type { CampaignLeases } from '../campaigns/run-lease.js';
import { RedisCampaignLeases } from '../redis/campaign-leases.js';
import { RedisContactHistory } from '../redis/contact-history.js';
import { RedisDecisionLog } from '../redis/decision-log.js';
import { RedisDebounceStore, RedisEventDedupe } from '../redis/event-dedupe.js';
import { RedisProfileStore } from '../redis/profile-store.js';
import { connectProfileRedis } from '../redis/profile-store-connection.js';

export interface RuntimeStores {
  profiles: ProfileStore;
  history: ContactHistory;
  decisionLog: DecisionLog;
  dedupe: EventDedupe;
  debounce: DebounceStore;
  /**
   * Claims `key` for every server on this Redis (SET NX with a time to live): true for the first caller only.
   * Scheduled campaign runs use it so that servers sharing the stores start each one once.
   */
  claimOnce?(key: string, ttlMs: number): Promise<boolean>;
  /** One live run per campaign across the servers on this Redis (a lease each real run holds while it goes). */
  campaignLeases?: CampaignLeases;
  /** Writes buffered outcomes, decisions and profiles, then disconnects. */
  close(): Promise<void>;
}

export interface RedisStoresOptions {
  url: string;
  /** The contact policy's horizon (`config.policy.horizonMs`): older records are trimmed. */
  horizonMs: number;
  /** Event ids are remembered this long (features lateness + clock skew). */
  dedupeTtlMs: number;
  prefix?: string;
  log: (message: string) => void;
}

/**
 * Connects every store to one Redis (a profile store connection with its pub/sub, and one shared command
 * connection for the rest). Resolves once Redis answers; rejects when it cannot be reached.
 *
 * @example
 * const stores = await redisStores({ url: 'redis://127.0.0.1:6379', horizonMs, dedupeTtlMs, log: console.warn });
 */
export async function redisStores(options: RedisStoresOptions): Promise<RuntimeStores> {
  const keyPrefix = options.prefix ?? 'arbiter:';
  const profiles = await RedisProfileStore.connect({
    redis: options.url,
    prefix: keyPrefix,
    onEvent: (event) => options.log(`profile store: ${JSON.stringify(event)}`),
  });
  const redis = connectProfileRedis(options.url);
  try {
    await ready(redis, options.url);
  } catch (error) {
    redis.disconnect();
    await profiles.close();
    throw error;
  }
  const history = new RedisContactHistory({ redis, horizonMs: options.horizonMs, keyPrefix, log: options.log });
  const decisionLog = new RedisDecisionLog({ redis, keyPrefix, log: options.log });
  return {
    profiles,
    history,
    decisionLog,
    dedupe: new RedisEventDedupe(redis, { ttlMs: options.dedupeTtlMs, keyPrefix }),
    debounce: new RedisDebounceStore(redis, { keyPrefix }),
    claimOnce: async (key, ttlMs) =>
      (await redis.set(
        `${keyPrefix}${key}`,
        `${hostname()}:${process.pid}`,
        'PX',
        Math.max(1, Math.ceil(ttlMs)),
        'NX',
      )) === 'OK',
    campaignLeases: new RedisCampaignLeases({ redis, keyPrefix }),
    async close() {
      // What Redis cannot take now is reported by the stores (dropped and counted), never waited on forever.
      await Promise.allSettled([history.flush(), decisionLog.flush()]);
      history.close();
      decisionLog.close();
      await profiles.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Resolves when the connection is ready; a fail-fast client queues nothing, so no command may go before. */
function ready(redis: Redis, url: string, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis at ${url} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
