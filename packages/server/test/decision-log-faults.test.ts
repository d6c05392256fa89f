// RedisDecisionLog when Redis dies or stalls: decide() never waits or fails on it, and waiting decisions are written later.
import { type ConfigSnapshot, createEngine, type Engine, InMemoryProfileStore } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisDecisionLog, type RedisDecisionLogOptions } from '../src/redis/decision-log.js';
import { contactConfig, DAY, NOW, testPrefix } from './fixtures/contact-config.js';
import { connect, startDurableRedis } from './fixtures/contact-redis.js';
import type { RedisServer } from './redis-server.js';

const prefix = testPrefix('decision-log-faults');
const profile = { subscriberId: 'SUB-DF000001', firstName: 'Ana', timeZone: 'Europe/Amsterdam', consent: {} };
let server: RedisServer;
let redis: Redis;
let config: ConfigSnapshot;
const open: RedisDecisionLog[] = [];

function decisionLog(options: Partial<RedisDecisionLogOptions> = {}) {
  const log = new RedisDecisionLog({ redis, keyPrefix: prefix, retryMs: 50, log: () => {}, ...options });
  open.push(log);
  return log;
}

function engineWith(log: RedisDecisionLog): Engine {
  const profiles = new InMemoryProfileStore([profile] as never);
  return createEngine({ config, profiles, decisionLog: log, clock: () => NOW });
}

async function decideWeb(engine: Engine) {
  const result = await engine.decide({ subscriberId: profile.subscriberId, channel: 'web', limit: 1 });
  if (!result.ok) throw new Error(result.error.message);
  return { decisionId: result.decision.decisionId, actionId: result.decision.actions[0]!.actionId };
}

const waitFor = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 5_000, interval: 20 });

beforeAll(async () => {
  server = await startDurableRedis();
  redis = await connect(server.url);
  config = await contactConfig();
});

afterEach(async () => {
  for (const log of open.splice(0)) log.close();
  if (redis.status !== 'ready') {
    await server.restart();
    await waitFor(() => expect(redis.status).toBe('ready'));
  }
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('Redis down', () => {
  it('decides, takes outcomes for decisions made meanwhile, and writes them when Redis returns', async () => {
    const messages: string[] = [];
    const log = decisionLog({ log: (m) => messages.push(m) });
    const engine = engineWith(log);
    await server.kill();

    const { decisionId, actionId } = await decideWeb(engine);
    expect(await engine.recordOutcome({ decisionId, actionId, outcome: 'impression' })).toEqual({ ok: true });
    await waitFor(() =>
      expect(messages[0]).toMatch(/decision log: Redis did not answer .*keeping decisions in memory/),
    );
    expect(log.stats()).toMatchObject({ pending: 1, droppedDecisions: 0 });

    await server.restart();
    await waitFor(() => expect(log.stats()).toEqual({ pending: 0, droppedDecisions: 0, flushedDecisions: 1 }));
    // Another node reads it from Redis now, with the window counted from the decision, not from the late write.
    const other = decisionLog();
    expect((await other.get(decisionId))?.subscriberId).toBe(profile.subscriberId);
    expect(await redis.pttl(`${prefix}decision:${decisionId}`)).toBeLessThanOrEqual(7 * DAY);
    expect(messages.at(-1)).toMatch(/decision log: Redis answers again; wrote 1 waiting decisions/);
  });

  it('an outcome it cannot look up is a retryable CONTACT_HISTORY_UNAVAILABLE, not UNKNOWN_DECISION', async () => {
    const engine = engineWith(decisionLog());
    await server.kill();
    expect(
      await engine.recordOutcome({ decisionId: 'made-elsewhere', actionId: 'roam-2gb', outcome: 'click' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONTACT_HISTORY_UNAVAILABLE', message: expect.stringContaining('report it again') },
    });
  });

  it('bounds the decisions waiting in memory: the oldest are dropped, counted and logged once', async () => {
    const messages: string[] = [];
    const log = decisionLog({ bufferLimit: 3, log: (m) => messages.push(m) });
    const engine = engineWith(log);
    await server.kill();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await decideWeb(engine)).decisionId);
    expect(log.stats()).toMatchObject({ pending: 3, droppedDecisions: 2 });
    expect(messages.filter((m) => m.includes('dropping the oldest (counted in droppedDecisions)'))).toHaveLength(1);

    await server.restart();
    await waitFor(() => expect(log.stats().pending).toBe(0));
    const found = await Promise.all(ids.map(async (id) => (await log.get(id)) !== undefined));
    expect(found).toEqual([false, false, true, true, true]);
  });
});

describe('a long outage at the bound', () => {
  it('keeps dropping the oldest, one for each new decision, and writes the last ones when Redis is back', async () => {
    const log = decisionLog({ bufferLimit: 3, log: () => {} });
    const engine = engineWith(log);
    await server.kill();
    const ids: string[] = [];
    for (let i = 0; i < 2_500; i++) ids.push((await decideWeb(engine)).decisionId);
    expect(log.stats()).toMatchObject({ pending: 3, droppedDecisions: 2_497 });
    await server.restart();
    await waitFor(() => expect(log.stats().pending).toBe(0));
    const last = await Promise.all(ids.slice(-4).map(async (id) => (await log.get(id)) !== undefined));
    expect(last).toEqual([false, true, true, true]);
  });
});

describe('Redis slow', () => {
  it('decide() returns while the decision is still being written, and the write completes after', async () => {
    const log = decisionLog();
    const engine = engineWith(log);
    const admin = await connect(server.url);
    await admin.call('CLIENT', 'PAUSE', '1000', 'ALL');
    admin.disconnect();
    const { decisionId, actionId } = await decideWeb(engine);
    // The decision came back before Redis took the write: decide() did not wait for it.
    expect(log.stats().pending).toBe(1);
    expect(await engine.recordOutcome({ decisionId, actionId, outcome: 'impression' })).toEqual({ ok: true });
    await waitFor(() => expect(log.stats().pending).toBe(0));
    expect(await decisionLog().get(decisionId)).toBeDefined();
  });
});
