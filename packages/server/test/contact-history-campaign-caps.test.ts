// Per-campaign caps in the Lua check-and-reserve: they count only the campaign's own contacts, by decision id prefix.
import {
  type CompiledCampaign,
  type ConfigProblem,
  type ConfigSnapshot,
  type ContactRecord,
  campaignDecisionId,
  compileCampaigns,
  InMemoryContactHistory,
} from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import {
  contact,
  contactConfig,
  DAY,
  deletePrefix,
  demoContactPolicy,
  HOUR,
  NOW,
  testPrefix,
} from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const prefix = testPrefix('contact-history-campaign-caps');
let redis: Redis;
let config: ConfigSnapshot;
let campaigns: Map<string, CompiledCampaign>;
let subscribers = 0;
const nextSubscriber = () => `SUB-CMP${String(++subscribers).padStart(5, '0')}`;
const stores: RedisContactHistory[] = [];
const store = () => {
  const made = new RedisContactHistory({ redis, keyPrefix: prefix, horizonMs: config.policy.horizonMs });
  stores.push(made);
  return made;
};
const roam = { actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false };

/** Campaign specs with their defaults, as campaigns.yaml gives them after validation. */
const spec = (id: string, caps: { max: number; window: string }[]) => ({
  id,
  channel: 'sms',
  limit: 1,
  controlGroup: 0,
  output: 'jsonl' as const,
  caps,
});

beforeAll(async () => {
  redis = await connect(inject('redisUrl'));
  // Room in the policy (2 SMS a day, no cooldowns), so only the campaign caps refuse.
  config = await contactConfig(demoContactPolicy({ cooldowns: [] }));
  const problems: ConfigProblem[] = [];
  const compiled = compileCampaigns(
    { campaigns: [spec('fiber', [{ max: 1, window: '30d' }]), spec('fiber-2', [{ max: 1, window: '7d' }])] },
    'campaigns.yaml',
    { defaultTimeZone: 'Europe/Amsterdam' },
    problems,
  );
  expect(problems).toEqual([]);
  campaigns = new Map(compiled.map((c) => [c.id, c]));
});

afterEach(() => {
  for (const made of stores.splice(0)) made.close();
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** The record and limits a campaign run reserves for one subscriber: the policy's caps, then the campaign's. */
function campaignReserve(campaignId: string, runId: string, subscriberId: string, at: number) {
  const record = contact({
    subscriberId,
    at,
    decisionId: campaignDecisionId(campaignId, runId, subscriberId),
    ...roam,
  });
  const caps = [...config.policy.capsFor(roam, 'sms'), ...campaigns.get(campaignId)!.capSpecs];
  return { record, caps };
}

describe('per-campaign caps in Redis', () => {
  it('refuse the second reserve of the same campaign and allow another campaign (whose id starts the same)', async () => {
    const history = store();
    const sub = nextSubscriber();
    const first = campaignReserve('fiber', 'run-1', sub, NOW - 2 * HOUR);
    expect(await history.reserve(first.record, first.caps, NOW - 2 * HOUR)).toEqual({ ok: true });

    // The next week's run of the same campaign: its cap of 1 a month is used up.
    const again = campaignReserve('fiber', 'run-2', sub, NOW);
    expect(await history.reserve(again.record, again.caps, NOW)).toEqual({
      ok: false,
      cap: 'campaign:fiber:cap-1',
      count: 1,
      limit: 1,
    });

    // Another campaign, `fiber-2`: the `fiber` contact is not one of its own (`cmp:fiber:` is not `cmp:fiber-2:`).
    const other = campaignReserve('fiber-2', 'run-1', sub, NOW);
    expect(await history.reserve(other.record, other.caps, NOW)).toEqual({ ok: true });
    const stored = await history.load(sub);
    expect(stored.map((r) => r.decisionId)).toEqual([first.record.decisionId, other.record.decisionId]);
  });

  it('count the campaign’s mandatory contacts and those on any channel, and nothing older than the window', async () => {
    const history = store();
    const own = (sub: string, runId: string, overrides: Partial<ContactRecord>) =>
      contact({ subscriberId: sub, decisionId: campaignDecisionId('fiber-2', runId, sub), ...overrides });
    const sub = nextSubscriber();
    await history.record(own(sub, 'r0', { at: NOW - 8 * DAY }));
    await history.record(own(sub, 'r1', { at: NOW - DAY, mandatory: true, channel: 'web' }));
    const { record, caps } = campaignReserve('fiber-2', 'r2', sub, NOW);
    expect(await history.reserve(record, caps, NOW)).toEqual({
      ok: false,
      cap: 'campaign:fiber-2:cap-1',
      count: 1,
      limit: 1,
    });
    // Only the contact of 8 days ago: outside the 7-day window.
    const other = nextSubscriber();
    await history.record(own(other, 'r0', { at: NOW - 8 * DAY }));
    const next = campaignReserve('fiber-2', 'r2', other, NOW);
    expect(await history.reserve(next.record, next.caps, NOW)).toEqual({ ok: true });
  });
});

describe('two processes of one run reserving the same contacts at once', () => {
  it('reserve each subscriber once in all: the other process is refused ONCE_PER_DECISION, so nothing goes twice', async () => {
    // A consumer frozen past its entry's claim time wakes to a chunk another process took over: both decide the same
    // subscribers for the same run (one decision id each) and reserve their contacts at about the same time.
    const [woke, tookOver] = [store(), store()];
    // A campaign without caps of its own, and a policy with room: only the once-per-decision rule can refuse.
    const subs = Array.from({ length: 40 }, () => nextSubscriber());
    const answers = await Promise.all(
      subs.flatMap((sub) => {
        const record = contact({ subscriberId: sub, at: NOW, decisionId: campaignDecisionId('fiber', 'run-9', sub) });
        return [woke.reserve(record, [], NOW), tookOver.reserve({ ...record }, [], NOW)];
      }),
    );
    for (let i = 0; i < subs.length; i++) {
      const pair = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(pair.filter((a) => a.ok)).toHaveLength(1);
      expect(pair.find((a) => !a.ok)).toEqual({ ok: false, cap: 'ONCE_PER_DECISION', count: 1, limit: 1 });
      expect(await woke.load(subs[i]!)).toHaveLength(1);
    }
  });
});

describe('the Lua script agrees with the engine on decisionPrefix', () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  it('refuses exactly when the in-memory history does, naming the same limit and count', async () => {
    const history = store();
    let refused = 0;
    for (let round = 0; round < 150; round++) {
      const sub = nextSubscriber();
      const records: ContactRecord[] = [];
      for (let i = Math.floor(random() * 8); i > 0; i--) {
        const decisionId = pick([
          campaignDecisionId('fiber', `r${i}`, sub),
          campaignDecisionId('fiber-2', `r${i}`, sub),
          `inbound-${i}`,
          'cmp:fiber', // not the prefix: no trailing colon
        ]);
        records.push(
          contact({
            subscriberId: sub,
            decisionId,
            mandatory: random() < 0.2,
            channel: pick(['sms', 'push', 'web']),
            outcome: pick(['impression', 'impression', 'click']),
            at: NOW - Math.floor(random() * 40 * DAY),
          }),
        );
      }
      for (const r of records) await history.record(r);
      const { record, caps } = campaignReserve(pick(['fiber', 'fiber-2']), 'now', sub, NOW);
      const inMemory = new InMemoryContactHistory({ horizonMs: config.policy.horizonMs });
      for (const r of await history.load(sub)) inMemory.record(r);
      const result = await history.reserve(record, caps, NOW);
      expect(result).toEqual(inMemory.reserve(record, caps, NOW));
      if (!result.ok && result.cap.startsWith('campaign:')) refused++;
    }
    expect(refused).toBeGreaterThan(20);
  });
});
