// decisionFacts: the profile's attributes, the features over them, the request's channel and context over both.
import { describe, expect, it } from 'vitest';
import { buildFeatureConfig } from '../events/test-features.js';
import type { Profile } from '../population/index.js';
import { decisionFacts } from './compute-features.js';
import { FEATURE_STATE_KEY, foldEvent } from './feature-state.js';

const NOON = Date.parse('2026-11-22T12:00:00Z');
const profile: Profile = {
  subscriberId: 'SUB-D1',
  planType: 'postpaid',
  dataUsedPct: 40,
  careContacts90d: 5,
  // Attributes that share the request's names: an import can bring anything.
  channel: 'imported-channel',
  context: { from: 'import' },
};

describe('decisionFacts', () => {
  it('gives the attributes, with the request channel and context over attributes of the same names', async () => {
    const { features } = await buildFeatureConfig();
    const before = structuredClone(profile);
    const facts = decisionFacts(features, profile, 'app', { page: 'home' }, NOON);
    expect(facts).toEqual({ ...profile, channel: 'app', context: { page: 'home' } });
    expect(profile).toEqual(before); // the stored profile is not touched
  });

  it('puts feature values over the attributes they shadow and never shows the raw state', async () => {
    const { features } = await buildFeatureConfig();
    const event = { id: 'e1', type: 'usage.data', subscriberId: 'SUB-D1', time: NOON - 1_000, data: { pct: 85 } };
    const { state } = foldEvent(features, undefined, event, NOON);
    expect(state).toBeDefined();
    const withState: Profile = { ...profile, [FEATURE_STATE_KEY]: state };
    const facts = decisionFacts(features, withState, 'sms', undefined, NOON);
    expect(facts.dataUsedPct).toBe(85); // the feature, not the attribute's 40
    expect(facts.careContacts90d).toBe(5); // no state for it: the attribute shows through
    expect(facts.channel).toBe('sms');
    expect(facts.context).toBeUndefined();
    expect(facts[FEATURE_STATE_KEY]).toBeUndefined();
    expect(Object.keys(facts).sort()).toEqual([...Object.keys(withState)].sort());
  });
});
