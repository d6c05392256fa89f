// A config for the campaign tests: the decision tests' small catalog and policy, plus the campaigns a test gives.
import { buildConfig, type ConfigInput } from '../config/build-config.js';
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { testActions, testArbitration, testPolicy } from '../decision/test-config.js';
import type { ContactRecord } from '../policy/contact-history.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A top-up campaign by SMS to heavy data users, capped at one contact of the campaign a month. */
export const topupsSms = {
  id: 'topups-sms',
  segment: { all: [{ fact: 'dataUsedPct', operator: 'greaterThanInclusive', value: 80 }] },
  scope: { groups: ['Top-ups'] },
  channel: 'sms',
  caps: [{ max: 1, window: '30d' }],
};

/** The test policy, with a rest of 7 days for an action after it was shown (to mix policy reasons). */
export const campaignPolicy = {
  ...testPolicy,
  cooldowns: [{ id: 'same-action-7d', per: 'action', after: 'impression', duration: '7d' }],
};

/** A config with these campaigns (and optionally another policy or arbitration); throws a ConfigError if broken. */
export function buildCampaignConfig(campaigns: unknown[], overrides: CampaignOverrides = {}): Promise<ConfigSnapshot> {
  return buildConfig(campaignInput(campaigns, overrides));
}

/** What a test may swap in: another policy, arbitration or eligibility file, or a features file. */
export interface CampaignOverrides {
  policy?: unknown;
  arbitration?: unknown;
  eligibility?: unknown;
  features?: unknown;
}

export function campaignInput(campaigns: unknown[], overrides: CampaignOverrides = {}): ConfigInput {
  const input: ConfigInput = {
    actions: { file: 'actions.yaml', data: { actions: testActions } },
    eligibility: {
      file: 'eligibility.yaml',
      data: overrides.eligibility ?? {
        conditions: {
          postpaid: { all: [{ fact: 'planType', operator: 'equal', value: 'postpaid' }] },
          heavyUser: { all: [{ fact: 'dataUsedPct', operator: 'greaterThanInclusive', value: 80 }] },
        },
      },
    },
    contactPolicy: { file: 'contact-policy.yaml', data: overrides.policy ?? campaignPolicy },
    arbitration: { file: 'arbitration.yaml', data: overrides.arbitration ?? testArbitration },
    campaigns: { file: 'campaigns.yaml', data: { campaigns } },
  };
  if (overrides.features !== undefined) input.features = { file: 'features.yaml', data: overrides.features };
  return input;
}

/** A contact record of the test subscriber: an SMS impression of topup-5gb unless told otherwise. */
export function contact(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    at: 0,
    subscriberId: 'SUB-T1',
    decisionId: 'dec-1',
    actionId: 'topup-5gb',
    issue: 'Growth',
    group: 'Top-ups',
    channel: 'sms',
    outcome: 'impression',
    mandatory: false,
    ...overrides,
  };
}
