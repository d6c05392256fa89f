// The reasons a campaign run leaves a subscriber uncontacted, with one-line descriptions for the errors catalogue.
import { policyReasons } from '../policy/reasons.js';
import type { CampaignDropReason } from './campaign-types.js';

/** Why a campaign dropped a subscriber (`CampaignOutcome.reason`), as data: code -> description. */
export const campaignDropReasons = {
  NOT_IN_SEGMENT: 'The campaign segment condition is false for this subscriber (no decision was made).',
  CAMPAIGN_CAP: 'A per-campaign cap (campaigns.yaml `caps`) is used up: the subscriber had enough of this campaign.',
  NO_CANDIDATES: 'No action in the campaign scope is offered on its channel and valid at the run time.',
  NOT_ELIGIBLE: 'Every candidate failed eligibility (its issue, group or own rule).',
  ...policyReasons,
  CONTACT_HISTORY_UNAVAILABLE: 'Contact history could not be read, and an outbound send fails closed.',
  NOT_SELECTED: 'Allowed candidates existed but arbitration selected none.',
  DECISION_ERROR: 'The decision failed; the detail carries the decision error code and message.',
  VOLUME_LIMIT: 'Decided, but the run had already reached the campaign volumeLimit (set by the runner).',
  CAP_REACHED_AT_SEND:
    'Decided, but a concurrent contact spent a cap between the decision and the reservation, or another process of the run reserved the same contact first (ONCE_PER_DECISION; set by the runner).',
  DELIVERY_FAILED: 'The channel refused the message; the contact stays recorded, fail closed (set by the runner).',
} as const satisfies Record<CampaignDropReason, string>;
