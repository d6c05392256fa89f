// Where the engine fetches profiles from: the interface every store implements, and the Map-backed default.
import type { Profile } from '../population/index.js';

/** A profile read that also says whether the answer is a fallback rather than the store's current value. */
export interface ProfileRead {
  profile: Profile | undefined;
  /** True when the profile is a cached copy served because the backing store could not be reached. */
  degraded: boolean;
  /** Why it degraded, for the decision's `degraded[].detail` (for example how old the cached copy is). */
  detail?: string;
}

/**
 * A profile store. Reads and writes may be synchronous (memory) or asynchronous (Redis); the engine accepts both.
 * `delete`, `scan` and `getWithStatus` are optional so that a two-method object (a test double) is still a store.
 */
export interface ProfileStore {
  get(subscriberId: string): Profile | undefined | Promise<Profile | undefined>;
  put(profile: Profile): void | Promise<void>;
  /** Removes a subscriber's profile (a no-op when there is none). */
  delete?(subscriberId: string): void | Promise<void>;
  /** Walks every profile the store holds, in no particular order (campaigns use it). */
  scan?(): AsyncIterableIterator<Profile>;
  /** Like `get`, and says whether the answer came from a fallback; the engine uses it when present. */
  getWithStatus?(subscriberId: string): ProfileRead | Promise<ProfileRead>;
}

/** Profiles in a Map, unbounded: the embedded default, for tests, demos and single-process deployments. */
export class InMemoryProfileStore implements ProfileStore {
  private readonly profiles = new Map<string, Profile>();

  constructor(profiles: Iterable<Profile> = []) {
    for (const profile of profiles) this.put(profile);
  }

  get(subscriberId: string): Profile | undefined {
    return this.profiles.get(subscriberId);
  }

  put(profile: Profile): void {
    this.profiles.set(profile.subscriberId, profile);
  }

  delete(subscriberId: string): void {
    this.profiles.delete(subscriberId);
  }

  async *scan(): AsyncIterableIterator<Profile> {
    yield* this.profiles.values();
  }

  get size(): number {
    return this.profiles.size;
  }

  values(): IterableIterator<Profile> {
    return this.profiles.values();
  }
}
