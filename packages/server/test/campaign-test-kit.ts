// A fake campaign runner for the campaign service's tests: it records each start and ends a run only when told.
import { emptyCounts } from '../src/campaigns/report.js';
import type { CampaignRun, CampaignRunOptions, RunProgress, RunReport } from '../src/campaigns/run-types.js';

export interface FakeStart {
  campaignId: string;
  at: number;
  options: CampaignRunOptions;
  finish: (phase?: RunReport['phase']) => void;
}

/** `start` fits `CampaignServiceOptions.start`; each run keeps the id the service gives it (else `run-<n>`). */
export function fakeRunner(clock: () => number) {
  const started: FakeStart[] = [];
  const start = (_deps: unknown, options: CampaignRunOptions): CampaignRun => {
    const runId = options.runId ?? `run-${started.length + 1}`;
    const progress: RunProgress = {
      runId,
      campaignId: options.campaignId,
      phase: 'running',
      dryRun: options.dryRun ?? false,
      counts: emptyCounts(),
      total: 0,
      rate: 0,
      etaMs: undefined,
    };
    let finish!: (phase?: RunReport['phase']) => void;
    const done = new Promise<RunReport>((resolve) => {
      finish = (phase = 'done') =>
        resolve({
          ...progress,
          phase,
          configVersion: 'v',
          startedAt: new Date(clock()).toISOString(),
          finishedAt: new Date(clock()).toISOString(),
          durationMs: 0,
          resumed: 0,
          output: 'results.jsonl',
        });
    });
    started.push({ campaignId: options.campaignId, at: clock(), options, finish });
    return { runId, campaignId: options.campaignId, progress: () => progress, done, cancel: () => finish('cancelled') };
  };
  return { started, start };
}
