// RecentDecisions: per-subscriber rings in packed records, answering as plain arrays of decisions would.
import type { Decision, RankedAction } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import { type RecentDecision, RecentDecisions } from './recent-decisions.js';

function action(rank: number, actionId: string, name = `Name of ${actionId}`): RankedAction {
  return {
    rank,
    actionId,
    name,
    kind: 'offer',
    issue: 'Growth',
    group: 'Roaming',
    mandatory: false,
    treatment: {},
    terms: {} as RankedAction['terms'],
  };
}

function decision(subscriberId: string, n: number, actions: RankedAction[] = [action(1, `a-${n % 7}`)]): Decision {
  return {
    decisionId: `d-${n}`,
    subscriberId,
    channel: n % 2 ? 'app' : 'web',
    configVersion: `v${n % 3}`,
    decidedAt: new Date(1_795_000_000_000 + n).toISOString(),
    actions,
    degraded: [],
    counts: { actions: 0, candidates: 0, eligible: 0, allowed: 0, selected: actions.length },
    timings: {} as Decision['timings'],
  };
}

/** What the 360 view shows of a decision. */
function shown(d: Decision): RecentDecision {
  return {
    decisionId: d.decisionId,
    channel: d.channel,
    decidedAt: d.decidedAt,
    configVersion: d.configVersion,
    actions: d.actions.map(({ rank, actionId, name, issue, group }) => ({ rank, actionId, name, issue, group })),
  };
}

describe('RecentDecisions', () => {
  it('keeps the last N per subscriber, newest first, and forgets the subscriber decided for least recently', () => {
    const recent = new RecentDecisions({ perSubscriber: 3, maxSubscribers: 2 });
    for (let n = 1; n <= 5; n++) recent.add(decision('S1', n));
    recent.add(decision('S2', 6));
    expect(recent.get('S1').map((d) => d.decisionId)).toEqual(['d-5', 'd-4', 'd-3']);
    recent.add(decision('S1', 7)); // S1 is now the more recent
    recent.add(decision('S3', 8)); // forgets S2, and S3 gets its block empty
    expect(recent.get('S2')).toEqual([]);
    expect(recent.get('S3').map((d) => d.decisionId)).toEqual(['d-8']);
    expect(recent.get('S1').map((d) => d.decisionId)).toEqual(['d-7', 'd-5', 'd-4']);
    expect(recent.size).toBe(2);
  });

  it('gives back every shown field, and keeps what does not fit a record as well (long ids, many actions, any characters)', () => {
    const recent = new RecentDecisions({ perSubscriber: 4 });
    const many = Array.from({ length: 30 }, (_, i) => action(i + 1, `a-${i}`));
    const cases = [
      decision('S1', 1, [action(1, 'roam-eu', 'Roaming "EU" – 7 days €'), action(2, 'topup')]),
      { ...decision('S1', 2, many) },
      { ...decision('S1', 3), decisionId: 'd'.repeat(400) },
      { ...decision('S1', 4), decisionId: 'd-Ω' },
    ];
    for (const d of cases) recent.add(d);
    expect(recent.get('S1')).toEqual(cases.map(shown).reverse());
    // A spilled decision's record is reused like the others once the ring comes round.
    recent.add(decision('S1', 5));
    expect(recent.get('S1').map((d) => d.actions.length)).toEqual([1, 1, 1, 30]);
  });

  it('answers as plain per-subscriber arrays would, over 30,000 random decisions', () => {
    let seed = 11;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    const per = 5;
    const max = 40;
    const recent = new RecentDecisions({ perSubscriber: per, maxSubscribers: max });
    const reference = new Map<string, RecentDecision[]>(); // insertion order = least recently decided first
    for (let n = 0; n < 30_000; n++) {
      const subscriber = `S${Math.floor(random() * 60)}`;
      const d = decision(subscriber, n, n % 97 === 0 ? [action(1, 'x'.repeat(300))] : undefined);
      const list = reference.get(subscriber) ?? [];
      reference.delete(subscriber);
      if (!list.length && reference.size >= max) reference.delete(reference.keys().next().value!);
      reference.set(subscriber, [shown(d), ...list].slice(0, per));
      recent.add(d);
      if (n % 10 === 0) {
        const probe = `S${Math.floor(random() * 60)}`;
        expect(recent.get(probe)).toEqual(reference.get(probe) ?? []);
      }
    }
    expect(recent.size).toBe(reference.size);
    for (let s = 0; s < 60; s++) expect(recent.get(`S${s}`)).toEqual(reference.get(`S${s}`) ?? []);
  });
});
