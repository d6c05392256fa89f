// The in-memory dedupe: exact within its bounds (count and age), and a released id can be claimed again.
import { describe, expect, it } from 'vitest';
import { InMemoryEventDedupe } from './event-dedupe.js';

describe('InMemoryEventDedupe', () => {
  it('claims an id once', () => {
    const dedupe = new InMemoryEventDedupe();
    expect(dedupe.claim('e-1', 0)).toBe(true);
    expect(dedupe.claim('e-1', 1)).toBe(false);
    expect(dedupe.claim('e-2', 1)).toBe(true);
  });

  it('forgets the oldest claims past its size bound', () => {
    const dedupe = new InMemoryEventDedupe({ maxIds: 3 });
    for (const id of ['a', 'b', 'c', 'd']) dedupe.claim(id, 0);
    expect(dedupe.size).toBe(3);
    expect(dedupe.claim('b', 0)).toBe(false);
    expect(dedupe.claim('a', 0)).toBe(true);
  });

  it('forgets a claim after its time to live, in engine time', () => {
    const dedupe = new InMemoryEventDedupe({ ttlMs: 1000 });
    dedupe.claim('a', 0);
    expect(dedupe.claim('a', 999)).toBe(false);
    expect(dedupe.claim('a', 1000)).toBe(true);
    dedupe.claim('b', 1500);
    dedupe.claim('c', 2600);
    // 'a' (claimed again at 1000) and 'b' expired by 2600 and were dropped on the way.
    expect(dedupe.size).toBe(1);
  });

  it('lets a released id be claimed again', () => {
    const dedupe = new InMemoryEventDedupe();
    dedupe.claim('a', 0);
    dedupe.release('a');
    expect(dedupe.claim('a', 0)).toBe(true);
  });
});
