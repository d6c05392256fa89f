// Cross-process freshness: another process's write reaches this cache by pub/sub invalidation; the max age bounds the rest.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Profile, storyProfiles } from '@arbiter/engine';
import { Redis } from 'ioredis';
import { pack } from 'msgpackr';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { RedisProfileStore, type RedisProfileStoreOptions } from '../src/redis/profile-store.js';
import { failFastOptions } from '../src/redis/profile-store-connection.js';
import { startRedisServer } from './redis-server.js';

const url = inject('redisUrl');
const admin = new Redis(url);
const stores: RedisProfileStore[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
const newPrefix = () => `test:profile-freshness:${Math.random().toString(36).slice(2)}:`;
const HOUR = 3_600_000;

async function open(options: Partial<RedisProfileStoreOptions> & { prefix: string }): Promise<RedisProfileStore> {
  const store = await RedisProfileStore.connect({ redis: url, ...options });
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(() => admin.quit());

const v1: Profile = { ...storyProfiles().julia, roamingCountry: 'US' };
const v2: Profile = { ...v1, roamingCountry: 'CA' };
const id = v1.subscriberId;

describe('freshness across processes', () => {
  it('a write in A evicts B’s cached copy by invalidation, long before the max age', async () => {
    const prefix = newPrefix();
    const a = await open({ prefix });
    await a.put(v1);
    const b = await open({ prefix, cache: { maxAgeMs: HOUR } });
    expect(await b.get(id)).toEqual(v1);
    expect(b.get(id)).toEqual(v1); // cached
    await a.put(v2);
    // The max age is an hour: only the invalidation can make B read again within this wait.
    await vi.waitFor(() => expect(b.stats().invalidations).toBe(1), { timeout: 2_000 });
    expect(await b.get(id)).toEqual(v2);
    expect(a.stats().invalidations).toBe(0); // a process ignores its own messages and keeps its write cached
    expect(a.get(id)).toEqual(v2);
  });

  it('a delete in A evicts B’s cached copy too', async () => {
    const prefix = newPrefix();
    const a = await open({ prefix });
    await a.put(v1);
    const b = await open({ prefix, cache: { maxAgeMs: HOUR } });
    expect(await b.get(id)).toEqual(v1);
    await a.delete(id);
    await vi.waitFor(() => expect(b.stats().invalidations).toBe(1), { timeout: 2_000 });
    expect(await b.get(id)).toBeUndefined();
  });

  it('a write from another OS process reaches B’s cache', async () => {
    const prefix = newPrefix();
    const b = await open({ prefix, cache: { maxAgeMs: HOUR } });
    const seed = await open({ prefix });
    await seed.put(v1);
    expect(await b.get(id)).toEqual(v1);
    const writer = fileURLToPath(new URL('./fixtures/profile-writer.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      writer,
      url,
      prefix,
      JSON.stringify(v2),
    ]);
    expect(stdout).toBe('written\n');
    await vi.waitFor(() => expect(b.get(id)).toEqual(v2), { timeout: 2_000 });
  });

  it('with the invalidation lost, the max age is the bound: stale until it passes, fresh after', async () => {
    const prefix = newPrefix();
    let now = 1_000_000;
    const a = await open({ prefix });
    const b = await open({ prefix, invalidation: false, cache: { maxAgeMs: 5_000 }, clock: () => now });
    await a.put(v1);
    expect(await b.get(id)).toEqual(v1);
    await a.put(v2);
    now += 5_000;
    expect(b.get(id)).toEqual(v1); // at the bound: still served (this is the documented staleness)
    now += 1;
    expect(await b.get(id)).toEqual(v2); // past it: re-read
  });

  it('a read in flight when the invalidation arrives returns its answer but does not cache it', async () => {
    const prefix = newPrefix();
    const a = await open({ prefix });
    await a.put(v1);
    const client = new Redis(url, failFastOptions());
    cleanups.push(() => client.quit());
    const b = await open({ prefix, redis: client, cache: { maxAgeMs: HOUR } });
    // Hold B's GET reply (Redis already answered v1) until A's write and its invalidation have landed.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const getBuffer = client.getBuffer.bind(client);
    client.getBuffer = ((key: string) => getBuffer(key).then((r) => gate.then(() => r))) as typeof client.getBuffer;
    const inFlight = b.get(id);
    await vi.waitFor(async () => expect(await admin.exists(`${prefix}profile:${id}`)).toBe(1));
    await a.put(v2);
    await vi.waitFor(() => expect(b.stats().invalidations).toBe(1), { timeout: 2_000 });
    release();
    expect(await inFlight).toEqual(v1); // answered before the write: a correct answer for that read
    client.getBuffer = getBuffer;
    expect(await b.get(id)).toEqual(v2); // but not cached: the next read goes to Redis
  });

  it('after the subscription drops, every cached copy is re-read before being served as fresh', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const prefix = newPrefix();
    const events: string[] = [];
    const b = await RedisProfileStore.connect({
      redis: redis.url,
      prefix,
      cache: { maxAgeMs: HOUR },
      onEvent: (e) => events.push(e.code),
    });
    stores.push(b);
    const raw = new Redis(redis.url);
    cleanups.push(() => raw.quit());
    await raw.set(`${prefix}profile:${id}`, pack(v1));
    expect(await b.get(id)).toEqual(v1);
    // A change whose invalidation B never hears: written straight to Redis, as if the message were lost.
    await raw.set(`${prefix}profile:${id}`, pack(v2));
    expect(b.get(id)).toEqual(v1); // B cannot know yet
    await raw.client('KILL', 'TYPE', 'pubsub'); // B's subscriber reconnects and resubscribes
    await vi.waitFor(() => expect(events).toContain('PROFILE_CACHE_UNVERIFIED'), { timeout: 5_000 });
    expect(b.stats()).toMatchObject({ invalidations: 0, invalidationLive: true });
    expect(await b.get(id)).toEqual(v2);
  });
});
