// The wire types the SDK sends and receives: JSON shapes of the server's API, declared here so the SDK has no dependency.
// They mirror @arbiter/engine's types; packages/sdk/test/wire-types.test.ts fails when the two drift apart.

/** A subscriber's attributes and features, as the profile store keeps them. */
export interface Profile {
  subscriberId: string;
  [attribute: string]: unknown;
}

/** The outcomes a channel reports against a decision. */
export type Outcome = 'impression' | 'click' | 'accept' | 'reject' | 'convert';

/** A feature's value: what rules see as a fact of the same name. */
export type FeatureValue = string | number | boolean | null;

/** The body of POST /v1/decisions. */
export interface DecisionRequest {
  /** Whose decision: looked up in the profile store. Give this or `profile`. */
  subscriberId?: string;
  /** A profile given inline: the store is not read. */
  profile?: Profile;
  /** The channel asking: web, app, agent, sms, ... */
  channel: string;
  /** What is happening now (page, event, intent); rules see it as the `context` fact. */
  context?: Record<string, unknown>;
  /** How many actions to return (default and maximum from the server's arbitration settings). */
  limit?: number;
  /** Return the funnel: every action, the stage it dropped out at, and why. */
  explain?: boolean;
  /** Decision time (epoch ms or ISO 8601); defaults to the server clock. */
  now?: number | string;
  /** Only these issues, groups or actions are candidates. */
  scope?: { issues?: string[]; groups?: string[]; actions?: string[] };
}

/** What is shown or sent on one channel. */
export interface Treatment {
  title?: string;
  body?: string;
  cta?: string;
  text?: string;
  script?: string;
  subject?: string;
  image?: string;
}

/** The terms of an action's priority: propensity x context weight x value x lever. */
export interface ScoreTerms {
  propensity: number;
  propensitySource: 'model' | 'prior';
  contextWeight: number;
  value: number;
  lever: number;
  priority: number;
}

export interface RankedAction {
  rank: number;
  actionId: string;
  name: string;
  kind: 'offer' | 'care' | 'message';
  issue: string;
  group: string;
  mandatory: boolean;
  /** What to show or send on this channel, placeholders filled from the profile. */
  treatment: Treatment;
  terms: ScoreTerms;
}

export type FunnelStage = 'candidates' | 'eligibility' | 'policy' | 'arbitration' | 'selected';

/** Why an action left the funnel (docs/errors.md, "Funnel reasons"). */
export type FunnelReason =
  | 'NOT_ON_CHANNEL'
  | 'OUTSIDE_VALIDITY'
  | 'OUT_OF_SCOPE'
  | 'NOT_ELIGIBLE'
  | 'UNKNOWN_CHANNEL'
  | 'OPTED_OUT'
  | 'NO_MARKETING_CONSENT'
  | 'QUIET_HOURS'
  | 'SUPPRESSED_AFTER_REJECTS'
  | 'COOLDOWN'
  | 'CAP_REACHED'
  | 'CONTACT_HISTORY_UNAVAILABLE'
  | 'GROUP_LIMIT'
  | 'ISSUE_LIMIT'
  | 'OUT_RANKED'
  | 'SELECTED';

/** Why a decision took a documented fallback (docs/errors.md, "Degraded decisions"). */
export type DegradedReason = 'MODEL_FAILED' | 'PROFILE_FROM_CACHE' | 'CONTACT_HISTORY_UNAVAILABLE';

/** A failed leaf of an eligibility condition. */
export interface RuleFailure {
  fact: string;
  path?: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  condition?: string;
}

/** One action's path through the decision (with `explain: true`). */
export interface FunnelEntry {
  actionId: string;
  stage: FunnelStage;
  reason: FunnelReason;
  detail?: string;
  scope?: 'issue' | 'group' | 'action';
  failures?: RuleFailure[];
  rule?: string;
  count?: number;
  limit?: number;
  until?: string;
  terms?: ScoreTerms;
}

/** Milliseconds per stage. */
export interface StageTimings {
  profile: number;
  candidates: number;
  eligibility: number;
  policy: number;
  scoring: number;
  arbitration: number;
  total: number;
}

export interface Decision {
  decisionId: string;
  subscriberId: string;
  channel: string;
  configVersion: string;
  decidedAt: string;
  actions: RankedAction[];
  /** Documented fallbacks this decision took, with why; empty on the normal path. */
  degraded: { reason: DegradedReason; detail: string }[];
  counts: { actions: number; candidates: number; eligible: number; allowed: number; selected: number };
  timings: StageTimings;
  funnel?: FunnelEntry[];
}

/** The body of POST /v1/outcomes. */
export interface OutcomeRequest {
  decisionId: string;
  actionId: string;
  outcome: Outcome;
  /** When it happened (epoch ms or ISO 8601); defaults to the server clock. */
  at?: number | string;
}

/** The body of POST /v1/events. */
export interface SubscriberEvent {
  /** Unique per event: a retry carries the same id, and the server applies it once. */
  id: string;
  /** e.g. `care.contact`, `usage.data`, `network.roaming-attach`. */
  type: string;
  subscriberId: string;
  /** When it happened: epoch ms or ISO 8601. */
  time: number | string;
  data?: Record<string, unknown>;
}

export type TriggerStatus =
  | 'sent'
  | 'partly-sent'
  | 'debounced'
  | 'condition-false'
  | 'no-action'
  | 'deferred'
  | 'dropped-quiet-hours'
  | 'dropped-defer-queue-full'
  | 'cap-reached'
  | 'delivery-failed'
  | 'history-unavailable'
  | 'no-channel'
  | 'decision-error';

/** What one trigger did with an event. */
export interface TriggerResult {
  triggerId: string;
  subscriberId: string;
  eventId: string;
  status: TriggerStatus;
  detail?: string;
  decisionId?: string;
  /** Actions delivered. */
  sent?: string[];
  /** When a deferred send will be decided again (ISO 8601). */
  deferredUntil?: string;
}

/** The answer to POST /v1/events (202). */
export interface EventAccepted {
  /** The event id was seen before: nothing was applied and no trigger ran. */
  duplicate?: true;
  /** Every declared feature the subscriber has state for, after the event. */
  features: Record<string, FeatureValue>;
  /** Features of this event type that could not take it, and why (a missing field, a value outside the window). */
  skipped?: { feature: string; reason: string }[];
  /** What each trigger did with the event. */
  triggers: TriggerResult[];
}

/** One contact with a subscriber, as the 360 view shows it: what was shown or sent, and its outcome. */
export interface ContactEntry {
  /** ISO 8601 */
  at: string;
  subscriberId: string;
  decisionId: string;
  actionId: string;
  issue: string;
  group: string;
  channel: string;
  outcome: Outcome;
  /** Mandatory contacts never count toward caps. */
  mandatory: boolean;
}

/** A past decision as the 360 view shows it: what was offered, where and when. */
export interface RecentDecision {
  decisionId: string;
  channel: string;
  decidedAt: string;
  configVersion: string;
  actions: { rank: number; actionId: string; name: string; issue: string; group: string }[];
}

/** GET /v1/subscribers/:id: the 360 view an agent desktop shows. */
export interface SubscriberView {
  subscriberId: string;
  /** The profile's attributes. */
  profile: Record<string, unknown>;
  /** Every declared feature the subscriber has state for, at the server clock. */
  features: Record<string, FeatureValue>;
  /** Decisions this server made for the subscriber, newest first. */
  recentDecisions: RecentDecision[];
  /** Contacts and outcomes, newest first. */
  contactHistory: ContactEntry[];
  /** What could not be read fresh (PROFILE_FROM_CACHE, CONTACT_HISTORY_UNAVAILABLE), with a detail. */
  degraded: { reason: string; detail: string }[];
}

/** One action of the catalog. */
export interface CatalogAction {
  id: string;
  name: string;
  kind: 'offer' | 'care' | 'message';
  issue: string;
  group: string;
  channels: string[];
  value: number;
  mandatory: boolean;
  validFrom?: string;
  validTo?: string;
  /** What is shown or sent, per channel, with `{{placeholders}}` as written. */
  treatments: Record<string, Treatment>;
}

/** GET /v1/actions: the catalog of the config version in force. */
export interface ActionCatalog {
  configVersion: string;
  actions: CatalogAction[];
}

/** Narrows GET /v1/actions; every filter is optional. */
export interface ActionFilter {
  channel?: string;
  issue?: string;
  group?: string;
}

/** Why a campaign run left a subscriber uncontacted (docs/errors.md, "Campaign drop reasons"). */
export type CampaignDropReason =
  | 'NOT_IN_SEGMENT'
  | 'CAMPAIGN_CAP'
  | 'NO_CANDIDATES'
  | 'NOT_ELIGIBLE'
  | 'UNKNOWN_CHANNEL'
  | 'OPTED_OUT'
  | 'NO_MARKETING_CONSENT'
  | 'QUIET_HOURS'
  | 'SUPPRESSED_AFTER_REJECTS'
  | 'COOLDOWN'
  | 'CAP_REACHED'
  | 'CONTACT_HISTORY_UNAVAILABLE'
  | 'NOT_SELECTED'
  | 'DECISION_ERROR'
  | 'VOLUME_LIMIT'
  | 'CAP_REACHED_AT_SEND'
  | 'DELIVERY_FAILED';

export type CampaignRunPhase = 'starting' | 'running' | 'waiting-for-window' | 'done' | 'failed' | 'cancelled';

/** What a campaign run counted so far. */
export interface CampaignRunCounts {
  /** Profiles read. */
  scanned: number;
  inSegment: number;
  /** Contacted; in a dry run: would have been. */
  sent: number;
  /** Held out as the control group: decided, not contacted. */
  control: number;
  dropped: number;
  /** Sent actions by action id. */
  byAction: Record<string, number>;
  /** Dropped subscribers by reason. */
  byReason: Partial<Record<CampaignDropReason, number>>;
  /** Sent actions by channel. */
  byChannel: Record<string, number>;
  /** Profiles read but unusable (part of `scanned`). */
  skipped: number;
}

/** A campaign run's progress: what GET /v1/campaigns/runs/:runId shows while it runs, and each `progress` event. */
export interface CampaignRunProgress {
  runId: string;
  campaignId: string;
  phase: CampaignRunPhase;
  dryRun: boolean;
  counts: CampaignRunCounts;
  /** The population, when known. */
  total?: number;
  /** Subscribers per second. */
  rate: number;
  /** Milliseconds left at the current rate. */
  etaMs?: number;
  /** When waiting for the send window: when it opens (ISO 8601). */
  waitingUntil?: string;
}

/** A finished campaign run. */
export interface CampaignRunReport extends CampaignRunProgress {
  configVersion: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  resumed: number;
  /** A results file path, or `channel:<name>`. */
  output: string;
  error?: string;
  errorCode?: string;
}

/** Where to follow a run: its progress or report, and its server-sent events. */
export interface CampaignRunLinks {
  self: string;
  events: string;
}

/** A run in brief, as the campaign list shows the live and the last one. */
export interface CampaignRunBrief {
  runId: string;
  phase: CampaignRunPhase;
  dryRun: boolean;
  startedAt?: string;
  finishedAt?: string;
  sent?: number;
}

/** One campaign of GET /v1/campaigns. */
export interface CampaignSummary {
  id: string;
  description?: string;
  channel: string;
  /** The segment condition in brief (`everyone` without one). */
  segment: string;
  limit: number;
  output: string;
  schedule?: { cron: string; timeZone: string };
  /** The next scheduled start (ISO 8601). */
  nextRun?: string;
  volumeLimit?: number;
  /** Share of the segment held out, 0..0.5. */
  controlGroup: number;
  activeRun?: CampaignRunBrief;
  lastRun?: CampaignRunBrief;
}

/** GET /v1/campaigns. */
export interface CampaignList {
  configVersion: string;
  campaigns: CampaignSummary[];
}

/** The answer to POST /v1/campaigns/:id/runs (202). */
export interface CampaignRunStarted {
  runId: string;
  campaignId: string;
  dryRun: boolean;
  links: CampaignRunLinks;
}

/** GET /v1/campaigns/runs/:runId: the progress of a live run, and the report of a finished one. */
export interface CampaignRunView {
  runId: string;
  campaignId: string;
  phase: CampaignRunPhase;
  dryRun: boolean;
  /** Running in the server now. */
  live: boolean;
  progress: CampaignRunProgress;
  report?: CampaignRunReport;
  links: CampaignRunLinks;
}
