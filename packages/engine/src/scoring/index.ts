// Propensity scoring with ONNX models: manifests, feature layouts, model loading and batched scoring.
export {
  compileFeatureLayout,
  type FeatureLayout,
  type ScoringAction,
  type ScoringContext,
  type ScoringFacts,
} from './feature-layout.js';
export {
  formatModelError,
  MODEL_ERROR_MESSAGES,
  type ModelErrorCode,
  type ModelErrorParams,
  ModelLoadError,
  modelErrors,
} from './model-errors.js';
export {
  ACTION_FEATURE_FIELDS,
  type BooleanFeature,
  BooleanFeatureSchema,
  type CategoricalFeature,
  CategoricalFeatureSchema,
  type FeatureSource,
  FeatureSourceSchema,
  type ModelFeature,
  ModelFeatureSchema,
  type ModelManifest,
  ModelManifestSchema,
  type ModelsFile,
  ModelsFileSchema,
  type NumericFeature,
  NumericFeatureSchema,
  parseModelManifest,
} from './model-manifest.js';
export { DEFAULT_SESSION_OPTIONS, type LoadModelOptions, loadModel } from './onnx-model.js';
export type { ActionFeatureDefault, ModelStats, PropensityModel } from './propensity-model.js';
