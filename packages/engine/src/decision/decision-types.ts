// The shapes of a decision request and its result: ranked actions, score terms, timings, and the explained funnel.
import type { ScoreTerms } from '../arbitration/arbitrate.js';
import type { Treatment } from '../config/actions-schema.js';
import type { Outcome } from '../policy/index.js';
import type { Profile } from '../population/index.js';
import type { RuleFailure } from '../rules/index.js';
import type { DecisionErrorCode, OutcomeErrorCode } from './decision-errors.js';
import type { DegradedReason, FunnelReason } from './reasons.js';

export interface DecisionRequest {
  /** Whose decision: looked up in the profile store. Give this or `profile`. */
  subscriberId?: string;
  /** A profile given inline (simulation, anonymous visitors, tests): the store is not read. */
  profile?: Profile;
  /** The channel asking: web, app, agent, sms, ... (the channels of contact-policy.yaml). */
  channel: string;
  /** What is happening now (page, event, intent); rules see it as the `context` fact. */
  context?: Record<string, unknown>;
  /** How many actions to return (default and maximum from arbitration.yaml). */
  limit?: number;
  /** Return the funnel: every action, the stage it dropped out at, and why. */
  explain?: boolean;
  /** Decision time (epoch ms or ISO 8601); defaults to the engine clock. For simulation and tests. */
  now?: number | string;
  /** Only these issues, groups or actions are candidates (a page slot for roaming offers, a top-up trigger). */
  scope?: { issues?: string[]; groups?: string[]; actions?: string[] };
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

/** One action's path through the decision: where it stopped and why. */
export interface FunnelEntry {
  actionId: string;
  stage: FunnelStage;
  reason: FunnelReason;
  detail?: string;
  /** For NOT_ELIGIBLE: the scope of the failing rule and the conditions that failed. */
  scope?: 'issue' | 'group' | 'action';
  failures?: RuleFailure[];
  /** For caps and suppression: the rule id, its count and limit. */
  rule?: string;
  count?: number;
  limit?: number;
  until?: string;
  terms?: ScoreTerms;
}

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
  /** Milliseconds per stage. */
  timings: StageTimings;
  funnel?: FunnelEntry[];
}

export interface DecisionError {
  code: DecisionErrorCode;
  message: string;
  /** The request field at fault, when one is. */
  field?: string;
}

export type DecisionResult = { ok: true; decision: Decision } | { ok: false; error: DecisionError };

export interface OutcomeRequest {
  decisionId: string;
  actionId: string;
  outcome: Outcome;
  /** When it happened (epoch ms or ISO 8601); defaults to the engine clock. */
  at?: number | string;
}

export type OutcomeResult =
  | { ok: true }
  | { ok: false; error: { code: OutcomeErrorCode; message: string; field?: string } };
