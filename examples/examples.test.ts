// Runs every numbered example, so they never rot, and checks each shows what it claims to.
import { describe, expect, it, vi } from 'vitest';

describe('examples', () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});

  it('01 decides the roaming notice and a US roaming pass for Julia over SMS', async () => {
    const { main } = await import('./01-decide-in-process.js');
    const decision = await main();
    expect(decision.actions[0]).toMatchObject({ mandatory: true, issue: 'Roaming' });
    const pass = decision.actions.find((a) => a.group === 'Roaming passes');
    expect(pass?.actionId).toMatch(/^roam-us-/);
    expect(pass?.treatment.text).toMatch(/^Julia/);
  });

  it('02 explains every action of the catalog', async () => {
    const { main } = await import('./02-explain-a-decision.js');
    const decision = await main();
    expect(decision.funnel).toHaveLength(decision.counts.actions);
    expect(decision.funnel!.some((f) => f.reason === 'NOT_ELIGIBLE' && f.failures!.length > 0)).toBe(true);
    expect(decision.actions.some((a) => a.issue === 'Care')).toBe(true);
  });

  it('03 shows caps and cooldowns holding after outcomes', async () => {
    const { main } = await import('./03-outcomes-and-caps.js');
    const { first, second } = await main();
    expect(first.actions).toHaveLength(2);
    expect(second.actions).toEqual([]);
    const reasons = new Map(second.funnel!.map((f) => [f.actionId, f]));
    for (const sent of first.actions)
      expect(reasons.get(sent.actionId)).toMatchObject({ stage: 'policy', reason: 'COOLDOWN' });
    expect(second.funnel!.some((f) => f.reason === 'CAP_REACHED' && f.rule === 'sms-per-day')).toBe(true);
  });

  it('04 compiles a condition with a named condition and a custom operator', async () => {
    const { main } = await import('./04-rules-and-custom-operators.js');
    expect(main()).toEqual({ yes: true, no: false });
  });
});
