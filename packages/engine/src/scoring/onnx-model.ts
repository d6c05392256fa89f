// Loads an ONNX propensity model into one onnxruntime session and scores a decision's candidates in one batched run.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { compileFeatureLayout, type FeatureLayout, type ScoringAction } from './feature-layout.js';
import { ModelLoadError } from './model-errors.js';
import type { ModelManifest } from './model-manifest.js';
import { checkSessionSignature, checkTrialOutput } from './model-signature.js';
import { createPropensityModel, type PropensityModel } from './propensity-model.js';

/**
 * Session options for small batched models on a busy box: one thread per session, because a [20, 30] MLP
 * finishes in microseconds and a thread pool hand-off costs more than the maths, and the node's cores are
 * better spent on concurrent decisions. Memory patterns are off because the batch size changes every run; the
 * arena is off because outputs are a few floats (measured 0.3 us a run faster, and no arena growth per model).
 * Errors only in the log (no warnings about unused initializers at every load).
 * Not frozen: onnxruntime-node wraps the options in a Proxy, which throws on a frozen object.
 */
export const DEFAULT_SESSION_OPTIONS: Readonly<InferenceSession.SessionOptions> = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  enableCpuMemArena: false,
  enableMemPattern: false,
  logSeverityLevel: 3,
};

/** Options for `loadModel`. */
export interface LoadModelOptions {
  /** The actions this model scores; `score()` takes indexes into this list. Default: none (bind later). */
  readonly actions?: readonly ScoringAction[];
  /** Overrides merged over DEFAULT_SESSION_OPTIONS. */
  readonly sessionOptions?: InferenceSession.SessionOptions;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function createSession(
  manifest: ModelManifest,
  bytes: Uint8Array,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  if (bytes.byteLength === 0) {
    throw new ModelLoadError('MODEL_FILE_INVALID', { model: manifest.id, reason: 'the file is empty' });
  }
  try {
    return await InferenceSession.create(bytes, options);
  } catch (error) {
    throw new ModelLoadError('MODEL_FILE_INVALID', { model: manifest.id, reason: message(error) }, { cause: error });
  }
}

/** Runs a zero batch through the session: confirms the shapes the graph leaves symbolic and the output's range. */
async function trialRun(session: InferenceSession, manifest: ModelManifest, layout: FeatureLayout): Promise<number> {
  const rows = 2;
  const feeds = {
    [manifest.input]: new Tensor('float32', new Float32Array(rows * layout.width), [rows, layout.width]),
  };
  let result: InferenceSession.ReturnType;
  try {
    result = await session.run(feeds, [manifest.output]);
  } catch (error) {
    const reason = `a trial run with a [${rows}, ${layout.width}] batch failed: ${message(error)}`;
    throw new ModelLoadError('MODEL_INPUT_MISMATCH', { model: manifest.id, input: manifest.input, reason });
  }
  return checkTrialOutput(manifest, rows, result[manifest.output] as Tensor);
}

/**
 * Loads a model: checks the bytes' sha256 (when the manifest has one), creates one onnxruntime session, checks
 * the graph's input and output against the manifest, and precomputes each action's columns.
 * Throws `ModelLoadError` with a code from MODEL_ERRORS.
 * @example
 * const model = await loadModel(manifest, await readFile(path), { actions });
 * const propensities = await model.score(profile, { channel: 'app' }, [0, 3, 7]);
 */
export async function loadModel(
  manifest: ModelManifest,
  bytes: Uint8Array,
  options: LoadModelOptions = {},
): Promise<PropensityModel> {
  const layout = compileFeatureLayout(manifest);
  if (manifest.sha256 !== undefined) {
    const actual = await sha256Hex(bytes);
    if (actual !== manifest.sha256.toLowerCase()) {
      throw new ModelLoadError('MODEL_SHA256_MISMATCH', { model: manifest.id, actual, expected: manifest.sha256 });
    }
  }
  const session = await createSession(manifest, bytes, { ...DEFAULT_SESSION_OPTIONS, ...options.sessionOptions });
  try {
    checkSessionSignature(manifest, layout.width, session);
    const outputStride = await trialRun(session, manifest, layout);
    return createPropensityModel({ manifest, layout, session, outputStride, actions: options.actions ?? [] });
  } catch (error) {
    await session.release();
    throw error;
  }
}
