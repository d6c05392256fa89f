// `arbiter serve --rate-limit`: parsed into the per-key limit, or refused with a clear message.
import { describe, expect, it } from 'vitest';
import { rateLimitOption } from './serve-command.js';

describe('arbiter serve --rate-limit', () => {
  it('turns max/window into the per-key rate limit', () => {
    expect(rateLimitOption('600/1m')).toEqual({ rateLimit: { max: 600, timeWindow: '1m' } });
    expect(rateLimitOption('5000/1s')).toEqual({ rateLimit: { max: 5000, timeWindow: '1s' } });
  });

  it('means no limit for off', () => {
    expect(rateLimitOption('off')).toEqual({});
    expect(rateLimitOption(undefined)).toEqual({});
  });

  it('refuses what is not max/window', () => {
    expect(() => rateLimitOption('600')).toThrow(/must look like 600\/1m/);
    expect(() => rateLimitOption('0/1s')).toThrow(/must look like/);
    expect(() => rateLimitOption('10/fortnight')).toThrow(/timeWindow/);
  });
});
