import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { mlpToOnnx } from '../../../../models/mlp-onnx.js';
import {
  buildModel,
  ElemType,
  floatTensor,
  int64Tensor,
  node,
  tensorValueInfo,
} from '../../../../models/onnx-builder.js';
import { SeededRandom } from '../../../../models/seeded-random.js';
import { COMPILED_OPS, compileOnnxGraph, MAX_COMPILED_MULTIPLY_ADDS } from './compiled-graph.js';
import { COMPILED_TOLERANCE, checkRows } from './onnx-model.js';
import { classifierWithZipMap, logisticModel, rank3OutputModel, twoInputModel } from './test-models.js';

const seeded = new SeededRandom(7);
const random = () => seeded.next();
const values = (n: number, spread = 1) => Array.from({ length: n }, () => (random() * 2 - 1) * spread);

/** A graph over input x [N, width] and output y, from nodes and float32 initializers. */
function graph(
  width: number,
  outputColumns: number,
  nodes: ReturnType<typeof node>[],
  initializers: ReturnType<typeof floatTensor | typeof int64Tensor>[] = [],
  opset = 15,
): Uint8Array {
  return buildModel({
    graphName: 'test',
    inputs: [tensorValueInfo('x', ElemType.FLOAT, ['N', width])],
    outputs: [tensorValueInfo('y', ElemType.FLOAT, ['N', outputColumns])],
    nodes,
    initializers,
    opsets: [{ domain: '', version: opset }],
  });
}

function mlp(inputs: number, hidden: number): Uint8Array {
  return mlpToOnnx(
    {
      inputs,
      hidden,
      w1: Float32Array.from(values(inputs * hidden)),
      b1: Float32Array.from(values(hidden)),
      w2: Float32Array.from(values(hidden === 0 ? inputs : hidden)),
      b2: 0.3,
    },
    { graphName: 'mlp', input: 'x', output: 'y' },
  );
}

/** Rows with one-hot-like zeros and ones and scaled and unscaled numbers. */
function batch(rows: number, width: number): Float32Array {
  return Float32Array.from({ length: rows * width }, () => {
    const kind = random();
    return kind < 0.3 ? 0 : kind < 0.5 ? 1 : kind < 0.9 ? (random() * 2 - 1) * 3 : (random() * 2 - 1) * 40;
  });
}

/** The compiled graph's output and onnxruntime's for the same rows: the largest difference. */
async function worstAgainstOnnxruntime(bytes: Uint8Array, width: number, rows: number): Promise<number> {
  const compiled = compileOnnxGraph(bytes, { input: 'x', output: 'y', width });
  if (!compiled.ok) throw new Error(compiled.reason);
  const session = await InferenceSession.create(bytes);
  try {
    const input = batch(rows, width);
    const expected = (await session.run({ x: new Tensor('float32', input, [rows, width]) })).y!.data as Float32Array;
    const actual = compiled.graph.run(input, rows);
    expect(actual).toHaveLength(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    return worst;
  } finally {
    await session.release();
  }
}

const W = 6;
const cases: [string, Uint8Array, number][] = [
  ['an MLP (Gemm, Relu, Gemm, Sigmoid)', mlp(W, 8), W],
  ['a wide MLP (34 inputs, 32 hidden)', mlp(34, 32), 34],
  ['logistic regression (Gemm, Sigmoid)', mlp(W, 0), W],
  [
    'Gemm with transB, alpha, beta and a [1, n] bias, then Tanh',
    graph(
      W,
      3,
      [
        node('Gemm', ['x', 'B', 'C'], ['g'], { transB: { int: 1 }, alpha: { float: 0.5 }, beta: { float: 2 } }),
        node('Tanh', ['g'], ['y']),
      ],
      [floatTensor('B', [3, W], values(3 * W)), floatTensor('C', [1, 3], values(3))],
    ),
    W,
  ],
  [
    'MatMul, Add of a constant (either side), Add of two batches, Softmax',
    graph(
      W,
      4,
      [
        node('MatMul', ['x', 'M'], ['m']),
        node('Add', ['b', 'm'], ['a']),
        node('Relu', ['a'], ['r']),
        node('Add', ['a', 'r'], ['s']),
        node('Softmax', ['s'], ['y'], { axis: { int: 1 } }),
      ],
      [floatTensor('M', [W, 4], values(W * 4)), floatTensor('b', [4], values(4))],
    ),
    W,
  ],
  [
    'Gemm without bias, a scalar Add, Identity, Sigmoid',
    graph(
      W,
      2,
      [
        node('Gemm', ['x', 'B'], ['g']),
        node('Add', ['g', 'k'], ['a']),
        node('Identity', ['a'], ['i']),
        node('Sigmoid', ['i'], ['y']),
      ],
      [floatTensor('B', [W, 2], values(W * 2, 3)), floatTensor('k', [], [0.25])],
    ),
    W,
  ],
];

describe('compileOnnxGraph against onnxruntime (the oracle)', () => {
  for (const [name, bytes, width] of cases) {
    it(`${name}: the same outputs for batches of 1 to 200 rows`, async () => {
      for (const rows of [1, 5, 17, 200]) {
        expect(await worstAgainstOnnxruntime(bytes, width, rows)).toBeLessThanOrEqual(COMPILED_TOLERANCE);
      }
    });
  }

  it('the shipped offer-acceptance model, on the load check rows and on random batches', async () => {
    const bytes = readFileSync(new URL('../../../../models/offer-acceptance.onnx', import.meta.url));
    const compiled = compileOnnxGraph(bytes, { input: 'features', output: 'propensity', width: 34 });
    expect(compiled.ok && compiled.graph.ops).toEqual(['Gemm', 'Relu', 'Gemm', 'Sigmoid']);
    const session = await InferenceSession.create(bytes);
    for (const input of [checkRows(34, 64), batch(64, 34), batch(3, 34)]) {
      const rows = input.length / 34;
      const feeds = { features: new Tensor('float32', input, [rows, 34]) };
      const expected = (await session.run(feeds)).propensity!.data as Float32Array;
      const actual = compiled.ok ? compiled.graph.run(input, rows) : new Float32Array();
      for (let i = 0; i < rows; i++)
        expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(COMPILED_TOLERANCE);
    }
    await session.release();
  });

  it('compiles only the nodes the output needs (a classifier with ArgMax and ZipMap beside its probabilities)', () => {
    const compiled = compileOnnxGraph(classifierWithZipMap(), { input: 'features', output: 'probabilities', width: 4 });
    expect(compiled).toMatchObject({ ok: true, graph: { ops: ['Gemm', 'Softmax'], outputWidth: 2 } });
  });

  it('keeps no reference to the caller input and returns a fresh array each run', () => {
    const compiled = compileOnnxGraph(mlp(W, 4), { input: 'x', output: 'y', width: W });
    if (!compiled.ok) throw new Error(compiled.reason);
    const input = batch(3, W);
    const first = compiled.graph.run(input, 3);
    const copy = Float32Array.from(first);
    compiled.graph.run(batch(3, W), 3);
    expect(first).toEqual(copy);
    expect(compiled.graph.multiplyAddsPerRow).toBe(W * 4 + 4);
  });
});

describe('compileOnnxGraph leaves other graphs to onnxruntime, with the reason', () => {
  const x = { input: 'x', output: 'y', width: W };
  const reason = (bytes: Uint8Array, io = x) => {
    const compiled = compileOnnxGraph(bytes, io);
    return compiled.ok ? 'compiled' : compiled.reason;
  };

  it('an operator it does not compile', () => {
    expect(reason(rank3OutputModel(), { input: 'features', output: 'propensity', width: 4 })).toMatch(
      /operator Unsqueeze/,
    );
    expect(reason(logisticModel({ adapt: 'Cast' }), { input: 'features', output: 'propensity', width: 4 })).toMatch(
      /operator Cast/,
    );
    expect(reason(graph(W, W, [node('Exp', ['x'], ['y'])]))).toMatch(/operator Exp \(node Exp_y\)/);
    const custom = graph(W, W, [node('Relu', ['x'], ['y'], {}, { domain: 'com.example' })]);
    expect(reason(custom)).toMatch(/operator com\.example\.Relu/);
  });

  it('weights that are not constants, and constants where a batch belongs', () => {
    expect(reason(twoInputModel(), { input: 'features', output: 'propensity', width: 4 })).toMatch(
      /Add node Add_sum: input extra is not a float32 constant/,
    );
    const constantFirst = graph(W, W, [node('Gemm', ['B', 'x'], ['y'])], [floatTensor('B', [W, W], values(W * W))]);
    expect(reason(constantFirst)).toMatch(/input B is a constant where a batch is expected/);
  });

  it('shapes it does not handle: transA, a per-row bias, a rank-1 matrix, Softmax over rows', () => {
    const b = floatTensor('B', [W, 2], values(W * 2));
    expect(reason(graph(W, 2, [node('Gemm', ['x', 'B'], ['y'], { transA: { int: 1 } })], [b]))).toMatch(/transA/);
    const perRow = graph(W, 2, [node('Gemm', ['x', 'B', 'C'], ['y'])], [b, floatTensor('C', [3, 2], values(6))]);
    expect(reason(perRow)).toMatch(/Gemm C of shape \[3, 2\] does not broadcast along rows to 2 columns/);
    const vector = graph(W, 1, [node('MatMul', ['x', 'v'], ['y'])], [floatTensor('v', [W], values(W))]);
    expect(reason(vector)).toMatch(/rank 1/);
    expect(reason(graph(W, W, [node('Softmax', ['x'], ['y'], { axis: { int: 0 } })]))).toMatch(/Softmax over axis 0/);
    const mismatch = graph(W, 2, [node('MatMul', ['x', 'B'], ['y'])], [floatTensor('B', [W + 1, 2], values(14))]);
    expect(reason(mismatch)).toMatch(/6 input columns against weights for 7/);
    const infinite = graph(
      W,
      2,
      [node('MatMul', ['x', 'B'], ['y'])],
      [floatTensor('B', [W, 2], [Infinity, ...values(11)])],
    );
    expect(reason(infinite)).toMatch(/MatMul: a weight or bias that is Infinity/);
    const int64Weights = graph(
      W,
      2,
      [node('MatMul', ['x', 'B'], ['y'])],
      [int64Tensor('B', [W, 2], new Array(12).fill(1))],
    );
    expect(reason(int64Weights)).toMatch(/MatMul node MatMul_y: initializer B is not float32/);
  });

  it('an old opset, an output not computed from the input, a graph too large to win, bytes that are not ONNX', () => {
    expect(reason(graph(W, W, [node('Relu', ['x'], ['y'])], [], 6))).toMatch(/opset 6/);
    expect(reason(graph(W, W, [node('Identity', ['x'], ['y'])]))).toMatch(/not computed from the input/);
    const width = 64;
    const hidden = Math.ceil(MAX_COMPILED_MULTIPLY_ADDS / width) + 1;
    expect(reason(mlp(width, hidden), { input: 'x', output: 'y', width })).toMatch(
      /more than 8192 multiply-adds a row/,
    );
    expect(reason(new Uint8Array([0xff, 0xff, 0xff]))).toMatch(/could not be decoded|has no graph/);
  });

  it('a process that refuses code generation from strings: a reason, not a throw', () => {
    const module = fileURLToPath(new URL('./compiled-graph.ts', import.meta.url));
    const model = fileURLToPath(new URL('../../../../models/offer-acceptance.onnx', import.meta.url));
    const script =
      `import { readFileSync } from 'node:fs'; import { compileOnnxGraph } from ${JSON.stringify(module)};` +
      `const c = compileOnnxGraph(readFileSync(${JSON.stringify(model)}), { input: 'features', output: 'propensity', width: 34 });` +
      'console.log(JSON.stringify(c));';
    const args = ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script];
    const printed = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as unknown;
    expect(printed).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the compiler failed: EvalError: Code generation/),
    });
  });

  it('lists the operators it compiles', () => {
    expect(COMPILED_OPS).toEqual(['Gemm', 'MatMul', 'Add', 'Relu', 'Sigmoid', 'Tanh', 'Softmax', 'Identity']);
  });
});
