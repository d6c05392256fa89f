// Triggered mode on the small test config: event -> condition -> debounce -> decision -> contact recorded -> send.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../decision/engine.js';
import { buildTestConfig, heavyUser, NOON } from '../decision/test-config.js';
import { InMemoryContactHistory } from '../policy/index.js';
import { InMemoryProfileStore } from '../profiles/profile-store.js';
import { compileRule } from '../rules/index.js';
import type { Channel, OutboundMessage } from './channel.js';
import { compileTriggers } from './compile-triggers.js';
import { createTriggerRunner } from './trigger-runner.js';
import type { TriggerSpec } from './triggers-schema.js';

const HOUR = 3_600_000;
const usageTrigger: TriggerSpec = {
  id: 'data-80',
  event: 'usage.data',
  condition: { all: [{ fact: 'event', path: '$.data.pct', operator: 'greaterThanInclusive', value: 80 }] },
  channel: 'sms',
  limit: 1,
  debounce: '1h',
  onQuietHours: 'defer',
};

function recordingChannel(fail = false): Channel & { sent: OutboundMessage[] } {
  const sent: OutboundMessage[] = [];
  return {
    name: 'sms',
    sent,
    async deliver(message) {
      sent.push(message);
      return fail ? { ok: false, error: 'gateway down' } : { ok: true };
    },
  };
}

async function setup(
  options: { spec?: Partial<TriggerSpec>; channel?: Channel; history?: InMemoryContactHistory } = {},
) {
  const config = await buildTestConfig();
  const history = options.history ?? new InMemoryContactHistory();
  let now = NOON;
  const engine = createEngine({ config, history, profiles: new InMemoryProfileStore([heavyUser]), clock: () => now });
  const problems: never[] = [];
  const triggers = compileTriggers(
    { triggers: [{ ...usageTrigger, ...options.spec }] },
    'triggers.yaml',
    { channels: new Map(Object.entries(config.sources.contactPolicy.channels)), compile: (c) => compileRule(c) },
    problems,
  );
  expect(problems).toEqual([]);
  const channel = options.channel ?? recordingChannel();
  const runner = createTriggerRunner({ engine, triggers, channels: [channel], clock: () => now, timers: false });
  const event = (id: string, pct: number) => ({
    id,
    type: 'usage.data',
    subscriberId: heavyUser.subscriberId,
    data: { pct },
  });
  return { engine, runner, history, channel, event, setNow: (t: number) => (now = t) };
}

describe('trigger runner', () => {
  it('sends the best action for a matching event and records the contact', async () => {
    const { runner, history, channel, event } = await setup();
    const [result] = await runner.onEvent(event('e1', 82), heavyUser);
    expect(result).toMatchObject({ triggerId: 'data-80', status: 'sent', sent: ['goodwill-pass'] });
    const sent = (channel as ReturnType<typeof recordingChannel>).sent;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: 'sms',
      triggerId: 'data-80',
      idempotencyKey: `${result!.decisionId}:goodwill-pass`,
    });
    expect(sent[0]!.treatment.text).toBe('Hi Ana, 85% used');
    expect(history.load(heavyUser.subscriberId)).toEqual([
      expect.objectContaining({ actionId: 'goodwill-pass', outcome: 'impression', channel: 'sms' }),
    ]);
  });

  it('does not fire when the condition is false', async () => {
    const { runner, event } = await setup();
    expect((await runner.onEvent(event('e1', 50), heavyUser))[0]!.status).toBe('condition-false');
  });

  it('debounces a second firing inside the window; after it, the SMS cap still holds', async () => {
    const { runner, event, setNow, channel } = await setup();
    await runner.onEvent(event('e1', 82), heavyUser);
    expect((await runner.onEvent(event('e2', 90), heavyUser))[0]).toMatchObject({ status: 'debounced' });
    setNow(NOON + 2 * HOUR);
    const third = (await runner.onEvent(event('e3', 95), heavyUser))[0]!;
    expect(third.status).toBe('no-action');
    expect(third.detail).toBe('4 candidates on sms, 3 eligible, 0 allowed by contact policy');
    expect((channel as ReturnType<typeof recordingChannel>).sent).toHaveLength(1);
  });

  it('defers a send in quiet hours and decides it again when they end', async () => {
    const { runner, event, setNow, channel } = await setup();
    setNow(Date.parse('2026-11-22T22:30:00Z')); // 23:30 in Amsterdam
    const [deferred] = await runner.onEvent(event('e1', 82), heavyUser);
    expect(deferred).toMatchObject({ status: 'deferred', deferredUntil: '2026-11-23T07:00:00.000Z' });
    expect(runner.deferred).toBe(1);
    expect(await runner.runDue(Date.parse('2026-11-23T06:59:00Z'))).toEqual([]);
    const [sent] = await runner.runDue(Date.parse('2026-11-23T07:00:00Z'));
    expect(sent).toMatchObject({ status: 'sent' });
    expect(runner.deferred).toBe(0);
    expect((channel as ReturnType<typeof recordingChannel>).sent).toHaveLength(1);
  });

  it('drops a send in quiet hours when the trigger says drop', async () => {
    const { runner, event, setNow } = await setup({ spec: { onQuietHours: 'drop' } });
    setNow(Date.parse('2026-11-22T22:30:00Z'));
    expect((await runner.onEvent(event('e1', 82), heavyUser))[0]).toMatchObject({
      status: 'dropped-quiet-hours',
      detail: expect.stringMatching(/quiet hours 21:00-08:00/),
    });
    expect(runner.deferred).toBe(0);
  });

  it('reports a failed delivery, and keeps the contact counted (fail closed)', async () => {
    const { runner, event, history } = await setup({ channel: recordingChannel(true) });
    expect((await runner.onEvent(event('e1', 82), heavyUser))[0]).toMatchObject({
      status: 'delivery-failed',
      detail: expect.stringContaining('gateway down'),
    });
    expect(history.load(heavyUser.subscriberId)).toHaveLength(1);
  });

  it('sends nothing when contact history is unavailable', async () => {
    const history = new InMemoryContactHistory();
    (history as { load: unknown }).load = () => Promise.reject(new Error('redis down'));
    const { runner, event, channel } = await setup({ history });
    expect((await runner.onEvent(event('e1', 82), heavyUser))[0]).toMatchObject({ status: 'history-unavailable' });
    expect((channel as ReturnType<typeof recordingChannel>).sent).toHaveLength(0);
  });

  it('says so when no delivery channel is configured for the trigger channel', async () => {
    const { runner, event } = await setup({ channel: { name: 'push', deliver: async () => ({ ok: true }) } });
    expect((await runner.onEvent(event('e1', 82), heavyUser))[0]).toMatchObject({ status: 'no-channel' });
  });

  it('decides only within the trigger scope', async () => {
    const { runner, event, channel } = await setup({ spec: { scope: { groups: ['Top-ups'] } } });
    expect((await runner.onEvent(event('e1', 82), heavyUser))[0]).toMatchObject({
      status: 'sent',
      sent: ['topup-5gb'],
    });
    expect((channel as ReturnType<typeof recordingChannel>).sent.map((m) => m.actionId)).toEqual(['topup-5gb']);
  });

  it('ignores events no trigger listens to', async () => {
    const { runner } = await setup();
    expect(
      await runner.onEvent({ id: 'x', type: 'web.visit', subscriberId: heavyUser.subscriberId, data: {} }, heavyUser),
    ).toEqual([]);
  });
});

describe('compileTriggers', () => {
  it('reports duplicate ids, bad durations, unknown and inbound channels with their paths', async () => {
    const config = await buildTestConfig();
    const problems: { path: string; code: string }[] = [];
    compileTriggers(
      {
        triggers: [
          { ...usageTrigger, debounce: 'an hour' },
          { ...usageTrigger, channel: 'fax' },
          { ...usageTrigger, id: 'web-one', channel: 'web' },
          { ...usageTrigger, id: 'scoped', scope: { groups: ['Top-ups', 'Top ups'] } },
        ],
      },
      'triggers.yaml',
      {
        channels: new Map(Object.entries(config.sources.contactPolicy.channels)),
        known: { groups: new Set(config.actions.map((a) => a.group)) },
        compile: (c) => compileRule(c),
      },
      problems as never[],
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: '/triggers/0/debounce', code: 'CONFIG_INVALID_VALUE' }),
      expect.objectContaining({ path: '/triggers/1/id', code: 'CONFIG_DUPLICATE_ID' }),
      expect.objectContaining({ path: '/triggers/1/channel', code: 'CONFIG_UNKNOWN_REFERENCE' }),
      expect.objectContaining({ path: '/triggers/2/channel', code: 'CONFIG_INVALID_VALUE' }),
      expect.objectContaining({ path: '/triggers/3/scope/groups/1', code: 'CONFIG_UNKNOWN_REFERENCE' }),
    ]);
  });
});
