// Fits the offer-acceptance propensity model on simulated outcomes and writes the ONNX file and its metrics.
// Run: npx tsx models/build-offer-acceptance.ts   (deterministic: the same .onnx bytes on every run)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { logLoss, rocAuc } from './fit-metrics.js';
import { mlpToOnnx } from './mlp-onnx.js';
import { OFFER_ACCEPTANCE_MANIFEST } from './offer-acceptance-manifest.js';
import { buildOfferDataset, type OfferDataset, sliceDataset } from './offer-dataset.js';
import { type MlpOptions, trainMlp } from './train-mlp.js';

/** The population seed (and offer seed) the shipped model is fitted on. */
export const SEED = 20_251_122;
/** Rows (one offer to each of this many subscribers); the last HOLDOUT share is never trained on. */
export const ROWS = 200_000;
export const HOLDOUT = 0.2;
const MLP: MlpOptions = { hidden: 16, epochs: 12, batchSize: 256, learningRate: 0.005, l2: 1e-5, seed: SEED };
const LOGISTIC: MlpOptions = { ...MLP, hidden: 0, learningRate: 0.01 };
/** The MLP ships only if it beats logistic regression on held-out AUC by at least this much. */
const MIN_GAIN = 0.002;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Scores a dataset with ONNX bytes through onnxruntime: the numbers reported are the shipped file's. */
async function scoreOnnx(bytes: Uint8Array, data: OfferDataset): Promise<Float32Array> {
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = new Float32Array(data.rows);
  const f = data.columns;
  for (let from = 0; from < data.rows; from += 4096) {
    const to = Math.min(data.rows, from + 4096);
    const input = new Tensor('float32', data.x.slice(from * f, to * f), [to - from, f]);
    const result = await session.run({ [OFFER_ACCEPTANCE_MANIFEST.input]: input });
    out.set(result[OFFER_ACCEPTANCE_MANIFEST.output]!.data as Float32Array, from);
  }
  await session.release();
  return out;
}

/** The trivial baseline: each (issue, channel)'s training acceptance rate, i.e. a model that ignores the subscriber. */
function rateBaseline(train: OfferDataset, test: OfferDataset): Float64Array {
  const counts = new Map<string, [number, number]>();
  for (let i = 0; i < train.rows; i++) {
    const key = `${train.issue[i]}|${train.channel[i]}`;
    const c = counts.get(key) ?? [0, 0];
    c[0] += train.y[i]!;
    c[1] += 1;
    counts.set(key, c);
  }
  return Float64Array.from({ length: test.rows }, (_, i) => {
    const c = counts.get(`${test.issue[i]}|${test.channel[i]}`);
    return c ? (c[0] + 1) / (c[1] + 2) : 0.5;
  });
}

/** One manifest feature as a one-line YAML flow mapping (names and categories are plain scalars). */
function flowYaml(feature: object): string {
  const value = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return `{ ${Object.entries(feature)
    .map(([k, v]) => `${k}: ${value(v)}`)
    .join(', ')} }`;
}

/**
 * Writes the new sha256 into rules/models.yaml's offer-acceptance entry, editing that one line so the file's
 * comments and layout stay as analysts wrote them.
 */
function updateManifestSha(sha256: string): void {
  const path = here('../rules/models.yaml');
  const text = readFileSync(path, 'utf8');
  const entry = /(- id: offer-acceptance\n(?:(?!\s*- id:)[^\n]*\n)*?\s*sha256: )"?[0-9a-f]{64}"?/;
  if (!entry.test(text)) {
    console.warn('rules/models.yaml has no sha256 line for offer-acceptance: add it by hand');
    return;
  }
  writeFileSync(path, text.replace(entry, `$1${sha256}`));
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

async function main(): Promise<void> {
  const started = Date.now();
  const data = buildOfferDataset(OFFER_ACCEPTANCE_MANIFEST, { seed: SEED, count: ROWS });
  const cut = Math.round(ROWS * (1 - HOLDOUT));
  const train = sliceDataset(data, 0, cut);
  const test = sliceDataset(data, cut, ROWS);
  const doc = 'P(accept) of an offer shown to a subscriber on a channel; see models/README.md';
  const meta = { model: OFFER_ACCEPTANCE_MANIFEST.id, seed: String(SEED), rows: String(ROWS) };

  const candidates = [];
  for (const [name, options] of [
    ['logistic regression', LOGISTIC],
    ['mlp 16 relu', MLP],
  ] as const) {
    const weights = trainMlp(train, options);
    const bytes = mlpToOnnx(weights, {
      graphName: OFFER_ACCEPTANCE_MANIFEST.id,
      input: 'features',
      output: 'propensity',
      docString: doc,
      metadata: { ...meta, architecture: name },
    });
    const scores = await scoreOnnx(bytes, test);
    candidates.push({ name, options, bytes, auc: rocAuc(scores, test.y), logLoss: logLoss(scores, test.y) });
    console.log(
      `${name.padEnd(20)} held-out AUC ${rocAuc(scores, test.y).toFixed(4)}  log loss ${logLoss(scores, test.y).toFixed(4)}`,
    );
  }
  const [logistic, mlp] = candidates as [(typeof candidates)[0], (typeof candidates)[0]];
  const chosen = mlp.auc >= logistic.auc + MIN_GAIN ? mlp : logistic;
  const baseline = rateBaseline(train, test);
  const positives = test.y.reduce((a, b) => a + b, 0);
  const prior = train.y.reduce((a, b) => a + b, 0) / train.rows;
  const metrics = {
    model: OFFER_ACCEPTANCE_MANIFEST.id,
    architecture: chosen.name,
    hyperparameters: chosen.options,
    heldOut: { auc: round4(chosen.auc), logLoss: round4(chosen.logLoss), rows: test.rows, positives },
    compared: {
      logisticRegression: { auc: round4(logistic.auc), logLoss: round4(logistic.logLoss) },
      mlp: { auc: round4(mlp.auc), logLoss: round4(mlp.logLoss) },
      issueChannelRateBaseline: { auc: round4(rocAuc(baseline, test.y)), logLoss: round4(logLoss(baseline, test.y)) },
      constantBaseRate: { auc: 0.5, logLoss: round4(logLoss(new Float64Array(test.rows).fill(prior), test.y)) },
      groundTruthCeiling: {
        auc: round4(rocAuc(test.probability, test.y)),
        logLoss: round4(logLoss(test.probability, test.y)),
      },
    },
    rows: { total: ROWS, train: train.rows, heldOut: test.rows, acceptRate: round4(prior) },
    seed: SEED,
    date: new Date().toISOString().slice(0, 10),
    sha256: createHash('sha256').update(chosen.bytes).digest('hex'),
    bytes: chosen.bytes.byteLength,
    inputWidth: data.columns,
    features: OFFER_ACCEPTANCE_MANIFEST.features.map((f) => `${f.source}.${f.name}`),
  };
  writeFileSync(here('./offer-acceptance.onnx'), chosen.bytes);
  writeFileSync(here('./offer-acceptance.metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  updateManifestSha(metrics.sha256);

  console.log(`\nshipped: ${chosen.name}, ${metrics.bytes} bytes, sha256 ${metrics.sha256}`);
  console.log(JSON.stringify(metrics.compared, null, 2));
  console.log(`\n# rules/models.yaml (sha256 ${metrics.sha256})`);
  console.log('features:');
  for (const f of OFFER_ACCEPTANCE_MANIFEST.features) console.log(`  - ${flowYaml(f)}`);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
