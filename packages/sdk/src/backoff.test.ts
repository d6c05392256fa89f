import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it('doubles the ceiling each attempt, between half and all of it', () => {
    expect(backoffDelay(0, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...options, random: () => 0.999999 })).toBeCloseTo(100, 3);
    expect(backoffDelay(2, { ...options, random: () => 0 })).toBe(200);
    expect(backoffDelay(2, { ...options, random: () => 0.5 })).toBe(300);
  });

  it('never waits longer than maxMs, even after many attempts', () => {
    for (const attempt of [4, 10, 100, 10_000]) {
      expect(backoffDelay(attempt, { ...options, random: () => 0.999999 })).toBeLessThanOrEqual(1_000);
      expect(backoffDelay(attempt, { ...options, random: () => 0 })).toBe(500);
    }
  });

  it('spreads clients out: different random draws give different waits', () => {
    const waits = new Set([0.1, 0.4, 0.7].map((r) => backoffDelay(3, { ...options, random: () => r })));
    expect(waits.size).toBe(3);
  });
});
