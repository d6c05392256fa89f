/**
 * @module @arbiter/engine — the pure decision core: config snapshots, compiled rules, contact policy,
 * ONNX scoring and arbitration, behind `createEngine().decide()`.
 */

export { type ScoreTerms, scoreTerms } from './arbitration/arbitrate.js';
export * from './campaigns/index.js';
export { hashString } from './collections/hash-string.js';
export { PackedSlots, StringTable } from './collections/packed-slots.js';
export { RecencyMap } from './collections/recency-map.js';
export type { ActionSpec, Treatment } from './config/actions-schema.js';
export { type BuildConfigOptions, buildConfig, type ConfigInput, type ConfigSource } from './config/build-config.js';
export { ConfigError, type ConfigProblem, formatProblems } from './config/config-problem.js';
export type { CompiledAction, ConfigSnapshot } from './config/config-snapshot.js';
export { type DecisionLog, InMemoryDecisionLog, type LoggedDecision } from './decision/decision-log.js';
export type {
  Decision,
  DecisionError,
  DecisionRequest,
  DecisionResult,
  FunnelEntry,
  FunnelStage,
  OutcomeRequest,
  OutcomeResult,
  RankedAction,
  StageTimings,
} from './decision/decision-types.js';
export type { Engine, EngineOptions } from './decision/engine.js';
export { createEngine } from './decision/engine.js';
export { errorMessage } from './error-message.js';
export { errorCatalogue } from './errors.js';
export { type ErrorSection, engineErrorSections, renderErrorsDoc } from './errors-doc.js';
export {
  DEFAULT_DEDUPE_IDS,
  type EventDedupe,
  type EventError,
  type EventErrorCode,
  type EventOptions,
  eventErrors,
  type IngestResult,
  type IngestSuccess,
  InMemoryEventDedupe,
  type SubscriberEvent,
  type SubscriberEventInput,
  type UnknownSubscriberPolicy,
  validateEvent,
} from './events/index.js';
export {
  type Aggregate,
  type CompiledFeature,
  computeFeatures,
  decisionFacts,
  FEATURE_STATE_KEY,
  type FeatureSet,
  type FeatureSpec,
  type FeatureState,
  type FeaturesFile,
  type FeatureValue,
  featureProblems,
  featureSkipReasons,
} from './features/index.js';
export {
  type CapSpec,
  type ContactHistory,
  type ContactRecord,
  firstCapReached,
  InMemoryContactHistory,
  ONCE_PER_DECISION,
  type Outcome,
  type ReserveResult,
} from './policy/index.js';
export { generatePopulation, generateProfile, type Profile, storyProfiles } from './population/index.js';
export * from './profiles/index.js';
export { compileCondition, compileRule, type Operator, type RuleFailure } from './rules/index.js';
export * from './triggers/index.js';
