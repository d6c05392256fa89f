// Runs as the campaign surfaces show them: a run in brief (the campaign list) and a run in full (progress, report).
import { type StoredRun, storedProgress } from './run-store.js';
import type { RunPhase, RunProgress, RunReport } from './run-types.js';

/** A run in brief, as the campaign list shows the live and the last one. */
export interface RunBrief {
  runId: string;
  phase: RunPhase;
  dryRun: boolean;
  startedAt?: string;
  finishedAt?: string;
  sent?: number;
}

/** One run as GET /v1/campaigns/runs/:runId and `arbiter campaign status <runId>` show it. */
export interface RunView {
  runId: string;
  campaignId: string;
  phase: RunPhase;
  dryRun: boolean;
  /** Running in this process now. */
  live: boolean;
  progress: RunProgress;
  report?: RunReport;
}

/** The view of a live run (`report` once it ended). */
export function liveView(progress: RunProgress, report?: RunReport): RunView {
  const view: RunView = { ...head(report ?? progress), live: report === undefined, progress: report ?? progress };
  if (report) view.report = report;
  return view;
}

/** The view of a run read from its directory: its report when it ended, else its last checkpoint. */
export function storedView(run: StoredRun): RunView {
  const progress = storedProgress(run);
  const view: RunView = { ...head(progress), live: false, progress };
  if (isReport(progress)) view.report = progress;
  return view;
}

export function storedBrief(run: StoredRun): RunBrief {
  const { checkpoint } = run;
  const progress = storedProgress(run);
  const brief: RunBrief = {
    runId: run.runId,
    phase: progress.phase,
    dryRun: checkpoint.dryRun,
    startedAt: checkpoint.startedAt,
    sent: progress.counts.sent,
  };
  if (isReport(progress)) brief.finishedAt = progress.finishedAt;
  return brief;
}

export function liveBrief(progress: RunProgress, startedAt?: string): RunBrief {
  const brief: RunBrief = {
    runId: progress.runId,
    phase: progress.phase,
    dryRun: progress.dryRun,
    sent: progress.counts.sent,
  };
  if (startedAt) brief.startedAt = startedAt;
  return brief;
}

function isReport(progress: RunProgress | RunReport): progress is RunReport {
  return typeof (progress as RunReport).finishedAt === 'string';
}

function head(progress: RunProgress) {
  return { runId: progress.runId, campaignId: progress.campaignId, phase: progress.phase, dryRun: progress.dryRun };
}
