// Load-time checks of an ONNX session's inputs and outputs against a manifest, so a bad model never reaches decide().
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelLoadError } from './model-errors.js';
import type { ModelManifest } from './model-manifest.js';

/** The subset of a session these checks read (names always; metadata where the runtime provides it). */
export interface SessionSignature {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata?: readonly InferenceSession.ValueMetadata[];
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `"${n}"`).join(', ');
}

function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? d : d || '?')).join(', ')}]`;
}

/**
 * Checks the declared input and output against the manifest: names exist, the input is float32 [N, F] with a
 * dynamic batch dimension, the output is a float32 tensor of rank 1 or 2 that has `outputColumn`.
 * Dimensions the graph leaves unknown are confirmed later by a trial run (`checkTrialOutput`).
 */
export function checkSessionSignature(manifest: ModelManifest, width: number, session: SessionSignature): void {
  const model = manifest.id;
  const { input, output } = manifest;
  const outputColumn = manifest.outputColumn ?? 0;

  if (!session.inputNames.includes(input)) {
    throw new ModelLoadError('MODEL_INPUT_MISSING', { model, input, available: list(session.inputNames) });
  }
  if (session.inputNames.length > 1) {
    const reason = `the graph has ${session.inputNames.length} inputs (${list(session.inputNames)}); Arbiter feeds exactly one`;
    throw new ModelLoadError('MODEL_INPUT_MISMATCH', { model, input, reason });
  }
  const inMeta = session.inputMetadata?.find((m) => m.name === input);
  if (inMeta !== undefined) {
    const mismatch = (reason: string) => new ModelLoadError('MODEL_INPUT_MISMATCH', { model, input, reason });
    if (!inMeta.isTensor) throw mismatch(`it is not a tensor; expected float32 [N, ${width}]`);
    if (inMeta.type !== 'float32') throw mismatch(`its type is ${inMeta.type}; expected float32 [N, ${width}]`);
    const shape = inMeta.shape;
    if (shape.length !== 0 && shape.length !== 2) {
      throw mismatch(`its shape is ${shapeText(shape)}; expected [N, ${width}]`);
    }
    if (typeof shape[0] === 'number') {
      throw mismatch(
        `its batch dimension is fixed at ${shape[0]}; export it as a dynamic dimension ('N') so every candidate ` +
          'is scored in one run',
      );
    }
    if (typeof shape[1] === 'number' && shape[1] !== width) {
      throw mismatch(`it has ${shape[1]} columns; the manifest's features encode to ${width} columns`);
    }
  }

  if (!session.outputNames.includes(output)) {
    throw new ModelLoadError('MODEL_OUTPUT_MISSING', { model, output, available: list(session.outputNames) });
  }
  const outMeta = session.outputMetadata?.find((m) => m.name === output);
  if (outMeta === undefined) return;
  if (!outMeta.isTensor) {
    const tensors = (session.outputMetadata ?? []).filter((m) => m.isTensor).map((m) => m.name);
    throw new ModelLoadError('MODEL_OUTPUT_NOT_TENSOR', { model, output, tensors: list(tensors) });
  }
  const mismatch = (reason: string) => new ModelLoadError('MODEL_OUTPUT_MISMATCH', { model, output, reason });
  if (outMeta.type !== 'float32') {
    throw mismatch(`its type is ${outMeta.type}; expected a float32 probability (a label output is not a propensity)`);
  }
  const shape = outMeta.shape;
  if (shape.length > 2) throw mismatch(`its shape is ${shapeText(shape)}; expected [N], [N, 1] or [N, K]`);
  if (shape.length === 1 && outputColumn > 0) throw mismatch(`it is [N] but outputColumn is ${outputColumn}`);
  if (shape.length === 2 && typeof shape[1] === 'number' && outputColumn >= shape[1]) {
    throw mismatch(`it has ${shape[1]} columns but outputColumn is ${outputColumn}`);
  }
}

/**
 * Checks what a trial run over `rows` rows returned: a float32 tensor of [rows] or [rows, K > outputColumn],
 * every value a probability. Returns K, the output's row stride.
 */
export function checkTrialOutput(manifest: ModelManifest, rows: number, tensor: Tensor): number {
  const model = manifest.id;
  const output = manifest.output;
  const outputColumn = manifest.outputColumn ?? 0;
  const mismatch = (reason: string) => new ModelLoadError('MODEL_OUTPUT_MISMATCH', { model, output, reason });
  const dims = tensor.dims;
  if (tensor.type !== 'float32') throw mismatch(`a trial run returned ${tensor.type}; expected float32`);
  if (dims[0] !== rows || dims.length > 2) {
    throw mismatch(`a trial run over ${rows} rows returned shape ${shapeText(dims)}; expected [${rows}, K]`);
  }
  const stride = dims.length === 2 ? dims[1]! : 1;
  if (outputColumn >= stride) throw mismatch(`it has ${stride} columns but outputColumn is ${outputColumn}`);
  const data = tensor.data as Float32Array;
  for (let r = 0; r < rows; r++) {
    const p = data[r * stride + outputColumn]!;
    if (!(p >= 0 && p <= 1)) {
      throw mismatch(
        `a trial run returned ${p}, not a probability in 0..1 (does the graph end in Sigmoid or Softmax?)`,
      );
    }
  }
  return stride;
}
