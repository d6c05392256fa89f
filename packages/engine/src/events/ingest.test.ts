// engine.ingest end to end: applied, deduplicated, late inside and outside the bound, unknown subscribers, faults.
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineOptions } from '../decision/engine.js';
import { NOON } from '../decision/test-config.js';
import type { Profile } from '../population/index.js';
import { InMemoryProfileStore, type ProfileStore } from '../profiles/profile-store.js';
import type { EventDedupe } from './event-dedupe.js';
import { buildFeatureConfig } from './test-features.js';

const MIN = 60_000;
const eva: Profile = {
  subscriberId: 'SUB-E1',
  firstName: 'Eva',
  planType: 'postpaid',
  dataUsedPct: 40,
  careContacts90d: 0,
  timeZone: 'Europe/Amsterdam',
  consent: { marketing: true, sms: true },
};

let sequence = 0;
const care = (time = NOON, id = `e-${++sequence}`) => ({ id, type: 'care.contact', subscriberId: 'SUB-E1', time });

async function setUp(options: Partial<EngineOptions> = {}, features?: Record<string, unknown>) {
  const store = new InMemoryProfileStore([eva]);
  const clock = { now: NOON };
  const engine = createEngine({
    config: await buildFeatureConfig(features),
    profiles: store,
    clock: () => clock.now,
    ...options,
  });
  return { engine, store, clock };
}

describe('engine.ingest', () => {
  it('folds the event into the profile, writes it back and returns the event, profile and feature values', async () => {
    const { engine, store } = await setUp();
    const result = await engine.ingest({ ...care(), time: new Date(NOON).toISOString(), data: { channel: 'call' } });
    expect(result).toMatchObject({
      ok: true,
      event: { type: 'care.contact', subscriberId: 'SUB-E1', time: NOON, data: { channel: 'call' } },
      features: { careContacts90d: 1 },
    });
    expect(result.ok && result.duplicate).toBeFalsy();
    const stored = store.get('SUB-E1')!;
    expect(stored._features).toEqual({ careContacts90d: ['count:86400000', Math.floor(NOON / 86_400_000), 1] });
    expect(result.ok && result.profile).toBe(stored);
    // The profile's own attributes are kept; the one it had before is not changed in place.
    expect(stored.firstName).toBe('Eva');
    expect(eva._features).toBeUndefined();
  });

  it('applies an event id once: the copy is reported as a duplicate and changes nothing', async () => {
    const { engine, store } = await setUp();
    const event = care();
    await engine.ingest(event);
    const before = store.get('SUB-E1');
    const again = await engine.ingest(event);
    expect(again).toMatchObject({ ok: true, duplicate: true, features: { careContacts90d: 1 } });
    expect(store.get('SUB-E1')).toBe(before);
  });

  it('applies concurrent copies of one event once, and concurrent events of one subscriber all', async () => {
    const slow = new SlowStore([eva]);
    const { engine } = await setUp({ profiles: slow });
    const event = care();
    const copies = await Promise.all([engine.ingest(event), engine.ingest(event), engine.ingest(event)]);
    expect(copies.filter((r) => r.ok && r.duplicate).length).toBe(2);
    await Promise.all(Array.from({ length: 20 }, () => engine.ingest(care())));
    const result = await engine.ingest({ ...care(), type: 'web.visit' });
    expect(result.ok && result.features.careContacts90d).toBe(21);
  });

  it('accepts an event up to the lateness bound late, into the bucket of its own time', async () => {
    const { engine, store, clock } = await setUp();
    // Just after midnight UTC: an event 59 minutes late belongs to the previous day's bucket.
    clock.now = Date.UTC(2026, 10, 23, 0, 30);
    const late = await engine.ingest(care(clock.now - 59 * MIN));
    expect(late).toMatchObject({ ok: true, features: { careContacts90d: 1 } });
    const day = Date.UTC(2026, 10, 22) / 86_400_000;
    expect(store.get('SUB-E1')!._features).toEqual({ careContacts90d: ['count:86400000', day, 1] });
  });

  it('rejects an event later than the bound, or too far ahead of the clock, with the reason', async () => {
    const { engine, store } = await setUp();
    const tooLate = await engine.ingest(care(NOON - 61 * MIN));
    expect(tooLate).toEqual({
      ok: false,
      error: { code: 'EVENT_TOO_LATE', field: 'time', message: expect.stringContaining('up to 1h late') },
    });
    const ahead = await engine.ingest(care(NOON + 6 * MIN));
    expect(ahead).toMatchObject({ ok: false, error: { code: 'EVENT_IN_FUTURE', field: 'time' } });
    expect(await engine.ingest(care(NOON + 5 * MIN))).toMatchObject({ ok: true });
    expect(store.get('SUB-E1')!._features).toBeDefined();
  });

  it('takes its bounds from features.yaml', async () => {
    const { engine } = await setUp({}, { lateness: '10m', features: [] });
    expect(await engine.ingest(care(NOON - 11 * MIN))).toMatchObject({ ok: false, error: { code: 'EVENT_TOO_LATE' } });
    expect(await engine.ingest(care(NOON - 9 * MIN))).toMatchObject({ ok: true, features: {} });
  });

  it('returns validation problems as results, never throws', async () => {
    const { engine } = await setUp();
    expect(await engine.ingest(null)).toMatchObject({ ok: false, error: { code: 'INVALID_EVENT' } });
    expect(await engine.ingest({ ...care(), data: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EVENT', field: 'data' },
    });
  });

  it('rejects an unknown subscriber by default, and can start a profile for one', async () => {
    const { engine } = await setUp();
    const event = { ...care(), subscriberId: 'SUB-NEW' };
    expect(await engine.ingest(event)).toMatchObject({
      ok: false,
      error: { code: 'SUBSCRIBER_NOT_FOUND', field: 'subscriberId' },
    });
    const creating = await setUp({ events: { unknownSubscriber: 'create' } });
    const created = await creating.engine.ingest(event);
    expect(created).toMatchObject({ ok: true, features: { careContacts90d: 1 } });
    expect(creating.store.get('SUB-NEW')).toMatchObject({ subscriberId: 'SUB-NEW' });
  });

  it('does not write a profile for an event type no feature reads', async () => {
    const { engine, store } = await setUp();
    const result = await engine.ingest({ ...care(), type: 'web.visit' });
    expect(result).toMatchObject({ ok: true, features: {} });
    expect(store.get('SUB-E1')).toBe(eva);
  });

  it('says which features an event could not update, and why', async () => {
    const { engine } = await setUp();
    const result = await engine.ingest({ ...care(), type: 'usage.data', data: { percent: 81 } });
    expect(result).toMatchObject({ ok: true, skipped: [{ feature: 'dataUsedPct', reason: 'FIELD_MISSING' }] });
  });

  it('releases the id of an event the profile store failed on, so the retry is applied', async () => {
    const flaky = new FlakyStore([eva]);
    const { engine } = await setUp({ profiles: flaky });
    const event = care();
    flaky.failWrites = true;
    expect(await engine.ingest(event)).toMatchObject({ ok: false, error: { code: 'PROFILE_STORE_UNAVAILABLE' } });
    flaky.failWrites = false;
    flaky.failReads = true;
    expect(await engine.ingest(event)).toMatchObject({ ok: false, error: { code: 'PROFILE_STORE_UNAVAILABLE' } });
    flaky.failReads = false;
    const retry = await engine.ingest(event);
    expect(retry).toMatchObject({ ok: true, features: { careContacts90d: 1 } });
    expect(retry.ok && retry.duplicate).toBeFalsy();
  });

  it('uses the dedupe it is given, and reports when it fails', async () => {
    const claimed: string[] = [];
    const dedupe: EventDedupe = {
      claim: async (id) => {
        if (id === 'broken') throw new Error('redis down');
        claimed.push(id);
        return true;
      },
      release: () => {},
    };
    const { engine } = await setUp({ events: { dedupe } });
    await engine.ingest(care(NOON, 'e-custom'));
    expect(claimed).toEqual(['e-custom']);
    expect(await engine.ingest(care(NOON, 'broken'))).toMatchObject({
      ok: false,
      error: { code: 'EVENT_DEDUPE_UNAVAILABLE', message: expect.stringContaining('redis down') },
    });
  });
});

/** An asynchronous store that yields between read and write, as Redis would. */
class SlowStore implements ProfileStore {
  private readonly inner: InMemoryProfileStore;
  constructor(profiles: Profile[]) {
    this.inner = new InMemoryProfileStore(profiles);
  }
  async get(id: string) {
    await new Promise((resolve) => setImmediate(resolve));
    return this.inner.get(id);
  }
  async put(profile: Profile) {
    await new Promise((resolve) => setImmediate(resolve));
    this.inner.put(profile);
  }
}

class FlakyStore extends InMemoryProfileStore {
  failReads = false;
  failWrites = false;
  override get(id: string) {
    if (this.failReads) throw new Error('read failed');
    return super.get(id);
  }
  override put(profile: Profile) {
    if (this.failWrites) throw new Error('write failed');
    super.put(profile);
  }
}
