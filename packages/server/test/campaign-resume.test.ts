// Campaign runs that stop and carry on: checkpoints, resumption, cancel, the send window, progress, stored runs.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ContactRecord, InMemoryContactHistory } from '@arbiter/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import { CHECKPOINT_FILE, readCheckpoint } from '../src/campaigns/checkpoint.js';
import { LOCK_FILE } from '../src/campaigns/run-lock.js';
import { listRuns, readRun, storedProgress } from '../src/campaigns/run-store.js';
import type { CampaignRunDeps, CampaignRunOptions, ResultLine, RunProgress } from '../src/campaigns/run-types.js';
import { storeSource } from '../src/campaigns/store-source.js';
import {
  type CampaignRules,
  campaignRules,
  memoryDeps,
  NOW,
  readResults,
  recordingChannel,
  TEST_CAMPAIGNS,
  watchedSource,
} from './fixtures/campaign-fixture.js';

const COUNT = 300;
let rules: CampaignRules;
let runsDir: string;

beforeAll(async () => {
  rules = await campaignRules();
  runsDir = join(rules.scratch, 'runs');
});

afterAll(async () => {
  await rules.cleanup();
});

const base = (options: Omit<CampaignRunOptions, 'runsDir'>): CampaignRunOptions => ({
  runsDir,
  workers: 0,
  chunkSize: 20,
  ...options,
});
const resultsOf = (campaignId: string, runId: string) => readResults(join(runsDir, campaignId, runId, 'results.jsonl'));
/** A line without what differs between two runs of the same campaign (the run id in the ids). */
const comparable = (line: ResultLine) => ({
  subscriberId: line.subscriberId,
  status: line.status,
  reason: line.reason,
  actions: line.actions?.map((a) => a.actionId),
});
const failingAt = (deps: CampaignRunDeps, call: number) =>
  watchedSource(storeSource(deps.profiles, deps.history, { chunkSize: 20 }), {
    next: (n) => {
      if (n === call) throw new Error('redis: connection lost');
    },
  });

describe('resuming a run', () => {
  it('a store error while reading fails the run at its checkpoint; resumed, it ends as an uninterrupted run would', async () => {
    const whole = await startCampaignRun(memoryDeps(rules, COUNT), base({ campaignId: 'email-volume' })).done;
    const expected = (await resultsOf('email-volume', whole.runId)).map(comparable);

    const deps = memoryDeps(rules, COUNT);
    const broken = startCampaignRun(deps, base({ campaignId: 'email-volume', source: failingAt(deps, 4) }));
    const failed = await broken.done;
    expect(failed).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_SOURCE_FAILED' });
    expect(failed.error).toContain('connection lost');
    expect(failed.counts.scanned).toBe(60);
    const checkpoint = await readCheckpoint(join(runsDir, 'email-volume', broken.runId));
    expect(checkpoint).toMatchObject({ status: 'failed', position: '60', resumed: 0 });

    const resumed = await startCampaignRun(deps, base({ campaignId: 'email-volume', resume: broken.runId })).done;
    expect(resumed).toMatchObject({ phase: 'done', resumed: 1 });
    expect(resumed.counts).toEqual(whole.counts);
    // The volume limit counts the contacts made before the failure too.
    expect(resumed.counts.sent).toBe(25);
    expect((deps.history as InMemoryContactHistory).size).toBe(25);
    expect((await resultsOf('email-volume', broken.runId)).map(comparable)).toEqual(expected);
  });

  it('after a crash between reserving and checkpointing, re-emits those contacts with the same keys and reserves nothing twice', async () => {
    const { channel, messages } = recordingChannel('email');
    const deps = memoryDeps(rules, COUNT, { channels: [channel] });
    let saved = '';
    const source = watchedSource(storeSource(deps.profiles, deps.history, { chunkSize: 20 }), {
      committed: (chunk) => {
        if (chunk.seq === 2) saved = readFileSync(join(runsDir, 'email-channel', first.runId, CHECKPOINT_FILE), 'utf8');
      },
    });
    const first = startCampaignRun(deps, base({ campaignId: 'email-channel', source }));
    const complete = await first.done;
    const dir = join(runsDir, 'email-channel', first.runId);
    // As if the process died after committing every chunk but saving only chunk 2's checkpoint.
    writeFileSync(join(dir, CHECKPOINT_FILE), saved);
    const sentBefore = messages.splice(0);

    const resumed = await startCampaignRun(deps, base({ campaignId: 'email-channel', resume: first.runId })).done;
    expect(resumed.phase).toBe('done');
    expect(resumed.counts).toEqual(complete.counts);
    const lines = await resultsOf('email-channel', first.runId);
    expect(lines).toHaveLength(complete.counts.inSegment);
    expect(new Set(lines.map((l) => l.subscriberId)).size).toBe(lines.length);
    // Subscribers after the checkpoint were sent again with the keys of their first send, and recorded once.
    const firstKeys = new Set(sentBefore.map((m) => m.idempotencyKey));
    expect(messages.length).toBeGreaterThan(50);
    for (const message of messages) {
      expect(firstKeys.has(message.idempotencyKey)).toBe(true);
      const held = deps.history.load(message.subscriberId) as readonly ContactRecord[];
      expect(held.filter((r) => r.decisionId === message.decisionId)).toHaveLength(1);
    }
  });

  it('cancel stops after the chunks in flight; the run carries on where it stopped when resumed', async () => {
    const deps = memoryDeps(rules, COUNT);
    const source = watchedSource(storeSource(deps.profiles, deps.history, { chunkSize: 20 }), {
      committed: (chunk) => {
        if (chunk.seq === 1) run.cancel();
      },
    });
    const run = startCampaignRun(deps, base({ campaignId: 'email-all', source }));
    const cancelled = await run.done;
    expect(cancelled.phase).toBe('cancelled');
    expect(cancelled.counts.scanned).toBeGreaterThanOrEqual(40);
    expect(cancelled.counts.scanned).toBeLessThan(COUNT);
    expect((await readCheckpoint(join(runsDir, 'email-all', run.runId)))?.status).toBe('cancelled');

    const resumed = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: run.runId })).done;
    expect(resumed).toMatchObject({ phase: 'done', resumed: 1 });
    expect(resumed.counts.scanned).toBe(COUNT);
    const lines = await resultsOf('email-all', run.runId);
    expect(new Set(lines.map((l) => l.subscriberId)).size).toBe(COUNT);
    expect(lines).toHaveLength(COUNT);
  });

  it('refuses a finished run, another campaign’s run, an unknown run, and a run made under other rules', async () => {
    const deps = memoryDeps(rules, 40);
    const finished = await startCampaignRun(deps, base({ campaignId: 'email-all' })).done;
    const again = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: finished.runId })).done;
    expect(again).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RESUME_REFUSED' });
    expect(again.error).toContain('already finished');

    const cancelled = startCampaignRun(deps, base({ campaignId: 'email-all' }));
    cancelled.cancel();
    expect((await cancelled.done).phase).toBe('cancelled');
    const other = await startCampaignRun(deps, base({ campaignId: 'email-fiber', resume: cancelled.runId })).done;
    expect(other).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RESUME_REFUSED' });
    expect(other.error).toContain('belongs to campaign "email-all"');
    const unknown = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: 'no-such-run' })).done;
    expect(unknown).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RUN_NOT_FOUND' });

    const changed = await campaignRules(`${TEST_CAMPAIGNS}  - { id: added-since, channel: email }\n`);
    try {
      expect(changed.config.version).not.toBe(rules.config.version);
      const dir = join(runsDir, 'email-all', cancelled.runId);
      const before = readFileSync(join(dir, CHECKPOINT_FILE), 'utf8');
      const stale = await startCampaignRun(
        { ...deps, config: changed.config, rulesDir: changed.rulesDir },
        base({ campaignId: 'email-all', resume: cancelled.runId }),
      ).done;
      expect(stale).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RULES_CHANGED' });
      expect(stale.error).toContain('rules changed since the run started');
      expect(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')).toBe(before);
    } finally {
      await changed.cleanup();
    }
  });
});

describe('one process at a time on a run', () => {
  const lockOf = (campaignId: string, runId: string) => join(runsDir, campaignId, runId, LOCK_FILE);
  const cancelledRun = async (deps: CampaignRunDeps) => {
    const run = startCampaignRun(deps, base({ campaignId: 'email-all' }));
    run.cancel();
    const report = await run.done;
    expect(report.phase).toBe('cancelled');
    return report.runId;
  };

  it('leaves no lock behind when a run ends, and refuses a resume while a live process holds the run', async () => {
    const deps = memoryDeps(rules, 40);
    const runId = await cancelledRun(deps);
    expect(existsSync(lockOf('email-all', runId))).toBe(false);
    const dir = join(runsDir, 'email-all', runId);
    const before = readFileSync(join(dir, CHECKPOINT_FILE), 'utf8');
    // This test's own process is alive, on this host: the lock is held.
    const held = `${JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-22T09:00:00.000Z' })}\n`;
    writeFileSync(lockOf('email-all', runId), held);
    const refused = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: runId })).done;
    expect(refused).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RUN_LOCKED' });
    expect(refused.error).toContain(`process ${process.pid} since 2026-11-22T09:00:00.000Z`);
    expect(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')).toBe(before);
    expect(readFileSync(lockOf('email-all', runId), 'utf8')).toBe(held);

    // A lock from another host is not taken over either: this host cannot tell whether that process lives.
    writeFileSync(lockOf('email-all', runId), JSON.stringify({ pid: 1, host: 'campaign-box-2', since: 'x' }));
    const remote = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: runId })).done;
    expect(remote).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RUN_LOCKED' });
    expect(remote.error).toContain('on host campaign-box-2');
    expect(remote.error).toContain(`remove ${lockOf('email-all', runId)}`);
  });

  it('takes over a lock left by a process of this host that has ended, and finishes the run', async () => {
    const deps = memoryDeps(rules, 40);
    const runId = await cancelledRun(deps);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(lockOf('email-all', runId), JSON.stringify({ pid: gone, host: hostname(), since: 'x' }));
    const resumed = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: runId })).done;
    expect(resumed).toMatchObject({ phase: 'done', resumed: 1 });
    expect(existsSync(lockOf('email-all', runId))).toBe(false);
  });

  it('takes over a lock whose process was killed but not yet reaped (a zombie, as in a container with no init)', async () => {
    const deps = memoryDeps(rules, 40);
    const runId = await cancelledRun(deps);
    // sh starts a short sleep in the background, prints its pid, then becomes `sleep 30`, which never reaps it. (A
    // child that ended before the exec could be reaped by sh itself, as a plain `true` sometimes was.)
    const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await once(parent.stdout, 'data'))[0].toString().trim());
      const state = () => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]?.[0];
      for (let i = 0; i < 2_000 && state() !== 'Z'; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(state()).toBe('Z');
      writeFileSync(lockOf('email-all', runId), JSON.stringify({ pid: zombie, host: hostname(), since: 'x' }));
      const resumed = await startCampaignRun(deps, base({ campaignId: 'email-all', resume: runId })).done;
      expect(resumed).toMatchObject({ phase: 'done', resumed: 1 });
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('the send window', () => {
  // 17:30 in Amsterdam on Monday 23 November 2026: after email-window's 09:00-17:00; it opens at 09:00 the next day.
  const EVENING = Date.UTC(2026, 10, 23, 16, 30);
  const OPENS = Date.UTC(2026, 10, 24, 8, 0);

  it('waits, saying until when, and sends once the window opens', async () => {
    let time = EVENING;
    const sleeps: number[] = [];
    const deps = memoryDeps(rules, 60, {
      clock: () => time,
      sleep: async (ms) => {
        sleeps.push(ms);
        time += ms;
      },
    });
    const events: RunProgress[] = [];
    const run = startCampaignRun(deps, base({ campaignId: 'email-window', onProgress: (p) => events.push(p) }));
    const report = await run.done;
    expect(report.phase).toBe('done');
    expect(sleeps).toEqual([OPENS - EVENING]);
    const waiting = events.find((e) => e.phase === 'waiting-for-window');
    expect(waiting?.waitingUntil).toBe(new Date(OPENS).toISOString());
    expect(waiting?.counts.sent).toBe(0);
    // Decided at the run's time (the evening), sent after the window opened.
    const held = (deps.history as InMemoryContactHistory).size;
    expect(held).toBe(report.counts.sent);
    const lines = await resultsOf('email-window', run.runId);
    expect(lines.find((l) => l.status === 'sent')?.decisionId).toContain(run.runId);
  });

  it('a cancel wakes a run waiting for its window; nothing was sent', async () => {
    const deps = memoryDeps(rules, 60, { clock: () => EVENING });
    const run = startCampaignRun(
      deps,
      base({
        campaignId: 'email-window',
        onProgress: (p) => {
          if (p.phase === 'waiting-for-window') setTimeout(() => run.cancel(), 10);
        },
      }),
    );
    const report = await run.done;
    expect(report.phase).toBe('cancelled');
    expect(report.counts.sent).toBe(0);
    expect((deps.history as InMemoryContactHistory).size).toBe(0);
  });

  it('a dry run does not wait for the window', async () => {
    const deps = memoryDeps(rules, 60, { clock: () => EVENING, sleep: () => Promise.reject(new Error('slept')) });
    const report = await startCampaignRun(deps, base({ campaignId: 'email-window', dryRun: true })).done;
    expect(report.phase).toBe('done');
  });
});

describe('progress and stored runs', () => {
  it('tells progress at the start, between chunks (at most about 10 a second) and at the end, with a rate and an ETA', async () => {
    const deps = memoryDeps(rules, 200);
    const slow = watchedSource(storeSource(deps.profiles, deps.history, { chunkSize: 20 }), {
      next: () => {
        const until = performance.now() + 60;
        while (performance.now() < until);
      },
    });
    const events: RunProgress[] = [];
    const report = await startCampaignRun(
      deps,
      base({ campaignId: 'email-all', source: slow, onProgress: (p) => events.push(p) }),
    ).done;
    expect(events[0]).toMatchObject({ phase: 'starting', total: undefined });
    expect(events[1]).toMatchObject({ phase: 'running', total: 200 });
    const between = events.filter((e) => e.phase === 'running' && e.counts.scanned > 0);
    expect(between.length).toBeGreaterThanOrEqual(3);
    expect(between.length).toBeLessThanOrEqual(10);
    for (let i = 1; i < between.length; i++) {
      expect(between[i]!.counts.scanned).toBeGreaterThan(between[i - 1]!.counts.scanned);
    }
    expect(between.at(-1)!.rate).toBeGreaterThan(0);
    expect(between.at(-1)!.etaMs).toBeGreaterThanOrEqual(0);
    expect(events.at(-1)).toEqual(report);
    expect(report).toMatchObject({ phase: 'done', etaMs: 0, total: 200 });
    expect(report.rate).toBeGreaterThan(0);
    expect(report.durationMs).toBeGreaterThan(0);
  });

  it('lists runs newest first and reads one back with its report', async () => {
    const deps = memoryDeps(rules, 40);
    const runs = join(rules.scratch, 'listed');
    const first = await startCampaignRun(deps, { runsDir: runs, workers: 0, campaignId: 'email-all' }).done;
    const second = await startCampaignRun(
      { ...deps, clock: () => NOW + 1_000 },
      {
        runsDir: runs,
        workers: 0,
        campaignId: 'email-csv',
      },
    ).done;
    const listed = await listRuns(runs);
    expect(listed.map((r) => r.runId)).toEqual([second.runId, first.runId]);
    expect((await listRuns(runs, 'email-all')).map((r) => r.runId)).toEqual([first.runId]);
    const read = await readRun(runs, second.runId);
    expect(read?.campaignId).toBe('email-csv');
    expect(read && storedProgress(read)).toEqual(second);
    expect(await readRun(runs, '../../etc')).toBeUndefined();
    expect(await listRuns(join(runs, 'missing'))).toEqual([]);
  });
});
