// Encodes simulated offer outcomes into a design matrix with the engine's own feature layout (train = serve).
import { compileFeatureLayout, type ModelManifest } from '../packages/engine/src/scoring/index.js';
import { generateOfferOutcomes, type OfferOutcomeOptions, offerAction } from './offer-outcomes.js';
import type { Dataset } from './train-mlp.js';

/** A dataset plus the hidden probabilities behind its labels and the per-row issue and channel. */
export interface OfferDataset extends Dataset {
  readonly probability: Float64Array;
  readonly issue: readonly string[];
  readonly channel: readonly string[];
}

/**
 * Generates outcomes and encodes each row exactly as `PropensityModel.score` will at decision time.
 * @example const data = buildOfferDataset(OFFER_ACCEPTANCE_MANIFEST, { seed: 7, count: 10_000 });
 */
export function buildOfferDataset(manifest: ModelManifest, options: OfferOutcomeOptions): OfferDataset {
  const layout = compileFeatureLayout(manifest);
  const f = layout.width;
  const x = new Float32Array(options.count * f);
  const y = new Uint8Array(options.count);
  const probability = new Float64Array(options.count);
  const issue: string[] = [];
  const channel: string[] = [];
  let n = 0;
  for (const row of generateOfferOutcomes(options)) {
    layout.writeActionColumns(offerAction(row.offer), x, n * f);
    layout.writeDecisionColumns(row.profile, { channel: row.channel }, x, n * f);
    y[n] = row.accepted ? 1 : 0;
    probability[n] = row.probability;
    issue.push(row.offer.issue);
    channel.push(row.channel);
    n++;
  }
  return { x, y, rows: n, columns: f, probability, issue, channel };
}

/** Rows `from .. to - 1` of a dataset (views, no copy of the matrix). */
export function sliceDataset(data: OfferDataset, from: number, to: number): OfferDataset {
  const f = data.columns;
  return {
    x: data.x.subarray(from * f, to * f),
    y: data.y.subarray(from, to),
    rows: to - from,
    columns: f,
    probability: data.probability.subarray(from, to),
    issue: data.issue.slice(from, to),
    channel: data.channel.slice(from, to),
  };
}
