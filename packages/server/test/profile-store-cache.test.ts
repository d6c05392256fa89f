// The in-process cache in front of Redis: recency order, count and byte bounds, the compact form.
import { generatePopulation } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import { ProfileCache } from '../src/redis/profile-store-cache.js';
import { compactProfileCodec, encodeProfile } from '../src/redis/profile-store-codec.js';

const population = [...generatePopulation({ seed: 8, count: 10 })];
const wire = (i: number) => encodeProfile(population[i]!).length;

describe('ProfileCache', () => {
  it('evicts the least recently used past max; a get counts as use', () => {
    const cache = new ProfileCache({ max: 2 });
    cache.set(population[0]!, wire(0), 1, 0);
    cache.set(population[1]!, wire(1), 2, 0);
    cache.get(population[0]!.subscriberId);
    cache.set(population[2]!, wire(2), 3, 0);
    expect(cache.get(population[1]!.subscriberId)).toBeUndefined();
    expect(cache.get(population[0]!.subscriberId)).toMatchObject({ at: 1, generation: 0 });
    expect(cache.evictions).toBe(1);
  });

  it('keeps its byte total under maxBytes and skips a profile larger than the bound', () => {
    const cache = new ProfileCache({ max: 100, maxBytes: 4_000 });
    for (const [i, p] of population.entries()) cache.set(p, wire(i), i, 0);
    expect(cache.bytes).toBeLessThanOrEqual(4_000);
    expect(cache.size).toBeGreaterThan(0);
    const tiny = new ProfileCache({ max: 100, maxBytes: 50 });
    tiny.set(population[0]!, wire(0), 0, 0);
    expect(tiny.size).toBe(0);
    expect(tiny.bytes).toBe(0);
  });

  it('replacing and deleting keep the byte total right', () => {
    const cache = new ProfileCache({ max: 10, maxBytes: 100_000 });
    cache.set(population[0]!, wire(0), 0, 0);
    const one = cache.bytes;
    cache.set(population[0]!, wire(0), 1, 0);
    expect(cache.bytes).toBe(one);
    cache.delete(population[0]!.subscriberId);
    expect(cache.bytes).toBe(0);
  });

  it('the compact form decodes to an equal profile and takes far fewer bytes', () => {
    const compact = new ProfileCache({ max: 10, compact: true });
    const objects = new ProfileCache({ max: 10 });
    population.forEach((p, i) => {
      compact.set(p, wire(i), 0, 0);
      objects.set(p, wire(i), 0, 0);
    });
    const entry = compact.get(population[3]!.subscriberId)!;
    expect(typeof entry.value).toBe('string');
    expect(compact.profileOf(entry)).toEqual(population[3]);
    expect(compact.bytes).toBeLessThan(objects.bytes / 2);
  });
});

describe('compactProfileCodec', () => {
  it('round-trips profiles of different shapes', () => {
    const codec = compactProfileCodec();
    const shapes = [
      { subscriberId: 'a' },
      { subscriberId: 'b', consent: { sms: true }, tags: ['x', 'y'] },
      { subscriberId: 'c', npsScore: null, arpu: 12.34 },
      { subscriberId: 'd', _features: { care90d: [1, 20_000, 2, 20_001, 1], lastCountry: [4, 1.7e12, 'US'] } },
      ...Array.from({ length: 100 }, (_, i) => ({ subscriberId: `s${i}`, [`attribute${i}`]: i })),
    ];
    const encoded = shapes.map((s) => codec.encode(s));
    expect(encoded.map((e) => codec.decode(e))).toEqual(shapes);
    expect(codec.sizeOf('12345678')).toBe(24);
  });
});
