// The main job (`npm start` runs `arbiter demo`): its summary shows decisions, caps holding and the five stories.
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { demoCommand } from './demo-command.js';

const RULES = fileURLToPath(new URL('../../../../rules', import.meta.url));

describe('arbiter demo', () => {
  it('decides for a small population and prints a readable summary', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const lines: string[] = [];
    const decisions = await demoCommand({
      rules: RULES,
      count: 300,
      seed: 3,
      now: '2026-11-22T16:00:00Z',
      out: (l) => lines.push(l),
    });
    const text = lines.join('\n');
    expect(decisions).toBe(4 * 300);
    expect(text).toMatch(/76 actions, 5 issues, 6 channels, 1 model/);
    expect(text).toMatch(/^app +300 /m);
    expect(text).toMatch(/Second SMS round at the same moment: 0 of 300 subscribers would get another SMS/);
    expect(text).toMatch(/eligibility +NOT_ELIGIBLE/);
    for (const story of ['julia', 'household', 'renewal', 'frustrated', 'heavyUser'])
      expect(text).toContain(`- ${story} (`);
    expect(text).toMatch(/1\. msg-roam-welcome-world \(mandatory\)/);
    expect(text).toMatch(/family-plan-bundle/);
    expect(text).toMatch(/care-goodwill-/);
    expect(text).toMatch(/Triggered mode: [\d,]+ events .* trigger firings:/);
    expect(text).toMatch(/data-bundle-80 +sent/);
    expect(text).toMatch(/sms +topup-/);
  });

  it('says why a story gets nothing, such as SMS quiet hours in the subscriber time zone', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const lines: string[] = [];
    // 03:00 in New York, where Julia is roaming.
    await demoCommand({ rules: RULES, count: 50, seed: 3, now: '2026-11-22T08:00:00Z', out: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/- julia \(.*\n +nothing now: quiet hours 21:00-08:00 America\/New_York/);
  });
});
