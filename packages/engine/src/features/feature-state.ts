// Folds one event into a subscriber's feature state: sparse time buckets per windowed feature, compact arrays.
import type { FeatureSkipReason } from './feature-problems.js';
import type { CompiledFeature, FeatureSet } from './feature-set.js';
import type { FeatureValue } from './features-schema.js';

/** The profile key the feature state lives under, so a profile store keeps it with the profile. */
export const FEATURE_STATE_KEY = '_features';

/**
 * Feature state by feature name. Each entry is one flat array whose first cell is the feature's tag:
 * - count, sum, min, max: `[tag, bucket, value, bucket, value, ...]`, buckets ascending, only those with events
 * - distinct: `[tag, value, lastSeenBucket, value, lastSeenBucket, ...]`, at most MAX_DISTINCT values
 * - last: `[tag, time, value]`; timeSince: `[tag, time]`
 * A bucket is `floor(time / bucketMs)`, so buckets are aligned to the epoch (UTC midnight for 1d buckets).
 */
export type FeatureState = Readonly<Record<string, readonly FeatureValue[]>>;

/** The distinct values a distinct feature remembers per subscriber; past it the least recently seen is dropped. */
export const MAX_DISTINCT = 100;

/** The fields of an event a feature reads. */
export interface FeatureEvent {
  readonly type: string;
  /** Epoch ms. */
  readonly time: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface FoldResult {
  /** The new state; the same object (undefined when there was none) when no feature changed. */
  state: FeatureState | undefined;
  /** The features of this event type that did not take it, and why. */
  skipped: { feature: string; reason: FeatureSkipReason }[];
}

/** The longest text a last or distinct feature keeps from an event (characters). */
export const MAX_FEATURE_TEXT = 128;

/**
 * Folds `event` into `state` at engine time `now`. Pure: changed arrays are copied, the input is never mutated.
 * Old buckets (outside the window at `now`) are pruned as the feature is written; state of features no longer
 * declared is dropped.
 *
 * @example foldEvent(set, profile._features, { type: 'care.contact', time, data: {} }, Date.now())
 */
export function foldEvent(
  set: FeatureSet,
  state: FeatureState | undefined,
  event: FeatureEvent,
  now: number,
): FoldResult {
  const features = set.byEvent.get(event.type);
  const skipped: FoldResult['skipped'] = [];
  if (!features) return { state, skipped };
  let next: Record<string, readonly FeatureValue[]> | undefined;
  for (const feature of features) {
    const read = readValue(feature, event);
    if (typeof read === 'string') {
      skipped.push({ feature: feature.name, reason: read });
      continue;
    }
    const current = state?.[feature.name];
    const cells = Array.isArray(current) && current[0] === feature.tag ? current : undefined;
    const updated = fold(feature, cells, event.time, read.v, now);
    if (updated === 'OUTSIDE_WINDOW') {
      skipped.push({ feature: feature.name, reason: 'OUTSIDE_WINDOW' });
      continue;
    }
    next ??= keepDeclared(set, state);
    next[feature.name] = updated;
  }
  return { state: next ?? state, skipped };
}

/** The value the feature folds from the event, boxed, or the reason it cannot. */
function readValue(feature: CompiledFeature, event: FeatureEvent): { v: FeatureValue } | FeatureSkipReason {
  const { aggregate } = feature;
  if (aggregate === 'count' || aggregate === 'timeSince') return { v: null };
  if (feature.constants?.has(event.type)) return { v: feature.constants.get(event.type)! };
  if (!feature.field) return 'FIELD_MISSING';
  let value: unknown = event.data;
  for (const segment of feature.field) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'FIELD_MISSING';
    value = (value as Record<string, unknown>)[segment];
  }
  if (value === undefined) return 'FIELD_MISSING';
  if (aggregate === 'sum' || aggregate === 'min' || aggregate === 'max') {
    // Within 2^53 (whole units stay exact): a sum of 1e308s would reach Infinity and stay there for the window.
    return typeof value === 'number' && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? { v: value } : 'FIELD_NOT_NUMBER';
  }
  if (value !== null && typeof value === 'object') return 'FIELD_NOT_SCALAR';
  // Kept in the profile and filled into treatments: a country of 2,000 characters made a 2,128-character SMS.
  if (typeof value === 'string' && value.length > MAX_FEATURE_TEXT) return 'FIELD_TOO_LONG';
  // distinct counts values; a null is the absence of one.
  if (aggregate === 'distinct' && value === null) return 'FIELD_MISSING';
  return { v: value as FeatureValue };
}

function keepDeclared(set: FeatureSet, state: FeatureState | undefined): Record<string, readonly FeatureValue[]> {
  const kept: Record<string, readonly FeatureValue[]> = {};
  if (!state) return kept;
  for (const feature of set.features) {
    const cells = state[feature.name];
    if (Array.isArray(cells)) kept[feature.name] = cells;
  }
  return kept;
}

/** The first bucket inside the window at `now` (the window is the current bucket and the ones before it). */
export function firstBucket(feature: CompiledFeature, now: number): number {
  return Number.isFinite(feature.bucketMs) ? Math.floor(now / feature.bucketMs) - feature.buckets + 1 : 0;
}

export function bucketOf(feature: CompiledFeature, time: number): number {
  return Number.isFinite(feature.bucketMs) ? Math.floor(time / feature.bucketMs) : 0;
}

function fold(
  feature: CompiledFeature,
  cells: readonly FeatureValue[] | undefined,
  time: number,
  value: FeatureValue,
  now: number,
): readonly FeatureValue[] | 'OUTSIDE_WINDOW' {
  const { aggregate, tag } = feature;
  if (aggregate === 'timeSince') {
    const last = cells?.[1] as number | undefined;
    return last !== undefined && last >= time ? cells! : [tag, time];
  }
  if (aggregate === 'last') {
    if (now - time >= feature.windowMs) return 'OUTSIDE_WINDOW';
    const last = cells?.[1] as number | undefined;
    // An event older than the one held is late news: it is not the last.
    return last !== undefined && last > time ? cells! : [tag, time, value];
  }
  const first = firstBucket(feature, now);
  const bucket = bucketOf(feature, time);
  if (bucket < first) return 'OUTSIDE_WINDOW';
  return aggregate === 'distinct'
    ? foldDistinct(tag, cells, value, bucket, first)
    : foldBucket(aggregate, tag, cells, value as number, bucket, first);
}

function foldBucket(
  aggregate: 'count' | 'sum' | 'min' | 'max',
  tag: string,
  cells: readonly FeatureValue[] | undefined,
  value: number,
  bucket: number,
  first: number,
): FeatureValue[] {
  const out: FeatureValue[] = [tag];
  let placed = false;
  for (let i = 1; cells && i < cells.length; i += 2) {
    const b = cells[i] as number;
    const v = cells[i + 1] as number;
    if (b < first) continue;
    if (!placed && b >= bucket) {
      placed = true;
      if (b === bucket) {
        out.push(b, combine(aggregate, v, value));
        continue;
      }
      out.push(bucket, start(aggregate, value));
    }
    out.push(b, v);
  }
  if (!placed) out.push(bucket, start(aggregate, value));
  return out;
}

function start(aggregate: 'count' | 'sum' | 'min' | 'max', value: number): number {
  return aggregate === 'count' ? 1 : value;
}

function combine(aggregate: 'count' | 'sum' | 'min' | 'max', held: number, value: number): number {
  switch (aggregate) {
    case 'count':
      return held + 1;
    case 'sum':
      return held + value;
    case 'min':
      return Math.min(held, value);
    case 'max':
      return Math.max(held, value);
  }
}

function foldDistinct(
  tag: string,
  cells: readonly FeatureValue[] | undefined,
  value: FeatureValue,
  bucket: number,
  first: number,
): FeatureValue[] {
  const out: FeatureValue[] = [tag];
  let found = false;
  for (let i = 1; cells && i < cells.length; i += 2) {
    const v = cells[i]!;
    const seen = cells[i + 1] as number;
    if (seen < first) continue;
    if (v === value) {
      found = true;
      out.push(v, Math.max(seen, bucket));
    } else out.push(v, seen);
  }
  if (!found) out.push(value, bucket);
  if (out.length > 1 + 2 * MAX_DISTINCT) {
    // Drop the least recently seen value: it is the first to leave the window anyway.
    let oldest = 1;
    for (let i = 3; i < out.length; i += 2) if ((out[i + 1] as number) < (out[oldest + 1] as number)) oldest = i;
    out.splice(oldest, 2);
  }
  return out;
}
