// The catalogue of reason codes: why a candidate dropped out at a stage, or why a decision degraded. Codes are data.
import { policyReasons } from '../policy/index.js';

/** Why an action left the funnel (or `SELECTED`), by stage. The policy stage's codes come from the policy module. */
export const funnelReasons = {
  NOT_ON_CHANNEL: 'The action is not offered on the decision channel.',
  OUTSIDE_VALIDITY: 'The decision time is outside the action validFrom/validTo.',
  OUT_OF_SCOPE:
    'The request (or the trigger) limited the candidates to some issues, groups or actions, and not this one.',
  NOT_ELIGIBLE: 'An eligibility rule (of the issue, the group or the action) failed; the detail names the condition.',
  ...policyReasons,
  CONTACT_HISTORY_UNAVAILABLE:
    'Contact history could not be read, and an outbound channel sends nothing without it (fail closed).',
  GROUP_LIMIT: 'Outranked within its group: the group limit for one decision was already reached.',
  ISSUE_LIMIT: 'Outranked within its issue: the issue limit for one decision was already reached.',
  OUT_RANKED: 'Eligible and allowed, but below the top N by priority.',
  SELECTED: 'Chosen: in the top N by priority.',
} as const;
export type FunnelReason = keyof typeof funnelReasons;

/** Why a decision was made on a documented fallback instead of the normal path. */
export const degradedReasons = {
  MODEL_FAILED: 'The propensity model failed to run; its actions were scored with their prior propensity.',
  PROFILE_FROM_CACHE:
    'The profile store could not be reached; the profile is the hot cached copy, which may be older than the freshness bound.',
  CONTACT_HISTORY_UNAVAILABLE:
    'Contact history could not be read: inbound channels decided as if it were empty; outbound channels returned nothing (fail closed).',
} as const;
export type DegradedReason = keyof typeof degradedReasons;
