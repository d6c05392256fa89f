// Event dedupe and trigger debounce shared by every server node, in Redis: one SET NX PX per claim.
import type { DebounceStore, EventDedupe } from '@arbiter/engine';
import type { Redis } from 'ioredis';

/**
 * `claim` is `SET <prefix>event:<id> 1 NX PX ttl`: atomic across nodes, so an event delivered to two nodes is applied
 * once. The TTL should cover lateness + clock skew (features.yaml), after which a copy is rejected as too late anyway.
 * With Redis down, `claim` rejects and the engine returns the event as not accepted, so the producer retries it.
 */
export class RedisEventDedupe implements EventDedupe {
  constructor(
    private readonly redis: Redis,
    private readonly options: { ttlMs?: number; keyPrefix?: string } = {},
  ) {}

  async claim(id: string): Promise<boolean> {
    const set = await this.redis.set(this.key(id), '1', 'PX', this.options.ttlMs ?? 65 * 60_000, 'NX');
    return set === 'OK';
  }

  async release(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return `${this.options.keyPrefix ?? 'arbiter:'}event:${id}`;
  }
}

/** Trigger debounce across nodes: `SET <prefix>debounce:<trigger>:<subscriber> <now> NX PX window`. */
export class RedisDebounceStore implements DebounceStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: { keyPrefix?: string } = {},
  ) {}

  async claim(subscriberId: string, triggerId: string, now: number, windowMs: number): Promise<boolean> {
    if (windowMs <= 0) return true;
    const key = `${this.options.keyPrefix ?? 'arbiter:'}debounce:${triggerId}:${subscriberId}`;
    return (await this.redis.set(key, String(now), 'PX', windowMs, 'NX')) === 'OK';
  }
}
