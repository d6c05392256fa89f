// The campaign scheduler on a fake clock: a run starts at the cron time and the next one is armed after it; a live run
// makes the scheduled start skip; a config reload re-arms; closing the runtime clears every timer.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type SchedulerEvent, startScheduler, type Timers } from '../src/campaigns/campaign-scheduler.js';
import {
  type CampaignServiceOptions,
  campaignService,
  createCampaignService,
} from '../src/campaigns/campaign-service.js';
import { listRuns } from '../src/campaigns/run-store.js';
import { serveCommand } from '../src/cli/serve-command.js';
import { createRuntime, type Runtime } from '../src/runtime/runtime.js';
import { fakeRunner } from './campaign-test-kit.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Monday 23 November 2026, 09:00 in Amsterdam: an hour before fiber-upgrade-autumn's "0 10 * * 1". */
const MONDAY_0900 = Date.parse('2026-11-23T08:00:00Z');
const FIBER_AT = Date.parse('2026-11-23T09:00:00Z');
const FIBER_NEXT_WEEK = Date.parse('2026-11-30T09:00:00Z');
/** retention-save-sms: "0 11 * * 2,4" (policy time zone, Amsterdam); handset-renewal: "0 9 1 * *". */
const RETENTION_AT = Date.parse('2026-11-24T10:00:00Z');
const HANDSET_AT = Date.parse('2026-12-01T08:00:00Z');
const HOUR = 3_600_000;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A clock and timers that move only when told: `advance` fires what falls due, in time order. */
class FakeTime implements Timers {
  now: number;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  constructor(start: number) {
    this.now = start;
  }

  clock = () => this.now;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].callback();
      await settle();
    }
    this.now = until;
    await settle();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A copy of the demo rules (the reload test edits campaigns.yaml), a runtime on it at `time`. */
async function setUp(time: FakeTime): Promise<{ runtime: Runtime; rules: string; runsDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-campaign-scheduler-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
  await cp(join(ROOT, 'models'), join(root, 'models'), { recursive: true });
  const rules = join(root, 'rules');
  const runtime = await createRuntime({
    rulesDir: rules,
    population: { count: 100, seed: 5 },
    clock: time.clock,
    logger: { info() {}, warn() {}, error() {} },
  });
  cleanup.push(() => runtime.close());
  return { runtime, rules, runsDir: join(root, 'runs') };
}

/** A campaign service with its scheduler on the fake clock. */
function scheduling(runtime: Runtime, time: FakeTime, options: CampaignServiceOptions) {
  return createCampaignService(runtime, { ...options, schedule: true, timers: time, clock: time.clock });
}

describe('the campaign scheduler', () => {
  it('starts a run at the cron time, audited as the scheduler, and arms the next one after the run', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { runtime, runsDir } = await setUp(time);
    const runner = fakeRunner(time.clock);
    const service = scheduling(runtime, time, { runsDir, start: runner.start });
    expect(Object.fromEntries(service.scheduled())).toEqual({
      'fiber-upgrade-autumn': FIBER_AT,
      'retention-save-sms': RETENTION_AT,
      'handset-renewal': HANDSET_AT,
    });

    await time.advance(FIBER_AT - MONDAY_0900 - 1_000);
    expect(runner.started).toHaveLength(0);
    await time.advance(1_000);
    expect(runner.started.map((s) => [s.campaignId, s.at, s.options.dryRun])).toEqual([
      ['fiber-upgrade-autumn', FIBER_AT, false],
    ]);
    expect(runtime.audit.list({ action: 'campaign.' })[0]).toMatchObject({
      who: 'scheduler',
      action: 'campaign.run',
      detail: { campaignId: 'fiber-upgrade-autumn', runId: runner.started[0]?.options.runId },
    });
    // While it runs, nothing is armed for it; the other campaigns keep their times.
    expect(service.scheduled().has('fiber-upgrade-autumn')).toBe(false);
    expect(service.scheduled().get('retention-save-sms')).toBe(RETENTION_AT);

    await time.advance(HOUR);
    runner.started[0]!.finish();
    await settle();
    expect(service.scheduled().get('fiber-upgrade-autumn')).toBe(FIBER_NEXT_WEEK);
    const listed = await service.list();
    expect(listed.find((c) => c.id === 'fiber-upgrade-autumn')?.nextRun).toBe(new Date(FIBER_NEXT_WEEK).toISOString());

    // A day later, the next campaign's turn.
    await time.advance(RETENTION_AT - time.now);
    expect(runner.started.map((s) => s.campaignId)).toEqual(['fiber-upgrade-autumn', 'retention-save-sms']);
  });

  it('skips a scheduled start while the campaign has a live run, and arms the next time', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { runtime, runsDir } = await setUp(time);
    const runner = fakeRunner(time.clock);
    const service = scheduling(runtime, time, { runsDir, start: runner.start });
    const manual = await service.start('fiber-upgrade-autumn', { dryRun: true, by: 'alice' });
    expect(manual.ok).toBe(true);
    await time.advance(FIBER_AT - MONDAY_0900);
    expect(runner.started).toHaveLength(1);
    expect(service.scheduled().get('fiber-upgrade-autumn')).toBe(FIBER_NEXT_WEEK);
  });

  it('re-arms on a config reload: a changed cron moves the timer, a removed schedule clears it', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { runtime, rules, runsDir } = await setUp(time);
    const runner = fakeRunner(time.clock);
    const service = scheduling(runtime, time, { runsDir, start: runner.start });
    const file = join(rules, 'campaigns.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(
      file,
      yaml
        .replace('schedule: { cron: "0 10 * * 1", timeZone: Europe/Amsterdam }', 'schedule: { cron: "30 9 * * *" }')
        .replace('    schedule: { cron: "0 9 1 * *" }\n', ''),
    );
    expect(await runtime.config.reload('test')).toMatchObject({ ok: true, changed: true });

    // 09:30 Amsterdam today, half an hour from now; handset-renewal runs by hand only now.
    const halfPastNine = MONDAY_0900 + HOUR / 2;
    expect(Object.fromEntries(service.scheduled())).toEqual({
      'fiber-upgrade-autumn': halfPastNine,
      'retention-save-sms': RETENTION_AT,
    });
    await time.advance(HOUR / 2);
    expect(runner.started.map((s) => [s.campaignId, s.at])).toEqual([['fiber-upgrade-autumn', halfPastNine]]);

    // A rejected reload keeps the running config, and its timers.
    await writeFile(file, 'campaigns: [ broken');
    expect(await runtime.config.reload('test')).toMatchObject({ ok: false });
    expect(service.scheduled().get('retention-save-sms')).toBe(RETENTION_AT);
  });

  it('a scheduled run is a real run of the runner: it writes its run directory and report', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { runtime, runsDir } = await setUp(time);
    const service = scheduling(runtime, time, { runsDir, workers: 0 });
    await time.advance(FIBER_AT - MONDAY_0900);
    let runs = await listRuns(runsDir);
    for (let i = 0; i < 200 && runs[0]?.report === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      runs = await listRuns(runsDir);
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]?.report).toMatchObject({ campaignId: 'fiber-upgrade-autumn', phase: 'done', dryRun: false });
    expect(runs[0]?.report?.counts.scanned).toBe(105);
    // The run ends a little after its report is written (it releases its run lock): then the next time is armed.
    for (let i = 0; i < 200 && !service.scheduled().has('fiber-upgrade-autumn'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(service.scheduled().get('fiber-upgrade-autumn')).toBe(FIBER_NEXT_WEEK);
  });

  it('closing the runtime clears every timer and cancels live runs', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { runtime, runsDir } = await setUp(time);
    const runner = fakeRunner(time.clock);
    const service = scheduling(runtime, time, { runsDir, start: runner.start });
    expect(time.pending).toBe(3);
    const live = await service.start('handset-renewal', { dryRun: true });
    await runtime.close();
    expect(time.pending).toBe(0);
    expect(live.ok && (await live.done).phase).toBe('cancelled');
    await expect(service.start('handset-renewal')).rejects.toThrow(/closed/);
  });
});

describe('arbiter serve and the schedule', () => {
  it('schedules the campaigns unless --no-schedule, and prints the campaigns URL', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'arbiter-campaign-serve-'));
    cleanup.push(() => rm(runsDir, { recursive: true, force: true }));
    const base = {
      rules: join(ROOT, 'rules'),
      port: 0,
      host: '127.0.0.1',
      count: 50,
      seed: 1,
      ws: false,
      watch: false,
      runs: runsDir,
      logLevel: 'silent',
      auth: true,
    };
    for (const schedule of [true, false]) {
      const lines: string[] = [];
      const server = await serveCommand({ ...base, schedule }, (line) => lines.push(line));
      expect(server).toBeDefined();
      cleanup.push(() => server!.close());
      const banner = lines.join('\n');
      expect(banner).toContain(`  Campaigns  ${server!.url}/v1/campaigns   (runs in ${runsDir}/, `);
      const scheduled = campaignService(server!.runtime).scheduled();
      if (schedule) {
        expect([...scheduled.keys()].sort()).toEqual(['fiber-upgrade-autumn', 'handset-renewal', 'retention-save-sms']);
        expect(banner).toMatch(/3 scheduled; next: [a-z-]+ at 20\d\d-/);
      } else {
        expect(scheduled.size).toBe(0);
        expect(banner).toContain('schedule off (--no-schedule)');
      }
      expect(campaignService(server!.runtime).runsDir).toBe(runsDir);
    }
  });
});

describe('servers sharing the Redis stores', () => {
  /** A runtime on the test Redis under `prefix`, its warnings kept, at `time`. */
  async function server(rules: string, prefix: string, time: FakeTime, warnings: string[]) {
    const runtime = await createRuntime({
      rulesDir: rules,
      redis: inject('redisUrl'),
      redisPrefix: prefix,
      clock: time.clock,
      logger: { info() {}, warn: (_fields: unknown, message?: string) => warnings.push(String(message)), error() {} },
    });
    cleanup.push(() => runtime.close());
    return runtime;
  }

  it('start each scheduled run once: the first to claim its time runs it, the others skip it', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { rules, runsDir } = await setUp(time);
    const prefix = `sched-${process.pid}-${Date.now()}:`;
    const warnings: string[][] = [[], []];
    const runners = [fakeRunner(time.clock), fakeRunner(time.clock)];
    for (const i of [0, 1]) {
      const runtime = await server(rules, prefix, time, warnings[i]!);
      expect(runtime.claimOnce).toBeDefined();
      scheduling(runtime, time, { runsDir: join(runsDir, String(i)), start: runners[i]!.start });
    }
    await time.advance(FIBER_AT - MONDAY_0900);
    const started = () => runners.flatMap((r) => r.started.map((s) => [s.campaignId, s.at]));
    // The claims are Redis round trips the fake clock does not wait for: wait until both servers have decided.
    const decided = async (n: number) => {
      for (let i = 0; i < 400 && started().length + warnings.flat().length < n; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await decided(2);
    expect(started()).toEqual([['fiber-upgrade-autumn', FIBER_AT]]);
    expect(warnings.flat()).toEqual(['scheduled run skipped: another server started this scheduled run']);

    // The next time is claimed afresh: again one run in all.
    for (const runner of runners) for (const run of runner.started) run.finish();
    await settle();
    await time.advance(RETENTION_AT - time.now);
    await decided(4); // retention-save-sms on Tuesday: one start, one skip
    await time.advance(FIBER_NEXT_WEEK - time.now);
    await decided(6);
    expect(started().filter(([id]) => id === 'fiber-upgrade-autumn')).toEqual([
      ['fiber-upgrade-autumn', FIBER_AT],
      ['fiber-upgrade-autumn', FIBER_NEXT_WEEK],
    ]);
  });

  it('on the in-memory stores there is nothing to claim: every scheduled time starts', async () => {
    const time = new FakeTime(MONDAY_0900);
    const { runtime } = await setUp(time);
    expect(runtime.claimOnce).toBeUndefined();
  });
});

describe('a claim that cannot be made', () => {
  it('skips that time, says why, and arms the next one', async () => {
    const time = new FakeTime(MONDAY_0900);
    const events: SchedulerEvent[] = [];
    const starts: string[] = [];
    let claims = 0;
    const scheduler = startScheduler({
      campaigns: () => [{ id: 'weekly', nextRun: (after) => (after < FIBER_AT ? FIBER_AT : FIBER_NEXT_WEEK) }],
      clock: time.clock,
      timers: time,
      claim: async () => {
        claims++;
        if (claims === 1) throw new Error('Redis did not answer');
        return true;
      },
      start: async (id) => {
        starts.push(id);
        return { done: new Promise(() => {}) };
      },
      log: (event) => events.push(event),
    });
    await time.advance(FIBER_AT - MONDAY_0900);
    expect(starts).toEqual([]);
    expect(events.filter((e) => e.kind === 'skipped')).toEqual([
      {
        kind: 'skipped',
        campaignId: 'weekly',
        at: FIBER_AT,
        reason: 'the run could not be claimed: Redis did not answer',
      },
    ]);
    expect(scheduler.next().get('weekly')).toBe(FIBER_NEXT_WEEK);
    await time.advance(FIBER_NEXT_WEEK - time.now);
    expect(starts).toEqual(['weekly']);
    scheduler.stop();
  });
});
