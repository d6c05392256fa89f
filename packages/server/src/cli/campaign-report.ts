// What the campaign commands share: their exit codes, and runs as text: the one-line progress, the run report
// (counts by action, drop reason and channel, control group, duration, rate), and config problems.
import { ConfigError, errorMessage, formatProblems } from '@arbiter/engine';
import type { RunProgress, RunReport } from '../campaigns/run-types.js';
import { percent, table } from './format.js';
import { bar } from './progress.js';

/** Exit codes: 0 done, 1 failed, 2 bad input, 130 interrupted (cancelled; the checkpoint is kept). */
export const EXIT = { done: 0, failed: 1, badInput: 2, cancelled: 130 } as const;

const n = (value: number) => value.toLocaleString('en-US');

/** `[#####......] 41 % 8,200/20,005 · sent 1,234 · 6,120/s · 2 s left`, or the wait for the send window. */
export function progressText(progress: RunProgress): string {
  const { counts, total } = progress;
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    parts.push(`${bar(counts.scanned / total)} ${Math.floor((100 * counts.scanned) / total)} %`);
    parts.push(`${n(counts.scanned)}/${n(total)}`);
  } else parts.push(`${n(counts.scanned)} scanned`);
  parts.push(`${progress.dryRun ? 'would send' : 'sent'} ${n(counts.sent)}`);
  if (counts.control > 0) parts.push(`control ${n(counts.control)}`);
  parts.push(`${n(Math.round(progress.rate))}/s`);
  if (progress.etaMs !== undefined && progress.phase === 'running') parts.push(`${seconds(progress.etaMs)} left`);
  if (progress.phase === 'waiting-for-window')
    parts.push(`waiting for the send window (opens ${progress.waitingUntil})`);
  else if (progress.phase !== 'running') parts.push(progress.phase);
  return `${progress.campaignId} ${parts.join(' · ')}`;
}

/** The report printed at the end of `campaign run` and by `campaign status <runId>`. */
export function reportText(report: RunReport): string {
  const { counts } = report;
  const what = report.dryRun ? 'dry run (nothing reserved, nothing sent)' : 'run';
  const lines = [
    `Campaign ${report.campaignId} ${what} ${report.runId}: ${report.phase}`,
    `  config ${report.configVersion}, ${report.startedAt} to ${report.finishedAt}, ${seconds(report.durationMs)}` +
      `, ${n(Math.round(report.rate))} subscribers/s${report.resumed > 0 ? `, resumed ${report.resumed}x` : ''}`,
    `  results: ${report.output}`,
  ];
  if (report.error) lines.push(`  error: ${report.error}`);
  lines.push('', countsTable(report));
  const sentLabel = report.dryRun ? 'would send' : 'sent';
  lines.push('', `By action (${sentLabel}):`, breakdown('action', counts.byAction, counts.sent));
  lines.push('', `By channel (${sentLabel}):`, breakdown('channel', counts.byChannel, counts.sent));
  lines.push('', 'Dropped, by reason:', breakdown('reason', counts.byReason, counts.dropped));
  lines.push(
    '',
    `Control group: ${n(counts.control)} subscribers held out (${percent(counts.control, counts.inSegment)} of the segment), decided but not contacted.`,
  );
  return lines.join('\n');
}

/** The progress of a run that has no report (live elsewhere, or killed before the end). */
export function progressReportText(progress: RunProgress): string {
  return [
    `Campaign ${progress.campaignId} ${progress.dryRun ? 'dry run' : 'run'} ${progress.runId}: ${progress.phase}`,
    '',
    countsTable(progress),
  ].join('\n');
}

function countsTable(progress: RunProgress): string {
  const { counts, total } = progress;
  const rows: [string, number][] = [
    ['scanned', counts.scanned],
    ['in segment', counts.inSegment],
    [progress.dryRun ? 'would send' : 'sent', counts.sent],
    ['control group', counts.control],
    ['dropped', counts.dropped],
  ];
  if (total !== undefined) rows.unshift(['population', total]);
  return table(['subscribers', 'count'], rows);
}

function breakdown(label: string, counts: Readonly<Record<string, number | undefined>>, whole: number): string {
  const rows = Object.entries(counts)
    .filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => [key, count, percent(count, whole)]);
  return rows.length === 0 ? '  (none)' : table([label, 'count', 'share'], rows);
}

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function seconds(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A config that does not load: every problem, one a line; anything else: its message. */
export function configProblemsText(error: unknown, dir: string): string {
  if (error instanceof ConfigError) {
    const count = error.problems.length;
    return `${dir} has ${count} problem${count === 1 ? '' : 's'}:\n${formatProblems(error.problems)}`;
  }
  return errorMessage(error);
}
