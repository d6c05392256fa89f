// Codes for problems in features.yaml and for events a feature could not fold, as data for the errors catalogue.

/** Problems `compileFeatures` reports (as config problems on features.yaml), each with a path inside the file. */
export const featureProblems = {
  FEATURE_INVALID_NAME:
    'A feature name is not a fact name (a letter, then letters, digits or _), or is reserved (subscriberId, channel, context).',
  FEATURE_DUPLICATE_NAME: 'Two features share a name.',
  FEATURE_UNKNOWN_AGGREGATE: 'The aggregate is not one of count, sum, min, max, last, distinct, timeSince.',
  FEATURE_INVALID_DURATION:
    'A window, bucket, lateness or clockSkew is not a whole number with a unit (s, m, h, d, w), e.g. 90d; windows and buckets must be above zero.',
  FEATURE_INVALID_BUCKET:
    'The bucket is larger than the window, does not divide it evenly, or splits it into more than 1,000 buckets.',
  FEATURE_INVALID_FIELD: 'The field is not a dotted path of names (e.g. pct or location.country).',
  FEATURE_MISSING_FIELD:
    'The aggregate needs a value to fold: sum, min and max need a field; last and distinct a field or value.',
  FEATURE_OPTION_NOT_APPLICABLE:
    'An option the aggregate does not use (a field on count, a window on timeSince, a bucket on last, a bucket without a window).',
  FEATURE_UNKNOWN_EVENT: 'A value is given for an event type the feature does not fold.',
  FEATURE_INVALID_UNIT: 'The timeSince unit is not one of s, m, h, d.',
} as const;
export type FeatureProblemCode = keyof typeof featureProblems;

/** Why an accepted event did not change a feature it is declared for (`ingest` result `skipped[].reason`). */
export const featureSkipReasons = {
  FIELD_MISSING: "The event's data has no value at the feature's field.",
  FIELD_NOT_NUMBER:
    'A sum, min or max feature found a value at its field that is not a number, or one beyond ±2^53 (9,007,199,254,740,991).',
  FIELD_NOT_SCALAR:
    'A last or distinct feature found an object or a list at its field (only strings, numbers, booleans, null).',
  FIELD_TOO_LONG: 'A last or distinct feature found text longer than 128 characters at its field.',
  OUTSIDE_WINDOW: "The event's time is older than the feature's window, so it no longer counts toward it.",
} as const;
export type FeatureSkipReason = keyof typeof featureSkipReasons;
