// Public API of features: the features file, its checks and compiled set, folding events, values at a moment.
export { checkFeaturesFile } from './check-features-file.js';
export { compileFeatures, defaultBucket, type FeatureConfigProblem, MAX_BUCKETS } from './compile-features.js';
export { computeFeatures, decisionFacts, featureFacts } from './compute-features.js';
export {
  type FeatureProblemCode,
  type FeatureSkipReason,
  featureProblems,
  featureSkipReasons,
} from './feature-problems.js';
export {
  type CompiledFeature,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_LATENESS_MS,
  EMPTY_FEATURE_SET,
  type FeatureSet,
} from './feature-set.js';
export {
  FEATURE_STATE_KEY,
  type FeatureEvent,
  type FeatureState,
  type FoldResult,
  foldEvent,
  MAX_DISTINCT,
} from './feature-state.js';
export {
  AGGREGATES,
  type Aggregate,
  type FeatureSpec,
  type FeaturesFile,
  FeaturesFileSchema,
  type FeatureValue,
  type TimeUnit,
} from './features-schema.js';
