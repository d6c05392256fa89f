// Remembers when each trigger last fired for each subscriber, so a repeat inside the debounce window sends nothing.
import { RecencyMap } from '../collections/recency-map.js';

/** Claim-style: `claim` answers whether the firing may go ahead, and records it when it may (atomically per store). */
export interface DebounceStore {
  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean | Promise<boolean>;
}

/**
 * In memory, bounded: past `capacity` keys the one that fired longest ago is forgotten (its next firing is then
 * allowed). Firing order is a `RecencyMap`'s: a key that fires again becomes the newest.
 */
export class InMemoryDebounceStore implements DebounceStore {
  private readonly fired = new RecencyMap<string, number>();

  constructor(private readonly capacity = 1_000_000) {}

  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean {
    const key = `${triggerId}\u0000${subscriberId}`;
    const last = this.fired.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    this.fired.set(key, now);
    while (this.fired.size > this.capacity) this.fired.delete(this.fired.oldestKey()!);
    return true;
  }

  get size(): number {
    return this.fired.size;
  }
}
