// Checks the features file beyond its schema (names, aggregates, options, windows and buckets) and compiles it.
import { pointer } from '../config/validate-file.js';
import { parseDuration } from '../policy/duration.js';
import type { FeatureProblemCode } from './feature-problems.js';
import {
  type CompiledFeature,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_LATENESS_MS,
  type FeatureSet,
  stateTag,
} from './feature-set.js';
import {
  AGGREGATES,
  type Aggregate,
  type FeatureSpec,
  type FeaturesFile,
  type FeatureValue,
  TIME_UNITS,
} from './features-schema.js';

/** One problem in the features file; `path` is a JSON pointer inside it (`/features/3/window`). */
export interface FeatureConfigProblem {
  path: string;
  code: FeatureProblemCode;
  message: string;
}

/** Facts the decision sets itself; a feature may not shadow them. */
const RESERVED = new Set(['subscriberId', 'channel', 'context']);
const FACT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAY = 86_400_000;
/** Default buckets, largest first: a window gets the largest that splits it evenly into at least 6 buckets. */
const DEFAULT_BUCKETS = [DAY, 3_600_000, 60_000, 1_000];
const MIN_DEFAULT_BUCKETS = 6;
/** Bounds the state a windowed feature can keep per subscriber: at most this many buckets per window. */
export const MAX_BUCKETS = 1_000;

const BUCKETED = new Set<Aggregate>(['count', 'sum', 'min', 'max', 'distinct']);
const NEEDS_VALUE = new Set<Aggregate>(['sum', 'min', 'max', 'last', 'distinct']);
const TAKES_CONSTANTS = new Set<Aggregate>(['last', 'distinct']);

/**
 * The default bucket of a window: the largest of 1d, 1h, 1m, 1s that splits it evenly into 6 to 1,000 buckets
 * (90d in 1d buckets, 24h in 1h, 1h in 1m), or undefined when none does and the file must give one.
 */
export function defaultBucket(windowMs: number): number | undefined {
  return DEFAULT_BUCKETS.find(
    (b) => windowMs % b === 0 && windowMs / b >= MIN_DEFAULT_BUCKETS && windowMs / b <= MAX_BUCKETS,
  );
}

/**
 * Every problem in a features file that passed its schema (defaults applied), and the compiled feature set.
 * Features listed in `skip` (those with schema problems) are left out of the checks and of the set.
 *
 * @example compileFeatures({ lateness: '1h', clockSkew: '5m', features: [{ name: 'careContacts90d', event: 'care.contact', aggregate: 'count', window: '90d' }] })
 */
export function compileFeatures(
  file: FeaturesFile,
  skip: ReadonlySet<number> = new Set(),
): { set: FeatureSet; problems: FeatureConfigProblem[] } {
  const problems: FeatureConfigProblem[] = [];
  const report = (path: string, code: FeatureProblemCode, message: string) => problems.push({ path, code, message });

  const latenessMs = boundMs(file.lateness, '/lateness', DEFAULT_LATENESS_MS, report);
  const clockSkewMs = boundMs(file.clockSkew, '/clockSkew', DEFAULT_CLOCK_SKEW_MS, report);

  const features: CompiledFeature[] = [];
  const seen = new Set<string>();
  const list = Array.isArray(file.features) ? file.features : [];
  list.forEach((spec, index) => {
    if (skip.has(index)) return;
    const at = `/features/${index}`;
    if (!FACT_NAME.test(spec.name)) {
      report(
        `${at}/name`,
        'FEATURE_INVALID_NAME',
        `"${spec.name}" is not a fact name (a letter, then letters, digits, _)`,
      );
    } else if (RESERVED.has(spec.name)) {
      report(`${at}/name`, 'FEATURE_INVALID_NAME', `"${spec.name}" is a fact the decision sets itself`);
    } else if (seen.has(spec.name)) {
      report(`${at}/name`, 'FEATURE_DUPLICATE_NAME', `another feature is already named "${spec.name}"`);
    }
    seen.add(spec.name);
    const before = problems.length;
    const feature = compileFeature(spec, at, report);
    if (feature && problems.length === before) features.push(feature);
  });

  const byEvent = new Map<string, CompiledFeature[]>();
  for (const feature of features) {
    for (const type of feature.events) {
      const forType = byEvent.get(type);
      if (forType) forType.push(feature);
      else byEvent.set(type, [feature]);
    }
  }
  const set: FeatureSet = Object.freeze({ features: Object.freeze(features), byEvent, latenessMs, clockSkewMs });
  return { set, problems };
}

type Report = (path: string, code: FeatureProblemCode, message: string) => void;

function compileFeature(spec: FeatureSpec, at: string, report: Report): CompiledFeature | undefined {
  const aggregate = spec.aggregate;
  if (!AGGREGATES.includes(aggregate)) {
    report(`${at}/aggregate`, 'FEATURE_UNKNOWN_AGGREGATE', `"${aggregate}" is not one of ${AGGREGATES.join(', ')}`);
    return undefined;
  }
  const events = typeof spec.event === 'string' ? [spec.event] : [...new Set(spec.event)];
  const notApplicable = (option: string, why: string) =>
    report(`${at}/${option}`, 'FEATURE_OPTION_NOT_APPLICABLE', why);

  // The value folded: a field, or per-type constants, or nothing (count, timeSince).
  let field: string[] | undefined;
  if (spec.field !== undefined) {
    if (!NEEDS_VALUE.has(aggregate)) notApplicable('field', `${aggregate} does not read a field`);
    field = spec.field.split('.');
    if (field.some((segment) => segment === '')) {
      report(
        `${at}/field`,
        'FEATURE_INVALID_FIELD',
        `"${spec.field}" is not a dotted path like pct or location.country`,
      );
    }
  }
  let constants: Map<string, FeatureValue> | undefined;
  if (spec.value !== undefined) {
    if (!TAKES_CONSTANTS.has(aggregate)) notApplicable('value', `${aggregate} does not take fixed values; use field`);
    constants = new Map(Object.entries(spec.value));
    for (const type of constants.keys()) {
      if (!events.includes(type)) {
        report(
          `${at}${pointer('value', type)}`,
          'FEATURE_UNKNOWN_EVENT',
          `"${type}" is not one of the feature's events (${events.join(', ')})`,
        );
      }
    }
  }
  if (NEEDS_VALUE.has(aggregate) && field === undefined && constants === undefined) {
    const needs = TAKES_CONSTANTS.has(aggregate) ? 'a field (or a value per event type)' : 'a numeric field';
    report(at, 'FEATURE_MISSING_FIELD', `${aggregate} needs ${needs} to fold`);
  }

  let unitMs = UNIT_MS.m!;
  if (spec.unit !== undefined) {
    if (aggregate !== 'timeSince') notApplicable('unit', 'only timeSince has a unit');
    else if (!TIME_UNITS.includes(spec.unit)) {
      report(`${at}/unit`, 'FEATURE_INVALID_UNIT', `"${spec.unit}" is not one of ${TIME_UNITS.join(', ')}`);
    } else unitMs = UNIT_MS[spec.unit]!;
  }

  // Window and buckets.
  let windowMs = Number.POSITIVE_INFINITY;
  if (spec.window !== undefined) {
    if (aggregate === 'timeSince')
      notApplicable('window', 'timeSince has no window: it is the time since the last event');
    else windowMs = positiveDuration(spec.window, `${at}/window`, report) ?? windowMs;
  }
  let bucketMs = Number.POSITIVE_INFINITY;
  let buckets = 1;
  if (!BUCKETED.has(aggregate)) {
    bucketMs = 0;
    if (spec.bucket !== undefined) notApplicable('bucket', `${aggregate} keeps its last event's time, not buckets`);
  } else if (spec.bucket !== undefined && spec.window === undefined) {
    notApplicable('bucket', 'a bucket needs a window');
  } else if (Number.isFinite(windowMs)) {
    const given = spec.bucket === undefined ? undefined : positiveDuration(spec.bucket, `${at}/bucket`, report);
    const bucket = spec.bucket === undefined ? defaultBucket(windowMs) : given;
    if (spec.bucket === undefined && bucket === undefined) {
      report(`${at}/window`, 'FEATURE_INVALID_BUCKET', `no default bucket splits ${spec.window} evenly; give a bucket`);
    } else if (bucket !== undefined) {
      if (bucket > windowMs || windowMs % bucket !== 0) {
        report(
          `${at}/bucket`,
          'FEATURE_INVALID_BUCKET',
          `${spec.bucket} does not divide the ${spec.window} window evenly`,
        );
      } else if (windowMs / bucket > MAX_BUCKETS) {
        report(
          `${at}/bucket`,
          'FEATURE_INVALID_BUCKET',
          `${spec.bucket} splits ${spec.window} into ${windowMs / bucket} buckets; at most ${MAX_BUCKETS}`,
        );
      } else {
        bucketMs = bucket;
        buckets = windowMs / bucket;
      }
    }
  }

  return Object.freeze({
    name: spec.name,
    aggregate,
    events: Object.freeze(events),
    field: field && Object.freeze(field),
    constants,
    windowMs,
    bucketMs,
    buckets,
    unitMs,
    tag: stateTag(aggregate, bucketMs),
  });
}

function boundMs(text: string, path: string, fallback: number, report: Report): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    report(path, 'FEATURE_INVALID_DURATION', `"${text}" is not a duration like 30m or 1h (at most 100 years)`);
    return fallback;
  }
  return ms;
}

function positiveDuration(text: string, path: string, report: Report): number | undefined {
  const ms = parseDuration(text);
  if (ms === undefined || ms === 0) {
    report(
      path,
      'FEATURE_INVALID_DURATION',
      `"${text}" is not a duration above zero like 24h or 90d (at most 100 years)`,
    );
    return undefined;
  }
  return ms;
}
