// RecencyMap: the oldest key is the one set longest ago, over long random runs of sets and deletes (which rewrite its
// queue many times), against a plain Map kept in set order.
import { describe, expect, it } from 'vitest';
import { RecencyMap } from './recency-map.js';

describe('RecencyMap', () => {
  it('names the key set longest ago; setting a key again makes it the newest', () => {
    const map = new RecencyMap<string, number>();
    expect(map.oldestKey()).toBeUndefined();
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    map.set('a', 4);
    expect(map.oldestKey()).toBe('b');
    expect(map.delete('b')).toBe(true);
    expect(map.oldestKey()).toBe('c');
    expect([map.get('a'), map.has('b'), map.size]).toEqual([4, false, 2]);
    expect([...map.entries()]).toEqual([
      ['a', 4],
      ['c', 3],
    ]);
  });

  it('agrees with a Map kept in set order over 200,000 random sets, deletes and evictions', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const map = new RecencyMap<number, number>();
    const reference = new Map<number, number>();
    for (let i = 0; i < 200_000; i++) {
      const key = Math.floor(next() * 3_000);
      const roll = next();
      if (roll < 0.6) {
        map.set(key, i);
        reference.delete(key);
        reference.set(key, i);
      } else if (roll < 0.8) {
        expect(map.delete(key)).toBe(reference.delete(key));
      } else {
        const oldest = reference.keys().next().value;
        expect(map.oldestKey()).toBe(oldest);
        if (oldest !== undefined) {
          map.delete(oldest);
          reference.delete(oldest);
        }
      }
      if (i % 997 === 0) expect(map.size).toBe(reference.size);
    }
    expect(new Map(map.entries())).toEqual(reference);
  });
});
