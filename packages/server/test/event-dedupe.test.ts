// Event dedupe and trigger debounce in Redis: one claim wins across nodes, and a released id can be claimed again.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisDebounceStore, RedisEventDedupe } from '../src/redis/event-dedupe.js';

const prefix = `test:dedupe:${Math.random().toString(36).slice(2)}:`;
const a = new Redis(inject('redisUrl'));
const b = new Redis(inject('redisUrl'));
afterAll(() => {
  a.disconnect();
  b.disconnect();
});

describe('RedisEventDedupe', () => {
  it('lets exactly one of many concurrent claims of an id win, across connections', async () => {
    const nodeA = new RedisEventDedupe(a, { keyPrefix: prefix });
    const nodeB = new RedisEventDedupe(b, { keyPrefix: prefix });
    const claims = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? nodeA : nodeB).claim('evt-1')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('forgets a released id, and an id after its TTL', async () => {
    const dedupe = new RedisEventDedupe(a, { keyPrefix: prefix, ttlMs: 50 });
    expect(await dedupe.claim('evt-2')).toBe(true);
    await dedupe.release('evt-2');
    expect(await dedupe.claim('evt-2')).toBe(true);
    expect(await dedupe.claim('evt-2')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await dedupe.claim('evt-2')).toBe(true);
  });
});

describe('RedisDebounceStore', () => {
  it('allows one firing per subscriber and trigger inside the window, across nodes', async () => {
    const nodeA = new RedisDebounceStore(a, { keyPrefix: prefix });
    const nodeB = new RedisDebounceStore(b, { keyPrefix: prefix });
    const fired = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? nodeA : nodeB).claim('SUB-1', 'data-80', 0, 60_000)),
    );
    expect(fired.filter(Boolean)).toHaveLength(1);
    expect(await nodeA.claim('SUB-2', 'data-80', 0, 60_000)).toBe(true);
    expect(await nodeA.claim('SUB-1', 'roaming-attach', 0, 60_000)).toBe(true);
  });

  it('allows the next firing once the window has passed', async () => {
    const store = new RedisDebounceStore(a, { keyPrefix: prefix });
    expect(await store.claim('SUB-3', 't', 0, 40)).toBe(true);
    expect(await store.claim('SUB-3', 't', 0, 40)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(await store.claim('SUB-3', 't', 0, 40)).toBe(true);
  });
});
