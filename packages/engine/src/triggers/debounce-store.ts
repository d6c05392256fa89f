// Remembers when each trigger last fired for each subscriber, so a repeat inside the debounce window sends nothing.

/** Claim-style: `claim` answers whether the firing may go ahead, and records it when it may (atomically per store). */
export interface DebounceStore {
  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean | Promise<boolean>;
}

/**
 * In memory, bounded: past `capacity` keys the one that fired longest ago is forgotten (its next firing is then
 * allowed). The firing order is a queue beside the Map, with lazy deletion: a key that fires again is queued again,
 * and its older place is skipped when it reaches the front (its time no longer matches the Map's). Not the Map's
 * insertion order with `keys().next()`: once full, that walks over every slot the deletions left at the front.
 */
export class InMemoryDebounceStore implements DebounceStore {
  private readonly fired = new Map<string, number>();
  /** Keys in firing order, with the time of that firing; entries from `head` on are still to be looked at. */
  private queueKeys: string[] = [];
  private queueTimes: number[] = [];
  private head = 0;

  constructor(private readonly capacity = 1_000_000) {}

  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean {
    const key = `${triggerId}\u0000${subscriberId}`;
    const last = this.fired.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    // Claimed again at the same instant (a window of 0): its queue place already says so. This keeps a key and a
    // time to one live place, which is how `forgetOldest` tells a live place from an old one.
    if (last === now) return true;
    this.fired.set(key, now);
    this.queueKeys.push(key);
    this.queueTimes.push(now);
    while (this.fired.size > this.capacity) this.forgetOldest();
    if (this.queueKeys.length - this.head > 2 * Math.max(this.capacity, 1_024)) this.compact();
    return true;
  }

  get size(): number {
    return this.fired.size;
  }

  /** Drops the key that fired longest ago, skipping queue places of keys that fired again since. */
  private forgetOldest(): void {
    while (this.head < this.queueKeys.length) {
      const key = this.queueKeys[this.head]!;
      const at = this.queueTimes[this.head]!;
      this.head++;
      if (this.fired.get(key) === at) {
        this.fired.delete(key);
        return;
      }
    }
  }

  /** Rewrites the queue with only the places that still count (the last firing of each key kept). */
  private compact(): void {
    const keys: string[] = [];
    const times: number[] = [];
    for (let i = this.head; i < this.queueKeys.length; i++) {
      const key = this.queueKeys[i]!;
      if (this.fired.get(key) === this.queueTimes[i]) {
        keys.push(key);
        times.push(this.queueTimes[i]!);
      }
    }
    this.queueKeys = keys;
    this.queueTimes = times;
    this.head = 0;
  }
}
