// The demo stories driven by events: features.yaml turns network, care and usage events into the facts the
// playbook's eligibility reads (roamingNow, roamingCountry, careContacts90d, dataUsedPct).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../packages/engine/src/config/config-snapshot.js';
import { loadConfigDir } from '../packages/engine/src/config/load-files.js';
import { createEngine, type Engine } from '../packages/engine/src/decision/engine.js';
import { type GeneratedProfile, storyProfiles } from '../packages/engine/src/population/index.js';
import { InMemoryProfileStore } from '../packages/engine/src/profiles/profile-store.js';

const RULES = fileURLToPath(new URL('.', import.meta.url));
/** 16:00 UTC on a June weekday: noon in New York, 18:00 in Amsterdam, outside every quiet hour. */
const NOW = Date.UTC(2026, 5, 10, 16);
const HOUR = 3_600_000;

const stories = storyProfiles();
/** Each story subscriber before their story happened: at home, no care contacts, half the bundle used. */
const before: GeneratedProfile[] = [
  { ...stories.julia, roamingNow: false, roamingCountry: null, timeZone: 'Europe/Amsterdam' },
  { ...stories.frustrated, careContacts90d: 0 },
  { ...stories.heavyUser, dataUsedGb: 9.2, dataUsedPct: 46 },
];

let config: ConfigSnapshot;
beforeAll(async () => {
  config = await loadConfigDir(RULES);
});

/** An engine over the before-story subscribers, with a clock the test moves (events are checked against it). */
function setUp(): { engine: Engine; clock: { now: number } } {
  const clock = { now: NOW };
  const profiles = new InMemoryProfileStore(before.map((p) => ({ ...p })));
  return { engine: createEngine({ config, profiles, clock: () => clock.now }), clock };
}

let sequence = 0;
async function ingest(
  engine: Engine,
  subscriberId: string,
  type: string,
  data: Record<string, unknown> = {},
  time = NOW,
) {
  const result = await engine.ingest({ id: `story-${++sequence}`, type, subscriberId, time, data });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return result;
}

/** The actions that passed eligibility (whatever policy and arbitration then made of them). */
async function eligible(engine: Engine, subscriberId: string, channel: string): Promise<Set<string>> {
  const result = await engine.decide({ subscriberId, channel, explain: true });
  if (!result.ok) throw new Error(result.error.message);
  const passed = result.decision.funnel!.filter((f) => f.stage !== 'candidates' && f.stage !== 'eligibility');
  return new Set(passed.map((f) => f.actionId));
}

async function selected(engine: Engine, subscriberId: string, channel: string): Promise<string[]> {
  const result = await engine.decide({ subscriberId, channel });
  if (!result.ok) throw new Error(result.error.message);
  return result.decision.actions.map((a) => a.actionId);
}

describe('the demo stories, driven by events', () => {
  it('julia: a roaming attach in the US makes her eligible for US passes, and the pass goes out by SMS', async () => {
    const { engine, clock } = setUp();
    const julia = stories.julia.subscriberId;
    expect([...(await eligible(engine, julia, 'sms'))].filter((id) => id.startsWith('roam-'))).toEqual([]);

    const attached = await ingest(engine, julia, 'network.roaming-attach', {
      country: 'US',
      timeZone: 'America/New_York',
    });
    expect(attached.ok && attached.features).toMatchObject({
      roamingNow: true,
      roamingCountry: 'US',
      timeZone: 'America/New_York',
      countriesVisited90d: 1,
    });
    const abroad = await eligible(engine, julia, 'sms');
    for (const id of ['roam-us-2gb', 'roam-us-day-1gb', 'msg-roam-welcome-world']) expect(abroad).toContain(id);
    // The SMS now goes out as it does for the story profile, which has the roaming facts as attributes.
    const story = createEngine({ config, profiles: new InMemoryProfileStore([stories.julia]), clock: () => NOW });
    const sent = await selected(engine, julia, 'sms');
    expect(sent.some((id) => id.startsWith('roam-us-'))).toBe(true);
    expect(sent).toEqual(await selected(story, julia, 'sms'));

    clock.now = NOW + HOUR;
    await ingest(engine, julia, 'network.home-attach', {}, NOW + HOUR);
    const home = await engine.decide({ subscriberId: julia, channel: 'sms', explain: true, now: NOW + HOUR });
    expect(home.ok && home.decision.funnel!.find((f) => f.actionId === 'roam-us-2gb')?.stage).toBe('eligibility');
  });

  it('frustrated: the fourth care contact in 90 days makes the goodwill pass eligible and stops the sales offers', async () => {
    const { engine, clock } = setUp();
    const jeroen = stories.frustrated.subscriberId;
    // He is near his bundle limit too, so before the fourth contact the top-ups are on sale to him.
    await ingest(engine, jeroen, 'usage.data', { pct: 85 });
    expect(await eligible(engine, jeroen, 'sms')).toContain('topup-5gb');
    // Three contacts over the last two months, each ingested when it happened.
    for (const daysAgo of [60, 40, 20]) {
      clock.now = NOW - daysAgo * 24 * HOUR;
      await ingest(engine, jeroen, 'care.contact', { reason: 'network' }, clock.now);
    }
    clock.now = NOW;
    expect(await eligible(engine, jeroen, 'agent')).not.toContain('care-goodwill-data');

    const fourth = await ingest(engine, jeroen, 'care.contact', { reason: 'network', waitMinutes: 14 });
    expect(fourth.ok && fourth.features).toMatchObject({ careContacts90d: 4, careWaitMaxMinutes90d: 14 });
    const after = await eligible(engine, jeroen, 'agent');
    for (const id of ['care-goodwill-data', 'care-goodwill-credit', 'care-priority-callback'])
      expect(after).toContain(id);
    // Growth is not sold to a subscriber with 4+ care contacts in 90 days: fix the problem first.
    expect(await eligible(engine, jeroen, 'sms')).not.toContain('topup-5gb');
  });

  it('heavyUser: a usage report at 81 % makes the top-ups eligible; at 79 % it does not', async () => {
    const { engine } = setUp();
    const levi = stories.heavyUser.subscriberId;
    await ingest(engine, levi, 'usage.data', { pct: 79, usedGb: 15.8 });
    expect(await eligible(engine, levi, 'sms')).not.toContain('topup-5gb');
    const report = await ingest(engine, levi, 'usage.data', { pct: 81, usedGb: 16.2 }, NOW + 1);
    expect(report.ok && report.features).toMatchObject({ dataUsedPct: 81, dataUsedGb: 16.2 });
    const now = await eligible(engine, levi, 'sms');
    for (const id of ['topup-5gb', 'topup-1gb']) expect(now).toContain(id);
  });
});
