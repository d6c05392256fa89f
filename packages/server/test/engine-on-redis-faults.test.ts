// The engine on Redis stores, with redis-server killed and restarted mid-run: inbound decisions go on from the hot
// cache and say so, outbound sends fail closed, and every accepted event and outcome reaches Redis once it is back.
import { fileURLToPath } from 'node:url';
import { type Channel, createEngine, createTriggerRunner, generatePopulation } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import { RedisDecisionLog } from '../src/redis/decision-log.js';
import { RedisProfileStore } from '../src/redis/profile-store.js';
import { connect, startDurableRedis } from './fixtures/contact-redis.js';

const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
/** 13:00 UTC: afternoon in Amsterdam, outside SMS quiet hours. */
const NOW = Date.parse('2026-11-24T13:00:00Z');
const prefix = `test:engine-faults:${Math.random().toString(36).slice(2)}:`;

const server = await startDurableRedis();
afterAll(() => server.stop());

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for Redis to catch up');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('engine on Redis, redis-server killed and restarted', () => {
  it('degrades, fails closed, buffers, and loses nothing it accepted', async () => {
    const config = await loadConfigDir(RULES);
    const redis = await connect(server.url);
    // maxAgeMs 0: every read asks Redis, so during the outage each answer is the cached fallback and says so.
    const profiles = await RedisProfileStore.connect({
      redis,
      prefix,
      invalidation: false,
      backoffMs: 0,
      cache: { maxAgeMs: 0 },
    });
    const history = new RedisContactHistory({
      redis,
      horizonMs: config.policy.horizonMs,
      keyPrefix: prefix,
      retryMs: 50,
    });
    const decisionLog = new RedisDecisionLog({ redis, keyPrefix: prefix, retryMs: 50 });
    const engine = createEngine({
      config,
      profiles,
      history,
      decisionLog,
      clock: () => NOW,
      onDecisionLogError: () => {},
    });
    const sent: string[] = [];
    const sms: Channel = {
      name: 'sms',
      deliver: async (m) => {
        sent.push(m.subscriberId);
        return { ok: true };
      },
    };
    const runner = createTriggerRunner({ engine, channels: [sms], clock: () => NOW, timers: false });

    const population = [...generatePopulation({ seed: 21, count: 120 })];
    const cached = population.slice(0, 100);
    const uncached = population.slice(100);
    for (const p of cached) await profiles.put(p);
    // The rest are written by another node, so this process has never cached them.
    const otherNode = await RedisProfileStore.connect({ redis: server.url, prefix, invalidation: false });
    for (const p of uncached) await otherNode.put(p);
    await otherNode.close();
    // Warm this process's hot cache for the first 100 only.
    for (const p of cached)
      expect((await engine.decide({ subscriberId: p.subscriberId, channel: 'app' })).ok).toBe(true);

    await server.kill();

    // Inbound: decided from the hot cache, flagged; a subscriber never cached cannot be decided.
    const outcomes: { subscriberId: string; decisionId: string; actionId: string }[] = [];
    for (const p of cached) {
      const result = await engine.decide({ subscriberId: p.subscriberId, channel: 'app' });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const reasons = result.decision.degraded.map((d) => d.reason);
      expect(reasons).toEqual(expect.arrayContaining(['PROFILE_FROM_CACHE', 'CONTACT_HISTORY_UNAVAILABLE']));
      const top = result.decision.actions[0];
      if (top)
        outcomes.push({ subscriberId: p.subscriberId, decisionId: result.decision.decisionId, actionId: top.actionId });
    }
    expect(outcomes.length).toBeGreaterThan(50);
    const missing = await engine.decide({ subscriberId: uncached[0]!.subscriberId, channel: 'app' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'PROFILE_STORE_UNAVAILABLE' } });

    // Outbound: nothing is sent without contact history.
    const outbound = await engine.decide({ subscriberId: cached[0]!.subscriberId, channel: 'sms' });
    expect(outbound.ok && outbound.decision.actions).toEqual([]);

    // Outcomes are accepted (the decisions wait in the decision log's memory), events too; triggers send nothing.
    for (const o of outcomes) {
      expect(
        await engine.recordOutcome({ decisionId: o.decisionId, actionId: o.actionId, outcome: 'impression' }),
      ).toEqual({ ok: true });
    }
    const evented = cached.slice(0, 40);
    const statuses: string[] = [];
    for (const [i, p] of evented.entries()) {
      const ingested = await engine.ingest({
        id: `outage-${i}`,
        type: 'usage.data',
        subscriberId: p.subscriberId,
        time: NOW,
        data: { pct: 91 },
      });
      expect(ingested.ok, JSON.stringify(ingested)).toBe(true);
      const results = await runner.onIngest(ingested);
      statuses.push(...results.map((r) => r.status));
    }
    // The 80 % trigger fires for everyone here; with contact history down, none of it is sent.
    expect(statuses).toHaveLength(evented.length);
    expect(new Set(statuses)).toEqual(new Set(['history-unavailable']));
    expect(sent).toEqual([]);

    await server.restart();
    await waitFor(async () => history.stats().buffered === 0 && profiles.stats().pendingWrites === 0);

    // Every outcome accepted during the outage is in Redis, once.
    const check = await connect(server.url);
    try {
      for (const o of outcomes) {
        const members = await check.zrange(`${prefix}contacts:${o.subscriberId}`, 0, -1);
        const matching = members.map((m) => JSON.parse(m)).filter((r) => r[2] === o.decisionId && r[3] === o.actionId);
        expect(matching).toHaveLength(1);
      }
      // Every profile updated by an event during the outage carries the new feature state in Redis.
      const fresh = await RedisProfileStore.connect({ redis: server.url, prefix, invalidation: false });
      try {
        for (const p of evented) {
          const stored = await fresh.get(p.subscriberId);
          expect(stored?._features, p.subscriberId).toBeDefined();
        }
      } finally {
        await fresh.close();
      }
      expect(history.stats().droppedOutcomes).toBe(0);
      expect(profiles.stats().droppedWrites).toBe(0);
    } finally {
      check.disconnect();
      history.close();
      decisionLog.close();
      await profiles.close();
      redis.disconnect();
    }
  });
});
