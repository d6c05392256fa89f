// Writes fitted MLP or logistic-regression weights as an ONNX graph: Gemm, Relu, Gemm, Sigmoid.
import { buildModel, ElemType, floatTensor, node, tensorValueInfo } from './onnx-builder.js';
import type { MlpWeights } from './train-mlp.js';

/** Graph names and metadata for `mlpToOnnx`. */
export interface MlpOnnxOptions {
  readonly graphName: string;
  readonly input: string;
  readonly output: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The network as ONNX bytes: input float32 [N, inputs], output float32 [N, 1] probabilities.
 * With no hidden units it is logistic regression: Gemm then Sigmoid.
 */
export function mlpToOnnx(weights: MlpWeights, options: MlpOnnxOptions): Uint8Array {
  const { inputs, hidden } = weights;
  const nodes = [];
  const initializers = [];
  if (hidden === 0) {
    initializers.push(floatTensor('W', [inputs, 1], weights.w2), floatTensor('B', [1], [weights.b2]));
    nodes.push(node('Gemm', [options.input, 'W', 'B'], ['logit']));
  } else {
    initializers.push(
      floatTensor('W1', [inputs, hidden], weights.w1),
      floatTensor('B1', [hidden], weights.b1),
      floatTensor('W2', [hidden, 1], weights.w2),
      floatTensor('B2', [1], [weights.b2]),
    );
    nodes.push(
      node('Gemm', [options.input, 'W1', 'B1'], ['hidden_linear']),
      node('Relu', ['hidden_linear'], ['hidden']),
      node('Gemm', ['hidden', 'W2', 'B2'], ['logit']),
    );
  }
  nodes.push(node('Sigmoid', ['logit'], [options.output]));
  return buildModel({
    graphName: options.graphName,
    inputs: [tensorValueInfo(options.input, ElemType.FLOAT, ['N', inputs])],
    outputs: [tensorValueInfo(options.output, ElemType.FLOAT, ['N', 1])],
    nodes,
    initializers,
    producerName: 'arbiter-models',
    ...(options.docString === undefined ? {} : { docString: options.docString }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  });
}
