// The decision path end to end on a small config: results, the funnel, bad requests, outcomes, and degraded modes.
import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { InMemoryContactHistory } from '../policy/index.js';
import { InMemoryProfileStore } from '../profiles/profile-store.js';
import { createEngine } from './engine.js';
import { buildTestConfig, heavyUser, NOON } from './test-config.js';

async function engineWith(options: Partial<Parameters<typeof createEngine>[0]> = {}) {
  const config = await buildTestConfig();
  let n = 0;
  return createEngine({
    config,
    profiles: new InMemoryProfileStore([heavyUser]),
    clock: () => NOON,
    newDecisionId: () => `d-${++n}`,
    ...options,
  });
}

describe('decide', () => {
  it('returns ranked actions with treatments, score terms, ids, version and timings', async () => {
    const engine = await engineWith();
    const result = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const d = result.decision;
    // plan-upgrade 0.05*20 = 1.0; topup-5gb 0.3*5 = 1.5 beats topup-10gb 0.1*8 = 0.8 (one per group); goodwill 0.5*6 = 3.
    expect(d.actions.map((a) => a.actionId)).toEqual(['goodwill-pass', 'topup-5gb', 'plan-upgrade']);
    expect(d.actions[0]).toMatchObject({
      rank: 1,
      issue: 'Care',
      kind: 'care',
      treatment: { title: 'Offer', body: 'For Ana' },
    });
    expect(d.actions[1]!.terms).toMatchObject({
      propensity: 0.3,
      propensitySource: 'prior',
      contextWeight: 1,
      value: 5,
      lever: 1,
    });
    expect(d.decisionId).toBe('d-1');
    expect(d.configVersion).toBe(engine.config.version);
    expect(d.decidedAt).toBe(new Date(NOON).toISOString());
    expect(d.counts).toEqual({ actions: 6, candidates: 4, eligible: 4, allowed: 4, selected: 3 });
    expect(d.timings.total).toBeGreaterThanOrEqual(d.timings.eligibility);
    expect(d.funnel).toBeUndefined();
  });

  it('is deterministic: the same request gives the same ranking', async () => {
    const engine = await engineWith();
    const a = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', limit: 5 });
    const b = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', limit: 5 });
    expect(a.ok && b.ok && a.decision.actions.map((x) => x.actionId)).toEqual(
      b.ok && b.decision.actions.map((x) => x.actionId),
    );
  });

  it('explains every action: the stage it stopped at, the reason and the detail', async () => {
    const engine = await engineWith();
    const result = await engine.decide({
      profile: { ...heavyUser, planType: 'prepaid' },
      channel: 'web',
      explain: true,
      limit: 3,
    });
    if (!result.ok) throw new Error(result.error.message);
    const byId = Object.fromEntries(result.decision.funnel!.map((f) => [f.actionId, f]));
    expect(Object.keys(byId).sort()).toEqual([
      'goodwill-pass',
      'outage-notice',
      'plan-upgrade',
      'topup-10gb',
      'topup-5gb',
      'xmas-promo',
    ]);
    expect(byId['outage-notice']).toMatchObject({ stage: 'candidates', reason: 'NOT_ON_CHANNEL' });
    expect(byId['xmas-promo']).toMatchObject({ stage: 'candidates', reason: 'OUTSIDE_VALIDITY' });
    expect(byId['plan-upgrade']).toMatchObject({ stage: 'eligibility', reason: 'NOT_ELIGIBLE', scope: 'action' });
    expect(byId['plan-upgrade']!.failures![0]).toMatchObject({
      fact: 'planType',
      operator: 'equal',
      expected: 'postpaid',
      actual: 'prepaid',
    });
    expect(byId['topup-10gb']).toMatchObject({ stage: 'arbitration', reason: 'GROUP_LIMIT' });
    expect(byId['topup-5gb']).toMatchObject({ stage: 'selected', reason: 'SELECTED', detail: 'rank 2' });
    expect(byId['goodwill-pass']).toMatchObject({ stage: 'selected', reason: 'SELECTED', detail: 'rank 1' });
    // Once the top N is full, the rest are out-ranked.
    const top1 = await engine.decide({
      profile: { ...heavyUser, planType: 'prepaid' },
      channel: 'web',
      explain: true,
      limit: 1,
    });
    if (!top1.ok) throw new Error(top1.error.message);
    expect(top1.decision.funnel!.find((f) => f.actionId === 'topup-5gb')).toMatchObject({
      stage: 'arbitration',
      reason: 'OUT_RANKED',
    });
  });

  it('drops SMS candidates in quiet hours and without consent, saying which', async () => {
    const engine = await engineWith();
    const night = await engine.decide({
      subscriberId: 'SUB-T1',
      channel: 'sms',
      explain: true,
      now: '2026-11-22T22:30:00Z',
    });
    if (!night.ok) throw new Error(night.error.message);
    expect(night.decision.actions).toEqual([]);
    expect(night.decision.funnel!.find((f) => f.actionId === 'topup-5gb')).toMatchObject({
      stage: 'policy',
      reason: 'QUIET_HOURS',
    });
    const noConsent = await engine.decide({
      profile: { ...heavyUser, consent: { marketing: true, sms: false } },
      channel: 'sms',
      explain: true,
    });
    if (!noConsent.ok) throw new Error(noConsent.error.message);
    expect(noConsent.decision.funnel!.find((f) => f.actionId === 'topup-5gb')).toMatchObject({
      stage: 'policy',
      reason: 'OPTED_OUT',
    });
  });
});

describe('decide with a scope', () => {
  it('keeps only the issues, groups or actions in scope, and says why the rest dropped out', async () => {
    const engine = await engineWith();
    const result = await engine.decide({
      subscriberId: 'SUB-T1',
      channel: 'web',
      scope: { groups: ['Top-ups'] },
      explain: true,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.decision.actions.map((a) => a.actionId)).toEqual(['topup-5gb']);
    expect(result.decision.funnel!.find((f) => f.actionId === 'goodwill-pass')).toMatchObject({
      stage: 'candidates',
      reason: 'OUT_OF_SCOPE',
    });
    const byAction = await engine.decide({
      subscriberId: 'SUB-T1',
      channel: 'web',
      scope: { actions: ['plan-upgrade'], issues: ['Growth'] },
    });
    expect(byAction.ok && byAction.decision.actions.map((a) => a.actionId)).toEqual(['plan-upgrade']);
  });

  it('rejects a scope naming something that does not exist', async () => {
    const engine = await engineWith();
    expect(
      await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', scope: { groups: ['Top ups'] } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', field: 'scope.groups', message: 'unknown group "Top ups" in scope' },
    });
    expect(await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', scope: { segments: ['x'] } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', field: 'scope.segments' },
    });
  });
});

describe('decide with bad requests', () => {
  const cases: [string, unknown, string, string | undefined][] = [
    ['not an object', 'hello', 'INVALID_REQUEST', undefined],
    ['an array', [], 'INVALID_REQUEST', undefined],
    ['no channel', { subscriberId: 'SUB-T1' }, 'INVALID_REQUEST', 'channel'],
    ['unknown channel', { subscriberId: 'SUB-T1', channel: 'fax' }, 'UNKNOWN_CHANNEL', 'channel'],
    ['no subscriber', { channel: 'web' }, 'INVALID_REQUEST', 'subscriberId'],
    ['numeric subscriber', { subscriberId: 42, channel: 'web' }, 'INVALID_REQUEST', 'subscriberId'],
    ['profile without id', { profile: { planType: 'postpaid' }, channel: 'web' }, 'INVALID_REQUEST', 'profile'],
    ['context array', { subscriberId: 'SUB-T1', channel: 'web', context: [1] }, 'INVALID_CONTEXT', 'context'],
    ['limit 0', { subscriberId: 'SUB-T1', channel: 'web', limit: 0 }, 'INVALID_LIMIT', 'limit'],
    ['limit above max', { subscriberId: 'SUB-T1', channel: 'web', limit: 6 }, 'INVALID_LIMIT', 'limit'],
    ['limit 1.5', { subscriberId: 'SUB-T1', channel: 'web', limit: 1.5 }, 'INVALID_LIMIT', 'limit'],
    ['explain as string', { subscriberId: 'SUB-T1', channel: 'web', explain: 'yes' }, 'INVALID_REQUEST', 'explain'],
    ['bad time', { subscriberId: 'SUB-T1', channel: 'web', now: 'yesterday' }, 'INVALID_TIME', 'now'],
    ['unknown field', { subscriberId: 'SUB-T1', channel: 'web', chanel: 'web' }, 'INVALID_REQUEST', 'chanel'],
    ['unknown subscriber', { subscriberId: 'SUB-NOPE', channel: 'web' }, 'SUBSCRIBER_NOT_FOUND', 'subscriberId'],
  ];
  it.each(cases)('%s -> %s', async (_name, request, code, field) => {
    const engine = await engineWith();
    const result = await engine.decide(request);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.field).toBe(field);
    expect(result.error.message.length).toBeGreaterThan(5);
  });
});

describe('outcomes and contact history', () => {
  it('an SMS impression spends the daily cap for the next decision', async () => {
    const engine = await engineWith();
    const first = await engine.decide({ subscriberId: 'SUB-T1', channel: 'sms' });
    if (!first.ok) throw new Error(first.error.message);
    const top = first.decision.actions[0]!;
    expect(
      await engine.recordOutcome({
        decisionId: first.decision.decisionId,
        actionId: top.actionId,
        outcome: 'impression',
      }),
    ).toEqual({ ok: true });
    const second = await engine.decide({
      subscriberId: 'SUB-T1',
      channel: 'sms',
      explain: true,
      now: NOON + 3_600_000,
    });
    if (!second.ok) throw new Error(second.error.message);
    expect(second.decision.actions).toEqual([]);
    expect(second.decision.funnel!.find((f) => f.actionId === top.actionId)).toMatchObject({
      reason: 'CAP_REACHED',
      rule: 'sms-per-day',
      count: 1,
      limit: 1,
    });
  });

  it('a mandatory notice bypasses the cap, and does not spend it', async () => {
    const engine = await engineWith();
    const first = await engine.decide({
      subscriberId: 'SUB-T1',
      channel: 'sms',
      context: { event: 'outage' },
      limit: 1,
    });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.decision.actions[0]!.actionId).toBe('outage-notice');
    await engine.recordOutcome({
      decisionId: first.decision.decisionId,
      actionId: 'outage-notice',
      outcome: 'impression',
    });
    const second = await engine.decide({ subscriberId: 'SUB-T1', channel: 'sms', limit: 1 });
    if (!second.ok) throw new Error(second.error.message);
    expect(second.decision.actions[0]!.actionId).toBe('goodwill-pass');
  });

  it('two rejects suppress the action, then it comes back after the suppression period', async () => {
    const engine = await engineWith();
    for (const at of [NOON, NOON + 60_000]) {
      const d = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', now: at });
      if (!d.ok) throw new Error(d.error.message);
      await engine.recordOutcome({
        decisionId: d.decision.decisionId,
        actionId: 'goodwill-pass',
        outcome: 'reject',
        at,
      });
    }
    const later = await engine.decide({
      subscriberId: 'SUB-T1',
      channel: 'web',
      now: NOON + 2 * 86_400_000,
      explain: true,
    });
    if (!later.ok) throw new Error(later.error.message);
    expect(later.decision.funnel!.find((f) => f.actionId === 'goodwill-pass')).toMatchObject({
      reason: 'SUPPRESSED_AFTER_REJECTS',
    });
    const after = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', now: NOON + 60_000 + 15 * 86_400_000 });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.decision.actions.map((a) => a.actionId)).toContain('goodwill-pass');
  });

  it('rejects outcomes for unknown decisions, foreign actions and unknown outcome kinds', async () => {
    const engine = await engineWith();
    const d = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web', limit: 1 });
    if (!d.ok) throw new Error(d.error.message);
    const id = d.decision.decisionId;
    expect(
      await engine.recordOutcome({ decisionId: 'nope', actionId: 'goodwill-pass', outcome: 'accept' }),
    ).toMatchObject({ ok: false, error: { code: 'UNKNOWN_DECISION', field: 'decisionId' } });
    expect(await engine.recordOutcome({ decisionId: id, actionId: 'topup-5gb', outcome: 'accept' })).toMatchObject({
      ok: false,
      error: { code: 'ACTION_NOT_IN_DECISION', field: 'actionId' },
    });
    expect(
      await engine.recordOutcome({ decisionId: id, actionId: 'goodwill-pass', outcome: 'love' as 'accept' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_OUTCOME', field: 'outcome' } });
    expect(await engine.recordOutcome(null as never)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

describe('degraded decisions', () => {
  it('a failing profile store gives PROFILE_STORE_UNAVAILABLE, not a throw', async () => {
    const engine = await engineWith({
      profiles: { get: () => Promise.reject(new Error('connection refused')), put: () => {} },
    });
    expect(await engine.decide({ subscriberId: 'SUB-T1', channel: 'web' })).toMatchObject({
      ok: false,
      error: { code: 'PROFILE_STORE_UNAVAILABLE' },
    });
  });

  it('a failing contact history: inbound decides as if empty, outbound fails closed', async () => {
    const history = new InMemoryContactHistory();
    (history as { load: unknown }).load = () => Promise.reject(new Error('timeout'));
    const engine = await engineWith({ history });
    const web = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web' });
    if (!web.ok) throw new Error(web.error.message);
    expect(web.decision.actions.length).toBeGreaterThan(0);
    expect(web.decision.degraded[0]!.reason).toBe('CONTACT_HISTORY_UNAVAILABLE');
    const sms = await engine.decide({ subscriberId: 'SUB-T1', channel: 'sms', explain: true });
    if (!sms.ok) throw new Error(sms.error.message);
    expect(sms.decision.actions).toEqual([]);
    expect(
      sms.decision.funnel!.filter((f) => f.stage === 'policy').every((f) => f.reason === 'CONTACT_HISTORY_UNAVAILABLE'),
    ).toBe(true);
  });

  it('a failing model falls back to priors and says so', async () => {
    const base = await buildTestConfigWithModel();
    const engine = createEngine({ config: base, profiles: new InMemoryProfileStore([heavyUser]), clock: () => NOON });
    const result = await engine.decide({ subscriberId: 'SUB-T1', channel: 'web' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.decision.degraded).toEqual([{ reason: 'MODEL_FAILED', detail: expect.stringContaining('broken') }]);
    expect(result.decision.actions.every((a) => a.terms.propensitySource === 'prior')).toBe(true);
  });
});

/** The test config with every action pointing at a model whose run fails. */
async function buildTestConfigWithModel(): Promise<ConfigSnapshot> {
  const config = await buildTestConfig();
  const failing = { score: () => Promise.reject(new Error('session broken')) };
  const actions = config.actions.map((a) => ({ ...a, model: 'broken' }));
  const channelActions = new Map(
    [...config.channelActions].map(([c, list]) => [c, list.map((a) => actions[a.index]!)]),
  );
  return { ...config, actions, channelActions, models: new Map([['broken', failing as never]]) };
}
