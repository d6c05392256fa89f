// The Redis profile store on the shared test redis-server: msgpack per key, read-through and write-through cache, TTL, scan.
import { generatePopulation, type Profile, storyProfiles } from '@arbiter/engine';
import { Redis } from 'ioredis';
import { unpack } from 'msgpackr';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { RedisProfileStore, type RedisProfileStoreOptions } from '../src/redis/profile-store.js';

const url = inject('redisUrl');
const admin = new Redis(url);
const stores: RedisProfileStore[] = [];
const newPrefix = () => `test:profile-store:${Math.random().toString(36).slice(2)}:`;

async function open(options: Partial<RedisProfileStoreOptions> = {}): Promise<RedisProfileStore> {
  const store = await RedisProfileStore.connect({ redis: url, prefix: newPrefix(), ...options });
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(() => admin.quit());

const { julia } = storyProfiles();

describe('RedisProfileStore', () => {
  it('writes one msgpack value per subscriber under <prefix>profile:<id>', async () => {
    const store = await open();
    await store.put(julia);
    const bytes = await admin.getBuffer(`${store.prefix}profile:${julia.subscriberId}`);
    expect(unpack(bytes!)).toEqual(julia);
    expect(await admin.ttl(`${store.prefix}profile:${julia.subscriberId}`)).toBe(-1); // no TTL unless asked
  });

  it('reads through: a miss reads Redis and fills the cache; the next read is a synchronous hit', async () => {
    const writer = await open();
    await writer.put(julia);
    const reader = await open({ prefix: writer.prefix });
    const first = reader.get(julia.subscriberId);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual(julia);
    const second = reader.get(julia.subscriberId);
    expect(second).toEqual(julia); // not a promise: served from memory
    expect(reader.stats()).toMatchObject({ hits: 1, misses: 1, cached: 1 });
  });

  it('writes through: after put the writer serves its own write from the cache', async () => {
    const store = await open();
    await store.put(julia);
    expect(store.getWithStatus(julia.subscriberId)).toEqual({ profile: julia, degraded: false });
  });

  it('an unknown subscriber is undefined, and is not cached', async () => {
    const store = await open();
    expect(await store.get('SUB-NOBODY')).toBeUndefined();
    expect(await store.get('SUB-NOBODY')).toBeUndefined();
    expect(store.stats()).toMatchObject({ misses: 2, cached: 0 });
  });

  it('concurrent misses for one subscriber share one Redis read', async () => {
    const writer = await open();
    await writer.put(julia);
    const reader = await open({ prefix: writer.prefix });
    const reads = await Promise.all([1, 2, 3].map(() => reader.get(julia.subscriberId)));
    expect(reads.every((p) => p?.subscriberId === julia.subscriberId)).toBe(true);
    expect(reads[0]).toBe(reads[2]); // the same decoded object: one GET answered all three
  });

  it('sets the TTL on every write when asked', async () => {
    const store = await open({ ttlSeconds: 600 });
    await store.put(julia);
    const ttl = await admin.ttl(`${store.prefix}profile:${julia.subscriberId}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('delete removes the key and the cached copy', async () => {
    const store = await open();
    await store.put(julia);
    await store.delete(julia.subscriberId);
    expect(await admin.exists(`${store.prefix}profile:${julia.subscriberId}`)).toBe(0);
    expect(await store.get(julia.subscriberId)).toBeUndefined();
  });

  it('scan walks every profile under its prefix and no other', async () => {
    const store = await open();
    const other = await open();
    const population = [...generatePopulation({ seed: 5, count: 1_200 })];
    await Promise.all(population.map((p) => store.put(p)));
    await other.put(julia);
    const seen = new Set<string>();
    for await (const p of store.scan()) seen.add(p.subscriberId);
    expect(seen.size).toBe(1_200);
    expect(seen.has(julia.subscriberId)).toBe(false);
  });

  it('a value that is not a profile fails with PROFILE_DECODE_FAILED, not as an outage', async () => {
    const store = await open();
    await admin.set(`${store.prefix}profile:SUB-BAD`, 'not msgpack of a profile');
    await expect(store.get('SUB-BAD')).rejects.toMatchObject({ code: 'PROFILE_DECODE_FAILED' });
  });

  it('a profile without a string subscriberId is refused with PROFILE_INVALID', async () => {
    const store = await open();
    await expect(store.put({ subscriberId: 42 } as unknown as Profile)).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
    });
  });

  it('the compact cache holds msgpack records and answers equal profiles', async () => {
    const writer = await open();
    const population = [...generatePopulation({ seed: 9, count: 50 })];
    await Promise.all(population.map((p) => writer.put(p)));
    const plain = await open({ prefix: writer.prefix });
    const compact = await open({ prefix: writer.prefix, cache: { compact: true } });
    for (const p of population) {
      expect(await compact.get(p.subscriberId)).toEqual(p);
      expect(compact.get(p.subscriberId)).toEqual(p); // a synchronous hit, decoded from the record
      await plain.get(p.subscriberId);
    }
    expect(compact.stats().cachedBytes).toBeLessThan(plain.stats().cachedBytes / 2);
  });

  it('the cache is bounded by count and by bytes, least recently used out first', async () => {
    const writer = await open();
    const population = [...generatePopulation({ seed: 2, count: 20 })];
    await Promise.all(population.map((p) => writer.put(p)));
    const byCount = await open({ prefix: writer.prefix, cache: { max: 5 } });
    for (const p of population) await byCount.get(p.subscriberId);
    expect(byCount.stats()).toMatchObject({ cached: 5, evictions: 15 });
    const byBytes = await open({ prefix: writer.prefix, cache: { maxBytes: 8_000 } });
    for (const p of population) await byBytes.get(p.subscriberId);
    const { cached, cachedBytes } = byBytes.stats();
    expect(cachedBytes).toBeLessThanOrEqual(8_000);
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThan(20);
    expect(byBytes.get(population[19]!.subscriberId)).toEqual(population[19]); // the newest stayed, in memory
  });
});
