// Runs example 05 (bulk import, then a decision for an imported customer) so it never rots.
import { describe, expect, it, vi } from 'vitest';

describe('examples: import', () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});

  it('05 imports the churn sample and decides for an imported customer from their imported attributes', async () => {
    const { main } = await import('./05-import-churn-sample.js');
    const { summary, rejects, profile, decision } = await main();
    expect(summary).toMatchObject({ rows: 40, valid: 40, invalid: 0 });
    expect(rejects).toEqual([]);
    expect(profile).toMatchObject({ tenureMonths: 1, paymentMethod: 'electronic-check', planType: 'postpaid' });
    // Both follow from imported attributes: first month on the bill, and a manual payment method.
    expect(decision.actions.map((a) => a.actionId)).toEqual(
      expect.arrayContaining(['care-bill-explainer', 'care-direct-debit']),
    );
    expect(decision.actions.every((a) => typeof a.treatment.script === 'string')).toBe(true);
  });
});
