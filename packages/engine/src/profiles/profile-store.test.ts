// The Map-backed store: get, put, delete, scan, and that a two-method object still counts as a store.
import { describe, expect, it } from 'vitest';
import { storyProfiles } from '../population/index.js';
import { InMemoryProfileStore, type ProfileStore } from './profile-store.js';

describe('InMemoryProfileStore', () => {
  it('gets, replaces, deletes and scans profiles', async () => {
    const { julia, renewal: mark } = storyProfiles();
    const store = new InMemoryProfileStore([julia, mark]);
    expect(store.get(julia.subscriberId)).toBe(julia);
    store.put({ ...julia, roamingCountry: 'FR' });
    expect(store.get(julia.subscriberId)?.roamingCountry).toBe('FR');
    store.delete(mark.subscriberId);
    expect(store.get(mark.subscriberId)).toBeUndefined();
    const scanned = [];
    for await (const p of store.scan()) scanned.push(p.subscriberId);
    expect(scanned).toEqual([julia.subscriberId]);
    expect(store.size).toBe(1);
  });

  it('the interface keeps get and put as its only required methods', () => {
    const minimal: ProfileStore = { get: () => undefined, put: () => {} };
    expect(minimal.delete).toBeUndefined();
  });
});
