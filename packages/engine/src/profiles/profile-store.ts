// Where the engine fetches profiles from: an interface, and the in-memory store that is the default.
import type { Profile } from '../population/index.js';

/** A profile store. Reads may be synchronous (memory) or asynchronous (Redis); the engine accepts both. */
export interface ProfileStore {
  get(subscriberId: string): Profile | undefined | Promise<Profile | undefined>;
  put(profile: Profile): void | Promise<void>;
}

/** Profiles in a Map: the embedded default, for tests, demos and single-process deployments. */
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

  get size(): number {
    return this.profiles.size;
  }

  values(): IterableIterator<Profile> {
    return this.profiles.values();
  }
}
