// Measures what scoring one decision costs with the shipped model: raw session.run, the compiled graph, and
// PropensityModel.score on each runtime.
// Run: npx tsx bench/onnx-run-cost.ts [rows=20]   (prints a table; numbers vary by machine and load)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { OFFER_ACCEPTANCE_MANIFEST, OFFER_ISSUES } from '../models/offer-acceptance-manifest.js';
import { generateProfile } from '../packages/engine/src/population/index.js';
import { compileOnnxGraph } from '../packages/engine/src/scoring/compiled-graph.js';
import { DEFAULT_SESSION_OPTIONS, loadModel, type ScoringAction } from '../packages/engine/src/scoring/index.js';

const ROWS = Number(process.argv[2] ?? 20);
const ITERATIONS = 40_000;
const bytes = readFileSync(fileURLToPath(new URL('../models/offer-acceptance.onnx', import.meta.url)));
const manifest = OFFER_ACCEPTANCE_MANIFEST;
const actions: ScoringAction[] = Array.from({ length: 40 }, (_, i) => ({
  id: `a${i}`,
  issue: OFFER_ISSUES[i % OFFER_ISSUES.length]!,
  attributes: { price: i % 30, dataGb: i % 7, discountPct: (i % 4) * 5 },
}));
const profiles = Array.from({ length: 256 }, (_, i) => generateProfile(1, i));
const indexes = Int32Array.from({ length: ROWS }, (_, i) => i % actions.length);

interface Row {
  case: string;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  concurrentPerSec: number;
}

/** Sequential latency (await each call) over ITERATIONS, then throughput with 64 calls in flight. */
async function measure(name: string, call: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 5000; i++) await call(i);
  const lat = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const t = process.hrtime.bigint();
    await call(i);
    lat[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < ITERATIONS) await call(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort();
  const mean = lat.reduce((a, b) => a + b, 0) / ITERATIONS;
  const at = (q: number) => lat[Math.min(ITERATIONS - 1, Math.floor(ITERATIONS * q))]!;
  return { case: name, meanUs: mean, p50Us: at(0.5), p99Us: at(0.99), concurrentPerSec: ITERATIONS / seconds };
}

async function rawRun(name: string, options: InferenceSession.SessionOptions): Promise<Row> {
  const session = await InferenceSession.create(bytes, options);
  const width = 34;
  const feeds = { features: new Tensor('float32', new Float32Array(ROWS * width).fill(0.5), [ROWS, width]) };
  const fetches = { propensity: null };
  const row = await measure(name, () => session.run(feeds, fetches));
  await session.release();
  return row;
}

const rows: Row[] = [];
const variants: [string, InferenceSession.SessionOptions][] = [
  ['onnxruntime defaults', {}],
  ['arbiter defaults', DEFAULT_SESSION_OPTIONS],
  ['arbiter, memPattern on', { ...DEFAULT_SESSION_OPTIONS, enableMemPattern: true }],
  ['arbiter, arena on', { ...DEFAULT_SESSION_OPTIONS, enableCpuMemArena: true }],
  ['arbiter, optimization basic', { ...DEFAULT_SESSION_OPTIONS, graphOptimizationLevel: 'basic' }],
  ['arbiter, optimization disabled', { ...DEFAULT_SESSION_OPTIONS, graphOptimizationLevel: 'disabled' }],
  ['arbiter, intraOp 2 threads', { ...DEFAULT_SESSION_OPTIONS, intraOpNumThreads: 2 }],
];
for (const [name, options] of variants) rows.push(await rawRun(`session.run ${name}`, options));

const model = await loadModel(manifest, bytes, { actions });
const onSession = await loadModel({ ...manifest, runtime: 'onnxruntime' }, bytes, { actions });
// Encoded rows of real profiles (one-hot columns mostly 0), for the session and the compiled graph alike.
const encoded = profiles.map((p) => model.encode(p, { channel: 'app' }, indexes));
const session = await InferenceSession.create(bytes, DEFAULT_SESSION_OPTIONS);
const realFeeds = encoded.map((data) => ({ features: new Tensor('float32', data, [ROWS, 34]) }));
rows.push(await measure('session.run arbiter, encoded profiles', (i) => session.run(realFeeds[i & 255]!)));
await session.release();
const compiled = compileOnnxGraph(bytes, { input: manifest.input, output: manifest.output, width: 34 });
if (!compiled.ok) throw new Error(compiled.reason);
rows.push(await measure('compiled graph run (sync)', async (i) => compiled.graph.run(encoded[i & 255]!, ROWS)));
rows.push(
  await measure('model.encode only (sync)', async (i) => model.encode(profiles[i & 255]!, { channel: 'app' }, indexes)),
);
rows.push(
  await measure('model.score, compiled (encode + run)', (i) =>
    model.score(profiles[i & 255]!, { channel: 'app' }, indexes),
  ),
);
rows.push(
  await measure('model.score, onnxruntime (encode + run)', (i) =>
    onSession.score(profiles[i & 255]!, { channel: 'app' }, indexes),
  ),
);
rows.push(await measure('setImmediate round trip', () => new Promise((resolve) => setImmediate(resolve))));
await model.release();
await onSession.release();

console.log(`batch of ${ROWS} rows x 34 columns, MLP 34-16-1, ${ITERATIONS} calls each, node ${process.version}`);
console.table(
  rows.map((r) => ({
    case: r.case,
    'mean us': r.meanUs.toFixed(1),
    'p50 us': r.p50Us.toFixed(1),
    'p99 us': r.p99Us.toFixed(1),
    '64 in flight /s': Math.round(r.concurrentPerSec),
  })),
);
