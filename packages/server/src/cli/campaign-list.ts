// `arbiter campaign list` (the campaigns of a rules directory, their next and last runs) and `arbiter campaign status`
// (every run of a runs directory, or one run's progress or report).
import { loadConfigDir } from '@arbiter/engine/config-files';
import { type RunView, storedBrief, storedView } from '../campaigns/campaign-run-views.js';
import { type CampaignSummary, campaignSummary } from '../campaigns/campaign-summary.js';
import { listRuns, readRun } from '../campaigns/run-store.js';
import { configProblemsText, EXIT, progressReportText, reportText } from './campaign-report.js';
import { table } from './format.js';

type Out = (line: string) => void;

export interface CampaignListOptions {
  rules: string;
  runs: string;
  json?: boolean;
  /** The time "next run" is after (default now). */
  now?: number;
}

/**
 * Prints the campaigns of `rules` with their next scheduled start and last run; the exit code (2: a bad rules dir).
 * @example await campaignListCommand({ rules: 'rules', runs: 'runs' });
 */
export async function campaignListCommand(
  options: CampaignListOptions,
  out: Out = console.log,
  err: Out = console.error,
) {
  let campaigns: CampaignSummary[];
  try {
    const config = await loadConfigDir(options.rules);
    const runs = await listRuns(options.runs);
    const now = options.now ?? Date.now();
    campaigns = config.campaigns.map((campaign) => {
      // listRuns is newest first.
      const last = runs.find((r) => r.campaignId === campaign.id);
      return campaignSummary(campaign, {
        nextRun: campaign.nextRun(now),
        ...(last ? { lastRun: storedBrief(last) } : {}),
      });
    });
  } catch (error) {
    err(`arbiter campaign list: ${configProblemsText(error, options.rules)}`);
    return EXIT.badInput;
  }
  if (options.json) {
    out(JSON.stringify(campaigns, null, 2));
    return EXIT.done;
  }
  if (campaigns.length === 0) {
    out(`${options.rules}: no campaigns (add rules/campaigns.yaml; see rules/README.md)`);
    return EXIT.done;
  }
  const rows = campaigns.map((c) => [
    c.id,
    c.channel,
    clip(c.segment, 44),
    c.schedule ? `${c.schedule.cron} (${c.schedule.timeZone})` : 'by hand',
    c.nextRun ? c.nextRun.slice(0, 16).replace('T', ' ') : '-',
    c.volumeLimit ?? '-',
    `${Math.round(c.controlGroup * 1000) / 10} %`,
    c.lastRun ? `${c.lastRun.phase}${c.lastRun.dryRun ? ' (dry)' : ''} ${c.lastRun.runId}` : 'never run',
  ]);
  out(
    table(
      ['campaign', 'channel', 'segment', 'schedule', 'next run (UTC)', 'volume limit', 'control', 'last run'],
      rows,
    ),
  );
  return EXIT.done;
}

export interface CampaignStatusOptions {
  runs: string;
  json?: boolean;
}

/**
 * Every run in the runs directory (newest first), or one run's report (or its last checkpoint when it did not end).
 * @example await campaignStatusCommand('20261122T101500Z-k3x9', { runs: 'runs' });
 */
export async function campaignStatusCommand(
  runId: string | undefined,
  options: CampaignStatusOptions,
  out: Out = console.log,
  err: Out = console.error,
): Promise<number> {
  if (runId !== undefined) {
    const stored = await readRun(options.runs, runId);
    if (!stored) {
      err(`arbiter campaign status: CAMPAIGN_RUN_NOT_FOUND: no run ${runId} in ${options.runs}/`);
      return EXIT.badInput;
    }
    const view = storedView(stored);
    if (options.json) out(JSON.stringify(view, null, 2));
    else out(viewText(view, stored.checkpoint.updatedAt));
    return EXIT.done;
  }
  const views = (await listRuns(options.runs)).map(storedView);
  if (options.json) {
    out(JSON.stringify(views, null, 2));
    return EXIT.done;
  }
  if (views.length === 0) {
    out(`no campaign runs in ${options.runs}/`);
    return EXIT.done;
  }
  const rows = views.map((v) => [
    v.runId,
    v.campaignId,
    v.dryRun ? 'dry run' : 'real',
    v.phase,
    v.progress.counts.scanned,
    v.progress.counts.sent,
    v.progress.counts.control,
    v.report ? v.report.finishedAt.slice(0, 19).replace('T', ' ') : '-',
  ]);
  out(table(['run', 'campaign', 'kind', 'phase', 'scanned', 'sent', 'control', 'finished (UTC)'], rows));
  return EXIT.done;
}

function viewText(view: RunView, updatedAt: string): string {
  if (view.report) return reportText(view.report);
  return `${progressReportText(view.progress)}\n\nNot ended: last checkpoint at ${updatedAt}. If its process is gone, resume it with arbiter campaign run ${view.campaignId} --resume ${view.runId}.`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
