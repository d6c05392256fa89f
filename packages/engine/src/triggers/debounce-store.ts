// Remembers when each trigger last fired for each subscriber, so a repeat inside the debounce window sends nothing.

/** Claim-style: `claim` answers whether the firing may go ahead, and records it when it may (atomically per store). */
export interface DebounceStore {
  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean | Promise<boolean>;
}

/** In memory, bounded: past `capacity` keys the oldest are forgotten (their next firing is then allowed). */
export class InMemoryDebounceStore implements DebounceStore {
  private readonly fired = new Map<string, number>();

  constructor(private readonly capacity = 1_000_000) {}

  claim(subscriberId: string, triggerId: string, now: number, windowMs: number): boolean {
    const key = `${triggerId}\u0000${subscriberId}`;
    const last = this.fired.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    this.fired.delete(key);
    if (this.fired.size >= this.capacity) {
      const oldest = this.fired.keys().next();
      if (!oldest.done) this.fired.delete(oldest.value);
    }
    this.fired.set(key, now);
    return true;
  }
}
