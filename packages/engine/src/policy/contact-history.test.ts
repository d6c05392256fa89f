import { describe, expect, it } from 'vitest';
import { type ContactHistory, InMemoryContactHistory } from './contact-history.js';
import { candidate, contact, DAY, demoPolicy, HOUR, NOW } from './test-fixtures.js';

const times = (history: InMemoryContactHistory, subscriberId = 'SUB-00000001') =>
  history.load(subscriberId).map((r) => r.at - NOW);

describe('InMemoryContactHistory', () => {
  it('loads an empty list for an unknown subscriber', () => {
    expect(new InMemoryContactHistory().load('SUB-99999999')).toEqual([]);
  });

  it('keeps records oldest first, slotting a late outcome in by time', () => {
    const history = new InMemoryContactHistory();
    history.record(contact({ at: NOW - 3 * HOUR }));
    history.record(contact({ at: NOW - HOUR }));
    history.record(contact({ at: NOW - 2 * HOUR, outcome: 'click' }));
    expect(times(history)).toEqual([-3 * HOUR, -2 * HOUR, -HOUR]);
    expect(history.load('SUB-00000001')[1]?.outcome).toBe('click');
  });

  it('keeps subscribers apart', () => {
    const history = new InMemoryContactHistory();
    history.record(contact({ subscriberId: 'SUB-00000001' }));
    history.record(contact({ subscriberId: 'SUB-00000002' }));
    history.record(contact({ subscriberId: 'SUB-00000002' }));
    expect(history.load('SUB-00000001')).toHaveLength(1);
    expect(history.load('SUB-00000002')).toHaveLength(2);
    expect(history.size).toBe(2);
    history.delete('SUB-00000002');
    expect(history.load('SUB-00000002')).toEqual([]);
    expect(history.size).toBe(1);
  });

  it('hands out snapshots that later writes do not change', () => {
    const history = new InMemoryContactHistory();
    history.record(contact({ at: NOW - HOUR }));
    const before = history.load('SUB-00000001');
    history.record(contact({ at: NOW }));
    expect(before).toHaveLength(1);
    expect(history.load('SUB-00000001')).toHaveLength(2);
  });

  it('trims records past the horizon, measured from the newest record rather than the wall clock', () => {
    const history = new InMemoryContactHistory({ horizonMs: 7 * DAY });
    history.record(contact({ at: NOW - 30 * DAY }));
    history.record(contact({ at: NOW - 8 * DAY }));
    history.record(contact({ at: NOW - 7 * DAY }));
    history.record(contact({ at: NOW }));
    expect(times(history)).toEqual([-7 * DAY, 0]);
  });

  it('drops a late record older than the horizon without bringing trimmed ones back', () => {
    const history = new InMemoryContactHistory({ horizonMs: DAY });
    history.record(contact({ at: NOW - 3 * DAY }));
    history.record(contact({ at: NOW - 2 * DAY }));
    history.record(contact({ at: NOW }));
    history.record(contact({ at: NOW - 5 * DAY }));
    expect(times(history)).toEqual([0]);
  });

  it('bounds the records per subscriber, dropping the oldest', () => {
    const history = new InMemoryContactHistory({ maxRecordsPerSubscriber: 3 });
    for (let i = 5; i >= 0; i--) history.record(contact({ at: NOW - i * HOUR }));
    expect(times(history)).toEqual([-2 * HOUR, -HOUR, 0]);
  });

  it('feeds the policy: a recorded SMS uses up sms-per-day', async () => {
    const policy = demoPolicy();
    const store: ContactHistory = new InMemoryContactHistory({ horizonMs: policy.horizonMs });
    await store.record(contact({ actionId: 'bill-reminder', at: NOW - HOUR }));
    const profile = { timeZone: 'Europe/Amsterdam', consent: { marketing: true, sms: true } };
    const history = await store.load('SUB-00000001');
    const verdict = policy.begin({ channel: 'sms', now: NOW, profile, history }).check(candidate());
    expect(verdict?.rule).toBe('sms-per-day');
  });
});
