// RedisContactHistory against a real redis-server: storage, trimming, TTL, and the Lua check-and-reserve of caps.
import { type ConfigSnapshot, type ContactRecord, InMemoryContactHistory, type Outcome } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import type { CapSpec } from '../src/redis/contact-history-types.js';
import {
  contact,
  contactConfig,
  DAY,
  deletePrefix,
  demoContactPolicy,
  HOUR,
  NOW,
  testActions,
  testPrefix,
} from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const prefix = testPrefix('contact-history');
let redis: Redis;
let config: ConfigSnapshot;
let subscribers = 0;

/** A fresh subscriber per test, so tests share one store without seeing each other's records. */
const nextSubscriber = () => `SUB-${String(++subscribers).padStart(8, '0')}`;
const stores: RedisContactHistory[] = [];
const store = (options: Partial<ConstructorParameters<typeof RedisContactHistory>[0]> = {}) => {
  const made = new RedisContactHistory({ redis, keyPrefix: prefix, horizonMs: config.policy.horizonMs, ...options });
  stores.push(made);
  return made;
};
const candidateOf = (actionId: string) => {
  const action = testActions.find((a) => a.id === actionId)!;
  return { actionId, issue: action.issue, group: action.group, mandatory: 'mandatory' in action };
};

beforeAll(async () => {
  redis = await connect(inject('redisUrl'));
  config = await contactConfig();
});

afterEach(() => {
  for (const made of stores.splice(0)) made.close();
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('RedisContactHistory: storage', () => {
  it('loads an empty list for an unknown subscriber', async () => {
    expect(await store().load('SUB-99999999')).toEqual([]);
  });

  it('gives records back as written, oldest first, a late outcome slotted in by time', async () => {
    const history = store();
    const sub = nextSubscriber();
    const records = [
      contact({ subscriberId: sub, at: NOW - 3 * HOUR }),
      contact({ subscriberId: sub, at: NOW - HOUR, mandatory: true, actionId: 'outage-notice', issue: 'Care' }),
      contact({ subscriberId: sub, at: NOW - 2 * HOUR, outcome: 'click', channel: 'web', decisionId: 'dec-2' }),
    ];
    for (const record of records) await history.record(record);
    expect(await history.load(sub)).toEqual([records[0], records[2], records[1]]);
  });

  it('keeps two equal records apart: each contact counts', async () => {
    const history = store();
    const sub = nextSubscriber();
    const record = contact({ subscriberId: sub });
    await history.record(record);
    await history.record(record);
    expect(await history.load(sub)).toEqual([record, record]);
  });

  it('trims records past the horizon, measured from the newest record, never bringing trimmed ones back', async () => {
    const history = store({ horizonMs: 7 * DAY });
    const sub = nextSubscriber();
    for (const days of [30, 8, 7, 0, 40]) await history.record(contact({ subscriberId: sub, at: NOW - days * DAY }));
    expect((await history.load(sub)).map((r) => (r.at - NOW) / DAY)).toEqual([-7, 0]);
  });

  it('bounds the records per subscriber, dropping the oldest', async () => {
    const history = store({ maxRecordsPerSubscriber: 3 });
    const sub = nextSubscriber();
    for (let i = 5; i >= 0; i--) await history.record(contact({ subscriberId: sub, at: NOW - i * HOUR }));
    expect((await history.load(sub)).map((r) => (r.at - NOW) / HOUR)).toEqual([-2, -1, 0]);
  });

  it('stores one sorted set per subscriber under the prefix, expiring a horizon after the last write', async () => {
    const history = store();
    const sub = nextSubscriber();
    await history.record(contact({ subscriberId: sub }));
    const key = `${prefix}contacts:${sub}`;
    expect(await redis.type(key)).toBe('zset');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(config.policy.horizonMs - 60_000);
    expect(ttl).toBeLessThanOrEqual(config.policy.horizonMs);
  });

  it('refuses, rather than buffers, a write Redis itself rejects (another type under the key)', async () => {
    const history = store();
    const sub = nextSubscriber();
    await redis.set(`${prefix}contacts:${sub}`, 'not a sorted set');
    await expect(history.record(contact({ subscriberId: sub }))).rejects.toThrow(/WRONGTYPE/);
    expect(history.stats()).toEqual({ buffered: 0, droppedOutcomes: 0, flushedOutcomes: 0 });
  });

  it('rejects a horizon that is not a number of ms', () => {
    expect(() => store({ horizonMs: Number.NaN })).toThrow(/horizonMs/);
  });
});

describe('RedisContactHistory: reserve', () => {
  const threePerDay = { caps: [{ id: 'three-per-day', channel: 'sms', max: 3, window: '1d' }], cooldowns: [] };

  it('reserves until the cap is used up, then refuses with the cap, count and limit, writing nothing', async () => {
    const policy = (await contactConfig(demoContactPolicy(threePerDay))).policy;
    const history = store();
    const sub = nextSubscriber();
    const caps = policy.capsFor(candidateOf('roam-2gb'), 'sms');
    const results = [];
    for (let i = 1; i <= 4; i++) {
      results.push(await history.reserve(contact({ subscriberId: sub, at: NOW - i * 60_000 }), caps, NOW));
    }
    expect(results).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
      { ok: false, cap: 'three-per-day', count: 3, limit: 3 },
    ]);
    expect(await history.load(sub)).toHaveLength(3);
  });

  it('never counts mandatory records toward a cap', async () => {
    const policy = (await contactConfig(demoContactPolicy(threePerDay))).policy;
    const history = store();
    const sub = nextSubscriber();
    for (let i = 0; i < 10; i++) {
      const notice = { actionId: 'outage-notice', issue: 'Care', group: 'Notices', mandatory: true };
      await history.record(contact({ subscriberId: sub, at: NOW - i * 60_000, ...notice }));
    }
    const caps = policy.capsFor(candidateOf('roam-2gb'), 'sms');
    const ok = [];
    for (let i = 0; i < 4; i++) {
      ok.push((await history.reserve(contact({ subscriberId: sub, decisionId: `dec-${i}` }), caps, NOW)).ok);
    }
    expect(ok).toEqual([true, true, true, false]);
    expect(await history.load(sub)).toHaveLength(13);
  });

  it('keeps a mandatory notice from being sent twice inside its cooldown', async () => {
    const history = store();
    const sub = nextSubscriber();
    const caps = config.policy.capsFor(candidateOf('outage-notice'), 'sms');
    expect(caps.map((c) => c.id)).toEqual(['same-action-after-impression']);
    const notice = contact({ subscriberId: sub, actionId: 'outage-notice', issue: 'Care', group: 'Notices' });
    const mandatory = { ...notice, mandatory: true, at: NOW - HOUR };
    expect(await history.reserve(mandatory, caps, NOW - HOUR)).toEqual({ ok: true });
    expect(await history.reserve({ ...mandatory, at: NOW }, caps, NOW)).toEqual({
      ok: false,
      cap: 'same-action-after-impression',
      count: 1,
      limit: 1,
    });
  });

  it('a cap of 0 closes the channel; no caps at all always records', async () => {
    const history = store();
    const sub = nextSubscriber();
    const closed: CapSpec = { ...config.policy.capsFor(candidateOf('roam-2gb'), 'sms')[1]!, max: 0 };
    expect(await history.reserve(contact({ subscriberId: sub }), [closed], NOW)).toMatchObject({ ok: false, count: 0 });
    expect(await history.reserve(contact({ subscriberId: sub }), [], NOW)).toEqual({ ok: true });
  });

  it("refuses another writer's second reservation of one decision's contact with one action, as in memory", async () => {
    const [mine, theirs] = [store(), store()];
    const sub = nextSubscriber();
    const caps = config.policy.capsFor(candidateOf('roam-2gb'), 'sms');
    const sent = contact({ subscriberId: sub, at: NOW, decisionId: `cmp:topups-sms:run-1:${sub}` });
    const once = { ok: false, cap: 'ONCE_PER_DECISION', count: 1, limit: 1 };
    expect(await mine.reserve(sent, [], NOW)).toEqual({ ok: true });
    // Another process (a consumer that woke to a chunk already taken over) reserving the same contact, caps or not.
    expect(await theirs.reserve({ ...sent }, [], NOW)).toEqual(once);
    expect(await theirs.reserve({ ...sent }, caps, NOW)).toEqual(once);
    expect(await mine.reserve({ ...sent }, [], NOW)).toEqual(once);
    // Another action, decision, outcome or time is its own contact.
    expect((await theirs.reserve({ ...sent, actionId: 'topup-1gb' }, [], NOW)).ok).toBe(true);
    expect((await theirs.reserve({ ...sent, decisionId: `cmp:topups-sms:run-2:${sub}` }, [], NOW)).ok).toBe(true);
    expect((await theirs.reserve({ ...sent, outcome: 'accept' }, [], NOW)).ok).toBe(true);
    expect((await theirs.reserve({ ...sent, at: NOW + 1 }, [], NOW)).ok).toBe(true);
    expect(await mine.load(sub)).toHaveLength(5);
    // The in-memory store gives the same answers.
    const memory = new InMemoryContactHistory();
    expect(memory.reserve(sent, [], NOW)).toEqual({ ok: true });
    expect(memory.reserve({ ...sent }, caps, NOW)).toEqual(once);
    // A plain record is never refused: equal records each count, as before.
    await theirs.record({ ...sent });
    expect(await mine.load(sub)).toHaveLength(6);
  });
});

describe('the Lua script agrees with the engine', () => {
  // A seeded generator: the same histories on every run.
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const outcomes: Outcome[] = ['impression', 'impression', 'impression', 'click', 'accept', 'reject'];
  const profile = { timeZone: 'Europe/Amsterdam', consent: { sms: true, push: true } };

  it('refuses exactly when the policy verdict is CAP_REACHED or COOLDOWN, naming the same rule and count', async () => {
    const history = store();
    let refused = 0;
    for (let round = 0; round < 200; round++) {
      const sub = nextSubscriber();
      const records: ContactRecord[] = [];
      for (let i = Math.floor(next() * 20); i > 0; i--) {
        const action = pick(testActions);
        records.push(
          contact({
            subscriberId: sub,
            actionId: action.id,
            issue: action.issue,
            group: action.group,
            mandatory: 'mandatory' in action || next() < 0.1,
            channel: pick(['sms', 'push', 'web']),
            outcome: pick(outcomes),
            at: NOW - Math.floor(next() * (next() < 0.6 ? DAY / 2 : 35 * DAY)),
          }),
        );
      }
      for (const record of records) await history.record(record);
      const channel = pick(['sms', 'push', 'web']);
      const who = candidateOf(pick(testActions).id);
      const stored = await history.load(sub);
      const verdict = config.policy.begin({ channel, now: NOW, profile, history: stored }).check(who);
      const record = contact({
        subscriberId: sub,
        actionId: who.actionId,
        issue: who.issue,
        group: who.group,
        channel,
      });
      const caps = config.policy.capsFor(who, channel);
      const inMemory = new InMemoryContactHistory({ horizonMs: config.policy.horizonMs });
      for (const r of stored) inMemory.record(r);

      const result = await history.reserve({ ...record, at: NOW }, caps, NOW);
      expect(result).toEqual(inMemory.reserve({ ...record, at: NOW }, caps, NOW));
      if (verdict === undefined) {
        expect(result).toEqual({ ok: true });
        continue;
      }
      refused++;
      expect(result).toMatchObject({ ok: false, cap: verdict.rule });
      if (verdict.reason === 'CAP_REACHED')
        expect(result).toMatchObject({ count: verdict.count, limit: verdict.limit });
    }
    expect(refused).toBeGreaterThan(60);
  });
});
