// RedisDecisionLog: outcomes tied to decisions through Redis, across nodes, inside the late-outcome window and not after.
import { type ConfigSnapshot, createEngine, type Engine, InMemoryProfileStore } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { RedisContactHistory } from '../src/redis/contact-history.js';
import { DEFAULT_LATE_OUTCOME_WINDOW_MS, RedisDecisionLog } from '../src/redis/decision-log.js';
import { decodeDecision, encodeDecision } from '../src/redis/decision-log-codec.js';
import { contactConfig, DAY, deletePrefix, NOW, testPrefix } from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const prefix = testPrefix('decision-log');
const profile = {
  subscriberId: 'SUB-D0000001',
  firstName: 'Ana',
  timeZone: 'Europe/Amsterdam',
  consent: { sms: true },
};
let redis: Redis;
let config: ConfigSnapshot;
const open: { close(): void }[] = [];

function decisionLog(options: Partial<ConstructorParameters<typeof RedisDecisionLog>[0]> = {}) {
  const log = new RedisDecisionLog({ redis, keyPrefix: prefix, ...options });
  open.push(log);
  return log;
}

/** One server node: its own engine and stores, sharing only Redis with the others. */
function node(log: RedisDecisionLog, clock = () => NOW): { engine: Engine; history: RedisContactHistory } {
  const history = new RedisContactHistory({ redis, keyPrefix: prefix, horizonMs: config.policy.horizonMs });
  open.push(history);
  const profiles = new InMemoryProfileStore([profile] as never);
  return { engine: createEngine({ config, profiles, history, decisionLog: log, clock }), history };
}

async function decideWeb(engine: Engine) {
  const result = await engine.decide({ subscriberId: profile.subscriberId, channel: 'web', limit: 2 });
  if (!result.ok) throw new Error(result.error.message);
  return result.decision;
}

beforeAll(async () => {
  redis = await connect(inject('redisUrl'));
  config = await contactConfig();
});

afterEach(() => {
  for (const made of open.splice(0)) made.close();
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('RedisDecisionLog', () => {
  it('an outcome reported to another node finds its decision in Redis and lands in the shared history', async () => {
    const a = node(decisionLog());
    const logB = decisionLog();
    const b = node(logB);
    const decision = await decideWeb(a.engine);
    const actionId = decision.actions[0]!.actionId;
    await vi.waitFor(async () => expect(await redis.exists(`${prefix}decision:${decision.decisionId}`)).toBe(1));

    expect(await b.engine.recordOutcome({ decisionId: decision.decisionId, actionId, outcome: 'impression' })).toEqual({
      ok: true,
    });
    expect(logB.stats().pending).toBe(0); // B read Redis, not a copy of its own
    const stored = (await a.history.load(profile.subscriberId)).filter((r) => r.decisionId === decision.decisionId);
    const { issue, group, mandatory } = decision.actions[0]!;
    expect(stored).toEqual([
      { ...stored[0], actionId, issue, group, mandatory, channel: 'web', outcome: 'impression', at: NOW },
    ]);
    expect(
      await b.engine.recordOutcome({ decisionId: decision.decisionId, actionId: 'not-shown', outcome: 'click' }),
    ).toMatchObject({ ok: false, error: { code: 'ACTION_NOT_IN_DECISION' } });
  });

  it('keeps each decision under its own key for the late-outcome window, 7 days by default', async () => {
    const log = decisionLog();
    expect(DEFAULT_LATE_OUTCOME_WINDOW_MS).toBe(7 * DAY);
    expect(log.retention).toBe('decisions for 7d');
    const { engine } = node(log);
    const decision = await decideWeb(engine);
    await vi.waitFor(() => expect(log.stats().pending).toBe(0));
    const ttl = await redis.pttl(`${prefix}decision:${decision.decisionId}`);
    expect(ttl).toBeGreaterThan(7 * DAY - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * DAY);
    expect(decisionLog({ windowMs: 36 * 3_600_000 }).retention).toBe('decisions for 36h');
  });

  it('finds a decision it is still writing: an outcome may arrive before the write lands', async () => {
    const log = decisionLog();
    const { engine } = node(log);
    const decision = await decideWeb(engine);
    // No wait: the SET may or may not have landed; either way the outcome is tied to its decision.
    const actionId = decision.actions[0]!.actionId;
    expect(await engine.recordOutcome({ decisionId: decision.decisionId, actionId, outcome: 'click' })).toEqual({
      ok: true,
    });
  });

  it('an unknown decision id gets UNKNOWN_DECISION saying what the log keeps', async () => {
    const { engine } = node(decisionLog());
    expect(
      await engine.recordOutcome({ decisionId: 'no-such-decision', actionId: 'roam-2gb', outcome: 'click' }),
    ).toEqual({
      ok: false,
      error: {
        code: 'UNKNOWN_DECISION',
        field: 'decisionId',
        message:
          'no decision "no-such-decision" in the decision log: unknown, or no longer kept (it keeps decisions for 7d)',
      },
    });
  });

  it('accepts a late outcome inside the window, and refuses it once the window has closed', async () => {
    const log = decisionLog({ windowMs: 1_500 });
    const clock = { now: NOW };
    const { engine } = node(log, () => clock.now);
    const decision = await decideWeb(engine);
    const actionId = decision.actions[0]!.actionId;
    await vi.waitFor(() => expect(log.stats().pending).toBe(0));
    // Late by the wall clock (still inside 1.5 s), and stamped 6 days after the decision: accepted.
    await new Promise((resolve) => setTimeout(resolve, 200));
    clock.now = NOW + 6 * DAY; // the engine's clock too: an outcome is never stamped after its server's now
    const late = { decisionId: decision.decisionId, actionId, outcome: 'accept' as const, at: NOW + 6 * DAY };
    expect(await engine.recordOutcome(late)).toEqual({ ok: true });
    // The key expires with the window: then the decision is unknown.
    await vi.waitFor(async () => expect(await redis.exists(`${prefix}decision:${decision.decisionId}`)).toBe(0), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await engine.recordOutcome({ ...late, outcome: 'convert' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_DECISION', message: expect.stringContaining('(it keeps decisions for 1500ms)') },
    });
  });

  it('stores a decision compactly and reads it back whole', () => {
    const decision = {
      subscriberId: 'SUB-00000042',
      channel: 'sms',
      at: NOW,
      actions: new Map([
        ['roam-2gb', { issue: 'Growth', group: 'Roaming', mandatory: false }],
        ['outage-notice', { issue: 'Care', group: 'Notices', mandatory: true }],
      ]),
    };
    const bytes = encodeDecision(decision);
    expect(decodeDecision(bytes)).toEqual(decision);
    expect(bytes.length).toBeLessThan(100);
  });

  it('rejects a window that is not a positive number of ms', () => {
    expect(() => decisionLog({ windowMs: 0 })).toThrow(/windowMs/);
  });
});
