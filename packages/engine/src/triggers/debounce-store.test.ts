// The in-memory debounce store: the window, the bound, and the same answers as the plain recency-ordered Map it
// replaced (that store, kept here as the reference), over long random runs that exercise the RecencyMap's skipping
// and compaction.
import { describe, expect, it } from 'vitest';
import { InMemoryDebounceStore } from './debounce-store.js';

/** The former store: a Map in firing order (a firing re-inserts its key), the first key forgotten when full. */
class ReferenceStore {
  private readonly fired = new Map<string, number>();
  constructor(private readonly capacity: number) {}
  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean {
    const key = `${triggerId}\u0000${subscriberId}`;
    const last = this.fired.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    this.fired.delete(key);
    if (this.fired.size >= this.capacity) this.fired.delete(this.fired.keys().next().value as string);
    this.fired.set(key, now);
    return true;
  }
  get size(): number {
    return this.fired.size;
  }
}

/** A small deterministic generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('InMemoryDebounceStore', () => {
  it('refuses a repeat inside the window and allows it after', () => {
    const store = new InMemoryDebounceStore();
    expect(store.claim('S1', 'roaming', 1_000, 500)).toBe(true);
    expect(store.claim('S1', 'roaming', 1_499, 500)).toBe(false);
    expect(store.claim('S2', 'roaming', 1_499, 500)).toBe(true);
    expect(store.claim('S1', 'bundle-80', 1_499, 500)).toBe(true);
    expect(store.claim('S1', 'roaming', 1_500, 500)).toBe(true);
  });

  it('forgets the key that fired longest ago when full; firing again makes a key recent', () => {
    const store = new InMemoryDebounceStore(2);
    expect(store.claim('a', 't', 0, 50)).toBe(true);
    expect(store.claim('b', 't', 1, 50)).toBe(true);
    expect(store.claim('a', 't', 100, 50)).toBe(true); // a fired again: b is now the oldest
    expect(store.claim('c', 't', 101, 50)).toBe(true); // full: b is forgotten
    expect(store.size).toBe(2);
    expect(store.claim('a', 't', 102, 50)).toBe(false); // still remembered, inside its window
    expect(store.claim('b', 't', 102, 50)).toBe(true); // forgotten, so allowed; a, now the oldest, is forgotten
    expect(store.claim('c', 't', 103, 50)).toBe(false); // remembered, inside its window
    expect(store.claim('a', 't', 103, 50)).toBe(true); // forgotten, so allowed
  });

  it('gives the same answers as the recency-ordered Map over long random runs, and stays bounded', () => {
    for (const [seed, capacity, keys] of [
      [1, 3, 8],
      [2, 50, 60],
      [3, 1, 4],
      [4, 200, 1_000],
    ] as const) {
      const next = random(seed);
      const store = new InMemoryDebounceStore(capacity);
      const reference = new ReferenceStore(capacity);
      let now = 0;
      for (let i = 0; i < 50_000; i++) {
        now += Math.floor(next() * 3); // repeats at the same instant too
        const subscriber = `S${Math.floor(next() * keys)}`;
        const trigger = next() < 0.5 ? 'roaming' : 'bundle-80';
        const windowMs = next() < 0.1 ? 0 : Math.floor(next() * 40);
        const expected = reference.claim(subscriber, trigger, now, windowMs);
        const got = store.claim(subscriber, trigger, now, windowMs);
        if (got !== expected) throw new Error(`seed ${seed}, claim ${i}: ${got}, expected ${expected}`);
        expect(store.size).toBeLessThanOrEqual(capacity);
      }
      expect(store.size).toBe(reference.size);
    }
  });
});
