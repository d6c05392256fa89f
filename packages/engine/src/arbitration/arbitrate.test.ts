// Arbitration: the priority product, group and issue limits, top N, and deterministic ties.
import { describe, expect, it } from 'vitest';
import type { ArbitrationFile } from '../config/arbitration-schema.js';
import type { CompiledAction } from '../config/config-snapshot.js';
import { arbitrate, type ScoredCandidate } from './arbitrate.js';

const settings: ArbitrationFile = {
  issues: ['Growth', 'Care', 'Roaming'],
  defaultLimit: 3,
  maxLimit: 10,
  defaultPropensity: 0.05,
  contextWeights: { agent: { Care: 2 } },
  levers: { groups: {}, issues: {} },
  limits: { perGroup: 1, groups: { Bundles: 2 }, issues: { Care: 1 } },
};

function candidate(
  id: string,
  issue: string,
  group: string,
  value: number,
  propensity: number,
  lever = 1,
  mandatory = false,
): ScoredCandidate {
  const action = { id, actionId: id, issue, group, lever, mandatory, spec: { value } } as unknown as CompiledAction;
  return { action, propensity, propensitySource: 'prior' };
}

const selectedIds = (ranked: ReturnType<typeof arbitrate>) =>
  ranked.filter((r) => r.outcome.selected).map((r) => r.candidate.action.id);

describe('arbitrate', () => {
  it('ranks by propensity x context weight x value x lever', () => {
    const ranked = arbitrate(
      settings,
      'agent',
      [candidate('a', 'Growth', 'G1', 10, 0.1), candidate('b', 'Care', 'C1', 4, 0.2, 1.5)],
      2,
    );
    // a: 0.1*1*10*1 = 1.0; b: 0.2*2*4*1.5 = 2.4
    expect(selectedIds(ranked)).toEqual(['b', 'a']);
    expect(ranked[0]!.terms).toEqual({
      propensity: 0.2,
      propensitySource: 'prior',
      contextWeight: 2,
      value: 4,
      lever: 1.5,
      priority: expect.closeTo(2.4, 10),
    });
  });

  it('applies the default per-group limit, a group override and an issue limit', () => {
    const ranked = arbitrate(
      settings,
      'web',
      [
        candidate('g1', 'Growth', 'Plans', 10, 0.5),
        candidate('g2', 'Growth', 'Plans', 9, 0.5),
        candidate('b1', 'Growth', 'Bundles', 8, 0.5),
        candidate('b2', 'Growth', 'Bundles', 7, 0.5),
        candidate('c1', 'Care', 'Care A', 6, 0.5),
        candidate('c2', 'Care', 'Care B', 5, 0.5),
      ],
      10,
    );
    expect(selectedIds(ranked)).toEqual(['g1', 'b1', 'b2', 'c1']);
    const reasons = Object.fromEntries(
      ranked
        .filter((r) => !r.outcome.selected)
        .map((r) => [r.candidate.action.id, r.outcome.selected ? '' : r.outcome.reason]),
    );
    expect(reasons).toEqual({ g2: 'GROUP_LIMIT', c2: 'ISSUE_LIMIT' });
  });

  it('stops at the top N and says so for the rest', () => {
    const ranked = arbitrate(
      settings,
      'web',
      [
        candidate('a', 'Growth', 'A', 3, 0.5),
        candidate('b', 'Growth', 'B', 2, 0.5),
        candidate('c', 'Growth', 'C', 1, 0.5),
      ],
      2,
    );
    expect(selectedIds(ranked)).toEqual(['a', 'b']);
    expect(ranked[2]!.outcome).toMatchObject({ selected: false, reason: 'OUT_RANKED' });
  });

  it('puts mandatory actions first, even with a zero priority', () => {
    const notice = candidate('roaming-tariff-notice', 'Roaming', 'Notices', 0, 0.2, 1, true);
    const ranked = arbitrate(settings, 'web', [candidate('pass', 'Roaming', 'Passes', 9, 0.6), notice], 1);
    expect(selectedIds(ranked)).toEqual(['roaming-tariff-notice']);
    expect(ranked[0]!.terms.priority).toBe(0);
  });

  it('breaks ties by value, then by action id, whatever the input order', () => {
    const a = candidate('alpha', 'Growth', 'A', 10, 0.1);
    const b = candidate('beta', 'Growth', 'B', 5, 0.2);
    const c = candidate('gamma', 'Growth', 'C', 5, 0.2);
    const forward = selectedIds(arbitrate(settings, 'web', [a, b, c], 3));
    const backward = selectedIds(arbitrate(settings, 'web', [c, b, a], 3));
    expect(forward).toEqual(['alpha', 'beta', 'gamma']);
    expect(backward).toEqual(forward);
  });
});
