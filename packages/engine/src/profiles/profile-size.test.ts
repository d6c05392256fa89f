// The profile size estimate: grows with what a profile holds, and lands near V8's layout for a generated profile.
import { describe, expect, it } from 'vitest';
import { generateProfile } from '../population/index.js';
import { estimateProfileBytes } from './profile-size.js';

describe('estimateProfileBytes', () => {
  it('counts object slots, string characters, boxed numbers and nested objects', () => {
    const base = estimateProfileBytes({ subscriberId: 'S' });
    expect(base).toBe(24 + 8 + 16 + 8);
    expect(estimateProfileBytes({ subscriberId: 'S'.repeat(9) })).toBe(base + 8);
    expect(estimateProfileBytes({ subscriberId: 'S', tenure: 12 })).toBe(base + 8); // a small integer is unboxed
    expect(estimateProfileBytes({ subscriberId: 'S', arpu: 12.5 })).toBe(base + 8 + 16);
    expect(estimateProfileBytes({ subscriberId: 'S', roamingNow: true, npsScore: null })).toBe(base + 16);
    expect(estimateProfileBytes({ subscriberId: 'S', consent: { sms: true } })).toBe(base + 8 + 24 + 8);
    expect(estimateProfileBytes({ subscriberId: 'S', tags: ['a'] })).toBe(base + 8 + 24 + 16 + 8 + 24);
  });

  it('stops at a depth limit, so a cyclic value cannot loop', () => {
    const cyclic: Record<string, unknown> = { subscriberId: 'S' };
    cyclic.self = cyclic;
    expect(estimateProfileBytes(cyclic as { subscriberId: string })).toBeGreaterThan(0);
  });

  it('a generated profile is estimated at a few hundred bytes', () => {
    const bytes = estimateProfileBytes(generateProfile(42, 0));
    expect(bytes).toBeGreaterThan(400);
    expect(bytes).toBeLessThan(1_200);
  });
});
