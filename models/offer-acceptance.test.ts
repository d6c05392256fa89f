import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateProfile } from '../packages/engine/src/population/index.js';
import {
  loadModel,
  type ModelManifest,
  ModelsFileSchema,
  type PropensityModel,
  parseModelManifest,
} from '../packages/engine/src/scoring/index.js';
import { rocAuc } from './fit-metrics.js';
import { OFFER_ACCEPTANCE_MANIFEST } from './offer-acceptance-manifest.js';
import { generateOfferOutcomes, offerAction } from './offer-outcomes.js';

const rulesDir = fileURLToPath(new URL('../rules/', import.meta.url));
const modelsYaml = parse(readFileSync(resolve(rulesDir, 'models.yaml'), 'utf8'));
const metrics = JSON.parse(
  readFileSync(fileURLToPath(new URL('./offer-acceptance.metrics.json', import.meta.url)), 'utf8'),
);

describe('the shipped offer-acceptance model', () => {
  let manifest: ModelManifest;
  let bytes: Uint8Array;
  let model: PropensityModel;

  beforeAll(async () => {
    expect(Value.Check(ModelsFileSchema, modelsYaml)).toBe(true);
    manifest = parseModelManifest(modelsYaml.models.find((m: { id: string }) => m.id === 'offer-acceptance'));
    // The manifest's file is relative to the rules directory, as the config loader resolves it.
    bytes = readFileSync(resolve(rulesDir, manifest.file));
    model = await loadModel(manifest, bytes);
  });

  afterAll(() => model.release());

  it('has the manifest the build script trained with', () => {
    const { sha256, description, ...rest } = manifest;
    // Compared with defaults applied to both, so an explicit `shift: 0` and an absent one count as equal.
    expect(rest).toEqual(parseModelManifest(OFFER_ACCEPTANCE_MANIFEST));
    expect(dirname(resolve(rulesDir, manifest.file))).toBe(dirname(fileURLToPath(import.meta.url)));
  });

  it('matches its sha256 in models.yaml and in its metrics', () => {
    const actual = createHash('sha256').update(bytes).digest('hex');
    expect(manifest.sha256).toBe(actual);
    expect(metrics.sha256).toBe(actual);
    expect(metrics.inputWidth).toBe(model.layout.width);
    expect(bytes.byteLength).toBeLessThan(16_384);
  });

  it('ranks held-out offers well above chance (AUC recomputed on rows it never saw)', async () => {
    const rows = [...generateOfferOutcomes({ seed: metrics.seed, count: 3000, start: metrics.rows.total })];
    const bound = model.withActions(rows.map((r) => offerAction(r.offer)));
    const scores = new Float64Array(rows.length);
    for (const [i, row] of rows.entries()) {
      const [p] = await bound.score(row.profile, { channel: row.channel }, [i]);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      scores[i] = p!;
    }
    const auc = rocAuc(
      scores,
      Uint8Array.from(rows, (r) => (r.accepted ? 1 : 0)),
    );
    expect(auc).toBeGreaterThan(0.8);
    expect(metrics.heldOut.auc).toBeGreaterThan(metrics.compared.issueChannelRateBaseline.auc);
  });

  it('learned the obvious: a roaming pass sells to subscribers abroad, a retention offer to churners', async () => {
    const actions = [
      { id: 'roam-2gb', issue: 'Roaming', attributes: { price: 8, dataGb: 2 } },
      { id: 'loyalty-20', issue: 'Retention', attributes: { discountPct: 20 } },
    ];
    const bound = model.withActions(actions);
    const home = { ...generateProfile(3, 5), roamingNow: false, churnRisk: 0.1 };
    const abroad = { ...home, roamingNow: true, churnRisk: 0.8 };
    const [homePass, homeSave] = await bound.score(home, { channel: 'app' }, [0, 1]);
    const [abroadPass, abroadSave] = await bound.score(abroad, { channel: 'app' }, [0, 1]);
    expect(abroadPass).toBeGreaterThan(homePass! * 3);
    expect(abroadSave).toBeGreaterThan(homeSave!);
  });
});
