// The model manifest schema: how profile, context and action attributes map into a model's input tensor columns.
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ModelLoadError } from './model-errors.js';

/**
 * Where a feature's value comes from:
 * - `profile`: a profile attribute (`tenureMonths`); a dotted name reads a nested field (`consent.sms`).
 * - `context`: `channel` is the decision's channel; any other name is a field of the request's context object
 *   (`page`, `event`, dotted names for nested fields). The decision's channel wins over a context field named channel.
 * - `action`: an action field, one of `id`, `issue`, `group`, `value`, `kind`, or `attributes.<name>`.
 *   Action columns are constant per action and computed once at load.
 */
export const FeatureSourceSchema = Type.Union(
  [Type.Literal('profile'), Type.Literal('context'), Type.Literal('action')],
  {
    description: 'where the value is read: profile attributes, the decision context, or the candidate action',
  },
);
export type FeatureSource = Static<typeof FeatureSourceSchema>;

const FeatureName = Type.String({
  minLength: 1,
  pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$',
  description: 'attribute name; dots read nested fields (consent.sms, attributes.price)',
});
const Description = Type.Optional(Type.String({ description: 'free text for analysts' }));

/**
 * One column: `value * scale + shift` when the value is a finite number, else `default * scale + shift`
 * (the default is in the attribute's own units, so `default: <mean>` imputes the mean).
 */
export const NumericFeatureSchema = Type.Object(
  {
    source: FeatureSourceSchema,
    name: FeatureName,
    type: Type.Literal('numeric'),
    default: Type.Optional(Type.Number({ default: 0, description: 'used when missing, null, NaN or not a number' })),
    scale: Type.Optional(Type.Number({ default: 1, description: 'multiplier applied to the value' })),
    shift: Type.Optional(Type.Number({ default: 0, description: 'added after scaling' })),
    description: Description,
  },
  { additionalProperties: false },
);

/** One column: 1 for true, 0 for false (the numbers 0 and 1 are accepted too), else `default`. */
export const BooleanFeatureSchema = Type.Object(
  {
    source: FeatureSourceSchema,
    name: FeatureName,
    type: Type.Literal('boolean'),
    default: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'used when missing or not a boolean' }),
    ),
    description: Description,
  },
  { additionalProperties: false },
);

/**
 * One column per category, in the order listed (one-hot). The value must be a string equal to a category;
 * a missing, unknown or non-string value sets every column of the feature to 0.
 */
export const CategoricalFeatureSchema = Type.Object(
  {
    source: FeatureSourceSchema,
    name: FeatureName,
    type: Type.Literal('categorical'),
    categories: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true }),
    description: Description,
  },
  { additionalProperties: false },
);

/** A feature: numeric, boolean or categorical. */
export const ModelFeatureSchema = Type.Union([NumericFeatureSchema, BooleanFeatureSchema, CategoricalFeatureSchema]);
export type NumericFeature = Static<typeof NumericFeatureSchema>;
export type BooleanFeature = Static<typeof BooleanFeatureSchema>;
export type CategoricalFeature = Static<typeof CategoricalFeatureSchema>;
export type ModelFeature = Static<typeof ModelFeatureSchema>;

/**
 * A propensity model: an ONNX file with one float32 input of shape [N, F] (F = the encoded width of `features`)
 * and one float32 output of shape [N], [N, 1] or [N, K], read at `outputColumn`, holding a probability in 0..1.
 */
export const ModelManifestSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9-]*$', description: 'kebab-case id actions refer to' }),
    file: Type.String({ minLength: 1, description: 'ONNX file, relative to the rules directory' }),
    sha256: Type.Optional(
      Type.String({ pattern: '^[a-f0-9]{64}$', description: 'lowercase hex sha256 of the file, checked at load' }),
    ),
    input: Type.String({ minLength: 1, description: 'input tensor name, float32 [N, F]' }),
    output: Type.String({ minLength: 1, description: 'output tensor name, float32 [N], [N, 1] or [N, K]' }),
    outputColumn: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 0,
        description: 'column of a [N, K] output holding the propensity (1 for a sklearn-onnx [N, 2] probabilities)',
      }),
    ),
    features: Type.Array(ModelFeatureSchema, { minItems: 1, description: 'in input tensor column order' }),
    runtime: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('onnxruntime')], {
        default: 'auto',
        description:
          'auto: a graph of Gemm, MatMul, Add, Relu, Sigmoid, Tanh, Softmax and Identity nodes is compiled to ' +
          'generated JavaScript, checked against onnxruntime at load; any other graph runs on onnxruntime. ' +
          'onnxruntime: always a session run',
      }),
    ),
    description: Description,
  },
  { additionalProperties: false },
);
export type ModelManifest = Static<typeof ModelManifestSchema>;

/** The models file (`rules/models.yaml`): a list of manifests. */
export const ModelsFileSchema = Type.Object(
  { models: Type.Array(ModelManifestSchema) },
  { additionalProperties: false },
);
export type ModelsFile = Static<typeof ModelsFileSchema>;

/** The action fields a feature with `source: action` may read (plus `attributes.<name>`). */
export const ACTION_FEATURE_FIELDS: readonly string[] = ['id', 'issue', 'group', 'value', 'kind'];

const FEATURE_SCHEMAS = {
  numeric: NumericFeatureSchema,
  boolean: BooleanFeatureSchema,
  categorical: CategoricalFeatureSchema,
} as const;

/** The first schema error, looking inside a feature by its `type` so the message is not just "expected union". */
function firstError(value: unknown): { path: string; message: string } | undefined {
  const features = (value as { features?: unknown } | null)?.features;
  if (Array.isArray(features)) {
    for (const [i, feature] of features.entries()) {
      const type = (feature as { type?: unknown } | null)?.type;
      const schema = FEATURE_SCHEMAS[type as keyof typeof FEATURE_SCHEMAS];
      if (schema === undefined) {
        return { path: `/features/${i}/type`, message: 'expected numeric, boolean or categorical' };
      }
      const error = Value.Errors(schema, feature).First();
      if (error !== undefined) return { path: `/features/${i}${error.path}`, message: error.message };
    }
  }
  const error = Value.Errors(ModelManifestSchema, value).First();
  return error && { path: error.path || '/', message: error.message };
}

/**
 * Checks an untrusted manifest (parsed YAML or JSON) against the schema and returns it with defaults applied.
 * Throws `ModelLoadError` MODEL_MANIFEST_INVALID naming the first bad path.
 * @example const manifest = parseModelManifest(YAML.parse(text).models[0]);
 */
export function parseModelManifest(value: unknown): ModelManifest {
  const error = firstError(value);
  if (error !== undefined) {
    const id = typeof value === 'object' && value !== null && 'id' in value ? String(value.id) : '?';
    throw new ModelLoadError('MODEL_MANIFEST_INVALID', { model: id, path: error.path, reason: error.message });
  }
  return Value.Default(ModelManifestSchema, Value.Clone(value)) as ModelManifest;
}
