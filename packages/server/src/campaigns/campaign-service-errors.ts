// Codes of the campaign surfaces (HTTP routes, CLI) beyond the runner's own (campaign-run-errors.ts), and the HTTP
// status of every code a campaign route answers with.
import type { CampaignRunErrorCode } from './campaign-run-errors.js';

/** Codes the campaign service adds to the runner's. */
export const campaignServiceErrors = {
  CAMPAIGN_RUN_ACTIVE:
    'The campaign already has a run in progress (at most one per campaign: on this server, or a real run on another server sharing the Redis stores); the message names it. Watch it or wait.',
  CAMPAIGN_LEASE_UNAVAILABLE:
    'Servers sharing Redis stores hold a lease per campaign while a real run goes, and Redis did not answer when this run asked for it, so the run did not start (two runs of one campaign would be worse than none). Try again once Redis answers.',
} as const;
export type CampaignServiceErrorCode = keyof typeof campaignServiceErrors;

/** The HTTP status of each code the campaign routes answer with. */
export const campaignErrorStatus = {
  CAMPAIGN_NOT_FOUND: 404,
  CAMPAIGN_RUN_NOT_FOUND: 404,
  CAMPAIGN_RUN_ACTIVE: 409,
  CAMPAIGN_NO_CHANNEL: 409,
  CAMPAIGN_RESUME_REFUSED: 409,
  CAMPAIGN_RULES_CHANGED: 409,
  CAMPAIGN_LEASE_UNAVAILABLE: 503,
} as const satisfies Partial<Record<CampaignServiceErrorCode | CampaignRunErrorCode, number>>;
export type CampaignErrorCode = keyof typeof campaignErrorStatus;
