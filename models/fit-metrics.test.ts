import { describe, expect, it } from 'vitest';
import { logLoss, rocAuc } from './fit-metrics.js';

describe('fit metrics', () => {
  it('gives AUC 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('counts pairs: 3 of 4 positive-negative pairs ordered gives 0.75', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('is NaN with one class only', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('computes log loss in nats, clipping certainties', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2, 12);
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-Math.log(1e-7), 6);
  });
});
