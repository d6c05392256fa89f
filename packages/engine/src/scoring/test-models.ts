// Test fixtures: small ONNX models built in code, well-formed and deliberately broken, with their manifests.
import {
  buildModel,
  ElemType,
  floatTensor,
  int64Tensor,
  mapSequenceValueInfo,
  node,
  tensorValueInfo,
} from '../../../../models/onnx-builder.js';
import type { ModelManifest } from './model-manifest.js';

/** Three features encoding to width 4: tenure (numeric), roamingNow (boolean), action issue (2 categories). */
export const TINY_MANIFEST: ModelManifest = {
  id: 'tiny',
  file: 'tiny.onnx',
  input: 'features',
  output: 'propensity',
  features: [
    { source: 'profile', name: 'tenureMonths', type: 'numeric', default: 0, scale: 0.1 },
    { source: 'profile', name: 'roamingNow', type: 'boolean', default: 0 },
    { source: 'action', name: 'issue', type: 'categorical', categories: ['Roaming', 'Growth'] },
  ],
};

/** The tiny model's logistic-regression weights, so tests can compute expected scores by hand. */
export const TINY_WEIGHTS = { w: [0.5, 2, 1, -1], b: -1 } as const;

/** sigmoid(x . TINY_WEIGHTS.w + b), in float64. */
export function tinyExpected(row: readonly number[]): number {
  let z: number = TINY_WEIGHTS.b;
  row.forEach((x, i) => {
    z += x * TINY_WEIGHTS.w[i]!;
  });
  return 1 / (1 + Math.exp(-z));
}

interface LogisticOptions {
  readonly input?: string;
  readonly output?: string;
  readonly inputDims?: readonly (number | string)[];
  readonly width?: number;
  readonly inputType?: number;
  /** Leave out the final Sigmoid, so the output is a logit (not a probability). */
  readonly logits?: boolean;
  /** A first node that makes the input fit Gemm: Cast (for a double input) or Flatten (for a rank-3 input). */
  readonly adapt?: 'Cast' | 'Flatten';
}

/** Logistic regression over `width` columns: Gemm then Sigmoid, [N, width] -> [N, 1]. */
export function logisticModel(options: LogisticOptions = {}): Uint8Array {
  const width = options.width ?? 4;
  const input = options.input ?? 'features';
  const output = options.output ?? 'propensity';
  const w = Array.from({ length: width }, (_, i) => TINY_WEIGHTS.w[i] ?? 0.1);
  const adapt =
    options.adapt === undefined
      ? []
      : [node(options.adapt, [input], ['x'], options.adapt === 'Cast' ? { to: { int: ElemType.FLOAT } } : {})];
  const x = options.adapt === undefined ? input : 'x';
  return buildModel({
    graphName: 'logistic',
    inputs: [tensorValueInfo(input, options.inputType ?? ElemType.FLOAT, options.inputDims ?? ['N', width])],
    outputs: [tensorValueInfo(output, ElemType.FLOAT, ['N', 1])],
    initializers: [floatTensor('W', [width, 1], w), floatTensor('B', [1], [TINY_WEIGHTS.b])],
    nodes: options.logits
      ? [...adapt, node('Gemm', [x, 'W', 'B'], [output])]
      : [...adapt, node('Gemm', [x, 'W', 'B'], ['logit']), node('Sigmoid', ['logit'], [output])],
  });
}

/**
 * A sklearn-onnx style classifier: `label` (int64 [N]), `probabilities` as a float tensor [N, 2] and
 * `output_probability` as a ZipMap (a sequence of maps), the output sklearn-onnx gives by default.
 */
export function classifierWithZipMap(width = 4): Uint8Array {
  return buildModel({
    graphName: 'classifier',
    inputs: [tensorValueInfo('features', ElemType.FLOAT, ['N', width])],
    outputs: [
      tensorValueInfo('label', ElemType.INT64, ['N']),
      tensorValueInfo('probabilities', ElemType.FLOAT, ['N', 2]),
      mapSequenceValueInfo('output_probability'),
    ],
    initializers: [
      floatTensor(
        'W',
        [width, 2],
        Array.from({ length: width * 2 }, (_, i) => (i % 2 ? 0.3 : -0.3)),
      ),
      floatTensor('B', [2], [0, 0]),
    ],
    nodes: [
      node('Gemm', ['features', 'W', 'B'], ['scores']),
      node('Softmax', ['scores'], ['probabilities'], { axis: { int: 1 } }),
      node('ArgMax', ['probabilities'], ['label_2d'], { axis: { int: 1 }, keepdims: { int: 0 } }),
      node('Identity', ['label_2d'], ['label']),
      node(
        'ZipMap',
        ['probabilities'],
        ['output_probability'],
        { classlabels_int64s: { ints: [0, 1] } },
        { domain: 'ai.onnx.ml' },
      ),
    ],
    opsets: [
      { domain: '', version: 15 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
  });
}

/** A model whose output is its input's first column (Slice), to feed values outside 0..1 through scoring. */
export function passThroughModel(width = 4): Uint8Array {
  return buildModel({
    graphName: 'pass-through',
    inputs: [tensorValueInfo('features', ElemType.FLOAT, ['N', width])],
    outputs: [tensorValueInfo('propensity', ElemType.FLOAT, ['N', 1])],
    initializers: [floatTensor('W', [width, 1], [1, ...new Array(width - 1).fill(0)]), floatTensor('B', [1], [0])],
    nodes: [node('Gemm', ['features', 'W', 'B'], ['propensity'])],
  });
}

/** A model with two inputs (Arbiter feeds exactly one). */
export function twoInputModel(width = 4): Uint8Array {
  return buildModel({
    graphName: 'two-inputs',
    inputs: [
      tensorValueInfo('features', ElemType.FLOAT, ['N', width]),
      tensorValueInfo('extra', ElemType.FLOAT, ['N', width]),
    ],
    outputs: [tensorValueInfo('propensity', ElemType.FLOAT, ['N', width])],
    nodes: [node('Add', ['features', 'extra'], ['sum']), node('Sigmoid', ['sum'], ['propensity'])],
  });
}

/** A model whose output is rank 3 ([N, 1, 1]). */
export function rank3OutputModel(width = 4): Uint8Array {
  return buildModel({
    graphName: 'rank3',
    inputs: [tensorValueInfo('features', ElemType.FLOAT, ['N', width])],
    outputs: [tensorValueInfo('propensity', ElemType.FLOAT, ['N', 1, 1])],
    initializers: [
      floatTensor('W', [width, 1], new Array(width).fill(0.1)),
      floatTensor('B', [1], [0]),
      int64Tensor('axes', [1], [2]),
    ],
    nodes: [
      node('Gemm', ['features', 'W', 'B'], ['z']),
      node('Sigmoid', ['z'], ['p']),
      node('Unsqueeze', ['p', 'axes'], ['propensity']),
    ],
  });
}
