// Small ONNX graphs (the layers of a logistic regression or an MLP) compiled into JavaScript over Float32Arrays, so
// scoring a decision's candidates costs microseconds in the decision's own turn instead of an onnxruntime run.
import onnxProto from 'onnx-proto';
import { errorMessage } from '../error-message.js';

const { onnx } = onnxProto;

/**
 * Above this many multiply-adds per row the graph is left to onnxruntime: its vectorised kernels win once the maths
 * outweighs the fixed cost of a run, and the generated code grows with the weights (see bench/README.md).
 */
export const MAX_COMPILED_MULTIPLY_ADDS = 8_192;

/** A graph compiled to JavaScript: `run` writes the output for `rows` rows of `input` (row-major [rows, width]). */
export interface CompiledGraph {
  /** Columns of the output ([N] counts as 1). */
  readonly outputWidth: number;
  /** The operators evaluated, in order (nodes that do not lead to the output are left out). */
  readonly ops: readonly string[];
  readonly multiplyAddsPerRow: number;
  /** The output, row-major [rows, outputWidth], in a fresh array. */
  run(input: Float32Array, rows: number): Float32Array;
}

/** A compiled graph, or why the graph is not compiled (it then runs on onnxruntime). */
export type GraphCompilation =
  | { readonly ok: true; readonly graph: CompiledGraph }
  | { readonly ok: false; readonly reason: string };

/** Where the graph's tensors are fed and read. */
export interface GraphIo {
  readonly input: string;
  readonly output: string;
  /** Columns of the input. */
  readonly width: number;
}

type Proto = onnxProto.onnx.IModelProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

const FLOAT = 1;
/** From opset 7 on, Add broadcasts numpy-style and Gemm's semantics are those compiled here. */
const MIN_OPSET = 7;

/** A constant: an initializer, float32 only. */
interface Constant {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** One evaluation step over the value buffers, for `rows` rows. */
type Step = (rows: number) => void;

/** A value computed per row: its column count and the buffer it lives in (regrown to the batch). */
interface RowValue {
  readonly columns: number;
  buffer: Float32Array;
}

class Unsupported extends Error {}

/** How a reason names a node: `Gemm node fc1`. */
const nodeLabel = (node: NodeProto) => `${node.opType} node ${node.name || '(unnamed)'}`;

function toNumber(value: number | { toNumber(): number } | null | undefined, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  return typeof value === 'number' ? value : value.toNumber();
}

function readConstant(tensor: TensorProto): Constant | string {
  const dims = (tensor.dims ?? []).map((d) => toNumber(d, 0));
  if (tensor.dataType !== FLOAT) return `initializer ${tensor.name} is not float32`;
  const size = dims.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    const raw = tensor.rawData;
    if (raw.byteLength % 4 !== 0) return `initializer ${tensor.name} holds ${raw.byteLength} bytes, not float32s`;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    data = new Float32Array(raw.byteLength / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
  } else {
    data = Float32Array.from(tensor.floatData ?? []);
  }
  if (data.length !== size)
    return `initializer ${tensor.name} holds ${data.length} values for dims [${dims.join(', ')}]`;
  return { dims, data };
}

function attribute(node: NodeProto, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name) ?? undefined;
}
function intAttribute(node: NodeProto, name: string, fallback: number): number {
  return toNumber(attribute(node, name)?.i, fallback);
}
function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a?.f === null || a?.f === undefined ? fallback : a.f;
}

/** The nodes the output depends on, in graph order (ONNX requires graphs to be topologically sorted). */
function nodesFor(nodes: readonly NodeProto[], output: string): NodeProto[] {
  const needed = new Set([output]);
  const kept: NodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const name of node.input ?? []) if (name) needed.add(name);
  }
  return kept.reverse();
}

/** What the compiler knows while walking the graph. */
class Builder {
  readonly values = new Map<string, RowValue>();
  readonly steps: Step[] = [];
  multiplyAdds = 0;

  constructor(
    readonly constants: ReadonlyMap<string, Constant>,
    /** Initializers that could not be read, with why. */
    readonly unreadable: ReadonlyMap<string, string>,
  ) {}

  row(name: string, node: NodeProto): RowValue {
    const value = this.values.get(name);
    if (value === undefined) {
      const what = this.constants.has(name) ? 'a constant where a batch is expected' : 'not computed before it';
      throw new Unsupported(`${nodeLabel(node)}: input ${name} is ${what}`);
    }
    return value;
  }

  constant(name: string, node: NodeProto): Constant {
    const value = this.constants.get(name);
    if (value === undefined) {
      const why = this.unreadable.get(name) ?? `input ${name} is not a float32 constant`;
      throw new Unsupported(`${nodeLabel(node)}: ${why}`);
    }
    return value;
  }

  define(node: NodeProto, columns: number): RowValue {
    const name = node.output?.[0];
    if (!name) throw new Unsupported(`${nodeLabel(node)} has no output`);
    const value: RowValue = { columns, buffer: new Float32Array(16 * columns) };
    this.values.set(name, value);
    return value;
  }
}

/** Grows a value's buffer to hold `rows` rows. */
function ensure(value: RowValue, rows: number): Float32Array {
  if (value.buffer.length < rows * value.columns) value.buffer = new Float32Array(rows * value.columns * 2);
  return value.buffer;
}

/** A linear layer's generated code: writes `rows` rows of output `o` from input `a`. */
type LinearKernel = (a: Float32Array, o: Float32Array, rows: number) => void;

/** A weight as a JavaScript number literal (finite numbers only reach here). */
const literal = (value: number) => (Object.is(value, -0) ? '0' : String(value));

/**
 * x [rows, K] times a constant matrix, plus a bias per output column (Gemm with transA 0, MatMul), as generated
 * JavaScript: each row's inputs in locals, each output one sum with the weights as number literals, zero weights
 * left out. About 3x faster than the same sums as loops over weight arrays (see bench/README.md); only numbers
 * enter the source.
 */
function linear(b: Builder, node: NodeProto, x: RowValue, weights: Float64Array, bias: Float64Array, n: number): void {
  const k = x.columns;
  b.multiplyAdds += k * n;
  if (b.multiplyAdds > MAX_COMPILED_MULTIPLY_ADDS) {
    throw new Unsupported(
      `more than ${MAX_COMPILED_MULTIPLY_ADDS} multiply-adds a row, where onnxruntime's kernels win`,
    );
  }
  for (const value of [...weights, ...bias]) {
    if (!Number.isFinite(value)) throw new Unsupported(`${node.opType}: a weight or bias that is ${value}`);
  }
  const lines = ['for (let r = 0; r < rows; r++) {', `  const ar = r * ${k};`, `  const or = r * ${n};`];
  for (let i = 0; i < k; i++) lines.push(`  const x${i} = a[ar + ${i}];`);
  for (let j = 0; j < n; j++) {
    const terms = [literal(bias[j]!)];
    for (let i = 0; i < k; i++) {
      const w = weights[i * n + j]!;
      if (w !== 0) terms.push(`x${i} * ${literal(w)}`);
    }
    lines.push(`  o[or + ${j}] = ${terms.join(' + ')};`);
  }
  lines.push('}');
  const kernel = new Function('a', 'o', 'rows', lines.join('\n')) as LinearKernel;
  const out = b.define(node, n);
  b.steps.push((rows) => kernel(x.buffer, ensure(out, rows), rows));
}

/** A constant matrix as weights by input row ([k][n], contiguous per row), scaled. */
function byRow(m: Constant, transposed: boolean, scale: number): { weights: Float64Array; k: number; n: number } {
  if (m.dims.length !== 2) throw new Unsupported(`a weight matrix of rank ${m.dims.length}`);
  const [rows, cols] = m.dims as [number, number];
  const k = transposed ? cols : rows;
  const n = transposed ? rows : cols;
  const weights = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) weights[i * n + j] = scale * m.data[transposed ? j * cols + i : i * cols + j]!;
  }
  return { weights, k, n };
}

/** A constant broadcast along rows to `n` columns: shape [], [1], [n], [1, 1] or [1, n]. */
function rowBroadcast(c: Constant, n: number, scale: number, what: string): Float64Array {
  const size = c.data.length;
  const rowShaped = c.dims.length <= 1 || (c.dims.length === 2 && c.dims[0] === 1);
  if (!rowShaped || (size !== 1 && size !== n)) {
    throw new Unsupported(`${what} of shape [${c.dims.join(', ')}] does not broadcast along rows to ${n} columns`);
  }
  return Float64Array.from({ length: n }, (_, j) => scale * c.data[size === 1 ? 0 : j]!);
}

function gemm(b: Builder, node: NodeProto): void {
  const [aName, bName, cName] = node.input ?? [];
  if (intAttribute(node, 'transA', 0) !== 0) throw new Unsupported('Gemm with transA');
  const x = b.row(aName!, node);
  const { weights, k, n } = byRow(
    b.constant(bName!, node),
    intAttribute(node, 'transB', 0) !== 0,
    floatAttribute(node, 'alpha', 1),
  );
  if (k !== x.columns) throw new Unsupported(`Gemm: ${x.columns} input columns against weights for ${k}`);
  const beta = floatAttribute(node, 'beta', 1);
  const bias = cName ? rowBroadcast(b.constant(cName, node), n, beta, 'Gemm C') : new Float64Array(n);
  linear(b, node, x, weights, bias, n);
}

function matMul(b: Builder, node: NodeProto): void {
  const [aName, bName] = node.input ?? [];
  const x = b.row(aName!, node);
  const { weights, k, n } = byRow(b.constant(bName!, node), false, 1);
  if (k !== x.columns) throw new Unsupported(`MatMul: ${x.columns} input columns against weights for ${k}`);
  linear(b, node, x, weights, new Float64Array(n), n);
}

function add(b: Builder, node: NodeProto): void {
  const [left, right] = node.input ?? [];
  const rowSide = b.values.has(left!) ? left! : right!;
  const otherSide = rowSide === left ? right! : left!;
  const x = b.row(rowSide, node);
  const n = x.columns;
  const y = b.values.get(otherSide);
  const out = b.define(node, n);
  if (y !== undefined) {
    if (y.columns !== n) throw new Unsupported(`Add of ${n} and ${y.columns} columns`);
    b.steps.push((rows) => {
      const o = ensure(out, rows);
      const p = x.buffer;
      const q = y.buffer;
      for (let i = 0; i < rows * n; i++) o[i] = p[i]! + q[i]!;
    });
    return;
  }
  const bias = rowBroadcast(b.constant(otherSide, node), n, 1, 'Add constant');
  b.steps.push((rows) => {
    const o = ensure(out, rows);
    const p = x.buffer;
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) o[r * n + j] = p[r * n + j]! + bias[j]!;
  });
}

function elementwise(b: Builder, node: NodeProto, f: (v: number) => number): void {
  const x = b.row(node.input?.[0] ?? '', node);
  const out = b.define(node, x.columns);
  b.steps.push((rows) => {
    const o = ensure(out, rows);
    const p = x.buffer;
    for (let i = 0; i < rows * x.columns; i++) o[i] = f(p[i]!);
  });
}

function softmax(b: Builder, node: NodeProto): void {
  const axis = intAttribute(node, 'axis', -1);
  if (axis !== 1 && axis !== -1) throw new Unsupported(`Softmax over axis ${axis}`);
  const x = b.row(node.input?.[0] ?? '', node);
  const n = x.columns;
  const out = b.define(node, n);
  b.steps.push((rows) => {
    const o = ensure(out, rows);
    const p = x.buffer;
    for (let r = 0; r < rows; r++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < n; j++) max = Math.max(max, p[r * n + j]!);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(p[r * n + j]! - max);
      for (let j = 0; j < n; j++) o[r * n + j] = Math.exp(p[r * n + j]! - max) / sum;
    }
  });
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const relu = (v: number) => Math.max(v, 0);

function identity(b: Builder, node: NodeProto): void {
  const name = node.output?.[0];
  if (!name) throw new Unsupported('Identity node without output');
  b.values.set(name, b.row(node.input?.[0] ?? '', node));
}

/** One compiler per operator of COMPILED_OPS. */
const COMPILERS: Readonly<Record<string, (b: Builder, node: NodeProto) => void>> = {
  Gemm: gemm,
  MatMul: matMul,
  Add: add,
  Relu: (b, node) => elementwise(b, node, relu),
  Sigmoid: (b, node) => elementwise(b, node, sigmoid),
  Tanh: (b, node) => elementwise(b, node, Math.tanh),
  Softmax: softmax,
  Identity: identity,
};

/** The operators `compileOnnxGraph` compiles (default ONNX domain, 2-D tensors [N, columns]). */
export const COMPILED_OPS: readonly string[] = Object.keys(COMPILERS);

function compileNode(b: Builder, node: NodeProto): void {
  const compile = node.domain && node.domain !== 'ai.onnx' ? undefined : COMPILERS[node.opType ?? ''];
  if (compile === undefined) {
    const op = node.domain ? `${node.domain}.${node.opType}` : node.opType;
    throw new Unsupported(`operator ${op} (node ${node.name || '(unnamed)'})`);
  }
  compile(b, node);
}

/**
 * Compiles the part of an ONNX graph that leads from `io.input` to `io.output`, when every node on it is one of
 * COMPILED_OPS over 2-D float32 tensors with constant, finite weights. Values are float32 between nodes, as in
 * onnxruntime; each dot product is summed in float64. Never throws: an unsupported graph gives the reason.
 * @example const compiled = compileOnnxGraph(bytes, { input: 'features', output: 'propensity', width: 34 });
 */
export function compileOnnxGraph(bytes: Uint8Array, io: GraphIo): GraphCompilation {
  let model: Proto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    return { ok: false, reason: `the file could not be decoded (${errorMessage(error)})` };
  }
  const graph = model.graph;
  if (!graph) return { ok: false, reason: 'the file has no graph' };
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (toNumber(opset?.version, 0) < MIN_OPSET) {
    return {
      ok: false,
      reason: `opset ${toNumber(opset?.version, 0)} (Add broadcasts by attribute before opset ${MIN_OPSET})`,
    };
  }
  const constants = new Map<string, Constant>();
  const unreadable = new Map<string, string>();
  for (const tensor of graph.initializer ?? []) {
    const constant = readConstant(tensor);
    if (typeof constant === 'string') unreadable.set(tensor.name ?? '', constant);
    else constants.set(tensor.name ?? '', constant);
  }
  const builder = new Builder(constants, unreadable);
  builder.values.set(io.input, { columns: io.width, buffer: new Float32Array(0) });
  const input = builder.values.get(io.input)!;
  const nodes = nodesFor(graph.node ?? [], io.output);
  try {
    for (const node of nodes) compileNode(builder, node);
  } catch (error) {
    // Anything else (code generation refused by the process, say) leaves the model on onnxruntime too.
    const reason = error instanceof Unsupported ? error.message : `the compiler failed: ${String(error)}`;
    return { ok: false, reason };
  }
  const output = builder.values.get(io.output);
  if (output === undefined || output === input) {
    return { ok: false, reason: `the output ${io.output} is not computed from the input ${io.input}` };
  }
  const steps = builder.steps;
  const width = output.columns;
  return {
    ok: true,
    graph: {
      outputWidth: width,
      ops: nodes.map((n) => n.opType ?? ''),
      multiplyAddsPerRow: builder.multiplyAdds,
      run(data: Float32Array, rows: number): Float32Array {
        input.buffer = data;
        for (const step of steps) step(rows);
        input.buffer = EMPTY; // the caller's buffer is not kept
        return output.buffer.slice(0, rows * width);
      },
    },
  };
}

const EMPTY = new Float32Array(0);
