// Campaign runs on worker threads: the same results as on the main thread, the rules version check, crash retries.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import { readCheckpoint } from '../src/campaigns/checkpoint.js';
import type { CampaignRunOptions, ResultLine } from '../src/campaigns/run-types.js';
import { type CampaignRules, campaignRules, memoryDeps, readResults } from './fixtures/campaign-fixture.js';

const COUNT = 1_200;
let rules: CampaignRules;
let runsDir: string;
let onMainThread: ResultLine[];

const options = (extra: Omit<CampaignRunOptions, 'runsDir'>): CampaignRunOptions => ({
  runsDir,
  workers: 2,
  chunkSize: 100,
  ...extra,
});
const comparable = (line: ResultLine) => [
  line.subscriberId,
  line.status,
  line.reason,
  line.actions?.map((a) => a.actionId),
];
const crashing = (seq: number, once?: string) => {
  const url = new URL('./fixtures/campaign-crashing-worker.ts', import.meta.url);
  url.searchParams.set('seq', String(seq));
  if (once) url.searchParams.set('once', once);
  return url;
};

beforeAll(async () => {
  rules = await campaignRules();
  runsDir = join(rules.scratch, 'runs');
  const report = await startCampaignRun(memoryDeps(rules, COUNT), {
    ...options({ campaignId: 'email-fiber' }),
    workers: 0,
  }).done;
  onMainThread = await readResults(report.output);
});

afterAll(async () => {
  await rules.cleanup();
});

describe('campaign runs on worker threads', () => {
  it('decide exactly what the main thread decides, committed in the source order', { timeout: 60_000 }, async () => {
    const deps = memoryDeps(rules, COUNT);
    const report = await startCampaignRun(deps, options({ campaignId: 'email-fiber' })).done;
    expect(report).toMatchObject({ phase: 'done' });
    expect((await readResults(report.output)).map(comparable)).toEqual(onMainThread.map(comparable));
  });

  it('a crashed worker’s chunk is decided again on a new worker', { timeout: 60_000 }, async () => {
    const report = await startCampaignRun(
      memoryDeps(rules, COUNT),
      options({ campaignId: 'email-fiber', workerEntry: crashing(3, join(rules.scratch, 'crashed-once')) }),
    ).done;
    expect(report.phase).toBe('done');
    expect(await readFile(join(rules.scratch, 'crashed-once'), 'utf8')).toBe('crashed');
    expect((await readResults(report.output)).map(comparable)).toEqual(onMainThread.map(comparable));
  });

  it('a chunk that crashes a second worker fails the run at its checkpoint; the run resumes', {
    timeout: 60_000,
  }, async () => {
    const deps = memoryDeps(rules, COUNT);
    const run = startCampaignRun(deps, options({ campaignId: 'email-fiber', workerEntry: crashing(3) }));
    const failed = await run.done;
    expect(failed).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_WORKER_CRASHED' });
    expect(failed.error).toContain('crashed twice on chunk 3');
    expect(failed.counts.scanned).toBe(300);
    const checkpoint = await readCheckpoint(join(runsDir, 'email-fiber', run.runId));
    expect(checkpoint).toMatchObject({ status: 'failed', position: '300' });

    const resumed = await startCampaignRun(deps, options({ campaignId: 'email-fiber', resume: run.runId })).done;
    expect(resumed).toMatchObject({ phase: 'done', resumed: 1 });
    expect((await readResults(resumed.output)).map(comparable)).toEqual(onMainThread.map(comparable));
  });

  it('fails with CAMPAIGN_RULES_CHANGED when the rules on disk are not the run’s', { timeout: 60_000 }, async () => {
    const changed = await campaignRules();
    try {
      await appendFile(join(changed.rulesDir, 'campaigns.yaml'), '  - { id: added-since, channel: email }\n');
      const report = await startCampaignRun(memoryDeps(changed, 100), {
        runsDir: join(changed.scratch, 'runs'),
        workers: 1,
        campaignId: 'email-all',
      }).done;
      expect(report).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RULES_CHANGED' });
      expect(report.error).toContain('rules changed since the run started');
      expect(report.counts.scanned).toBe(0);
    } finally {
      await changed.cleanup();
    }
  });
});
