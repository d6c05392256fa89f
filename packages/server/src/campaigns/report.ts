// A run's counts, its progress events (rate and ETA) and its final report.
import type { CampaignDropReason } from '@arbiter/engine';
import type { RunCounts, RunProgress, RunReport } from './run-types.js';

export function emptyCounts(): RunCounts {
  return {
    scanned: 0,
    inSegment: 0,
    sent: 0,
    control: 0,
    dropped: 0,
    byAction: {},
    byReason: {},
    byChannel: {},
    skipped: 0,
  };
}

/** A deep copy, so a progress event or checkpoint does not change under its reader. */
export function copyCounts(counts: RunCounts): RunCounts {
  return {
    ...counts,
    byAction: { ...counts.byAction },
    byReason: { ...counts.byReason },
    byChannel: { ...counts.byChannel },
  };
}

/** Counts from a checkpoint written by an older runner, with any missing field filled in. */
export function restoreCounts(saved: Partial<RunCounts> | undefined): RunCounts {
  return copyCounts({ ...emptyCounts(), ...saved });
}

export function countDrop(counts: RunCounts, reason: CampaignDropReason): void {
  counts.dropped++;
  counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
}

export function countSent(counts: RunCounts, actionIds: readonly string[], channel: string): void {
  counts.sent++;
  for (const id of actionIds) counts.byAction[id] = (counts.byAction[id] ?? 0) + 1;
  counts.byChannel[channel] = (counts.byChannel[channel] ?? 0) + actionIds.length;
}

/**
 * Rate and ETA over the current session: a resumed run's rate counts what it did since the resumption, not the
 * subscribers the earlier sessions read.
 */
export class RunMeter {
  readonly #clock: () => number;
  #startedAt = 0;
  #scannedAtStart = 0;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  start(scanned: number): void {
    this.#startedAt = this.#clock();
    this.#scannedAtStart = scanned;
  }

  /** Milliseconds since `start`. */
  elapsed(): number {
    return Math.max(0, this.#clock() - this.#startedAt);
  }

  rate(scanned: number): number {
    const seconds = this.elapsed() / 1_000;
    return seconds > 0 ? (scanned - this.#scannedAtStart) / seconds : 0;
  }

  eta(scanned: number, total: number | undefined): number | undefined {
    if (total === undefined) return undefined;
    const left = Math.max(0, total - scanned);
    if (left === 0) return 0;
    const rate = this.rate(scanned);
    return rate > 0 ? Math.round((left / rate) * 1_000) : undefined;
  }
}

/** A progress event before the meter's rate and ETA; `waitingUntil` in epoch ms. */
export interface ProgressInput
  extends Pick<RunProgress, 'runId' | 'campaignId' | 'phase' | 'dryRun' | 'counts' | 'total'> {
  waitingUntil?: number;
}

export function progressOf(input: ProgressInput, meter: RunMeter): RunProgress {
  const { counts } = input;
  const progress: RunProgress = {
    runId: input.runId,
    campaignId: input.campaignId,
    phase: input.phase,
    dryRun: input.dryRun,
    counts: copyCounts(counts),
    total: input.total,
    rate: meter.rate(counts.scanned),
    etaMs: input.phase === 'done' ? 0 : meter.eta(counts.scanned, input.total),
  };
  if (input.waitingUntil !== undefined) progress.waitingUntil = new Date(input.waitingUntil).toISOString();
  return progress;
}

export interface ReportInput extends ProgressInput {
  configVersion: string;
  startedAt: string;
  finishedAt: number;
  /** Time the run ran, over every session. */
  durationMs: number;
  resumed: number;
  output: string;
  error?: string;
  errorCode?: string;
}

/** The report of a run that ended; its `rate` is over the whole run (every session), in subscribers per second. */
export function reportOf(input: ReportInput): RunReport {
  const report: RunReport = {
    runId: input.runId,
    campaignId: input.campaignId,
    phase: input.phase,
    dryRun: input.dryRun,
    counts: copyCounts(input.counts),
    total: input.total,
    rate: input.durationMs > 0 ? input.counts.scanned / (input.durationMs / 1_000) : 0,
    etaMs: input.phase === 'done' ? 0 : undefined,
    configVersion: input.configVersion,
    startedAt: input.startedAt,
    finishedAt: new Date(input.finishedAt).toISOString(),
    durationMs: input.durationMs,
    resumed: input.resumed,
    output: input.output,
  };
  if (input.error !== undefined) report.error = input.error;
  if (input.errorCode !== undefined) report.errorCode = input.errorCode;
  return report;
}
