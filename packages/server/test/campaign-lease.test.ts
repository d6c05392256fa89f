// One live run per campaign across servers sharing the Redis stores: the lease on a real Redis, and the campaign
// service refusing a second server's run, letting a shared run's processes in, and stopping a run whose lease is lost.
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type CampaignRuntime, createCampaignService } from '../src/campaigns/campaign-service.js';
import type { CampaignLeases } from '../src/campaigns/run-lease.js';
import { RedisCampaignLeases } from '../src/redis/campaign-leases.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { fakeRunner } from './campaign-test-kit.js';

const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
const CAMPAIGN = 'fiber-upgrade-autumn';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

let prefixes = 0;
const freshPrefix = () => `lease-${process.pid}-${Date.now()}-${++prefixes}:`;

function client(): Redis {
  const redis = new Redis(inject('redisUrl'));
  cleanup.push(() => redis.quit());
  return redis;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisCampaignLeases', () => {
  it('one run holds a campaign: another run is refused and named, until the last holder lets go', async () => {
    const redis = client();
    const keyPrefix = freshPrefix();
    const [a, b, c] = [1, 2, 3].map(() => new RedisCampaignLeases({ redis, keyPrefix })) as [
      RedisCampaignLeases,
      RedisCampaignLeases,
      RedisCampaignLeases,
    ];
    expect(await a.hold(CAMPAIGN, 'run-a')).toEqual({ held: true });
    // Another process of the same (shared) run joins; another run is refused.
    expect(await b.hold(CAMPAIGN, 'run-a')).toEqual({ held: true });
    expect(await c.hold(CAMPAIGN, 'run-c')).toEqual({ held: false, runId: 'run-a' });
    // Other campaigns are their own leases.
    expect(await c.hold('retention-save-sms', 'run-c')).toEqual({ held: true });

    // A release by a run that does not hold the lease changes nothing.
    await c.release(CAMPAIGN, 'run-c');
    expect(await c.hold(CAMPAIGN, 'run-c')).toEqual({ held: false, runId: 'run-a' });
    // The first holder goes; the second still holds the run's lease.
    await a.release(CAMPAIGN, 'run-a');
    expect(await c.hold(CAMPAIGN, 'run-c')).toEqual({ held: false, runId: 'run-a' });
    await b.release(CAMPAIGN, 'run-a');
    expect(await c.hold(CAMPAIGN, 'run-c')).toEqual({ held: true });
    expect(await redis.hget(`${keyPrefix}campaign-lease:${CAMPAIGN}`, 'run')).toBe('run-c');
  });

  it('a hold not renewed runs out (a process that died); one renewed in time lasts', async () => {
    const redis = client();
    const keyPrefix = freshPrefix();
    const dead = new RedisCampaignLeases({ redis, keyPrefix, ttlMs: 150 });
    const alive = new RedisCampaignLeases({ redis, keyPrefix, ttlMs: 150 });
    const other = new RedisCampaignLeases({ redis, keyPrefix, ttlMs: 150 });
    expect(await dead.hold(CAMPAIGN, 'run-dead')).toEqual({ held: true });
    await sleep(250);
    expect(await alive.hold(CAMPAIGN, 'run-alive')).toEqual({ held: true });
    for (let i = 0; i < 5; i++) {
      await sleep(60);
      expect(await alive.hold(CAMPAIGN, 'run-alive')).toEqual({ held: true });
      expect(await other.hold(CAMPAIGN, 'run-other')).toEqual({ held: false, runId: 'run-alive' });
    }
    // The key itself expires with its last hold: nothing is left behind in Redis.
    await sleep(250);
    expect(await redis.exists(`${keyPrefix}campaign-lease:${CAMPAIGN}`)).toBe(0);
  });
});

describe('the campaign service on servers sharing the Redis stores', () => {
  async function server(prefix: string, errors: string[] = []) {
    const runtime = await createRuntime({
      rulesDir: RULES,
      redis: inject('redisUrl'),
      redisPrefix: prefix,
      logger: { info() {}, warn() {}, error: (_fields: unknown, message?: string) => errors.push(String(message)) },
    });
    cleanup.push(() => runtime.close());
    return runtime;
  }

  it("refuses a real run while another server's run of the campaign goes, and starts once it has ended", async () => {
    const prefix = freshPrefix();
    const runners = [fakeRunner(Date.now), fakeRunner(Date.now)];
    const [one, two] = await Promise.all(
      [0, 1].map(async (i) => createCampaignService(await server(prefix), { start: runners[i]!.start })),
    );
    const first = await one!.start(CAMPAIGN, { by: 'alice' });
    expect(first.ok).toBe(true);
    const firstRunId = first.ok ? first.runId : '';

    const refused = await two!.start(CAMPAIGN, { by: 'bob' });
    expect(refused).toEqual({
      ok: false,
      code: 'CAMPAIGN_RUN_ACTIVE',
      message: `campaign ${CAMPAIGN} has a run in progress on another server: ${firstRunId}`,
      runId: firstRunId,
    });
    expect(runners[1]!.started).toHaveLength(0);
    // A dry run sends nothing: it takes no lease and is not refused.
    const dry = await two!.start(CAMPAIGN, { dryRun: true });
    expect(dry.ok).toBe(true);
    runners[1]!.started[0]!.finish();
    if (dry.ok) await dry.done;
    // The processes of one shared run all pass the same run id: each is let in.
    const joined = await two!.start(CAMPAIGN, { runId: firstRunId });
    expect(joined).toMatchObject({ ok: true, runId: firstRunId });

    // The run ends on both servers; its lease goes with the last, and once both are done a new run starts.
    for (const runner of runners) for (const run of runner.started) run.finish();
    if (first.ok) await first.done;
    if (joined.ok) await joined.done;
    const again = await two!.start(CAMPAIGN);
    expect(again.ok).toBe(true);
    expect(again.ok && again.runId).not.toBe(firstRunId);
  });

  it('a run is done once its lease is free: another server starts the campaign right after, however slow the release', async () => {
    const prefix = freshPrefix();
    const runtime = await server(prefix);
    const real = new RedisCampaignLeases({ redis: client(), keyPrefix: prefix });
    const slowRelease: CampaignLeases = {
      ttlMs: real.ttlMs,
      hold: (campaignId, runId) => real.hold(campaignId, runId),
      release: async (campaignId, runId) => {
        await sleep(100);
        await real.release(campaignId, runId);
      },
    };
    const runner = fakeRunner(Date.now);
    const service = createCampaignService({ ...runtime, campaignLeases: slowRelease } as CampaignRuntime, {
      start: runner.start,
    });
    const other = createCampaignService(await server(prefix), { start: fakeRunner(Date.now).start });
    const first = await service.start(CAMPAIGN);
    expect(first.ok).toBe(true);
    runner.started[0]!.finish();
    if (first.ok) await first.done;
    const next = await other.start(CAMPAIGN);
    expect(next.ok).toBe(true);
    await other.close();
  });

  it("a server that closes lets its runs' leases go first: a restarted one starts the campaign at once", async () => {
    const prefix = freshPrefix();
    const before = await server(prefix);
    const runner = fakeRunner(Date.now);
    const first = await createCampaignService(before, { start: runner.start }).start(CAMPAIGN);
    expect(first.ok).toBe(true);
    await before.close(); // cancels the live run, then releases its lease before the stores close
    expect(first.ok && (await first.done).phase).toBe('cancelled');
    const after = createCampaignService(await server(prefix), { start: fakeRunner(Date.now).start });
    const again = await after.start(CAMPAIGN);
    expect(again.ok).toBe(true);
    if (again.ok) await after.close();
  });

  it('a run whose lease another run took (renewals failed past its time to live) is cancelled and logged', async () => {
    const prefix = freshPrefix();
    const errors: string[] = [];
    const runtime = await server(prefix, errors);
    const redis = client();
    const leases = new RedisCampaignLeases({ redis, keyPrefix: prefix, ttlMs: 90 });
    const runner = fakeRunner(Date.now);
    const service = createCampaignService({ ...runtime, campaignLeases: leases } as CampaignRuntime, {
      start: runner.start,
    });
    const started = await service.start(CAMPAIGN);
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    // Renewals keep it while nothing else happens.
    await sleep(200);
    expect(runner.started).toHaveLength(1);
    expect(await leases.hold(CAMPAIGN, 'intruder')).toEqual({ held: false, runId: started.runId });

    const key = `${prefix}campaign-lease:${CAMPAIGN}`;
    await redis
      .multi()
      .del(key)
      .hset(key, 'run', 'intruder', 'elsewhere:1', Date.now() + 60_000)
      .exec();
    expect((await started.done).phase).toBe('cancelled');
    expect(errors).toEqual(['campaign run cancelled: its lease was lost to run intruder']);
    // Its release leaves the other run's lease alone.
    await sleep(50);
    expect(await redis.hget(key, 'run')).toBe('intruder');
  });

  it('a lease Redis cannot give refuses the run (503 CAMPAIGN_LEASE_UNAVAILABLE), and starts nothing', async () => {
    const runtime = await server(freshPrefix());
    const unreachable: CampaignLeases = {
      ttlMs: 30_000,
      hold: () => Promise.reject(new Error('Connection is closed.')),
      release: () => Promise.resolve(),
    };
    const runner = fakeRunner(Date.now);
    const service = createCampaignService({ ...runtime, campaignLeases: unreachable } as CampaignRuntime, {
      start: runner.start,
    });
    expect(await service.start(CAMPAIGN)).toEqual({
      ok: false,
      code: 'CAMPAIGN_LEASE_UNAVAILABLE',
      message: "the campaign's run lease could not be taken, so the run did not start: Connection is closed.",
    });
    expect(runner.started).toHaveLength(0);
    // A second start while the first waits on Redis is refused at once, without a second ask.
    let asks = 0;
    let answer!: (value: { held: true }) => void;
    const slow: CampaignLeases = {
      ttlMs: 30_000,
      hold: () => {
        asks++;
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
      release: () => Promise.resolve(),
    };
    const waiting = createCampaignService({ ...runtime, campaignLeases: slow } as CampaignRuntime, {
      start: runner.start,
    });
    const pending = waiting.start(CAMPAIGN);
    expect(await waiting.start(CAMPAIGN)).toMatchObject({ ok: false, code: 'CAMPAIGN_RUN_ACTIVE' });
    expect(asks).toBe(1);
    answer({ held: true });
    expect(await pending).toMatchObject({ ok: true });
    for (const run of runner.started) run.finish();
  });

  it('the in-memory stores have no leases: one process, the service keeps the rule itself', async () => {
    const runtime = await createRuntime({ rulesDir: RULES, population: { count: 10, seed: 1 } });
    cleanup.push(() => runtime.close());
    expect(runtime.campaignLeases).toBeUndefined();
  });
});
