import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['0d', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['7', '1.5h', '1mo', '-1d', ' 1d', '1D', '', '1 d'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('rejects non-strings', () => {
    expect(parseDuration(7)).toBeUndefined();
    expect(parseDuration(undefined)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [45_000, '45s'],
    [4_320_000, '1h 12m'],
    [3_600_000, '1h'],
    [93_600_000, '1d 2h'],
    [86_400_000 + 12_000, '1d'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
