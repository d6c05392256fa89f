// Runs every numbered example, so they never rot, and checks each shows what it claims to.
import { describe, expect, it, vi } from 'vitest';

describe('examples', () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});

  it('01 decides a roaming pass for Julia over SMS', async () => {
    const { main } = await import('./01-decide-in-process.js');
    const decision = await main();
    expect(decision.actions.length).toBeGreaterThan(0);
    expect(decision.actions[0]!.issue).toBe('Roaming');
    expect(decision.actions[0]!.treatment.text).toMatch(/Julia/);
  });

  it('02 explains every action of the catalog', async () => {
    const { main } = await import('./02-explain-a-decision.js');
    const decision = await main();
    expect(decision.funnel).toHaveLength(decision.counts.actions);
    expect(decision.funnel!.some((f) => f.reason === 'NOT_ELIGIBLE' && f.failures!.length > 0)).toBe(true);
    expect(decision.actions.some((a) => a.issue === 'Care')).toBe(true);
  });

  it('03 shows the daily SMS cap holding after an outcome', async () => {
    const { main } = await import('./03-outcomes-and-caps.js');
    const { first, second } = await main();
    const sent = first.actions[0]!.actionId;
    expect(second.actions.map((a) => a.actionId)).not.toContain(sent);
    expect(second.funnel!.find((f) => f.actionId === sent)!.reason).toBe('CAP_REACHED');
  });

  it('04 compiles a condition with a named condition and a custom operator', async () => {
    const { main } = await import('./04-rules-and-custom-operators.js');
    expect(main()).toEqual({ yes: true, no: false });
  });
});
