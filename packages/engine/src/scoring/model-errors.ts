// The catalogue of model load errors: codes as data, each with its meaning and message template; load time only.

/** What each code means (the engine's error catalogue and docs/errors.md list these). */
export const modelErrors = {
  MODEL_MANIFEST_INVALID: 'A model manifest is malformed, or an action feature reads a field actions do not have.',
  MODEL_FILE_INVALID: 'The model file is not a valid ONNX model (or onnxruntime cannot load it).',
  MODEL_SHA256_MISMATCH: "The model file's sha256 differs from the manifest's sha256.",
  MODEL_INPUT_MISSING: "The graph has no input with the manifest's input name.",
  MODEL_INPUT_MISMATCH:
    'The graph input is not float32 [N, F] with F the encoded feature count, or a trial run failed.',
  MODEL_OUTPUT_MISSING: "The graph has no output with the manifest's output name.",
  MODEL_OUTPUT_NOT_TENSOR: 'The output is a sequence or map (sklearn-onnx ZipMap), not a probability tensor.',
  MODEL_OUTPUT_MISMATCH: 'The output is not float32 [N], [N, 1] or [N, K] with outputColumn < K, or not in 0..1.',
} as const;

/** A model load error code. */
export type ModelErrorCode = keyof typeof modelErrors;

/** Message templates per code; `{name}` placeholders are filled from the error's params. */
export const MODEL_ERROR_MESSAGES: Readonly<Record<ModelErrorCode, string>> = {
  MODEL_MANIFEST_INVALID: 'model {model}: invalid manifest at {path}: {reason}',
  MODEL_FILE_INVALID: 'model {model}: the file is not a valid ONNX model onnxruntime can load ({reason})',
  MODEL_SHA256_MISMATCH: 'model {model}: sha256 of the file is {actual}, the manifest expects {expected}',
  MODEL_INPUT_MISSING: 'model {model}: the graph has no input named "{input}" (it has: {available})',
  MODEL_INPUT_MISMATCH: 'model {model}: input "{input}" is incompatible with the manifest ({reason})',
  MODEL_OUTPUT_MISSING: 'model {model}: the graph has no output named "{output}" (it has: {available})',
  MODEL_OUTPUT_NOT_TENSOR:
    'model {model}: output "{output}" is not a tensor but a sequence or map, like the ZipMap sklearn-onnx appends ' +
    'to classifiers. Export without it: convert_sklearn(model, ..., options={id(model): {"zipmap": False}}) gives ' +
    'a float tensor "probabilities" [N, 2]; name it as output with outputColumn: 1. Tensor outputs: {tensors}',
  MODEL_OUTPUT_MISMATCH: 'model {model}: output "{output}" is incompatible with the manifest ({reason})',
};

/** The manifest field each code points at, so a config problem can name the path. */
const FIELD: Readonly<Record<ModelErrorCode, string>> = {
  MODEL_MANIFEST_INVALID: 'features',
  MODEL_FILE_INVALID: 'file',
  MODEL_SHA256_MISMATCH: 'sha256',
  MODEL_INPUT_MISSING: 'input',
  MODEL_INPUT_MISMATCH: 'input',
  MODEL_OUTPUT_MISSING: 'output',
  MODEL_OUTPUT_NOT_TENSOR: 'output',
  MODEL_OUTPUT_MISMATCH: 'output',
};

/** Values substituted into a message template. */
export type ModelErrorParams = Readonly<Record<string, string | number>>;

/** Fills a template's `{name}` placeholders; an unknown placeholder is left as is, so a typo shows in the text. */
export function formatModelError(code: ModelErrorCode, params: ModelErrorParams): string {
  return MODEL_ERROR_MESSAGES[code].replace(/\{(\w+)\}/g, (whole, key: string) =>
    params[key] === undefined ? whole : String(params[key]),
  );
}

/** Thrown by `loadModel`, `parseModelManifest` and `compileFeatureLayout` when a model cannot be used. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  readonly code: ModelErrorCode;
  readonly params: ModelErrorParams;
  /** The top-level manifest field at fault (`file`, `sha256`, `input`, `output`, `features`, ...). */
  readonly field: string;
  /** JSON pointer inside the manifest, e.g. `/features/3/name` (equals `/field` when nothing finer is known). */
  readonly path: string;

  constructor(code: ModelErrorCode, params: ModelErrorParams, options?: { cause?: unknown }) {
    super(formatModelError(code, params), options);
    this.code = code;
    this.params = params;
    const path = typeof params.path === 'string' && params.path !== '' ? params.path : `/${FIELD[code]}`;
    this.path = path;
    this.field = path.split('/')[1] || FIELD[code];
  }
}
