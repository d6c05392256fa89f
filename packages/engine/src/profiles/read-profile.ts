// How the decision path reads a profile: with its status when the store can say, plainly otherwise.
import type { ProfileRead, ProfileStore } from './profile-store.js';

/**
 * The profile and whether it is a fallback. Stays synchronous for synchronous stores, so an in-memory
 * read costs no promise.
 *
 * @example const { profile, degraded } = await readProfile(store, 'SUB-00000001');
 */
export function readProfile(store: ProfileStore, subscriberId: string): ProfileRead | Promise<ProfileRead> {
  if (store.getWithStatus) return store.getWithStatus(subscriberId);
  const profile = store.get(subscriberId);
  return profile instanceof Promise
    ? profile.then((p) => ({ profile: p, degraded: false }))
    : { profile, degraded: false };
}
