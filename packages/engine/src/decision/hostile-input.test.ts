// Requests from outside that once made a decision throw, stall or corrupt stored state: each now gets a clear
// answer or an ordinary decision, and the engine keeps serving.
import { describe, expect, it } from 'vitest';
import { buildFeatureConfig } from '../events/test-features.js';
import { decisionFacts } from '../features/index.js';
import { InMemoryContactHistory } from '../policy/index.js';
import { InMemoryProfileStore } from '../profiles/profile-store.js';
import { createEngine, OUTCOME_CLOCK_SKEW_MS } from './engine.js';
import { buildTestConfig, heavyUser, NOON } from './test-config.js';

const DAY = 86_400_000;

async function engineWith(history = new InMemoryContactHistory()) {
  let n = 0;
  const engine = createEngine({
    config: await buildTestConfig(),
    profiles: new InMemoryProfileStore([heavyUser]),
    history,
    clock: () => NOON,
    newDecisionId: () => `d-${++n}`,
  });
  return { engine, history };
}

describe('feature state sent from outside', () => {
  it('a cell that is not an array (a `length` of a billion) is ignored, not looped over', async () => {
    const engine = createEngine({ config: await buildFeatureConfig(), clock: () => NOON });
    const profile = {
      ...heavyUser,
      _features: { careContacts90d: { 0: 'count:86400000', length: 1e9 }, dataUsedPct: 'junk' },
    };
    const started = performance.now();
    const result = await engine.decide({ profile, channel: 'web', explain: true });
    expect(performance.now() - started).toBeLessThan(1_000); // the loop alone took 5.6 s at 1e9
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // The malformed cells count for nothing: the profile's own careContacts90d (5) shows through.
    expect(result.decision.actions.map((a) => a.actionId)).toContain('goodwill-pass');
  });
});

describe('feature cells holding what the engine never writes', () => {
  const odd = { toString: 1 };
  it.each([
    ['a bucket time that cannot be a number', { careContacts90d: ['count:86400000', odd, 1] }, 'careContacts90d', 0],
    [
      'a count that is an object',
      { careContacts90d: ['count:86400000', Math.floor(NOON / 86_400_000), { valueOf: 1 }] },
      'careContacts90d',
      0,
    ],
    ['a last value that is an object', { dataUsedPct: ['last', NOON, odd] }, 'dataUsedPct', null],
  ])('%s: the cell counts for nothing; the decision is made', async (_name, state, feature, expected) => {
    const config = await buildFeatureConfig();
    const profile = { ...heavyUser, _features: state };
    expect(decisionFacts(config.features, profile, 'web', {}, NOON)[feature]).toBe(expected);
    const engine = createEngine({ config, clock: () => NOON });
    expect((await engine.decide({ profile, channel: 'web', explain: true })).ok).toBe(true);
  });
});

describe('times outside what a date can hold', () => {
  it.each([1e300, -1e300, 8.64e15 + 1])('now: %d is INVALID_TIME on the field, not a fault', async (now) => {
    const { engine } = await engineWith();
    expect(await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', now })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'INVALID_TIME', field: 'now' }),
    });
  });

  it('the edge of the range is still a time', async () => {
    const { engine } = await engineWith();
    const result = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', now: 8.64e15 });
    expect(result.ok && result.decision.decidedAt).toBe('+275760-09-13T00:00:00.000Z');
  });
});

describe('an outcome at a time that cannot be right', () => {
  async function decided() {
    const { engine, history } = await engineWith();
    const result = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web' });
    if (!result.ok) throw new Error(result.error.message);
    const { decisionId } = result.decision;
    const actionId = result.decision.actions[0]!.actionId;
    return { engine, history, decisionId, actionId };
  }

  it.each([
    ['centuries ahead', Date.parse('2999-01-01T00:00:00Z')],
    ['the end of time', 8.64e15],
    ['an hour ahead of now', NOON + 60 * 60_000],
    ['before its decision', NOON - DAY],
    ['1970', 0],
  ])('%s: INVALID_TIME on `at`, and nothing is recorded', async (_name, at) => {
    const { engine, history, decisionId, actionId } = await decided();
    await engine.recordOutcome({ decisionId, actionId, outcome: 'impression' });
    const before = history.load('SUB-T1');
    expect(await engine.recordOutcome({ decisionId, actionId, outcome: 'accept', at })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'INVALID_TIME', field: 'at' }),
    });
    expect(history.load('SUB-T1')).toEqual(before);
    // The subscriber is still served, explain included (a far-future contact once made that throw).
    const again = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', explain: true });
    expect(again.ok).toBe(true);
  });

  it('within the clock skew either side, the outcome is recorded at the time given', async () => {
    const { engine, history, decisionId, actionId } = await decided();
    const early = NOON - OUTCOME_CLOCK_SKEW_MS;
    const late = NOON + OUTCOME_CLOCK_SKEW_MS;
    expect(await engine.recordOutcome({ decisionId, actionId, outcome: 'impression', at: early })).toEqual({
      ok: true,
    });
    expect(await engine.recordOutcome({ decisionId, actionId, outcome: 'click', at: late })).toEqual({ ok: true });
    expect(history.load('SUB-T1').map((r) => [r.outcome, r.at])).toEqual([
      ['impression', early],
      ['click', late],
    ]);
  });
});

describe('profile values JavaScript cannot turn into text', () => {
  const odd = { toString: 1 }; // valid JSON: an object whose toString is not a function

  it('a numeric rule on such a value fails the rule; the decision goes on', async () => {
    const { engine } = await engineWith();
    const profile = { ...heavyUser, dataUsedPct: odd };
    const result = await engine.decide({ profile, channel: 'web', explain: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // The top-ups need dataUsedPct >= 80: not eligible now, and explain says which condition failed.
    expect(result.decision.actions.map((a) => a.actionId)).not.toContain('topup-5gb');
    const topUp = result.decision.funnel?.find((entry) => entry.actionId === 'topup-5gb');
    expect(topUp).toMatchObject({ stage: 'eligibility', reason: 'NOT_ELIGIBLE' });
  });

  it('a placeholder filled with an object or a list renders empty, not "[object Object]" or a fault', async () => {
    const { engine } = await engineWith();
    for (const firstName of [odd, { a: 1 }, ['x', 'y']]) {
      const result = await engine.decide({ profile: { ...heavyUser, firstName }, channel: 'web' });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.decision.actions[0]!.treatment).toMatchObject({ body: 'For ' });
    }
  });
});
