// The compiled features of a config snapshot: each feature's aggregate, window and buckets, indexed by event type.
import type { Aggregate, FeatureValue } from './features-schema.js';

/** One declared feature, ready to fold events: durations in ms, the field split into path segments. */
export interface CompiledFeature {
  readonly name: string;
  readonly aggregate: Aggregate;
  readonly events: readonly string[];
  /** Path segments inside the event's `data`; undefined for count and timeSince, or when `value` covers it. */
  readonly field: readonly string[] | undefined;
  /** Fixed values per event type (`value` in the file), used instead of the field. */
  readonly constants: ReadonlyMap<string, FeatureValue> | undefined;
  /** Infinity when the feature has no window (its whole history). */
  readonly windowMs: number;
  /** Bucket size of count, sum, min, max and distinct; Infinity (one bucket) without a window; 0 for last, timeSince. */
  readonly bucketMs: number;
  /** Buckets per window (window / bucket); 1 without a window. */
  readonly buckets: number;
  /** Unit of timeSince in ms (default one minute). */
  readonly unitMs: number;
  /**
   * Written as the first cell of the feature's state: state saved under another aggregate or bucket size
   * (the file changed since) is not misread, it starts over.
   */
  readonly tag: string;
}

/** Every feature of the config, and the bounds on event time. Empty (no features) when there is no features file. */
export interface FeatureSet {
  readonly features: readonly CompiledFeature[];
  /** The features each event type updates. */
  readonly byEvent: ReadonlyMap<string, readonly CompiledFeature[]>;
  /** Events older than the engine clock minus this are rejected (EVENT_TOO_LATE). */
  readonly latenessMs: number;
  /** Events newer than the engine clock plus this are rejected (EVENT_IN_FUTURE). */
  readonly clockSkewMs: number;
}

/** The default bounds: an hour of lateness, five minutes of clock skew. */
export const DEFAULT_LATENESS_MS = 3_600_000;
export const DEFAULT_CLOCK_SKEW_MS = 300_000;

export const EMPTY_FEATURE_SET: FeatureSet = Object.freeze({
  features: Object.freeze([]),
  byEvent: new Map(),
  latenessMs: DEFAULT_LATENESS_MS,
  clockSkewMs: DEFAULT_CLOCK_SKEW_MS,
});

/** The state tag of a feature: its aggregate, and the bucket size for the bucketed ones. */
export function stateTag(aggregate: Aggregate, bucketMs: number): string {
  return aggregate === 'last' || aggregate === 'timeSince' ? aggregate : `${aggregate}:${bucketMs}`;
}
