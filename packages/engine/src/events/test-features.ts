// A config for the event tests: the decision tests' small catalog plus a features file.
import { buildConfig } from '../config/build-config.js';
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { testActions, testArbitration, testPolicy } from '../decision/test-config.js';

/** Care contacts, data used, roaming and app opens, as the demo playbook declares them. */
export const testFeatures = [
  { name: 'careContacts90d', event: 'care.contact', aggregate: 'count', window: '90d' },
  { name: 'dataUsedPct', event: 'usage.data', aggregate: 'last', field: 'pct' },
  {
    name: 'roamingNow',
    event: ['network.roaming-attach', 'network.home-attach'],
    aggregate: 'last',
    value: { 'network.roaming-attach': true, 'network.home-attach': false },
  },
  {
    name: 'roamingCountry',
    event: ['network.roaming-attach', 'network.home-attach'],
    aggregate: 'last',
    field: 'country',
    value: { 'network.home-attach': null },
  },
  {
    name: 'timeZone',
    event: ['network.roaming-attach', 'network.home-attach'],
    aggregate: 'last',
    field: 'timeZone',
    value: { 'network.home-attach': 'Europe/Amsterdam' },
  },
  { name: 'minutesSinceAppOpen', event: 'app.open', aggregate: 'timeSince' },
];

export function buildFeatureConfig(
  features: Record<string, unknown> = { features: testFeatures },
  actions: unknown[] = testActions,
): Promise<ConfigSnapshot> {
  return buildConfig({
    actions: { file: 'actions.yaml', data: { actions } },
    eligibility: {
      file: 'eligibility.yaml',
      data: { conditions: { postpaid: { all: [{ fact: 'planType', operator: 'equal', value: 'postpaid' }] } } },
    },
    contactPolicy: { file: 'contact-policy.yaml', data: testPolicy },
    arbitration: { file: 'arbitration.yaml', data: testArbitration },
    features: { file: 'features.yaml', data: features },
  });
}
