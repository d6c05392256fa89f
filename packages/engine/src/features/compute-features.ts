// Feature values at a moment, from a subscriber's feature state: what rules, treatments and models see as facts.
import type { Profile } from '../population/index.js';
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
    // Only a real array: a profile from outside (an inline profile, an import) could carry an object whose
    // `length` is a billion, and the loops below would run that long.
    if (!Array.isArray(cells) || cells[0] !== feature.tag) continue;
    // Times and numbers are checked as read: state from outside may hold anything, and comparing an object that
    // cannot turn into a number throws. A cell that is not what the engine writes counts for nothing.
    switch (feature.aggregate) {
      case 'timeSince':
        if (typeof cells[1] === 'number') {
          values[feature.name] = Math.floor(Math.max(0, now - cells[1]) / feature.unitMs);
        }
        break;
      case 'last':
        if (typeof cells[1] === 'number') {
          values[feature.name] = now - cells[1] < feature.windowMs && isScalar(cells[2]) ? cells[2] : null;
        }
        break;
      case 'distinct': {
        const first = firstBucket(feature, now);
        let n = 0;
        for (let i = 2; i < cells.length; i += 2)
          if (typeof cells[i] === 'number' && (cells[i] as number) >= first) n++;
        values[feature.name] = n;
        break;
      }
      default: {
        const first = firstBucket(feature, now);
        let total: number | null = feature.aggregate === 'count' || feature.aggregate === 'sum' ? 0 : null;
        for (let i = 1; i < cells.length; i += 2) {
          const bucket = cells[i];
          if (typeof bucket !== 'number' || bucket < first) continue;
          const v = cells[i + 1];
          if (typeof v !== 'number') continue;
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

function isScalar(value: unknown): value is FeatureValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
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

/**
 * The facts a decision's rules, contact policy, models and treatments read: the profile's attributes, the feature
 * values at `now` over the attributes of the same names, and the request's `channel` and `context` over both.
 *
 * Made as `{ channel, context, ...profile, ...features }` with `channel` and `context` set again after, not as
 * `{ ...profile, channel, context }`: V8 copies a spread that opens a literal by cloning the source's hidden class,
 * and each property added after that clone cost a new one on every call. For a demo profile that form took 5 µs
 * instead of 1 µs, and its copies were promoted to the old generation, about 2 KB a decision (bench/README.md).
 *
 * @example decisionFacts(config.features, profile, 'app', {}, Date.now()).channel // 'app'
 */
export function decisionFacts(
  set: FeatureSet,
  profile: Profile,
  channel: string,
  context: Readonly<Record<string, unknown>> | undefined,
  now: number,
): Record<string, unknown> {
  const state = profile[FEATURE_STATE_KEY] as FeatureState | undefined;
  const facts: Record<string, unknown> =
    state === undefined
      ? { channel, context, ...profile }
      : { channel, context, ...profile, ...featureFacts(set, state, now) };
  // A profile attribute or feature named channel or context never hides the request's.
  facts.channel = channel;
  facts.context = context;
  return facts;
}
