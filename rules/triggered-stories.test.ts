// Triggered mode on the demo playbook: events from the network and usage become SMS sends through triggers.yaml.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../packages/engine/src/config/config-snapshot.js';
import { loadConfigDir } from '../packages/engine/src/config/load-files.js';
import { createEngine } from '../packages/engine/src/decision/engine.js';
import { storyProfiles } from '../packages/engine/src/population/index.js';
import { InMemoryProfileStore } from '../packages/engine/src/profiles/profile-store.js';
import type { Channel, OutboundMessage } from '../packages/engine/src/triggers/index.js';
import { createTriggerRunner } from '../packages/engine/src/triggers/index.js';

const RULES = fileURLToPath(new URL('.', import.meta.url));
/** 16:00 UTC: noon in New York, 17:00 in Amsterdam, outside SMS quiet hours in both. */
const NOW = Date.parse('2026-11-24T16:00:00Z');
const HOUR = 3_600_000;

let config: ConfigSnapshot;
beforeAll(async () => {
  config = await loadConfigDir(RULES);
});

function setUp() {
  const stories = storyProfiles();
  const julia = { ...stories.julia, roamingNow: false, roamingCountry: null, timeZone: 'Europe/Amsterdam' };
  const heavy = { ...stories.heavyUser, dataUsedPct: 46 };
  const clock = { now: NOW };
  const engine = createEngine({ config, profiles: new InMemoryProfileStore([julia, heavy]), clock: () => clock.now });
  const sent: OutboundMessage[] = [];
  const sms: Channel = {
    name: 'sms',
    deliver: async (m) => {
      sent.push(m);
      return { ok: true };
    },
  };
  const runner = createTriggerRunner({ engine, channels: [sms], clock: () => clock.now, timers: false });
  let n = 0;
  const event = (subscriberId: string, type: string, data: Record<string, unknown>) =>
    engine.ingest({ id: `ev-${++n}`, type, subscriberId, time: clock.now, data }).then((r) => runner.onIngest(r));
  return { julia, heavy, clock, sent, event, runner };
}

describe('triggered stories', () => {
  it('Julia attaches in New York: the roaming notice and a US pass go out by SMS, once', async () => {
    const { julia, sent, event, clock } = setUp();
    const [result] = await event(julia.subscriberId, 'network.roaming-attach', {
      country: 'US',
      timeZone: 'America/New_York',
    });
    expect(result).toMatchObject({ triggerId: 'roaming-attach', status: 'sent' });
    expect(sent.map((m) => m.actionId)).toEqual(['msg-roam-welcome-world', expect.stringMatching(/^roam-us-/)]);
    expect(sent[1]!.treatment.text).toMatch(/^Julia/);
    expect(sent[0]!.idempotencyKey).toBe(`${result!.decisionId}:msg-roam-welcome-world`);

    clock.now += HOUR;
    const [again] = await event(julia.subscriberId, 'network.roaming-attach', {
      country: 'US',
      timeZone: 'America/New_York',
    });
    expect(again).toMatchObject({ status: 'debounced' });
    expect(sent).toHaveLength(2);
  });

  it('a duplicate event (same id) is not applied again and fires nothing', async () => {
    const { julia, sent, runner } = setUp();
    const engine = createEngine({ config, profiles: new InMemoryProfileStore([{ ...julia }]), clock: () => NOW });
    const event = {
      id: 'same',
      type: 'network.roaming-attach',
      subscriberId: julia.subscriberId,
      time: NOW,
      data: { country: 'US' },
    };
    expect(await engine.ingest(event)).toMatchObject({ ok: true });
    const second = await engine.ingest(event);
    expect(second).toMatchObject({ ok: true, duplicate: true });
    expect(await runner.onIngest(second)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('80 % of the bundle used: a top-up by SMS; 79 % sends nothing', async () => {
    const { heavy, sent, event } = setUp();
    expect((await event(heavy.subscriberId, 'usage.data', { pct: 79 }))[0]).toMatchObject({
      status: 'condition-false',
    });
    const [result] = await event(heavy.subscriberId, 'usage.data', { pct: 81 });
    expect(result).toMatchObject({ triggerId: 'data-bundle-80', status: 'sent' });
    expect(sent.map((m) => m.actionId)).toEqual([expect.stringMatching(/^topup-/)]);
  });
});
