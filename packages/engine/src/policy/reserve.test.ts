// Caps as data (capsFor) and the atomic check-and-reserve of the in-memory contact history.
import { describe, expect, it } from 'vitest';
import { firstCapReached, ONCE_PER_DECISION } from './cap-spec.js';
import { type ContactRecord, InMemoryContactHistory, type Outcome } from './contact-history.js';
import { begin, candidate, contact, DAY, demoPolicy, HOUR, MINUTE, NOW } from './test-fixtures.js';

const noSuppression = () => demoPolicy({ suppression: [] });

describe('policy.capsFor', () => {
  it('lists the cooldowns then the caps that apply to the candidate on the channel, keyed by per', () => {
    const caps = noSuppression().capsFor(candidate({ actionId: 'roam-pass-2gb' }), 'sms');
    expect(caps.map((c) => [c.kind, c.id, c.key, c.max, c.windowMs])).toEqual([
      ['cooldown', 'same-action-after-impression', 'roam-pass-2gb', 1, 4 * HOUR],
      ['cap', 'sms-per-day', '', 1, DAY],
      ['cap', 'marketing-per-week', '', 3, 7 * DAY],
    ]);
    expect(caps[1]).toEqual({
      id: 'sms-per-day',
      kind: 'cap',
      max: 1,
      windowMs: DAY,
      per: 'subscriber',
      key: '',
      filter: { channel: ['sms'] },
      outcome: 'impression',
      countMandatory: false,
    });
    expect(caps[0]).toMatchObject({ per: 'action', outcome: 'impression', countMandatory: true, filter: {} });
  });

  it('adds issue and group caps only for candidates they filter on', () => {
    const ids = (c: Parameters<ReturnType<typeof demoPolicy>['capsFor']>[0]) =>
      demoPolicy()
        .capsFor(c, 'web')
        .map((s) => `${s.id}:${s.key}`);
    expect(ids(candidate({ actionId: 'a1', issue: 'Retention', group: 'Devices' }))).toEqual([
      'same-action-after-impression:a1',
      'banner-per-action-per-day:a1',
      'retention-per-month:',
      'devices-group-per-week:',
    ]);
    expect(ids(candidate({ actionId: 'a2' }))).toEqual([
      'same-action-after-impression:a2',
      'banner-per-action-per-day:a2',
    ]);
  });

  it('gives a mandatory candidate its cooldowns only: mandatory actions bypass caps', () => {
    const caps = demoPolicy().capsFor(candidate({ mandatory: true }), 'sms');
    expect(caps.map((c) => c.id)).toEqual(['same-action-after-impression']);
  });

  it('gives nothing for a channel the policy does not define', () => {
    expect(demoPolicy().capsFor(candidate(), 'carrier-pigeon')).toEqual([]);
  });

  it('is plain data a script can read: it survives a JSON round trip', () => {
    const caps = demoPolicy().capsFor(candidate({ issue: 'Retention' }), 'email');
    expect(JSON.parse(JSON.stringify(caps))).toEqual(caps);
  });
});

describe('InMemoryContactHistory.reserve', () => {
  const policy = demoPolicy({
    caps: [{ id: 'three-per-day', channel: 'sms', max: 3, window: '1d' }],
    cooldowns: [],
    suppression: [],
  });
  const caps = policy.capsFor(candidate(), 'sms');
  const attempt = (history: InMemoryContactHistory, i: number, overrides: Partial<ContactRecord> = {}) =>
    history.reserve(contact({ at: NOW - i * MINUTE, decisionId: `d-${i}`, ...overrides }), caps, NOW);

  it('records contacts until the cap is used up, then refuses with the cap, count and limit', () => {
    const history = new InMemoryContactHistory();
    expect([1, 2, 3].map((i) => attempt(history, i))).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(attempt(history, 4)).toEqual({ ok: false, cap: 'three-per-day', count: 3, limit: 3 });
    expect(history.load('SUB-00000001')).toHaveLength(3);
  });

  it('never counts mandatory records toward a cap', () => {
    const history = new InMemoryContactHistory();
    for (let i = 1; i <= 10; i++) history.record(contact({ at: NOW - i * MINUTE, mandatory: true }));
    expect(attempt(history, 11)).toEqual({ ok: true });
    expect(attempt(history, 12)).toEqual({ ok: true });
    expect(attempt(history, 13)).toEqual({ ok: true });
    expect(attempt(history, 14)).toMatchObject({ ok: false, count: 3 });
  });

  it('counts only impressions inside the window, which is open at the old end', () => {
    const history = new InMemoryContactHistory();
    history.record(contact({ at: NOW - DAY }));
    for (const outcome of ['click', 'accept', 'reject', 'convert'] as Outcome[]) {
      history.record(contact({ at: NOW - HOUR, outcome }));
    }
    expect([1, 2, 3].map((i) => attempt(history, i).ok)).toEqual([true, true, true]);
    expect(attempt(history, 4).ok).toBe(false);
  });

  it('keeps a mandatory contact from being repeated inside its cooldown', () => {
    const history = new InMemoryContactHistory();
    const limits = demoPolicy().capsFor(candidate({ mandatory: true }), 'sms');
    const notice = contact({ at: NOW - HOUR, mandatory: true });
    expect(history.reserve(notice, limits, NOW - HOUR)).toEqual({ ok: true });
    expect(history.reserve({ ...notice, at: NOW }, limits, NOW)).toEqual({
      ok: false,
      cap: 'same-action-after-impression',
      count: 1,
      limit: 1,
    });
  });

  it('with no limits always records', () => {
    const history = new InMemoryContactHistory();
    expect(history.reserve(contact(), [], NOW)).toEqual({ ok: true });
    expect(history.load('SUB-00000001')).toHaveLength(1);
  });

  it("refuses a second reservation of one decision's contact with one action (ONCE_PER_DECISION), caps or not", () => {
    const history = new InMemoryContactHistory();
    const sent = contact({ at: NOW, decisionId: 'cmp:topups-sms:run-1:SUB-00000001' });
    expect(history.reserve(sent, [], NOW)).toEqual({ ok: true });
    expect(history.reserve({ ...sent }, [], NOW)).toEqual({ ok: false, cap: ONCE_PER_DECISION, count: 1, limit: 1 });
    expect(history.reserve({ ...sent }, caps, NOW)).toEqual({ ok: false, cap: ONCE_PER_DECISION, count: 1, limit: 1 });
    // Another action of the decision, another decision, another outcome or time: each its own contact.
    expect(history.reserve({ ...sent, actionId: 'data-topup-1gb' }, [], NOW).ok).toBe(true);
    expect(history.reserve({ ...sent, decisionId: 'cmp:topups-sms:run-2:SUB-00000001' }, [], NOW).ok).toBe(true);
    expect(history.reserve({ ...sent, outcome: 'accept' }, [], NOW).ok).toBe(true);
    expect(history.reserve({ ...sent, at: NOW + 1 }, [], NOW).ok).toBe(true);
    expect(history.load('SUB-00000001')).toHaveLength(5);
    // A plain record is not a reservation: it is never refused.
    history.record({ ...sent });
    expect(history.load('SUB-00000001')).toHaveLength(6);
  });
});

describe('firstCapReached agrees with the policy verdicts', () => {
  // A seeded generator: the same histories on every run.
  let seed = 20250312;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const channels = ['sms', 'email', 'push', 'web', 'app'];
  const actions = [
    { actionId: 'roam-pass-2gb', issue: 'Growth', group: 'Roaming' },
    { actionId: 'handset-renewal', issue: 'Retention', group: 'Devices' },
    { actionId: 'loyalty-discount', issue: 'Retention', group: 'Plans' },
    { actionId: 'tablet-offer', issue: 'Growth', group: 'Devices' },
  ];
  const outcomes: Outcome[] = ['impression', 'impression', 'impression', 'click', 'reject', 'accept'];

  it('refuses exactly when check() gives CAP_REACHED or COOLDOWN, naming the same rule and counts', () => {
    const policy = noSuppression();
    let refused = 0;
    for (let round = 0; round < 400; round++) {
      const history: ContactRecord[] = [];
      const size = Math.floor(next() * 16);
      for (let i = 0; i < size; i++) {
        history.push(
          contact({
            ...pick(actions),
            channel: pick(channels),
            outcome: pick(outcomes),
            mandatory: next() < 0.2,
            at: NOW - Math.floor(next() * (next() < 0.5 ? DAY : 35 * DAY)),
          }),
        );
      }
      const channel = pick(channels);
      const who = candidate({ ...pick(actions), mandatory: next() < 0.2 });
      const verdict = begin(channel, history, { policy }).check(who);
      const result = firstCapReached(history, policy.capsFor(who, channel), NOW);
      if (verdict === undefined) {
        expect(result).toBeUndefined();
        continue;
      }
      refused++;
      expect(['CAP_REACHED', 'COOLDOWN']).toContain(verdict.reason);
      expect(result?.cap).toBe(verdict.rule);
      if (verdict.reason === 'CAP_REACHED')
        expect(result).toMatchObject({ count: verdict.count, limit: verdict.limit });
    }
    // The generator must exercise refusals, not only passes.
    expect(refused).toBeGreaterThan(100);
  });
});
