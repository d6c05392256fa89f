// Public API of campaign mode: the campaigns file, compiled campaigns, decision ids and the per-subscriber decider.
export { type CampaignDecider, createCampaignDecider } from './campaign-decider.js';
export { campaignDecisionId, campaignDecisionPrefix } from './campaign-ids.js';
export { campaignDropReasons } from './campaign-reasons.js';
export type {
  CampaignAction,
  CampaignDropReason,
  CampaignOutcome,
  CampaignRunRef,
  CompiledCampaign,
} from './campaign-types.js';
export { type CampaignSpec, type CampaignsFile, CampaignsFileSchema } from './campaigns-schema.js';
export { type CompileCampaignsContext, compileCampaigns, MAX_CONTROL_PERCENT } from './compile-campaigns.js';
export { controlPosition, inControlGroup } from './control-group.js';
