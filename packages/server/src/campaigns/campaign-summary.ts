// A campaign in brief, as GET /v1/campaigns and `arbiter campaign list` show it: what it does, when it runs next, and
// its live and last runs.
import type { CompiledCampaign } from '@arbiter/engine';
import type { RunBrief } from './campaign-run-views.js';
import { segmentSummary } from './segment-summary.js';

export interface CampaignSummary {
  id: string;
  description?: string;
  channel: string;
  /** The segment condition in one line (`everyone` without one). */
  segment: string;
  limit: number;
  output: string;
  schedule?: { cron: string; timeZone: string };
  /** The next scheduled start, ISO 8601. */
  nextRun?: string;
  volumeLimit?: number;
  /** Share of the segment held out, 0..0.5. */
  controlGroup: number;
  activeRun?: RunBrief;
  lastRun?: RunBrief;
}

/**
 * @example campaignSummary(config.campaignById.get('fiber-upgrade-autumn')!, { nextRun: campaign.nextRun(Date.now()) })
 */
export function campaignSummary(
  campaign: CompiledCampaign,
  runs: { nextRun?: number; activeRun?: RunBrief; lastRun?: RunBrief } = {},
): CampaignSummary {
  const { spec } = campaign;
  const summary: CampaignSummary = {
    id: campaign.id,
    channel: spec.channel,
    segment: segmentSummary(spec.segment),
    limit: spec.limit,
    output: spec.output,
    controlGroup: campaign.controlShare,
  };
  if (spec.description !== undefined) summary.description = spec.description;
  if (spec.schedule) summary.schedule = { cron: spec.schedule.cron, timeZone: campaign.timeZone };
  if (runs.nextRun !== undefined) summary.nextRun = new Date(runs.nextRun).toISOString();
  if (spec.volumeLimit !== undefined) summary.volumeLimit = spec.volumeLimit;
  if (runs.activeRun) summary.activeRun = runs.activeRun;
  if (runs.lastRun) summary.lastRun = runs.lastRun;
  return summary;
}
