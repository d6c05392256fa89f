// Loads an ONNX propensity model into one onnxruntime session, compiles its graph when it can (checked against the
// session), and scores a decision's candidates in one batched run.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { errorMessage } from '../error-message.js';
import { Random } from '../population/random.js';
import { compileOnnxGraph } from './compiled-graph.js';
import { compileFeatureLayout, type FeatureLayout, type ScoringAction } from './feature-layout.js';
import { ModelLoadError } from './model-errors.js';
import type { ModelManifest } from './model-manifest.js';
import { checkSessionSignature, checkTrialOutput } from './model-signature.js';
import {
  CompiledRunner,
  createPropensityModel,
  type ModelRunner,
  type PropensityModel,
  SessionRunner,
} from './propensity-model.js';

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
    throw new ModelLoadError(
      'MODEL_FILE_INVALID',
      { model: manifest.id, reason: errorMessage(error) },
      { cause: error },
    );
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
    const reason = `a trial run with a [${rows}, ${layout.width}] batch failed: ${errorMessage(error)}`;
    throw new ModelLoadError('MODEL_INPUT_MISMATCH', { model: manifest.id, input: manifest.input, reason });
  }
  return checkTrialOutput(manifest, rows, result[manifest.output] as Tensor);
}

/** Rows the compiled graph and the session both score at load, to be compared. */
const CHECK_ROWS = 64;
/** The most a compiled output may differ from onnxruntime's on the check rows (float32 sums in another order). */
export const COMPILED_TOLERANCE = 1e-5;

/**
 * `rows` rows of `width` columns a model may meet and more: zeros, ones (one-hot columns), values in -3..3 (scaled
 * numbers) and in -30..30 (unscaled ones), from a fixed seed so a load always checks the same rows.
 */
export function checkRows(width: number, rows: number): Float32Array {
  const data = new Float32Array(rows * width);
  const random = new Random(0x2545f491);
  for (let i = width; i < data.length; i++) {
    const kind = random.next();
    const u = random.uniform(-1, 1);
    data[i] = kind < 0.25 ? 0 : kind < 0.5 ? 1 : kind < 0.85 ? 3 * u : 30 * u;
  }
  return data;
}

/**
 * The compiled graph when the manifest allows it, the graph compiles, and it gives onnxruntime's outputs on the
 * check rows; else the session, with the reason. A compiled model releases the session it no longer needs.
 */
async function chooseRunner(
  manifest: ModelManifest,
  bytes: Uint8Array,
  width: number,
  outputStride: number,
  session: InferenceSession,
): Promise<ModelRunner> {
  const onSession = (reason: string) => new SessionRunner(session, manifest, width, reason);
  if (manifest.runtime === 'onnxruntime') return onSession('the manifest asks for onnxruntime');
  const compiled = compileOnnxGraph(bytes, { input: manifest.input, output: manifest.output, width });
  if (!compiled.ok) return onSession(`not compiled: ${compiled.reason}`);
  if (compiled.graph.outputWidth !== outputStride) {
    return onSession(`not compiled: ${compiled.graph.outputWidth} output columns, onnxruntime gives ${outputStride}`);
  }
  const input = checkRows(width, CHECK_ROWS);
  const feeds = { [manifest.input]: new Tensor('float32', input, [CHECK_ROWS, width]) };
  let expected: Float32Array;
  try {
    expected = (await session.run(feeds, [manifest.output]))[manifest.output]!.data as Float32Array;
  } catch (error) {
    return onSession(`not compiled: the check run on onnxruntime failed (${errorMessage(error)})`);
  }
  const actual = compiled.graph.run(input, CHECK_ROWS);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!);
    if (!(difference <= worst)) worst = difference; // NaN on one side only counts as the worst
  }
  if (!(worst <= COMPILED_TOLERANCE)) {
    return onSession(`not compiled: the compiled graph differs from onnxruntime by ${worst} on the load check`);
  }
  await session.release();
  return new CompiledRunner(compiled.graph, width);
}

/**
 * Loads a model: checks the bytes' sha256 (when the manifest has one), creates one onnxruntime session, checks
 * the graph's input and output against the manifest, compiles the graph when it can (`runtime` on the model says
 * which runs it and why), and precomputes each action's columns.
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
  let runner: ModelRunner | undefined;
  try {
    checkSessionSignature(manifest, layout.width, session);
    const outputStride = await trialRun(session, manifest, layout);
    runner = await chooseRunner(manifest, bytes, layout.width, outputStride, session);
    return createPropensityModel({ manifest, layout, runner, outputStride, actions: options.actions ?? [] });
  } catch (error) {
    await (runner ?? session).release(); // a compiled runner has already released the session
    throw error;
  }
}
