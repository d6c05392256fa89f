// Feature values at a moment, from a subscriber's feature state: what rules, treatments and models see as facts.
import type { FeatureSet } from './feature-set.js';
import { FEATURE_STATE_KEY, type FeatureState, firstBucket } from './feature-state.js';
import type { FeatureValue } from './features-schema.js';

/**
 * The value of every declared feature the subscriber has state for, at `now` (epoch ms). A feature without
 * state is left out, so the profile attribute of the same name (an import, a batch job) still shows through.
 * Empty windows give 0 for count, sum and distinct, and null for min, max and last.
 *
 * @example computeFeatures(config.features, profile._features, Date.now()) // { careContacts90d: 4, ... }
 */
export function computeFeatures(
  set: FeatureSet,
  state: FeatureState | undefined,
  now: number,
): Record<string, FeatureValue> {
  const values: Record<string, FeatureValue> = {};
  if (!state) return values;
  for (const feature of set.features) {
    const cells = state[feature.name];
    if (!cells || cells[0] !== feature.tag) continue;
    switch (feature.aggregate) {
      case 'timeSince':
        values[feature.name] = Math.floor(Math.max(0, now - (cells[1] as number)) / feature.unitMs);
        break;
      case 'last':
        values[feature.name] = now - (cells[1] as number) < feature.windowMs ? cells[2]! : null;
        break;
      case 'distinct': {
        const first = firstBucket(feature, now);
        let n = 0;
        for (let i = 2; i < cells.length; i += 2) if ((cells[i] as number) >= first) n++;
        values[feature.name] = n;
        break;
      }
      default: {
        const first = firstBucket(feature, now);
        let total: number | null = feature.aggregate === 'count' || feature.aggregate === 'sum' ? 0 : null;
        for (let i = 1; i < cells.length; i += 2) {
          if ((cells[i] as number) < first) continue;
          const v = cells[i + 1] as number;
          if (total === null) total = v;
          else if (feature.aggregate === 'min') total = Math.min(total, v);
          else if (feature.aggregate === 'max') total = Math.max(total, v);
          else total += v;
        }
        values[feature.name] = total;
      }
    }
  }
  return values;
}

/**
 * What the decision spreads into its facts for a profile with feature state: the computed features, and the
 * state key blanked so rules and treatments never see the raw buckets.
 */
export function featureFacts(set: FeatureSet, state: FeatureState, now: number): Record<string, unknown> {
  const facts: Record<string, unknown> = computeFeatures(set, state, now);
  facts[FEATURE_STATE_KEY] = undefined;
  return facts;
}
