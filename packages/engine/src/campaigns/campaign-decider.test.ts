// One subscriber of a campaign run: every outcome and every drop reason the decider gives, from a built profile and history.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { createEngine } from '../decision/engine.js';
import { heavyUser, NOON, testArbitration } from '../decision/test-config.js';
import { testFeatures } from '../events/test-features.js';
import type { ContactRecord } from '../policy/contact-history.js';
import { InMemoryProfileStore } from '../profiles/profile-store.js';
import { createCampaignDecider } from './campaign-decider.js';
import { campaignDecisionId } from './campaign-ids.js';
import type { CampaignOutcome, CompiledCampaign } from './campaign-types.js';
import { buildCampaignConfig, contact, DAY, HOUR, topupsSms } from './test-campaigns.js';

const run = { runId: 'run-1', now: NOON };
const profile = { ...heavyUser, msisdn: '+31612345678' };
const decisionId = campaignDecisionId('topups-sms', 'run-1', 'SUB-T1');

let config: ConfigSnapshot;
const campaign = (id: string) => config.campaignById.get(id)!;

beforeAll(async () => {
  config = await buildCampaignConfig([
    topupsSms,
    { id: 'promos-sms', channel: 'sms', scope: { groups: ['Promos'] } },
    { id: 'care-sms', channel: 'sms', scope: { issues: ['Care'] } },
    { id: 'everything-sms', channel: 'sms', limit: 3 },
    { id: 'held-out', channel: 'sms', scope: { groups: ['Top-ups'] }, controlGroup: '10%' },
    {
      id: 'sees-facts',
      channel: 'sms',
      context: { wave: 2 },
      segment: {
        all: [
          { fact: 'channel', operator: 'equal', value: 'sms' },
          { fact: 'context', path: '$.wave', operator: 'equal', value: 2 },
        ],
      },
    },
    {
      id: 'default-context',
      channel: 'sms',
      segment: { all: [{ fact: 'context', path: '$.campaign', operator: 'equal', value: 'default-context' }] },
    },
  ]);
});

describe('campaign decider: selected and control', () => {
  it('selects the best action of the scope, with the stable decision id, the msisdn and the rendered text', async () => {
    const outcome = await createCampaignDecider(config).decide(campaign('topups-sms'), run, profile, []);
    expect(outcome).toEqual({
      subscriberId: 'SUB-T1',
      status: 'selected',
      decisionId: 'cmp:topups-sms:run-1:SUB-T1',
      msisdn: '+31612345678',
      actions: [
        {
          actionId: 'topup-5gb',
          issue: 'Growth',
          group: 'Top-ups',
          mandatory: false,
          treatment: { text: 'Hi Ana, 85% used' },
        },
      ],
    } satisfies CampaignOutcome);
  });

  it('decides up to the campaign limit on its channel without a scope', async () => {
    const outcome = await createCampaignDecider(config).decide(campaign('everything-sms'), run, profile, []);
    // perGroup 1: one top-up and the goodwill pass.
    expect(outcome.actions?.map((a) => a.actionId)).toEqual(['goodwill-pass', 'topup-5gb']);
  });

  it('holds out the control group: decided (with the actions they would have got), not selected', async () => {
    const decider = createCampaignDecider(config);
    const held = campaign('held-out');
    const controls = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const subscriberId = `SUB-${String(i).padStart(8, '0')}`;
      const outcome = await decider.decide(held, run, { ...profile, subscriberId }, []);
      expect(outcome.actions).toHaveLength(1);
      if (outcome.status === 'control') controls.add(subscriberId);
      else expect(outcome.status).toBe('selected');
    }
    // 10 % of 10,000: the binomial standard deviation is 30, so 900..1,100 is more than 3 of them either side.
    expect(controls.size).toBeGreaterThan(900);
    expect(controls.size).toBeLessThan(1_100);
    // The same subscribers on another run, another day.
    const later = { runId: 'run-2', now: NOON + 7 * DAY };
    for (let i = 0; i < 2_000; i++) {
      const subscriberId = `SUB-${String(i).padStart(8, '0')}`;
      const outcome = await decider.decide(held, later, { ...profile, subscriberId }, []);
      expect(outcome.status === 'control', subscriberId).toBe(controls.has(subscriberId));
    }
  }, 30_000);

  it('shows the segment the facts decide() builds: the profile, features, channel and context', async () => {
    const decider = createCampaignDecider(config);
    expect((await decider.decide(campaign('sees-facts'), run, profile, [])).status).toBe('selected');
    expect((await decider.decide(campaign('default-context'), run, profile, [])).status).toBe('selected');
  });

  it('sees features over the profile attribute they shadow', async () => {
    const withFeatures = await buildCampaignConfig([topupsSms], { features: { features: testFeatures } });
    const profiles = new InMemoryProfileStore();
    await profiles.put({ ...heavyUser, dataUsedPct: 10 });
    const engine = createEngine({ config: withFeatures, profiles, clock: () => NOON });
    const event = { id: 'e1', type: 'usage.data', subscriberId: 'SUB-T1', time: NOON - HOUR, data: { pct: 95 } };
    const ingested = await engine.ingest(event);
    if (!ingested.ok) throw new Error(ingested.error.message);
    const decider = createCampaignDecider(withFeatures);
    const topups = withFeatures.campaignById.get('topups-sms')!;
    expect((await decider.decide(topups, run, { ...heavyUser, dataUsedPct: 10 }, [])).reason).toBe('NOT_IN_SEGMENT');
    // The profile still says 10 %; its feature state says 95 %.
    expect(ingested.profile.dataUsedPct).toBe(10);
    const outcome = await decider.decide(topups, run, ingested.profile, []);
    expect(outcome.status).toBe('selected');
    expect(outcome.actions?.[0]?.treatment).toEqual({ text: 'Hi Ana, 95% used' });
  });
});

describe('campaign decider: idempotency and campaign caps', () => {
  it('reports already-sent when the history holds this run’s decision id, with the recorded actions', async () => {
    const history = [
      contact({ at: NOON - HOUR, decisionId }),
      contact({ at: NOON - HOUR, decisionId, outcome: 'click' }),
      contact({ at: NOON - HOUR, decisionId, actionId: 'retired-action', group: 'Gone', mandatory: true }),
    ];
    const outcome = await createCampaignDecider(config).decide(campaign('topups-sms'), run, profile, history);
    expect(outcome).toEqual({
      subscriberId: 'SUB-T1',
      status: 'already-sent',
      decisionId,
      msisdn: '+31612345678',
      actions: [
        {
          actionId: 'topup-5gb',
          issue: 'Growth',
          group: 'Top-ups',
          mandatory: false,
          treatment: { text: 'Hi Ana, 85% used' },
        },
        // The action left the catalog since: re-emitted as recorded, without a text.
        { actionId: 'retired-action', issue: 'Growth', group: 'Gone', mandatory: true, treatment: {} },
      ],
    });
  });

  it('drops with CAMPAIGN_CAP when an earlier run of the campaign used the cap up, even via another channel', async () => {
    const earlier = contact({
      at: NOON - 10 * DAY,
      channel: 'web',
      decisionId: campaignDecisionId('topups-sms', 'run-0', 'SUB-T1'),
    });
    const outcome = await createCampaignDecider(config).decide(campaign('topups-sms'), run, profile, [earlier]);
    expect(outcome).toMatchObject({ status: 'dropped', reason: 'CAMPAIGN_CAP', decisionId });
    expect(outcome.detail).toBe('campaign:topups-sms:cap-1: 1 of 1 contacts of this campaign in its window');
  });

  it('lets contacts of other campaigns and older ones through the campaign cap', async () => {
    const history = [
      contact({ at: NOON - 10 * DAY, decisionId: campaignDecisionId('topups-sms-b', 'run-0', 'SUB-T1') }),
      contact({ at: NOON - 31 * DAY, decisionId: campaignDecisionId('topups-sms', 'run-0', 'SUB-T1') }),
      contact({ at: NOON - 10 * DAY, decisionId: 'an-inbound-decision' }),
    ];
    const outcome = await createCampaignDecider(config).decide(campaign('topups-sms'), run, profile, history);
    expect(outcome.status).toBe('selected');
  });
});

describe('campaign decider: drop reasons', () => {
  const decide = (id: string, p: Record<string, unknown> = profile, history: ContactRecord[] = [], now = NOON) =>
    createCampaignDecider(config).decide(campaign(id), { runId: 'run-1', now }, { ...profile, ...p }, history);

  it('NOT_IN_SEGMENT: no decision, no decision id', async () => {
    expect(await decide('topups-sms', { dataUsedPct: 50 })).toEqual({
      subscriberId: 'SUB-T1',
      status: 'dropped',
      reason: 'NOT_IN_SEGMENT',
      msisdn: '+31612345678',
    });
  });

  it('NO_CANDIDATES: nothing of the scope is offered on the channel', async () => {
    // The promo is offered on the web only.
    expect(await decide('promos-sms')).toMatchObject({ reason: 'NO_CANDIDATES', decisionId: expect.any(String) });
  });

  it('NOT_ELIGIBLE: every candidate fails its rules', async () => {
    expect(await decide('care-sms', { careContacts90d: 0 })).toMatchObject({
      status: 'dropped',
      reason: 'NOT_ELIGIBLE',
    });
  });

  it('a policy reason when the policy blocks every candidate: OPTED_OUT, QUIET_HOURS', async () => {
    expect(await decide('topups-sms', { consent: { marketing: true, sms: false } })).toMatchObject({
      reason: 'OPTED_OUT',
      detail: expect.stringMatching(/^2 of 2 candidates/),
    });
    const night = Date.parse('2026-11-22T22:30:00Z'); // 23:30 in Amsterdam
    expect(await decide('topups-sms', {}, [], night)).toMatchObject({ reason: 'QUIET_HOURS' });
  });

  it('the most frequent policy reason when they differ, with how many candidates it blocked', async () => {
    const history = [
      // Shown on the web two days ago: both top-ups rest 7 days (cooldown per action).
      contact({ at: NOON - 2 * DAY, channel: 'web', actionId: 'topup-5gb' }),
      contact({ at: NOON - 2 * DAY, channel: 'web', actionId: 'topup-10gb' }),
      // An SMS an hour ago: the goodwill pass rests too, and the SMS cap of 1 a day is used up.
      contact({ at: NOON - HOUR, actionId: 'goodwill-pass', issue: 'Care', group: 'Goodwill' }),
    ];
    expect((await decide('everything-sms', {}, history)).reason).toBe('COOLDOWN');
    const capOnly = [contact({ at: NOON - HOUR, actionId: 'outage-notice', issue: 'Care', group: 'Service notices' })];
    expect(await decide('everything-sms', {}, capOnly)).toMatchObject({
      reason: 'CAP_REACHED',
      detail: expect.stringMatching(/^3 of 3 candidates: /),
    });
  });

  it('CONTACT_HISTORY_UNAVAILABLE when the caller could not read the history: fails closed', async () => {
    const outcome = await createCampaignDecider(config).decide(campaign('topups-sms'), run, profile, undefined);
    expect(outcome).toMatchObject({ status: 'dropped', reason: 'CONTACT_HISTORY_UNAVAILABLE', decisionId });
  });

  it('NOT_SELECTED when candidates are allowed but arbitration selects none', async () => {
    const zeroTopUps = await buildCampaignConfig([topupsSms], {
      arbitration: { ...testArbitration, limits: { groups: { 'Top-ups': 0 } } },
    });
    const outcome = await createCampaignDecider(zeroTopUps).decide(zeroTopUps.campaigns[0]!, run, profile, []);
    expect(outcome).toMatchObject({ status: 'dropped', reason: 'NOT_SELECTED' });
  });

  it('DECISION_ERROR with the decision error code, never a throw', async () => {
    const decider = createCampaignDecider(config);
    const base = campaign('topups-sms');
    const unknownChannel: CompiledCampaign = { ...base, spec: { ...base.spec, channel: 'fax' } };
    expect(await decider.decide(unknownChannel, run, profile, [])).toMatchObject({
      status: 'dropped',
      reason: 'DECISION_ERROR',
      detail: expect.stringMatching(/^UNKNOWN_CHANNEL: unknown channel "fax"/),
    });
    const noId = await decider.decide(base, run, { ...profile, subscriberId: '' }, []);
    expect(noId).toMatchObject({
      reason: 'DECISION_ERROR',
      detail: 'INVALID_REQUEST: the profile has no subscriberId',
    });
    const broken: CompiledCampaign = {
      ...base,
      segment: {
        test: () => {
          throw new Error('boom');
        },
        explain: () => [],
      },
    };
    expect(await decider.decide(broken, run, profile, [])).toMatchObject({
      reason: 'DECISION_ERROR',
      detail: 'INTERNAL: boom',
    });
    // The decider goes on after a fault.
    expect((await decider.decide(base, run, profile, [])).status).toBe('selected');
  });
});

describe('campaign decider: one call at a time', () => {
  it('gives concurrent calls the answers sequential calls give (history and decision id are per call)', async () => {
    const decider = createCampaignDecider(config);
    const topups = campaign('topups-sms');
    const subscribers = ['SUB-A', 'SUB-B', 'SUB-C', 'SUB-D'];
    const historyOf = (sub: string): ContactRecord[] =>
      sub === 'SUB-B'
        ? [contact({ subscriberId: sub, at: NOON - HOUR, decisionId: campaignDecisionId('topups-sms', 'run-1', sub) })]
        : sub === 'SUB-C'
          ? [
              contact({
                subscriberId: sub,
                at: NOON - HOUR,
                actionId: 'goodwill-pass',
                issue: 'Care',
                group: 'Goodwill',
              }),
            ]
          : [];
    const call = (sub: string) => decider.decide(topups, run, { ...profile, subscriberId: sub }, historyOf(sub));
    const concurrent = await Promise.all(subscribers.map(call));
    const sequential: CampaignOutcome[] = [];
    for (const sub of subscribers) sequential.push(await call(sub));
    expect(concurrent).toEqual(sequential);
    expect(concurrent.map((o) => [o.status, o.reason, o.decisionId])).toEqual([
      ['selected', undefined, 'cmp:topups-sms:run-1:SUB-A'],
      ['already-sent', undefined, 'cmp:topups-sms:run-1:SUB-B'],
      ['dropped', 'CAP_REACHED', 'cmp:topups-sms:run-1:SUB-C'],
      ['selected', undefined, 'cmp:topups-sms:run-1:SUB-D'],
    ]);
  });
});
