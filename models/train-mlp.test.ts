import { describe, expect, it } from 'vitest';
import { rocAuc } from './fit-metrics.js';
import { SeededRandom } from './seeded-random.js';
import { type Dataset, type MlpOptions, predictMlp, trainMlp } from './train-mlp.js';

/** y depends on x0 XOR x1: no linear model can rank it, one hidden layer can. */
function xorData(rows: number, seed: number): Dataset {
  const r = new SeededRandom(seed);
  const x = new Float32Array(rows * 3);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = r.chance(0.5) ? 1 : 0;
    const b = r.chance(0.5) ? 1 : 0;
    x.set([a, b, r.next()], i * 3);
    y[i] = r.chance(a !== b ? 0.85 : 0.15) ? 1 : 0;
  }
  return { x, y, rows, columns: 3 };
}

const options: MlpOptions = { hidden: 8, epochs: 8, batchSize: 64, learningRate: 0.01, l2: 0, seed: 3 };

describe('trainMlp', () => {
  it('learns an interaction logistic regression cannot', () => {
    const train = xorData(4000, 1);
    const test = xorData(2000, 2);
    const mlp = rocAuc(predictMlp(trainMlp(train, options), test), test.y);
    const logistic = rocAuc(predictMlp(trainMlp(train, { ...options, hidden: 0 }), test), test.y);
    expect(mlp).toBeGreaterThan(0.8);
    expect(logistic).toBeLessThan(0.6);
  });

  it('is deterministic for a seed', () => {
    const data = xorData(1000, 1);
    const a = trainMlp(data, options);
    const b = trainMlp(data, options);
    expect([...a.w1]).toEqual([...b.w1]);
    expect(a.b2).toBe(b.b2);
    expect([...trainMlp(data, { ...options, seed: 4 }).w1]).not.toEqual([...a.w1]);
  });
});
