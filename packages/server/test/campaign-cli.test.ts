// `arbiter campaign list|run|status` as a user runs them (a child process on the demo rules, a small population):
// the list, a dry run, a real run and its report, status, exit codes, and Ctrl-C then --resume.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePopulation } from '@arbiter/engine';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunView } from '../src/campaigns/campaign-service.js';
import type { CampaignSummary } from '../src/campaigns/campaign-summary.js';
import type { ResultLine, RunReport } from '../src/campaigns/run-types.js';
import { RedisProfileStore } from '../src/redis/profile-store.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'packages/server/src/cli/main.ts';
/** Tuesday 24 November 2026, 14:00 in Amsterdam: inside every demo campaign's send window. */
const IN_WINDOW = '2026-11-24T13:00:00Z';
/** 03:00 in Amsterdam: a real run waits for the send window. */
const BEFORE_WINDOW = '2026-11-24T02:00:00Z';

let runs: string;
beforeAll(async () => {
  runs = await mkdtemp(join(tmpdir(), 'arbiter-campaign-cli-'));
});
afterAll(() => rm(runs, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npx tsx main.ts campaign ...`. With `interruptWhen`, `signal` (Ctrl-C) goes to the process once stderr matches; that
 * child is started as `node --import tsx` so its own exit code comes back (npx dies of the signal itself).
 */
function arbiter(args: string[], interruptWhen?: RegExp, signal: NodeJS.Signals = 'SIGINT'): Promise<Ran> {
  const [command, first] = interruptWhen ? [process.execPath, ['--import', 'tsx']] : ['npx', ['tsx']];
  const child = spawn(command, [...first, MAIN, 'campaign', ...args], { cwd: ROOT, env: { ...process.env } });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (interruptWhen && !interrupted && interruptWhen.test(stderr)) {
      interrupted = true;
      child.kill(signal);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const population = ['--count', '300', '--seed', '7'];

// Each test starts one to four processes; a loaded machine needs more than the default 30 s.
describe('arbiter campaign', { timeout: 120_000 }, () => {
  let dryRun: RunReport;
  let realRunId: string;

  it('list: every campaign with channel, segment, schedule and next run, limits, control group; never run yet', async () => {
    const json = await arbiter(['list', '--runs', runs, '--json']);
    expect(json.code).toBe(0);
    const campaigns = JSON.parse(json.stdout) as CampaignSummary[];
    expect(campaigns.map((c) => c.id)).toEqual(['fiber-upgrade-autumn', 'retention-save-sms', 'handset-renewal']);
    expect(campaigns[0]).toMatchObject({
      channel: 'email',
      segment: expect.stringContaining('tenureMonths >= 24'),
      schedule: { cron: '0 10 * * 1', timeZone: 'Europe/Amsterdam' },
      nextRun: expect.any(String),
      volumeLimit: 50_000,
      controlGroup: 0.05,
    });
    expect(campaigns.every((c) => c.lastRun === undefined)).toBe(true);

    const text = await arbiter(['list', '--runs', runs]);
    expect(text.stdout).toMatch(
      /^campaign +channel +segment +schedule +next run \(UTC\) +volume limit +control +last run/,
    );
    expect(text.stdout).toMatch(
      /^fiber-upgrade-autumn +email +tenureMonths >= 24 .* 0 10 \* \* 1 .* 50,000 +5 % +never run/m,
    );
  });

  it('run <unknown id>: exit 2, naming the campaigns there are', async () => {
    const ran = await arbiter(['run', 'no-such-campaign', '--runs', runs, ...population]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(
      /CAMPAIGN_NOT_FOUND: no campaign no-such-campaign; known: fiber-upgrade-autumn, retention-save-sms, handset-renewal/,
    );
  });

  it('run --dry-run --json: progress lines on stderr, the report as JSON, the results file written', async () => {
    const ran = await arbiter([
      'run',
      'fiber-upgrade-autumn',
      '--dry-run',
      '--runs',
      runs,
      ...population,
      '--workers',
      '0',
      '--json',
    ]);
    expect(ran.code).toBe(0);
    dryRun = JSON.parse(ran.stdout) as RunReport;
    expect(dryRun).toMatchObject({ campaignId: 'fiber-upgrade-autumn', phase: 'done', dryRun: true, total: 305 });
    expect(dryRun.counts.scanned).toBe(305);
    expect(dryRun.counts.sent + dryRun.counts.control + dryRun.counts.dropped).toBe(305);
    const lines = (await readFile(dryRun.output, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    // The control group is in the results file, decided (with its actions) but marked as not contacted.
    const control = lines.filter((line) => line.status === 'control');
    expect(control).toHaveLength(dryRun.counts.control);
    expect(control.length).toBeGreaterThan(0);
    expect(control.every((line) => (line.actions?.length ?? 0) > 0)).toBe(true);
    expect(ran.stderr).toContain(`Campaign fiber-upgrade-autumn dry run ${dryRun.runId}`);
    // Not a terminal: plain lines, no carriage returns, the last one at 100 %.
    expect(ran.stderr).not.toContain('\r');
    expect(ran.stderr).toMatch(/\[#+\] 100 % · 305\/305 · would send \d+ .*done/);
  });

  it('run (real, on worker threads): the report by action, drop reason and channel, control group, duration, rate', async () => {
    const ran = await arbiter([
      'run',
      'handset-renewal',
      '--runs',
      runs,
      ...population,
      '--workers',
      '2',
      '--now',
      IN_WINDOW,
    ]);
    expect(ran.code).toBe(0);
    const report = ran.stdout;
    realRunId = /Campaign handset-renewal run (\S+): done/.exec(report)?.[1] ?? '';
    expect(realRunId).toMatch(/^20261124T13000\dZ-/);
    expect(report).toMatch(/^ {2}config \w+, .*, [\d.]+ (ms|s), [\d,]+ subscribers\/s$/m);
    expect(report).toMatch(/^ {2}results: channel:email$/m);
    expect(report).toMatch(/^scanned +305$/m);
    expect(report).toMatch(/^By action \(sent\):\naction +count +share\n/m);
    expect(report).toMatch(/^By channel \(sent\):\nchannel +count +share\n-+ +-+ +-+\nemail +\d+ +100\.0 %$/m);
    expect(report).toMatch(/^Dropped, by reason:\nreason +count +share\n-+ +-+ +-+\nNOT_IN_SEGMENT +\d+/m);
    expect(report).toMatch(/^Control group: \d+ subscribers held out \([\d.]+ % of the segment\)/m);
    // `output: channel` from the command line: the sends land in a file per channel.
    expect(existsSync(join(runs, 'outbox', 'email.jsonl'))).toBe(true);
  });

  it('status: every run; status <runId>: its report; an unknown run id is exit 2', async () => {
    const all = await arbiter(['status', '--runs', runs]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^run +campaign +kind +phase +scanned +sent +control +finished \(UTC\)/);
    expect(all.stdout).toMatch(new RegExp(`^${realRunId} +handset-renewal +real +done +305 `, 'm'));
    expect(all.stdout).toMatch(new RegExp(`^${dryRun.runId} +fiber-upgrade-autumn +dry run +done +305 `, 'm'));

    const one = await arbiter(['status', dryRun.runId, '--runs', runs, '--json']);
    expect(one.code).toBe(0);
    const view = JSON.parse(one.stdout) as RunView;
    expect(view).toMatchObject({ runId: dryRun.runId, live: false, phase: 'done', report: { counts: dryRun.counts } });

    const unknown = await arbiter(['status', '20200101T000000Z-none', '--runs', runs]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/CAMPAIGN_RUN_NOT_FOUND/);

    const listed = JSON.parse((await arbiter(['list', '--runs', runs, '--json'])).stdout) as CampaignSummary[];
    expect(listed.find((c) => c.id === 'handset-renewal')?.lastRun).toMatchObject({ runId: realRunId, phase: 'done' });
  });

  it('Ctrl-C cancels (exit 130), keeps the checkpoint and says how to resume; --resume finishes the run', async () => {
    // Before the send window, a real run waits: the interrupt lands while it does.
    const args = ['run', 'fiber-upgrade-autumn', '--runs', runs, ...population, '--workers', '0'];
    const cancelled = await arbiter([...args, '--now', BEFORE_WINDOW], /waiting for the send window/);
    expect(cancelled.code).toBe(130);
    expect(cancelled.stderr).toMatch(/SIGINT: cancelling after the chunks in flight \(the checkpoint is kept\)/);
    const runId = /Campaign fiber-upgrade-autumn run (\S+)/.exec(cancelled.stderr)?.[1];
    expect(cancelled.stderr).toContain(`arbiter campaign run fiber-upgrade-autumn --resume ${runId} --runs ${runs}`);
    expect(cancelled.stdout).toMatch(/: cancelled$/m);

    const resumed = await arbiter([...args, '--resume', runId!, '--now', IN_WINDOW, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, phase: 'done', resumed: 1, counts: { scanned: 305 } });
  });

  it('--redis: runs over the Redis stores, where a second run is held by the campaign cap (CAMPAIGN_CAP)', async () => {
    const prefix = `campaign-cli-${process.pid}:`;
    const store = await RedisProfileStore.connect({ redis: inject('redisUrl'), prefix });
    try {
      for (const profile of generatePopulation({ count: 300, seed: 7 })) await store.put(profile);
    } finally {
      await store.close();
    }
    const args = ['run', 'fiber-upgrade-autumn', '--redis', inject('redisUrl'), '--prefix', prefix, '--runs', runs];
    const [first, second] = [
      await arbiter([...args, '--workers', '0', '--now', IN_WINDOW, '--json']),
      await arbiter([...args, '--workers', '0', '--now', IN_WINDOW, '--json']),
    ].map((ran) => {
      expect(ran.code).toBe(0);
      return JSON.parse(ran.stdout) as RunReport;
    });
    expect(first?.counts.scanned).toBe(300);
    expect(first?.counts.sent).toBeGreaterThan(0);
    // caps: [{ max: 1, window: 30d }]: the contacts of the first run are in Redis, the second sends to nobody.
    expect(second?.counts.sent).toBe(0);
    expect(second?.counts.byReason.CAMPAIGN_CAP).toBe(first?.counts.sent);
  });

  it('--shared: two processes on one shared run (a consumer group): each subscriber decided by exactly one of them', async () => {
    const prefix = `campaign-cli-shared-${process.pid}:`;
    const store = await RedisProfileStore.connect({ redis: inject('redisUrl'), prefix });
    try {
      for (const profile of generatePopulation({ count: 3_000, seed: 9 })) await store.put(profile);
    } finally {
      await store.close();
    }
    const runId = `shared-${process.pid}`;
    const args = ['run', 'fiber-upgrade-autumn', '--redis', inject('redisUrl'), '--prefix', prefix, '--runs', runs];
    const both = await Promise.all(
      [1, 2].map(() => arbiter([...args, '--shared', runId, '--workers', '0', '--now', IN_WINDOW, '--json'])),
    );
    const reports = both.map((ran) => {
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toMatch(new RegExp(`Shared run ${runId}: this process is consumer`));
      return JSON.parse(ran.stdout) as RunReport;
    });
    // Every subscriber scanned by exactly one of the two (the sum is the population), the same run id and decision time.
    expect(reports.map((r) => r.runId)).toEqual([runId, runId]);
    expect(reports[0]!.counts.scanned + reports[1]!.counts.scanned).toBe(3_000);
    const files = await Promise.all(reports.map((r) => readFile(r.output, 'utf8')));
    expect(new Set(reports.map((r) => r.output)).size).toBe(2); // a results file per process
    const ids = files.flatMap((text) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as ResultLine).subscriberId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(reports[0]!.counts.inSegment + reports[1]!.counts.inSegment);
    expect(ids.length).toBeGreaterThan(300);
  });

  it('--shared without --redis is refused (exit 2)', async () => {
    const ran = await arbiter(['run', 'fiber-upgrade-autumn', '--shared', 'x', '--runs', runs]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/--shared needs --redis/);
  });

  it('SIGTERM cancels a run the same way', async () => {
    const args = ['run', 'retention-save-sms', '--runs', runs, ...population, '--workers', '0', '--now', BEFORE_WINDOW];
    const stopped = await arbiter(args, /waiting for the send window/, 'SIGTERM');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/SIGTERM: cancelling after the chunks in flight/);
    expect(stopped.stderr).toMatch(/--resume \S+/);
  });

  it('refuses --dry-run with --resume, and a resume of a run that is not there (exit 2)', async () => {
    const both = await arbiter(['run', 'fiber-upgrade-autumn', '--dry-run', '--resume', 'x', '--runs', runs]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--dry-run and --resume do not go together/);
    const missing = await arbiter([
      'run',
      'fiber-upgrade-autumn',
      '--resume',
      '20200101T000000Z-none',
      '--runs',
      runs,
      ...population,
      '--workers',
      '0',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/CAMPAIGN_RUN_NOT_FOUND/);
  });
});
