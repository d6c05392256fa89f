// Schemas of the campaign routes: the campaign list, a run's start, its progress and its report (also the SSE data).
import { type Static, Type } from '@sinclair/typebox';

const Counts = (description: string) => Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description });

export const RunCountsSchema = Type.Object({
  scanned: Type.Integer({ description: 'profiles read from the source' }),
  inSegment: Type.Integer(),
  sent: Type.Integer({ description: 'contacted (reserved and written or delivered); in a dry run: would have been' }),
  control: Type.Integer({ description: 'held out as the control group: decided, not contacted' }),
  dropped: Type.Integer(),
  byAction: Counts('sent actions by action id'),
  byReason: Counts('dropped subscribers by reason (NOT_IN_SEGMENT included)'),
  byChannel: Counts('sent actions by channel'),
  skipped: Type.Integer({ description: 'profiles read but unusable (undecodable); part of scanned' }),
});

const PhaseSchema = Type.Union(
  ['starting', 'running', 'waiting-for-window', 'done', 'failed', 'cancelled'].map((p) => Type.Literal(p)),
  { description: 'starting, running, waiting-for-window, then done, failed or cancelled' },
);

const progressFields = {
  runId: Type.String(),
  campaignId: Type.String(),
  phase: PhaseSchema,
  dryRun: Type.Boolean(),
  counts: RunCountsSchema,
  total: Type.Optional(Type.Integer({ description: 'the population, when the source knows it' })),
  rate: Type.Number({ description: 'subscribers per second since the start (or the resumption)' }),
  etaMs: Type.Optional(Type.Number({ description: 'milliseconds left at the current rate' })),
  waitingUntil: Type.Optional(Type.String({ format: 'date-time', description: 'when the send window opens' })),
};

export const RunProgressSchema = Type.Object(progressFields, { title: 'CampaignRunProgress' });

export const RunReportSchema = Type.Object(
  {
    ...progressFields,
    configVersion: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Number(),
    resumed: Type.Integer({ description: 'times the run was resumed from its checkpoint' }),
    output: Type.String({ description: 'where the results went: a file path, or channel:<name>' }),
    error: Type.Optional(Type.String({ description: 'why it failed' })),
    errorCode: Type.Optional(Type.String({ description: 'the code of that error (docs/errors.md)' })),
  },
  { title: 'CampaignRunReport' },
);

const RunLinksSchema = Type.Object({
  self: Type.String({ description: 'GET: progress or report' }),
  events: Type.String({ description: 'GET: server-sent events, `progress` then one `report`' }),
});

/** A run in brief, as the campaign list shows the live and the last one. */
export const RunBriefSchema = Type.Object({
  runId: Type.String(),
  phase: PhaseSchema,
  dryRun: Type.Boolean(),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  sent: Type.Optional(Type.Integer()),
});

export const CampaignSummarySchema = Type.Object({
  id: Type.String(),
  description: Type.Optional(Type.String()),
  channel: Type.String({ description: 'the outbound channel it contacts on' }),
  segment: Type.String({ description: 'the segment condition in brief; `everyone` without one' }),
  limit: Type.Integer({ description: 'actions per subscriber' }),
  output: Type.String({ description: 'jsonl | csv (a file in the run directory) | channel' }),
  schedule: Type.Optional(Type.Object({ cron: Type.String(), timeZone: Type.String() })),
  nextRun: Type.Optional(Type.String({ format: 'date-time', description: 'the next scheduled start' })),
  volumeLimit: Type.Optional(Type.Integer({ description: 'most subscribers contacted per run' })),
  controlGroup: Type.Number({ description: 'share of the segment held out, 0..0.5' }),
  activeRun: Type.Optional(RunBriefSchema),
  lastRun: Type.Optional(RunBriefSchema),
});

export const CampaignListSchema = Type.Object({
  configVersion: Type.String(),
  campaigns: Type.Array(CampaignSummarySchema),
});

const IdSchema = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' });

export const CampaignParamsSchema = Type.Object({ id: IdSchema }, { additionalProperties: false });

export const RunParamsSchema = Type.Object(
  { runId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$' }) },
  { additionalProperties: false },
);

export const StartRunBodySchema = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({ description: 'decide and write results, reserve and send nothing (analyst); default false' }),
    ),
  },
  { additionalProperties: false },
);

export const RunStartedSchema = Type.Object({
  runId: Type.String(),
  campaignId: Type.String(),
  dryRun: Type.Boolean(),
  links: RunLinksSchema,
});

export const RunViewSchema = Type.Object({
  runId: Type.String(),
  campaignId: Type.String(),
  phase: PhaseSchema,
  dryRun: Type.Boolean(),
  live: Type.Boolean({ description: 'running in this server now' }),
  progress: RunProgressSchema,
  report: Type.Optional(RunReportSchema),
  links: RunLinksSchema,
});

export type CampaignSummary = Static<typeof CampaignSummarySchema>;
export type CampaignList = Static<typeof CampaignListSchema>;
export type RunBrief = Static<typeof RunBriefSchema>;
export type RunStarted = Static<typeof RunStartedSchema>;
export type RunLinks = Static<typeof RunLinksSchema>;
