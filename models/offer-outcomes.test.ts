import { describe, expect, it } from 'vitest';
import { generateProfile } from '../packages/engine/src/population/index.js';
import { acceptanceLogit, generateOfferOutcomes } from './offer-outcomes.js';

describe('simulated offer outcomes', () => {
  const rows = [...generateOfferOutcomes({ seed: 11, count: 3000 })];

  it('is deterministic for a seed', () => {
    const again = [...generateOfferOutcomes({ seed: 11, count: 50 })];
    expect(again.map((r) => [r.channel, r.offer, r.accepted])).toEqual(
      rows.slice(0, 50).map((r) => [r.channel, r.offer, r.accepted]),
    );
  });

  it('has a plausible acceptance rate and every issue and channel', () => {
    const rate = rows.filter((r) => r.accepted).length / rows.length;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.25);
    expect(new Set(rows.map((r) => r.offer.issue)).size).toBe(5);
    expect(new Set(rows.map((r) => r.channel)).size).toBe(6);
  });

  it('encodes the effects a marketer expects', () => {
    const base = generateProfile(11, 0);
    const pass = { issue: 'Roaming', price: 5, dataGb: 1, discountPct: 0 } as const;
    expect(acceptanceLogit({ ...base, roamingNow: true }, 'web', pass)).toBeGreaterThan(
      acceptanceLogit({ ...base, roamingNow: false }, 'web', pass),
    );
    expect(acceptanceLogit(base, 'agent', pass)).toBeGreaterThan(acceptanceLogit(base, 'web', pass));
    expect(acceptanceLogit(base, 'web', { ...pass, price: 20 })).toBeLessThan(acceptanceLogit(base, 'web', pass));
    const topUp = { issue: 'Growth', price: 5, dataGb: 2, discountPct: 0 } as const;
    expect(acceptanceLogit({ ...base, dataUsedPct: 120 }, 'app', topUp)).toBeGreaterThan(
      acceptanceLogit({ ...base, dataUsedPct: 20 }, 'app', topUp),
    );
    const save = { issue: 'Retention', price: 0, dataGb: 0, discountPct: 20 } as const;
    expect(acceptanceLogit({ ...base, churnRisk: 0.8 }, 'agent', save)).toBeGreaterThan(
      acceptanceLogit({ ...base, churnRisk: 0.1 }, 'agent', save),
    );
    const phone = { issue: 'Devices', price: 25, dataGb: 0, discountPct: 0 } as const;
    expect(acceptanceLogit({ ...base, contractDaysLeft: 30 }, 'web', phone)).toBeGreaterThan(
      acceptanceLogit({ ...base, contractDaysLeft: 600 }, 'web', phone),
    );
  });
});
