import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ElemType } from '../../../../models/onnx-builder.js';
import { type ModelErrorCode, ModelLoadError, modelErrors } from './model-errors.js';
import type { ModelManifest } from './model-manifest.js';
import { loadModel } from './onnx-model.js';
import { classifierWithZipMap, logisticModel, rank3OutputModel, TINY_MANIFEST, twoInputModel } from './test-models.js';

async function loadError(bytes: Uint8Array, manifest: ModelManifest = TINY_MANIFEST): Promise<ModelLoadError> {
  try {
    const model = await loadModel(manifest, bytes);
    await model.release();
  } catch (error) {
    if (error instanceof ModelLoadError) return error;
    throw error;
  }
  throw new Error('expected the load to fail');
}

async function expectLoadError(bytes: Uint8Array, code: ModelErrorCode, message: RegExp, manifest = TINY_MANIFEST) {
  const error = await loadError(bytes, manifest);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).toContain(`model ${manifest.id}:`);
  return error;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('model load-time checks', () => {
  it('refuses bytes that are not an ONNX model', async () => {
    const garbage = new TextEncoder().encode('this is not a protobuf, just text pretending to be a model');
    const error = await expectLoadError(garbage, 'MODEL_FILE_INVALID', /not a valid ONNX model/);
    expect(error.field).toBe('file');
    await expectLoadError(new Uint8Array(0), 'MODEL_FILE_INVALID', /empty/);
  });

  it('checks the sha256 when the manifest gives one', async () => {
    const bytes = logisticModel();
    const wrong = { ...TINY_MANIFEST, sha256: '0'.repeat(64) };
    const error = await expectLoadError(bytes, 'MODEL_SHA256_MISMATCH', new RegExp(sha256(bytes)), wrong);
    expect(error.field).toBe('sha256');
    const model = await loadModel({ ...TINY_MANIFEST, sha256: sha256(bytes) }, bytes);
    await model.release();
  });

  it('refuses a manifest input name the graph does not have', async () => {
    const error = await expectLoadError(
      logisticModel({ input: 'x' }),
      'MODEL_INPUT_MISSING',
      /no input named "features" \(it has: "x"\)/,
    );
    expect(error.field).toBe('input');
  });

  it('refuses an input whose fixed width differs from the encoded feature count', async () => {
    await expectLoadError(
      logisticModel({ width: 5 }),
      'MODEL_INPUT_MISMATCH',
      /5 columns; the manifest's features encode to 4/,
    );
  });

  it('refuses a symbolic width that the graph cannot run at the encoded feature count', async () => {
    const bytes = logisticModel({ width: 5, inputDims: ['N', 'F'] });
    await expectLoadError(bytes, 'MODEL_INPUT_MISMATCH', /trial run with a \[2, 4\] batch failed/);
  });

  it('refuses a fixed batch dimension, which would forbid one run per decision', async () => {
    await expectLoadError(
      logisticModel({ inputDims: [1, 4] }),
      'MODEL_INPUT_MISMATCH',
      /batch dimension is fixed at 1/,
    );
  });

  it('refuses an input of another rank or type', async () => {
    await expectLoadError(
      logisticModel({ inputDims: ['N', 2, 2], adapt: 'Flatten' }),
      'MODEL_INPUT_MISMATCH',
      /shape is \[N, 2, 2\]/,
    );
    await expectLoadError(
      logisticModel({ inputType: ElemType.DOUBLE, adapt: 'Cast' }),
      'MODEL_INPUT_MISMATCH',
      /type is float64/,
    );
  });

  it('refuses a graph with more than one input', async () => {
    await expectLoadError(twoInputModel(), 'MODEL_INPUT_MISMATCH', /2 inputs .*feeds exactly one/);
  });

  it('refuses a manifest output name the graph does not have', async () => {
    const error = await expectLoadError(
      logisticModel({ output: 'score' }),
      'MODEL_OUTPUT_MISSING',
      /no output named "propensity" \(it has: "score"\)/,
    );
    expect(error.field).toBe('output');
  });

  it('refuses a ZipMap output and says how to export without it', async () => {
    const manifest = { ...TINY_MANIFEST, output: 'output_probability' };
    const error = await expectLoadError(classifierWithZipMap(), 'MODEL_OUTPUT_NOT_TENSOR', /zipmap": False/, manifest);
    expect(error.message).toContain('Tensor outputs: "label", "probabilities"');
  });

  it('refuses a label output (int64 is not a propensity)', async () => {
    await expectLoadError(classifierWithZipMap(), 'MODEL_OUTPUT_MISMATCH', /int64/, {
      ...TINY_MANIFEST,
      output: 'label',
    });
  });

  it('refuses an outputColumn the output does not have', async () => {
    const manifest = { ...TINY_MANIFEST, output: 'probabilities', outputColumn: 2 };
    await expectLoadError(classifierWithZipMap(), 'MODEL_OUTPUT_MISMATCH', /2 columns but outputColumn is 2/, manifest);
  });

  it('refuses an output of rank 3', async () => {
    await expectLoadError(rank3OutputModel(), 'MODEL_OUTPUT_MISMATCH', /shape is \[N, 1, 1\]/);
  });

  it('refuses an output that is not a probability (a logit without Sigmoid)', async () => {
    await expectLoadError(logisticModel({ logits: true }), 'MODEL_OUTPUT_MISMATCH', /not a probability in 0\.\.1/);
  });

  it('documents every code it throws', () => {
    for (const code of Object.keys(modelErrors)) expect(modelErrors[code as ModelErrorCode]).toMatch(/\.$/);
  });
});
