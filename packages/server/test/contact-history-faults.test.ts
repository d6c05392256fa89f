// RedisContactHistory when Redis dies, restarts or stalls: reads and reserves fail closed, accepted records are never lost.
import { type ConfigSnapshot, createEngine, InMemoryProfileStore } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisContactHistory, type RedisContactHistoryOptions } from '../src/redis/contact-history.js';
import { contact, contactConfig, demoContactPolicy, HOUR, NOW, testPrefix } from './fixtures/contact-config.js';
import { connect, startDurableRedis } from './fixtures/contact-redis.js';
import type { RedisServer } from './redis-server.js';

let server: RedisServer;
let redis: Redis;
let config: ConfigSnapshot;
const open: RedisContactHistory[] = [];
let subscribers = 0;
const nextSubscriber = () => `SUB-F${String(++subscribers).padStart(7, '0')}`;

function store(options: Partial<RedisContactHistoryOptions> = {}) {
  const history = new RedisContactHistory({
    redis,
    keyPrefix: testPrefix('contact-history-faults'),
    horizonMs: config.policy.horizonMs,
    retryMs: 50,
    log: () => {},
    ...options,
  });
  open.push(history);
  return history;
}

/** Waits until the client is connected again after a restart (it reconnects by itself every 50 ms). */
async function ready(): Promise<void> {
  await vi.waitFor(() => expect(redis.status).toBe('ready'), { timeout: 5_000, interval: 20 });
}

beforeAll(async () => {
  server = await startDurableRedis();
  redis = await connect(server.url);
  config = await contactConfig(
    demoContactPolicy({ caps: [{ id: 'two-per-day', channel: 'sms', max: 2, window: '1d' }], cooldowns: [] }),
  );
});

afterEach(async () => {
  for (const history of open.splice(0)) history.close();
  if (redis.status !== 'ready') {
    await server.restart();
    await ready();
  }
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('Redis down', () => {
  it('load and reserve reject (fail closed); record is accepted into the buffer and written when Redis returns', async () => {
    const history = store();
    const sub = nextSubscriber();
    const caps = config.policy.capsFor(
      { actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false },
      'sms',
    );
    await history.record(contact({ subscriberId: sub, decisionId: 'before', at: NOW - 3 * HOUR }));
    await server.kill();

    await expect(history.load(sub)).rejects.toThrow();
    await expect(history.reserve(contact({ subscriberId: sub }), caps, NOW)).rejects.toThrow();
    for (let i = 0; i < 5; i++)
      await history.record(contact({ subscriberId: sub, decisionId: `during-${i}`, at: NOW - i }));
    expect(history.stats()).toEqual({ buffered: 5, droppedOutcomes: 0, flushedOutcomes: 0 });

    await server.restart();
    await vi.waitFor(() => expect(history.stats().buffered).toBe(0), { timeout: 5_000, interval: 20 });
    const stored = await history.load(sub);
    expect(stored.map((r) => r.decisionId)).toEqual([
      'before',
      'during-4',
      'during-3',
      'during-2',
      'during-1',
      'during-0',
    ]);
    expect(history.stats()).toEqual({ buffered: 0, droppedOutcomes: 0, flushedOutcomes: 5 });
  });

  it('bounds the buffer: past the limit the oldest are dropped, counted and logged once, never silently', async () => {
    const log = vi.fn();
    const history = store({ bufferLimit: 10, log });
    const sub = nextSubscriber();
    await server.kill();
    for (let i = 0; i < 25; i++)
      await history.record(contact({ subscriberId: sub, decisionId: `d-${i}`, at: NOW + i }));
    expect(history.stats()).toEqual({ buffered: 10, droppedOutcomes: 15, flushedOutcomes: 0 });
    const messages = log.mock.calls.map(([m]) => String(m));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/Redis did not answer .*buffering records in memory \(up to 10\)/);
    expect(messages[1]).toMatch(
      /the buffer is full; dropping the oldest buffered records \(counted in droppedOutcomes\)/,
    );

    await server.restart();
    await vi.waitFor(() => expect(history.stats().buffered).toBe(0), { timeout: 5_000, interval: 20 });
    expect((await history.load(sub)).map((r) => r.decisionId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `d-${i + 15}`),
    );
    expect(log.mock.calls.at(-1)?.[0]).toMatch(/Redis answers again; wrote 10 buffered records/);
  });

  it('buffered outcomes count toward caps as soon as Redis is back: reserve writes them before it checks', async () => {
    const history = store({ retryMs: 60_000 });
    const sub = nextSubscriber();
    const caps = config.policy.capsFor(
      { actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false },
      'sms',
    );
    await server.kill();
    await history.record(contact({ subscriberId: sub, decisionId: 'd-1', at: NOW - 2 * HOUR }));
    await history.record(contact({ subscriberId: sub, decisionId: 'd-2', at: NOW - HOUR }));
    await server.restart();
    await ready();
    expect(await history.reserve(contact({ subscriberId: sub, decisionId: 'd-3', at: NOW }), caps, NOW)).toEqual({
      ok: false,
      cap: 'two-per-day',
      count: 2,
      limit: 2,
    });
  });

  it('the engine degrades: inbound decides as if empty, outbound sends nothing, outcomes are accepted', async () => {
    const history = store();
    const profile = {
      subscriberId: nextSubscriber(),
      firstName: 'Ana',
      timeZone: 'Europe/Amsterdam',
      consent: { sms: true, push: true },
    };
    const engine = createEngine({
      config,
      profiles: new InMemoryProfileStore([profile] as never),
      history,
      clock: () => NOW,
    });
    const inbound = await engine.decide({ subscriberId: profile.subscriberId, channel: 'web' });
    if (!inbound.ok) throw new Error(inbound.error.message);
    const smsUp = await engine.decide({ subscriberId: profile.subscriberId, channel: 'sms' });
    expect(smsUp.ok && smsUp.decision.actions.length).toBeGreaterThan(0);
    await server.kill();

    const web = await engine.decide({ subscriberId: profile.subscriberId, channel: 'web' });
    if (!web.ok) throw new Error(web.error.message);
    expect(web.decision.actions.length).toBeGreaterThan(0);
    expect(web.decision.degraded.map((d) => d.reason)).toEqual(['CONTACT_HISTORY_UNAVAILABLE']);
    const sms = await engine.decide({ subscriberId: profile.subscriberId, channel: 'sms' });
    if (!sms.ok) throw new Error(sms.error.message);
    expect(sms.decision.actions).toEqual([]);

    const shown = inbound.decision.actions[0]!.actionId;
    const outcome = { decisionId: inbound.decision.decisionId, actionId: shown, outcome: 'impression' as const };
    expect(await engine.recordOutcome(outcome)).toEqual({ ok: true });
    await server.restart();
    await vi.waitFor(() => expect(history.stats().buffered).toBe(0), { timeout: 5_000, interval: 20 });
    expect(await history.load(profile.subscriberId)).toMatchObject([{ actionId: shown, outcome: 'impression' }]);
  });
});

describe('Redis slow', () => {
  it('calls time out instead of hanging; a record whose write was late is stored once, not twice', async () => {
    const history = store();
    const sub = nextSubscriber();
    const caps = config.policy.capsFor(
      { actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false },
      'sms',
    );
    const admin = await connect(server.url);
    // Every client stalls for 1.5 s: longer than the 250 ms command timeout.
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    try {
      await expect(history.load(sub)).rejects.toThrow(/timed out/);
      await expect(history.reserve(contact({ subscriberId: sub }), caps, NOW)).rejects.toThrow(/timed out/);
      await history.record(contact({ subscriberId: sub, decisionId: 'slow' }));
      expect(history.stats().buffered).toBe(1);
    } finally {
      admin.disconnect();
    }
    await vi.waitFor(() => expect(history.stats().buffered).toBe(0), { timeout: 5_000, interval: 20 });
    // The timed-out reserve ran once Redis woke (counted on the safe side); the record landed once, by its uid.
    const stored = await history.load(sub);
    expect(stored.filter((r) => r.decisionId === 'slow')).toHaveLength(1);
    expect(stored).toHaveLength(2);
  });
});

describe('Redis killed and restarted in the middle of a run', () => {
  it('every record accepted before, during and after the outage is in Redis exactly once', async () => {
    const history = store();
    const subscriberIds = Array.from({ length: 40 }, () => nextSubscriber());
    const accepted: string[] = [];
    const rejected: string[] = [];
    for (let round = 0; round < 60; round++) {
      if (round === 20) await server.kill();
      if (round === 40) await server.restart();
      // A burst of concurrent outcomes per round, as the HTTP server would take them.
      await Promise.all(
        subscriberIds.map(async (subscriberId, s) => {
          const decisionId = `r${round}-s${s}`;
          try {
            await history.record(contact({ subscriberId, decisionId, at: NOW + round * 1_000 + s }));
            accepted.push(decisionId);
          } catch {
            rejected.push(decisionId);
          }
        }),
      );
    }
    await vi.waitFor(() => expect(history.stats().buffered).toBe(0), { timeout: 10_000, interval: 20 });

    expect(rejected).toEqual([]);
    expect(accepted).toHaveLength(60 * 40);
    const stored: string[] = [];
    for (const subscriberId of subscriberIds)
      stored.push(...(await history.load(subscriberId)).map((r) => r.decisionId));
    expect(stored.sort()).toEqual([...accepted].sort());
    const stats = history.stats();
    expect(stats.droppedOutcomes).toBe(0);
    // The outage really happened: at least the 20 rounds while Redis was down went through the buffer.
    expect(stats.flushedOutcomes).toBeGreaterThanOrEqual(20 * 40);
  });
});
