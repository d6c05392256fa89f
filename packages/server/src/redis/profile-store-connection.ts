// The Redis connections a profile store opens: fail fast when Redis is down or slow, so a decision never waits on it.
import { Redis, type RedisOptions } from 'ioredis';

export interface ProfileRedisOptions {
  /** A command not answered within this many ms fails (default 100). */
  commandTimeoutMs?: number;
  /** Giving up on one connection attempt after this many ms (default 1,000); reconnects continue. */
  connectTimeoutMs?: number;
}

/**
 * A connection that never queues: while it is down, commands fail at once; in-flight commands fail when it
 * drops and are not re-sent on reconnect (a re-sent old write could land after a newer one); it reconnects
 * every 50 ms to 1 s for as long as it lives.
 */
export function connectProfileRedis(url: string, options: ProfileRedisOptions = {}): Redis {
  const redis = new Redis(url, failFastOptions(options));
  // Reconnect errors repeat while Redis is down; the store reports what matters (its reads and writes).
  redis.on('error', () => {});
  return redis;
}

/** The options behind `connectProfileRedis`, for callers that build their own client. */
export function failFastOptions(options: ProfileRedisOptions = {}): RedisOptions {
  return {
    commandTimeout: options.commandTimeoutMs ?? 100,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
  };
}

/** A second connection to the same server for pub/sub (a subscribed connection can run no other command). */
export function subscriberOf(redis: Redis): Redis {
  const subscriber = redis.duplicate({
    // It sends only SUBSCRIBE, on `ready`; no timeout should cut a subscription short.
    commandTimeout: undefined,
    enableOfflineQueue: true,
    autoResubscribe: false,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
  });
  subscriber.on('error', () => {});
  return subscriber;
}
