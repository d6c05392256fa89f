import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  decodeModel,
  ElemType,
  floatTensor,
  mapSequenceValueInfo,
  node,
  tensorValueInfo,
} from './onnx-builder.js';

const spec = {
  graphName: 'affine',
  inputs: [tensorValueInfo('x', ElemType.FLOAT, ['N', 2])],
  outputs: [tensorValueInfo('y', ElemType.FLOAT, ['N', 1])],
  initializers: [floatTensor('W', [2, 1], [0.5, -2]), floatTensor('B', [1], [0.25])],
  nodes: [node('Gemm', ['x', 'W', 'B'], ['y'], { alpha: { float: 1 }, transB: { int: 0 } })],
  metadata: { purpose: 'test' },
};

describe('onnx builder', () => {
  it('writes a model onnxruntime runs', async () => {
    const session = await InferenceSession.create(buildModel(spec));
    const result = await session.run({ x: new Tensor('float32', Float32Array.of(1, 1, 2, 0), [2, 2]) });
    expect([...(result.y!.data as Float32Array)]).toEqual([-1.25, 1.25]);
    await session.release();
  });

  it('writes the same bytes for the same spec', () => {
    expect(Buffer.from(buildModel(spec)).equals(Buffer.from(buildModel(spec)))).toBe(true);
  });

  it('round-trips graph, opsets, value infos and metadata through onnx-proto', () => {
    const model = decodeModel(buildModel(spec));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 15]]);
    expect(model.graph?.input?.[0]?.name).toBe('x');
    expect(model.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(
      ['N', 2],
    );
    expect(model.graph?.initializer?.map((t) => t.name)).toEqual(['W', 'B']);
    expect(model.metadataProps).toEqual([expect.objectContaining({ key: 'purpose', value: 'test' })]);
  });

  it('describes a sequence-of-maps output (ZipMap)', () => {
    const info = mapSequenceValueInfo('probs');
    expect(info.type?.sequenceType?.elemType?.mapType?.keyType).toBe(ElemType.INT64);
  });

  it('refuses an initializer whose values do not fill its dims', () => {
    expect(() => floatTensor('W', [2, 2], [1, 2, 3])).toThrow(/3 values for dims \[2, 2\]/);
  });
});
