// A small ONNX writer on top of onnx-proto: graphs, initializers, nodes, opset imports and value infos, as bytes.
import onnxProto from 'onnx-proto';

/** The generated onnx-proto namespace (ModelProto, GraphProto, TensorProto, ...). */
export const onnx = onnxProto.onnx;

/** ONNX tensor element types (TensorProto.DataType) used by Arbiter's models and tests. */
export const ElemType = {
  FLOAT: 1,
  INT64: 7,
  STRING: 8,
  DOUBLE: 11,
} as const;

/** A dimension: a fixed size, or a symbolic name (for example 'N' for the batch). */
export type Dim = number | string;

/** The default opset: ONNX 15 is the newest onnx-proto 8 describes, and every onnxruntime since 1.10 runs it. */
export const DEFAULT_OPSET = 15;
/** IR version 8 matches opset 15 (ONNX 1.10). */
export const DEFAULT_IR_VERSION = 8;

function shapeProto(dims: readonly Dim[]): onnxProto.onnx.ITensorShapeProto {
  return { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
}

/** A graph input or output that is a tensor of `elemType` with the given shape. */
export function tensorValueInfo(name: string, elemType: number, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: shapeProto(dims) } } };
}

/** A graph output that is a sequence of maps, the shape sklearn-onnx's ZipMap produces (seq(map(int64, float))). */
export function mapSequenceValueInfo(
  name: string,
  keyType: number = ElemType.INT64,
  valueType: number = ElemType.FLOAT,
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { sequenceType: { elemType: { mapType: { keyType, valueType: { tensorType: { elemType: valueType } } } } } },
  };
}

/** A float32 initializer (a weight), stored as little-endian raw bytes so the file stays small and byte-stable. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): onnxProto.onnx.ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new Error(
      `initializer ${name}: ${values.length} values for dims [${dims.join(', ')}] (expected ${expected})`,
    );
  }
  const f32 = Float32Array.from(values);
  const raw = new Uint8Array(f32.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < f32.length; i++) view.setFloat32(i * 4, f32[i]!, true);
  return { name, dims: [...dims], dataType: ElemType.FLOAT, rawData: raw };
}

/** An int64 initializer (for shapes and indices). */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): onnxProto.onnx.ITensorProto {
  return { name, dims: [...dims], dataType: ElemType.INT64, int64Data: [...values] };
}

/** Node attribute values, tagged so an int is never mistaken for a float. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] };

const AttributeType = onnxProto.onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

function attributeProto(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('string' in value) return { name, type: AttributeType.STRING, s: utf8.encode(value.string) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.STRINGS, strings: value.strings.map((s) => utf8.encode(s)) };
}

/** One operator node, e.g. `node('Gemm', ['x', 'W', 'b'], ['h'], { transB: { int: 0 } })`. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> = {},
  options: { readonly name?: string; readonly domain?: string } = {},
): onnxProto.onnx.INodeProto {
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: options.name ?? `${opType}_${outputs[0] ?? ''}`,
    domain: options.domain ?? '',
    attribute: Object.entries(attributes).map(([k, v]) => attributeProto(k, v)),
  };
}

/** What `buildModel` needs; `opsets` defaults to the standard domain at DEFAULT_OPSET. */
export interface ModelSpec {
  readonly graphName: string;
  readonly inputs: readonly onnxProto.onnx.IValueInfoProto[];
  readonly outputs: readonly onnxProto.onnx.IValueInfoProto[];
  readonly nodes: readonly onnxProto.onnx.INodeProto[];
  readonly initializers?: readonly onnxProto.onnx.ITensorProto[];
  readonly valueInfos?: readonly onnxProto.onnx.IValueInfoProto[];
  readonly opsets?: readonly { readonly domain: string; readonly version: number }[];
  readonly irVersion?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** Free-form key/value pairs stored in the model (ModelProto.metadata_props). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Serialises a model to ONNX bytes. Deterministic: the same spec always gives the same bytes.
 * @example
 * const bytes = buildModel({ graphName: 'g', inputs: [tensorValueInfo('x', ElemType.FLOAT, ['N', 2])],
 *   outputs: [tensorValueInfo('y', ElemType.FLOAT, ['N', 2])], nodes: [node('Sigmoid', ['x'], ['y'])] });
 */
export function buildModel(spec: ModelSpec): Uint8Array {
  const model: onnxProto.onnx.IModelProto = {
    irVersion: spec.irVersion ?? DEFAULT_IR_VERSION,
    producerName: spec.producerName ?? 'arbiter-onnx-builder',
    producerVersion: spec.producerVersion ?? '1',
    docString: spec.docString ?? '',
    opsetImport: (spec.opsets ?? [{ domain: '', version: DEFAULT_OPSET }]).map((o) => ({
      domain: o.domain,
      version: o.version,
    })),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      input: [...spec.inputs],
      output: [...spec.outputs],
      node: [...spec.nodes],
      initializer: [...(spec.initializers ?? [])],
      valueInfo: [...(spec.valueInfos ?? [])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Decodes ONNX bytes back into a ModelProto (for tests and tooling; throws on bytes that are not protobuf). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
