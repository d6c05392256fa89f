// A small, complete config for the decision tests: two issues, a handful of actions, web and SMS.
import { buildConfig } from '../config/build-config.js';
import type { ConfigSnapshot } from '../config/config-snapshot.js';

const treatments = (channels: string[]) =>
  Object.fromEntries(
    channels.map((c) => [
      c,
      c === 'sms' ? { text: 'Hi {{firstName}}, {{dataUsedPct}}% used' } : { title: 'Offer', body: 'For {{firstName}}' },
    ]),
  );

export const testActions = [
  {
    id: 'topup-5gb',
    name: 'Data top-up 5 GB',
    issue: 'Growth',
    group: 'Top-ups',
    channels: ['web', 'sms'],
    value: 5,
    propensity: 0.3,
    eligibility: { all: [{ fact: 'dataUsedPct', operator: 'greaterThanInclusive', value: 80 }] },
    treatments: treatments(['web', 'sms']),
  },
  {
    id: 'topup-10gb',
    name: 'Data top-up 10 GB',
    issue: 'Growth',
    group: 'Top-ups',
    channels: ['web', 'sms'],
    value: 8,
    propensity: 0.1,
    eligibility: { all: [{ fact: 'dataUsedPct', operator: 'greaterThanInclusive', value: 80 }] },
    treatments: treatments(['web', 'sms']),
  },
  {
    id: 'plan-upgrade',
    name: 'Plan upgrade',
    issue: 'Growth',
    group: 'Plans',
    channels: ['web'],
    value: 20,
    propensity: 0.05,
    eligibility: { condition: 'postpaid' },
    treatments: treatments(['web']),
  },
  {
    id: 'goodwill-pass',
    name: 'Goodwill pass',
    kind: 'care',
    issue: 'Care',
    group: 'Goodwill',
    channels: ['web', 'sms'],
    value: 6,
    propensity: 0.5,
    eligibility: { all: [{ fact: 'careContacts90d', operator: 'greaterThanInclusive', value: 4 }] },
    treatments: treatments(['web', 'sms']),
  },
  {
    id: 'outage-notice',
    name: 'Outage notice',
    kind: 'message',
    issue: 'Care',
    group: 'Service notices',
    channels: ['sms'],
    value: 10,
    propensity: 1,
    mandatory: true,
    eligibility: { all: [{ fact: 'context', path: '$.event', operator: 'equal', value: 'outage' }] },
    treatments: treatments(['sms']),
  },
  {
    id: 'xmas-promo',
    name: 'Christmas promo',
    issue: 'Growth',
    group: 'Promos',
    channels: ['web'],
    value: 3,
    propensity: 0.2,
    validFrom: '2026-12-01',
    validTo: '2026-12-31',
    treatments: treatments(['web']),
  },
];

export const testPolicy = {
  defaultTimeZone: 'Europe/Amsterdam',
  channels: {
    web: { direction: 'inbound' },
    sms: { direction: 'outbound', consent: 'sms', quietHours: { from: '21:00', to: '08:00' } },
  },
  marketingConsent: { key: 'marketing', channels: ['sms'] },
  caps: [{ id: 'sms-per-day', channel: 'sms', max: 1, window: '1d' }],
  cooldowns: [],
  suppression: [{ id: 'rejected-twice', per: 'action', rejects: 2, within: '30d', for: '14d' }],
};

export const testArbitration = {
  issues: ['Growth', 'Care'],
  defaultLimit: 3,
  maxLimit: 5,
  contextWeights: { sms: { Care: 2 } },
  limits: { perGroup: 1 },
};

export function buildTestConfig(overrides: { actions?: unknown[] } = {}): Promise<ConfigSnapshot> {
  return buildConfig({
    actions: { file: 'actions.yaml', data: { actions: overrides.actions ?? testActions } },
    eligibility: {
      file: 'eligibility.yaml',
      data: { conditions: { postpaid: { all: [{ fact: 'planType', operator: 'equal', value: 'postpaid' }] } } },
    },
    contactPolicy: { file: 'contact-policy.yaml', data: testPolicy },
    arbitration: { file: 'arbitration.yaml', data: testArbitration },
  });
}

/** A heavy data user who has called care five times: eligible for top-ups, the goodwill pass and the upgrade. */
export const heavyUser = {
  subscriberId: 'SUB-T1',
  firstName: 'Ana',
  planType: 'postpaid',
  dataUsedPct: 85,
  careContacts90d: 5,
  timeZone: 'Europe/Amsterdam',
  consent: { marketing: true, sms: true },
};

/** 12:00 in Amsterdam, outside SMS quiet hours, in November (before the Christmas promo). */
export const NOON = Date.parse('2026-11-22T11:00:00Z');
