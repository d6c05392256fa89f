// Schema of the features file (`features.yaml`): features derived from events over time windows, and the lateness bound.
import { type Static, Type } from '@sinclair/typebox';

/** How a feature folds its events into one value. */
export type Aggregate = 'count' | 'sum' | 'min' | 'max' | 'last' | 'distinct' | 'timeSince';
export const AGGREGATES: readonly Aggregate[] = ['count', 'sum', 'min', 'max', 'last', 'distinct', 'timeSince'];

/** The unit `timeSince` counts in. */
export type TimeUnit = 's' | 'm' | 'h' | 'd';
export const TIME_UNITS: readonly TimeUnit[] = ['s', 'm', 'h', 'd'];

/** What a feature may hold: a JSON scalar. */
export type FeatureValue = string | number | boolean | null;

/**
 * Aggregates, units and durations are plain strings here on purpose: `compileFeatures` checks them with messages
 * analysts can act on ("aggregate must be one of ..."), which a schema union error cannot give.
 */
const Name = Type.String({ minLength: 1 });
const Duration = Type.String({ minLength: 1, description: 'a whole number and a unit: 30s, 15m, 1h, 24h, 7d, 90d' });
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const FeatureSpecSchema = Type.Object(
  {
    /** The fact name rules see, e.g. `careContacts90d`. */
    name: Name,
    /** The event type (or types) the feature folds. */
    event: Type.Union([Name, Type.Array(Name, { minItems: 1 })]),
    aggregate: Type.Unsafe<Aggregate>(Type.String({ minLength: 1 })),
    /** Dotted path inside the event's `data`, e.g. `pct` or `location.country`. */
    field: Type.Optional(Name),
    /** Per event type, a fixed value to fold instead of reading `field` (`last` and `distinct`). */
    value: Type.Optional(Type.Record(Name, Scalar)),
    /** Sliding window; without one the feature covers the subscriber's whole event history. */
    window: Type.Optional(Duration),
    /** Bucket size of a windowed count, sum, min, max or distinct (default: see `defaultBucket`). */
    bucket: Type.Optional(Duration),
    /** Unit of `timeSince` (default `m`, minutes). */
    unit: Type.Optional(Type.Unsafe<TimeUnit>(Type.String({ minLength: 1 }))),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const FeaturesFileSchema = Type.Object(
  {
    /** How far behind the engine clock an event's time may be and still be applied (default 1h). */
    lateness: Type.String({ minLength: 1, default: '1h' }),
    /** How far ahead of the engine clock an event's time may be (clocks drift; default 5m). */
    clockSkew: Type.String({ minLength: 1, default: '5m' }),
    features: Type.Array(FeatureSpecSchema, { default: [] }),
  },
  { additionalProperties: false },
);

export type FeatureSpec = Static<typeof FeatureSpecSchema>;
export type FeaturesFile = Static<typeof FeaturesFileSchema>;
