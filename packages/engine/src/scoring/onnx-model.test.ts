import { describe, expect, it } from 'vitest';
import type { ScoringAction } from './feature-layout.js';
import type { ModelManifest } from './model-manifest.js';
import { loadModel } from './onnx-model.js';
import { classifierWithZipMap, logisticModel, passThroughModel, TINY_MANIFEST, tinyExpected } from './test-models.js';

const ACTIONS: ScoringAction[] = [
  { id: 'roam-pass', issue: 'Roaming' },
  { id: 'top-up', issue: 'Growth' },
  { id: 'care-call', issue: 'Care' },
];
const JULIA = { tenureMonths: 20, roamingNow: true };
const WEB = { channel: 'web' };

describe.each(['auto', 'onnxruntime'] as const)('loadModel and score, runtime %s', (runtime) => {
  const tiny: ModelManifest = { ...TINY_MANIFEST, runtime };

  it('runs on the runtime the manifest allows: compiled when it can, else a session with the reason', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    expect(model.runtime).toEqual(
      runtime === 'auto'
        ? { kind: 'compiled', ops: ['Gemm', 'Sigmoid'] }
        : { kind: 'onnxruntime', reason: 'the manifest asks for onnxruntime' },
    );
    await model.release();
  });

  it('scores every candidate in one batch, as the weights say', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    const scores = await model.score(JULIA, WEB, [0, 1, 2]);
    expect(scores).toBeInstanceOf(Float32Array);
    expect(scores).toHaveLength(3);
    const expected = [tinyExpected([2, 1, 1, 0]), tinyExpected([2, 1, 0, 1]), tinyExpected([2, 1, 0, 0])];
    for (const [i, s] of scores.entries()) expect(s).toBeCloseTo(expected[i]!, 5);
    await model.release();
  });

  it('gives a batch the same scores as one run per row', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    const profiles = [JULIA, { tenureMonths: 3 }, { tenureMonths: 60, roamingNow: false }, {}];
    for (const profile of profiles) {
      const batch = await model.score(profile, WEB, [2, 0, 1, 0]);
      const single = await Promise.all([2, 0, 1, 0].map(async (i) => (await model.score(profile, WEB, [i]))[0]));
      expect([...batch]).toEqual(single);
    }
    await model.release();
  });

  it('keeps concurrent decisions apart (each run holds its own input buffer)', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    const profiles = Array.from({ length: 50 }, (_, i) => ({ tenureMonths: i, roamingNow: i % 2 === 0 }));
    const sequential = [];
    for (const p of profiles) sequential.push([...(await model.score(p, WEB, [0, 1, 2]))]);
    const concurrent = await Promise.all(profiles.map(async (p) => [...(await model.score(p, WEB, [0, 1, 2]))]));
    expect(concurrent).toEqual(sequential);
    await model.release();
  });

  it('handles batches larger than the first buffer and returns nothing for no candidates', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    const many = Array.from({ length: 100 }, (_, i) => i % 3);
    const scores = await model.score(JULIA, WEB, many);
    expect(scores).toHaveLength(100);
    expect(scores[98]).toBeCloseTo(tinyExpected([2, 1, 0, 0]), 5);
    expect(scores[99]).toBeCloseTo(tinyExpected([2, 1, 1, 0]), 5);
    expect(await model.score(JULIA, WEB, [])).toHaveLength(0);
    expect(model.stats().runs).toBe(1);
    await model.release();
  });

  it('rejects an action index out of range', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    await expect(model.score(JULIA, WEB, [0, 3])).rejects.toThrow(RangeError);
    await expect(model.score(JULIA, WEB, [-1])).rejects.toThrow(/action index -1/);
    await expect(model.score(JULIA, WEB, [0.5])).rejects.toThrow(RangeError);
    await model.release();
  });

  it('exposes the encoded rows and their column names for explanations', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    expect(model.layout.columns).toEqual([
      'profile.tenureMonths',
      'profile.roamingNow',
      'action.issue=Roaming',
      'action.issue=Growth',
    ]);
    expect([...model.encode(JULIA, WEB, [1, 2])]).toEqual([2, 1, 0, 1, 2, 1, 0, 0]);
    await model.release();
  });

  it('finds actions by id and rebinds to other actions on the same session', async () => {
    const model = await loadModel(tiny, logisticModel(), { actions: ACTIONS });
    expect(model.indexOfAction('top-up')).toBe(1);
    expect(model.indexOfAction('nope')).toBe(-1);
    const rebound = model.withActions([{ id: 'growth-only', issue: 'Growth' }]);
    expect(rebound.indexOfAction('growth-only')).toBe(0);
    const [p] = await rebound.score(JULIA, WEB, [0]);
    expect(p).toBeCloseTo(tinyExpected([2, 1, 0, 1]), 5);
    await model.release();
  });

  it('counts features that fell back to their defaults', async () => {
    const actions: ScoringAction[] = [...ACTIONS, { id: 'no-issue' }];
    const model = await loadModel(tiny, logisticModel(), { actions });
    expect(model.actionFeatureDefaults).toEqual([
      { actionId: 'care-call', feature: 'action.issue' },
      { actionId: 'no-issue', feature: 'action.issue' },
    ]);
    await model.score({ tenureMonths: Number.NaN }, WEB, [0, 1]);
    await model.score(JULIA, WEB, [0]);
    expect(model.stats()).toEqual({
      runs: 2,
      rows: 3,
      defaulted: { 'profile.tenureMonths': 1, 'profile.roamingNow': 1 },
    });
    await model.release();
  });

  it('clamps outputs to 0..1', async () => {
    const manifest: ModelManifest = {
      ...tiny,
      features: [{ source: 'profile', name: 'x', type: 'numeric' }, ...tiny.features.slice(1)],
    };
    const model = await loadModel(manifest, passThroughModel(), { actions: ACTIONS });
    expect([...(await model.score({ x: 2.5 }, WEB, [0]))]).toEqual([1]);
    expect([...(await model.score({ x: -3 }, WEB, [0]))]).toEqual([0]);
    expect((await model.score({ x: 0.25 }, WEB, [0]))[0]).toBeCloseTo(0.25, 6);
    await model.release();
  });

  it('reads the positive class of a [N, 2] probabilities output with outputColumn', async () => {
    const manifest: ModelManifest = { ...tiny, output: 'probabilities', outputColumn: 1 };
    const model = await loadModel(manifest, classifierWithZipMap(), { actions: ACTIONS });
    const scores = await model.score(JULIA, WEB, [0, 1, 2]);
    const rows = model.encode(JULIA, WEB, [0, 1, 2]);
    for (let r = 0; r < 3; r++) {
      // Softmax of [-0.3, 0.3] . x per class: P(1) = sigmoid(0.6 * sum(x)).
      const sum = rows.subarray(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0);
      expect(scores[r]).toBeCloseTo(1 / (1 + Math.exp(-0.6 * sum)), 5);
    }
    await model.release();
  });
});
