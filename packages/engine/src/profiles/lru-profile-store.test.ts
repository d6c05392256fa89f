// The hot LRU store: count and byte bounds, recency, eviction reporting, the codec seam, delete and scan.
import { describe, expect, it } from 'vitest';
import { generatePopulation, type Profile } from '../population/index.js';
import { LruProfileStore } from './lru-profile-store.js';
import type { ProfileCodec } from './profile-codec.js';
import { estimateProfileBytes } from './profile-size.js';

const profile = (id: string, extra: Record<string, unknown> = {}): Profile => ({ subscriberId: id, ...extra });

async function collect(store: LruProfileStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const p of store.scan()) ids.push(p.subscriberId);
  return ids;
}

describe('LruProfileStore', () => {
  it('needs a bound, and bounds must be positive integers', () => {
    expect(() => new LruProfileStore({})).toThrow(/max or maxBytes/);
    expect(() => new LruProfileStore({ max: 0 })).toThrow(/max must be a positive integer/);
    expect(() => new LruProfileStore({ maxBytes: 1.5 })).toThrow(/maxBytes must be a positive integer/);
  });

  it('bounded by count: the least recently used profile leaves first, and a get counts as use', () => {
    const evicted: string[] = [];
    const store = new LruProfileStore({ max: 3, onEvict: (id) => evicted.push(id) });
    for (const id of ['a', 'b', 'c']) store.put(profile(id));
    expect(store.get('a')?.subscriberId).toBe('a'); // a is now the most recent
    store.put(profile('d'));
    expect(store.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((id) => store.has(id))).toBe(true);
    expect(evicted).toEqual(['b']);
    expect(store.stats()).toEqual({ size: 3, bytes: 0, evictions: 1 });
  });

  it('bounded by bytes: evicts until the estimated sizes fit, and says so', () => {
    const population = [...generatePopulation({ seed: 3, count: 50 })];
    const each = Math.max(...population.map(estimateProfileBytes));
    const store = new LruProfileStore({ maxBytes: each * 10 });
    for (const p of population) store.put(p);
    const { size, bytes, evictions } = store.stats();
    expect(size).toBeGreaterThanOrEqual(10);
    expect(size).toBeLessThan(50);
    expect(bytes).toBeLessThanOrEqual(each * 10);
    expect(evictions).toBe(50 - size);
    expect(store.has(population[49]!.subscriberId)).toBe(true); // the newest stays
  });

  it('a custom sizeOf drives the byte bound', () => {
    const store = new LruProfileStore({ maxBytes: 100, sizeOf: (p) => Number(p.weight) });
    store.put(profile('a', { weight: 60 }));
    store.put(profile('b', { weight: 30 }));
    store.put(profile('c', { weight: 30 })); // 120 > 100: a leaves
    expect(store.has('a')).toBe(false);
    expect(store.stats().bytes).toBe(60);
  });

  it('a replaced profile is not an eviction; delete removes it', () => {
    const evicted: string[] = [];
    const store = new LruProfileStore({ max: 2, onEvict: (id) => evicted.push(id) });
    store.put(profile('a', { arpu: 10 }));
    store.put(profile('a', { arpu: 20 }));
    expect(store.get('a')?.arpu).toBe(20);
    store.delete('a');
    store.delete('never-there');
    expect(store.get('a')).toBeUndefined();
    expect(evicted).toEqual([]);
  });

  it('with a codec, holds the encoded form and returns a fresh decoded copy on each get', () => {
    const encoded: string[] = [];
    const json: ProfileCodec<string> = {
      encode: (p) => {
        const s = JSON.stringify(p);
        encoded.push(s);
        return s;
      },
      decode: (s) => JSON.parse(s) as Profile,
      sizeOf: (s) => s.length,
    };
    const store = new LruProfileStore({ maxBytes: 1_000, codec: json as ProfileCodec });
    const julia = profile('julia', { consent: { sms: true }, roamingCountry: 'US' });
    store.put(julia);
    expect(encoded).toHaveLength(1);
    const a = store.get('julia');
    expect(a).toEqual(julia);
    expect(a).not.toBe(julia);
    expect(store.get('julia')).not.toBe(a);
    expect(store.stats().bytes).toBe(encoded[0]!.length);
  });

  it('scan walks every hot profile, most recent first, without reordering them', async () => {
    const store = new LruProfileStore({ max: 10 });
    for (const id of ['a', 'b', 'c']) store.put(profile(id));
    store.get('a');
    expect(await collect(store)).toEqual(['a', 'c', 'b']);
    expect(await collect(store)).toEqual(['a', 'c', 'b']);
  });

  it('scan tolerates writes while it walks', async () => {
    const store = new LruProfileStore({ max: 10 });
    for (const id of ['a', 'b', 'c']) store.put(profile(id));
    const seen: string[] = [];
    for await (const p of store.scan()) {
      seen.push(p.subscriberId);
      store.put({ ...p, touched: true }); // a campaign writing back what it walked
      store.delete('b');
    }
    expect(seen).toEqual(['c', 'a']);
    expect(store.get('c')?.touched).toBe(true);
  });
});
