// Redis down or slow: reads fall back to the hot cache (flagged), misses fail fast, writes wait in a bounded buffer.
import { fileURLToPath } from 'node:url';
import { createEngine, generatePopulation, type Profile, storyProfiles } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisProfileStore, type RedisProfileStoreOptions } from '../src/redis/profile-store.js';
import type { ProfileStoreEvent } from '../src/redis/profile-store-errors.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A private redis-server (killed and restarted by the test) and a store on it that records its events. */
async function setUp(options: Partial<RedisProfileStoreOptions> = {}) {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const events: ProfileStoreEvent[] = [];
  const store = await RedisProfileStore.connect({
    redis: redis.url,
    prefix: 'test:profile-faults:',
    onEvent: (e) => events.push(e),
    writeBuffer: { limit: 3, retryMs: 50 },
    ...options,
  });
  cleanups.push(() => store.close());
  return { redis, store, events };
}

async function reader(redis: RedisServer): Promise<RedisProfileStore> {
  const store = await RedisProfileStore.connect({ redis: redis.url, prefix: 'test:profile-faults:' });
  cleanups.push(() => store.close());
  return store;
}

const population = [...generatePopulation({ seed: 4, count: 8 })];
const [p1, p2, p3, p4, p5, p6, p7] = [0, 1, 2, 3, 4, 5, 6].map((i): Profile => population[i]!) as [
  Profile,
  Profile,
  Profile,
  Profile,
  Profile,
  Profile,
  Profile,
];

describe('Redis down', () => {
  it('serves cached profiles flagged degraded, even past the max age; a miss rejects', async () => {
    let now = 1_000_000;
    const { redis, store } = await setUp({ clock: () => now, cache: { maxAgeMs: 1_000 } });
    await store.put(p1);
    expect(store.getWithStatus(p1.subscriberId)).toEqual({ profile: p1, degraded: false });
    await redis.kill();
    await vi.waitFor(() => expect(store.stats().redisAvailable).toBe(false));
    expect(store.getWithStatus(p1.subscriberId)).toMatchObject({
      profile: p1,
      degraded: true,
      detail: 'redis unavailable; cached copy 0.0 s old',
    });
    now += 60_000; // far past the max age: still the best answer there is
    expect(await store.getWithStatus(p1.subscriberId)).toMatchObject({ profile: p1, degraded: true });
    await expect(store.get(p2.subscriberId)).rejects.toMatchObject({ code: 'PROFILE_STORE_UNAVAILABLE' });
    expect(store.stats().degradedReads).toBe(2);
  });

  it('buffers writes (newest per subscriber), drops the oldest past the limit and says so, flushes on return', async () => {
    const { redis, store, events } = await setUp();
    await redis.kill();
    await vi.waitFor(() => expect(store.stats().redisAvailable).toBe(false));
    for (const p of [p4, p5, p6]) await store.put(p);
    await store.put({ ...p5, arpu: 99 }); // replaces the held write of p5, does not take a second slot
    expect(store.stats()).toMatchObject({ pendingWrites: 3, droppedWrites: 0 });
    await store.put(p7); // the fourth subscriber: p4, the oldest, is dropped
    expect(store.stats()).toMatchObject({ pendingWrites: 3, droppedWrites: 1 });
    expect(events.filter((e) => e.code === 'PROFILE_WRITE_DROPPED')).toEqual([
      {
        code: 'PROFILE_WRITE_DROPPED',
        subscriberId: p4.subscriberId,
        detail: 'put dropped: write buffer full (limit 3)',
      },
    ]);
    expect(events.filter((e) => e.code === 'PROFILE_WRITE_BUFFERED')).toHaveLength(5);
    // This process still reads its own held writes, flagged degraded.
    expect(store.getWithStatus(p5.subscriberId)).toMatchObject({ profile: { arpu: 99 }, degraded: true });

    await redis.restart();
    await vi.waitFor(() => expect(store.stats().pendingWrites).toBe(0), { timeout: 5_000 });
    expect(events.map((e) => e.code)).toContain('PROFILE_WRITES_FLUSHED');
    const other = await reader(redis);
    expect(await other.get(p5.subscriberId)).toMatchObject({ arpu: 99 });
    expect(await other.get(p6.subscriberId)).toEqual(p6);
    expect(await other.get(p7.subscriberId)).toEqual(p7);
    expect(await other.get(p4.subscriberId)).toBeUndefined(); // dropped, and counted
    expect(store.stats()).toMatchObject({ flushedWrites: 3, droppedWrites: 1 });
  });

  it('a delete while down is held too, and lands after the put it follows', async () => {
    const { redis, store } = await setUp();
    await redis.kill();
    await vi.waitFor(() => expect(store.stats().redisAvailable).toBe(false));
    await store.put(p1);
    await store.delete(p1.subscriberId);
    await store.put(p2);
    expect(store.getWithStatus(p1.subscriberId)).toMatchObject({ profile: undefined, degraded: true });
    await redis.restart();
    await vi.waitFor(() => expect(store.stats().pendingWrites).toBe(0), { timeout: 5_000 });
    const other = await reader(redis);
    expect(await other.get(p1.subscriberId)).toBeUndefined();
    expect(await other.get(p2.subscriberId)).toEqual(p2);
  });

  it('closing with Redis still down reports every held write as dropped', async () => {
    const { redis, store, events } = await setUp();
    await redis.kill();
    await vi.waitFor(() => expect(store.stats().redisAvailable).toBe(false));
    await store.put(p1);
    await store.put(p2);
    await store.close();
    expect(events.filter((e) => e.code === 'PROFILE_WRITE_DROPPED').map((e) => e.subscriberId)).toEqual([
      p1.subscriberId,
      p2.subscriberId,
    ]);
    expect(store.stats().droppedWrites).toBe(2);
  });

  it('the engine decides from the cached profile with PROFILE_FROM_CACHE, and a miss is PROFILE_STORE_UNAVAILABLE', async () => {
    const { julia, renewal } = storyProfiles();
    const { redis, store } = await setUp();
    await store.put(julia);
    await (await reader(redis)).put(renewal); // in Redis, never read by this process
    const engine = createEngine({ config: await loadConfigDir(RULES), profiles: store });
    const before = await engine.decide({ subscriberId: julia.subscriberId, channel: 'app' });
    if (!before.ok) throw new Error(before.error.message);
    expect(before.decision.degraded).toEqual([]);

    await redis.kill();
    await vi.waitFor(() => expect(store.stats().redisAvailable).toBe(false));
    const during = await engine.decide({ subscriberId: julia.subscriberId, channel: 'app' });
    if (!during.ok) throw new Error(during.error.message);
    expect(during.decision.actions.map((a) => a.actionId)).toEqual(before.decision.actions.map((a) => a.actionId));
    expect(during.decision.degraded).toEqual([
      { reason: 'PROFILE_FROM_CACHE', detail: expect.stringMatching(/^redis unavailable; cached copy [\d.]+ s old$/) },
    ]);
    expect(await engine.decide({ subscriberId: renewal.subscriberId, channel: 'app' })).toMatchObject({
      ok: false,
      error: { code: 'PROFILE_STORE_UNAVAILABLE' },
    });

    await redis.restart();
    await (await reader(redis)).put(julia); // the test server keeps nothing on disk; a real one would still have her
    await vi.waitFor(() => expect(store.stats().redisAvailable).toBe(true), { timeout: 5_000 });
    const after = await engine.decide({ subscriberId: julia.subscriberId, channel: 'app' });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.decision.degraded).toEqual([]);
  });
});

describe('Redis killed and restarted mid-run', () => {
  it('every read answers or fails fast with PROFILE_STORE_UNAVAILABLE; every write lands or is reported dropped', async () => {
    const { redis, store, events } = await setUp({ writeBuffer: { limit: 40, retryMs: 20 }, cache: { max: 60 } });
    const subscribers = [...generatePopulation({ seed: 12, count: 100 })];
    const latest = new Map<string, number>();
    const readFailures = new Set<string>();
    let degraded = 0;
    for (let step = 0; step < 1_500; step++) {
      if (step === 300) void redis.kill(); // commands are in flight when it dies
      if (step === 1_000) await redis.restart();
      const p = subscribers[(step * 7) % subscribers.length]!;
      if (step % 3 === 0) {
        latest.set(p.subscriberId, step);
        await store.put({ ...p, version: step });
      } else {
        try {
          const read = await store.getWithStatus(p.subscriberId);
          if (read.degraded) degraded++;
        } catch (error) {
          readFailures.add((error as { code?: string }).code ?? String(error));
        }
      }
    }
    await vi.waitFor(() => expect(store.stats().pendingWrites).toBe(0), { timeout: 5_000 });
    expect([...readFailures]).toEqual(['PROFILE_STORE_UNAVAILABLE']);
    expect(degraded).toBeGreaterThan(0);
    const dropped = new Set(events.filter((e) => e.code === 'PROFILE_WRITE_DROPPED').map((e) => e.subscriberId));
    expect(dropped.size).toBeGreaterThan(0);
    const other = await reader(redis);
    for (const [id, version] of latest) {
      const stored = await other.get(id);
      // The restarted server lost what it held; a write not in Redis must have been reported dropped.
      if (stored?.version !== version) expect(dropped).toContain(id);
    }
  });
});

describe('Redis slow', () => {
  it('a read slower than commandTimeoutMs falls back to the cached copy; a write is held and lands later', async () => {
    const { redis, store } = await setUp({ commandTimeoutMs: 100, backoffMs: 0, cache: { maxAgeMs: 0 } });
    await store.put(p1);
    const admin = new Redis(redis.url);
    cleanups.push(() => admin.quit());
    await admin.client('PAUSE', 1_000, 'ALL'); // every client's commands wait: Redis is up but slow
    expect(await store.getWithStatus(p1.subscriberId)).toMatchObject({
      profile: p1,
      degraded: true,
      detail: expect.stringContaining('Command timed out'),
    });
    await expect(store.get(p3.subscriberId)).rejects.toMatchObject({ code: 'PROFILE_STORE_UNAVAILABLE' });
    await store.put(p2);
    expect(store.stats().pendingWrites).toBe(1);
    await vi.waitFor(() => expect(store.stats().pendingWrites).toBe(0), { timeout: 5_000 });
    expect(await (await reader(redis)).get(p2.subscriberId)).toEqual(p2);
    expect(await store.getWithStatus(p1.subscriberId)).toEqual({ profile: p1, degraded: false });
  });
});
