// Event deduplication by id: the interface the engine calls, and a bounded in-memory set of recent ids.
import { RecencyMap } from '../collections/recency-map.js';

/**
 * Remembers which event ids were applied. `claim` must be atomic (a Redis store: SET NX with an expiry), so two
 * ingests of the same id never both apply it. Calls may be synchronous or return promises.
 */
export interface EventDedupe {
  /** Marks `id` as taken at engine time `now`; true when it was not taken before (the event is new). */
  claim(id: string, now: number): boolean | Promise<boolean>;
  /** Forgets a claim whose event could not be applied, so the producer's retry is not taken for a duplicate. */
  release(id: string): void | Promise<void>;
}

export interface InMemoryEventDedupeOptions {
  /** Most ids remembered (default 100,000); past it the oldest claim is forgotten first. */
  maxIds?: number;
  /**
   * How long an id is remembered, in ms of engine time (the engine passes lateness + clock skew: a duplicate
   * arriving later than that is rejected as too late anyway).
   */
  ttlMs?: number;
}

/** The default bound on remembered event ids. */
export const DEFAULT_DEDUPE_IDS = 100_000;

/**
 * Recent event ids in insertion order, bounded by count and age: exact while fewer than `maxIds` events arrive
 * within `ttlMs`; beyond that, a duplicate of a forgotten id is applied again.
 */
export class InMemoryEventDedupe implements EventDedupe {
  /** Id -> when it expires, oldest claim first (a `RecencyMap`: finding the oldest does not walk deleted slots). */
  private readonly expiry = new RecencyMap<string, number>();
  private readonly maxIds: number;
  private readonly ttlMs: number;

  constructor(options: InMemoryEventDedupeOptions = {}) {
    this.maxIds = Math.max(1, options.maxIds ?? DEFAULT_DEDUPE_IDS);
    this.ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
  }

  claim(id: string, now: number): boolean {
    const expires = this.expiry.get(id);
    if (expires !== undefined && expires > now) return false;
    this.expiry.delete(id);
    // Forget the oldest claims while the set is full or they have expired.
    for (let oldest = this.expiry.oldestKey(); oldest !== undefined; oldest = this.expiry.oldestKey()) {
      if (this.expiry.size < this.maxIds && this.expiry.get(oldest)! > now) break;
      this.expiry.delete(oldest);
    }
    this.expiry.set(id, now + this.ttlMs);
    return true;
  }

  release(id: string): void {
    this.expiry.delete(id);
  }

  get size(): number {
    return this.expiry.size;
  }
}
