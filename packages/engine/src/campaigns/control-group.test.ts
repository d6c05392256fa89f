// The control group hash: the share asked for, the same subscribers every time, independent between campaigns.
import { describe, expect, it } from 'vitest';
import { controlPosition, inControlGroup } from './control-group.js';

const ids = Array.from({ length: 10_000 }, (_, i) => `SUB-${String(i).padStart(8, '0')}`);

describe('control group', () => {
  it.each([0.05, 0.1, 0.25, 0.5])('holds out %d of 10,000 sequential ids within 4 standard deviations', (share) => {
    const held = ids.filter((id) => inControlGroup('fiber-upgrade-autumn', id, share)).length;
    const sd = Math.sqrt(ids.length * share * (1 - share));
    expect(Math.abs(held - ids.length * share)).toBeLessThan(4 * sd);
  });

  it('spreads positions evenly over [0, 1): every tenth holds about a tenth of the ids', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const id of ids) {
      const position = controlPosition('retention-save-sms', id);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(1);
      deciles[Math.floor(position * 10)]!++;
    }
    for (const n of deciles) expect(Math.abs(n - 1_000)).toBeLessThan(4 * 30);
  });

  it('is stable: the same subscriber, the same answer, for a given campaign', () => {
    expect(controlPosition('c', 'SUB-00000001')).toBe(controlPosition('c', 'SUB-00000001'));
    const first = ids.filter((id) => inControlGroup('c', id, 0.05));
    expect(ids.filter((id) => inControlGroup('c', id, 0.05))).toEqual(first);
  });

  it('picks other subscribers for another campaign (overlap about share x share)', () => {
    const a = new Set(ids.filter((id) => inControlGroup('campaign-a', id, 0.1)));
    const both = ids.filter((id) => a.has(id) && inControlGroup('campaign-b', id, 0.1)).length;
    expect(both).toBeGreaterThan(50);
    expect(both).toBeLessThan(150);
  });

  it('holds out no one at 0', () => {
    expect(ids.some((id) => inControlGroup('c', id, 0))).toBe(false);
  });
});
