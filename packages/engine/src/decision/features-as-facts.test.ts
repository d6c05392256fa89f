// Features as facts: events drive eligibility, treatments and contact policy; profile attributes show through
// until the subscriber has feature state; the raw state is never a fact.
import { describe, expect, it } from 'vitest';
import { buildFeatureConfig } from '../events/test-features.js';
import type { Profile } from '../population/index.js';
import { InMemoryProfileStore } from '../profiles/profile-store.js';
import { createEngine } from './engine.js';
import { NOON, testActions } from './test-config.js';

const DAY = 86_400_000;
const levi: Profile = {
  subscriberId: 'SUB-F1',
  firstName: 'Levi',
  planType: 'postpaid',
  dataUsedPct: 40,
  careContacts90d: 5,
  timeZone: 'Europe/Amsterdam',
  consent: { marketing: true, sms: true },
};

let sequence = 0;
const event = (type: string, data: Record<string, unknown> = {}, time = NOON) => ({
  id: `f-${++sequence}`,
  type,
  subscriberId: 'SUB-F1',
  time,
  data,
});

async function setUp(actions?: unknown[]) {
  const clock = { now: NOON };
  const engine = createEngine({
    config: await buildFeatureConfig(undefined, actions),
    profiles: new InMemoryProfileStore([levi]),
    clock: () => clock.now,
  });
  const selected = async (channel: string, now?: number) => {
    const result = await engine.decide({ subscriberId: 'SUB-F1', channel, explain: true, ...(now ? { now } : {}) });
    if (!result.ok) throw new Error(result.error.message);
    return result.decision;
  };
  return { engine, clock, selected };
}

describe('features as facts', () => {
  it('an event makes an action eligible, and the treatment shows the feature value', async () => {
    const { engine, selected } = await setUp();
    expect((await selected('sms')).actions.map((a) => a.actionId)).not.toContain('topup-5gb');
    await engine.ingest(event('usage.data', { pct: 81 }));
    const decision = await selected('sms');
    const topUp = decision.actions.find((a) => a.actionId === 'topup-5gb');
    expect(topUp?.treatment.text).toBe('Hi Levi, 81% used');
  });

  it('a profile attribute shows through until the subscriber has state for the feature of its name', async () => {
    const { engine, selected } = await setUp();
    // careContacts90d 5 comes from the profile: the goodwill pass is eligible.
    await engine.ingest(event('usage.data', { pct: 50 }));
    expect((await selected('web')).actions.map((a) => a.actionId)).toContain('goodwill-pass');
    // From the first care event on, the count of events in the window is the fact.
    await engine.ingest(event('care.contact'));
    const funnel = (await selected('web')).funnel!;
    expect(funnel.find((f) => f.actionId === 'goodwill-pass')).toMatchObject({
      stage: 'eligibility',
      failures: [expect.objectContaining({ fact: 'careContacts90d', actual: 1 })],
    });
  });

  it('windows are evaluated at the decision time', async () => {
    const { engine, selected } = await setUp();
    for (let i = 0; i < 4; i++) await engine.ingest(event('care.contact'));
    expect((await selected('web')).actions.map((a) => a.actionId)).toContain('goodwill-pass');
    expect((await selected('web', NOON + 91 * DAY)).actions.map((a) => a.actionId)).not.toContain('goodwill-pass');
  });

  it('contact policy sees features too: quiet hours follow the visited time zone', async () => {
    const { engine, selected } = await setUp();
    // 13:00 UTC: 14:00 in Amsterdam, 22:00 in Tokyo (SMS quiet hours are 21:00-08:00).
    const at = Date.UTC(2026, 10, 22, 13);
    expect((await selected('sms', at)).actions.length).toBeGreaterThan(0);
    await engine.ingest(event('network.roaming-attach', { country: 'JP', timeZone: 'Asia/Tokyo' }));
    const decision = await selected('sms', at);
    expect(decision.actions).toEqual([]);
    expect(decision.funnel!.some((f) => f.reason === 'QUIET_HOURS')).toBe(true);
  });

  it('never shows the raw feature state as a fact', async () => {
    const peek = {
      id: 'peek',
      name: 'Peek',
      issue: 'Care',
      group: 'Peek',
      channels: ['web'],
      value: 100,
      propensity: 1,
      treatments: { web: { title: 'state: [{{_features}}]', body: '{{careContacts90d}}' } },
    };
    const { engine, selected } = await setUp([...testActions, peek]);
    await engine.ingest(event('care.contact'));
    const shown = (await selected('web')).actions.find((a) => a.actionId === 'peek');
    expect(shown?.treatment).toEqual({ title: 'state: []', body: '1' });
  });
});
