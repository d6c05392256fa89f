// Reading a profile for a decision: sync stays sync, getWithStatus is preferred, and a cached answer degrades.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../decision/engine.js';
import { buildTestConfig, heavyUser, NOON } from '../decision/test-config.js';
import { InMemoryProfileStore, type ProfileStore } from './profile-store.js';
import { readProfile } from './read-profile.js';

describe('readProfile', () => {
  it('answers synchronously for a synchronous store, never degraded', () => {
    const read = readProfile(new InMemoryProfileStore([heavyUser]), heavyUser.subscriberId);
    expect(read).toEqual({ profile: heavyUser, degraded: false });
  });

  it('wraps an asynchronous get', async () => {
    const store: ProfileStore = { get: async () => heavyUser, put: () => {} };
    expect(await readProfile(store, 'x')).toEqual({ profile: heavyUser, degraded: false });
  });

  it('uses getWithStatus when the store has it', async () => {
    const store: ProfileStore = {
      get: () => undefined,
      put: () => {},
      getWithStatus: async () => ({ profile: heavyUser, degraded: true, detail: 'cached 9 s ago' }),
    };
    expect(await readProfile(store, 'x')).toEqual({ profile: heavyUser, degraded: true, detail: 'cached 9 s ago' });
  });
});

describe('a decision on a cached profile', () => {
  const cachedWhileDown = (profile: typeof heavyUser | undefined): ProfileStore => ({
    get: () => profile,
    put: () => {},
    getWithStatus: (id) =>
      profile?.subscriberId === id
        ? Promise.resolve({ profile, degraded: true, detail: 'redis down; cached copy 12.0 s old' })
        : Promise.reject(new Error('redis down and no cached copy')),
  });

  it('is made, and says PROFILE_FROM_CACHE with the detail', async () => {
    const engine = createEngine({
      config: await buildTestConfig(),
      profiles: cachedWhileDown(heavyUser),
      clock: () => NOON,
    });
    const result = await engine.decide({ subscriberId: heavyUser.subscriberId, channel: 'web' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.decision.actions.length).toBeGreaterThan(0);
    expect(result.decision.degraded).toEqual([
      { reason: 'PROFILE_FROM_CACHE', detail: 'redis down; cached copy 12.0 s old' },
    ]);
  });

  it('a miss while the store is down is PROFILE_STORE_UNAVAILABLE', async () => {
    const engine = createEngine({
      config: await buildTestConfig(),
      profiles: cachedWhileDown(heavyUser),
      clock: () => NOON,
    });
    expect(await engine.decide({ subscriberId: 'SUB-ELSE', channel: 'web' })).toMatchObject({
      ok: false,
      error: { code: 'PROFILE_STORE_UNAVAILABLE', message: expect.stringContaining('no cached copy') },
    });
  });

  it('an inline profile never reads the store', async () => {
    const engine = createEngine({
      config: await buildTestConfig(),
      profiles: cachedWhileDown(undefined),
      clock: () => NOON,
    });
    const result = await engine.decide({ profile: heavyUser, channel: 'web' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.decision.degraded).toEqual([]);
  });
});
