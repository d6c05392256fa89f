// The shapes of campaign mode: a campaign as compiled from campaigns.yaml, and what deciding one subscriber yields.
import type { Treatment } from '../config/actions-schema.js';
import type { CapSpec } from '../policy/cap-spec.js';
import type { PolicyReason } from '../policy/reasons.js';
import type { CompiledRule } from '../rules/index.js';
import type { CampaignSpec } from './campaigns-schema.js';

/** A campaign ready to run: the analyst's spec (defaults applied, frozen) plus what was compiled from it. */
export interface CompiledCampaign {
  readonly id: string;
  readonly spec: Readonly<CampaignSpec>;
  /** The segment condition over the profile's facts; undefined = every subscriber. */
  readonly segment: CompiledRule | undefined;
  /** The campaign's time zone: `schedule.timeZone`, else the contact policy's `defaultTimeZone`. */
  readonly timeZone: string;
  /** Share of the segment held out as the control group, 0..1 (`controlGroup: 5%` -> 0.05). */
  readonly controlShare: number;
  /** Per-campaign caps as limits `ContactHistory.reserve` checks atomically (they count this campaign's contacts). */
  readonly capSpecs: readonly CapSpec[];
  /** The next scheduled start strictly after `after` (epoch ms); undefined without a schedule. */
  nextRun(after: number): number | undefined;
  /** Whether `at` is inside the send window (always, without one); when not, the epoch ms it next opens. */
  sendWindow(at: number): { open: true } | { open: false; opensAt: number };
}

/** Why a subscriber of the population was not contacted by a run. */
export type CampaignDropReason =
  /** The segment condition is false for this subscriber. */
  | 'NOT_IN_SEGMENT'
  /** A per-campaign cap (campaigns.yaml `caps`) is used up for this subscriber. */
  | 'CAMPAIGN_CAP'
  /** No action in the campaign's scope is offered on its channel at the run time. */
  | 'NO_CANDIDATES'
  /** Every candidate failed eligibility. */
  | 'NOT_ELIGIBLE'
  /** Every eligible candidate was blocked by the contact policy; the most frequent policy reason is given. */
  | PolicyReason
  /** Contact history could not be read: an outbound send fails closed. */
  | 'CONTACT_HISTORY_UNAVAILABLE'
  /** Allowed candidates existed but arbitration selected none (e.g. below a score floor). */
  | 'NOT_SELECTED'
  /** The decision failed (the detail carries the decision error code). */
  | 'DECISION_ERROR'
  /** Decided, but the run's volume limit was already reached. Set by the runner. */
  | 'VOLUME_LIMIT'
  /** Decided, but a concurrent contact spent the cap between the decision and the reservation. Set by the runner. */
  | 'CAP_REACHED_AT_SEND'
  /** The channel refused the message. Set by the runner; the contact stays recorded (fail closed). */
  | 'DELIVERY_FAILED';

/** One action a campaign decision selected, with what to send. */
export interface CampaignAction {
  actionId: string;
  issue: string;
  group: string;
  mandatory: boolean;
  treatment: Treatment;
}

/**
 * What deciding one subscriber for a campaign yields (no I/O happened: nothing sent, nothing recorded).
 * - `selected`: actions to send; the runner reserves the contact, applies the volume limit, then sends.
 * - `control`: in the control group: decided (so uplift can be measured against what they would have got), not sent.
 * - `dropped`: nothing to send, with the reason.
 * - `already-sent`: this run reserved the contact before a restart (a record with this run's decision id exists);
 *   the runner re-emits it with the same idempotency key instead of reserving again.
 */
export interface CampaignOutcome {
  subscriberId: string;
  status: 'selected' | 'control' | 'dropped' | 'already-sent';
  reason?: CampaignDropReason;
  detail?: string;
  /** `cmp:<campaignId>:<runId>:<subscriberId>`: stable across restarts of the run (see campaignDecisionId). */
  decisionId?: string;
  actions?: CampaignAction[];
  msisdn?: string;
}

/** The run a decision belongs to: its id and the decision time shared by every subscriber of the run. */
export interface CampaignRunRef {
  runId: string;
  /** epoch ms; every decision of a run (and of its resumptions) is made at this instant. */
  now: number;
}
