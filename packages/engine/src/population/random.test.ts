// The seeded PRNG: reproducible streams and unbiased sampling helpers.
import { describe, expect, it } from 'vitest';
import { Random, subscriberSeed, weighted } from './random.js';

describe('Random', () => {
  it('repeats its stream for the same seed', () => {
    const a = new Random(99);
    const b = new Random(99);
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
  });

  it('draws uniform numbers in [0, 1)', () => {
    const r = new Random(1);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('samples a weighted table in proportion to its weights', () => {
    const r = new Random(5);
    const table = weighted([
      ['a', 1],
      ['b', 3],
    ]);
    let b = 0;
    for (let i = 0; i < 40_000; i++) if (r.pick(table) === 'b') b++;
    expect(b / 40_000).toBeCloseTo(0.75, 1);
  });

  it('draws geometric counts with the asked mean', () => {
    const r = new Random(3);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += r.geometric(0.5);
    expect(sum / 50_000).toBeCloseTo(0.5, 1);
  });
});

describe('subscriberSeed', () => {
  it('spreads neighbouring indexes and seeds over distinct states', () => {
    const seeds = new Set<number>();
    for (let s = 0; s < 10; s++) for (let i = 0; i < 1_000; i++) seeds.add(subscriberSeed(s, i));
    expect(seeds.size).toBe(10_000);
  });

  it('tells apart indexes beyond 2^32', () => {
    expect(subscriberSeed(1, 2 ** 32 + 5)).not.toBe(subscriberSeed(1, 5));
  });
});
