// The frozen, compiled config a decision runs on: actions with their compiled rules, policy, models, arbitration.
import type { CompiledCampaign } from '../campaigns/campaign-types.js';
import type { CampaignSpec } from '../campaigns/campaigns-schema.js';
import type { FeatureSet, FeaturesFile } from '../features/index.js';
import type { ContactPolicy, ContactPolicyConfig } from '../policy/index.js';
import type { CompiledRule } from '../rules/index.js';
import type { ModelManifest, PropensityModel } from '../scoring/index.js';
import type { CompiledTrigger } from '../triggers/compile-triggers.js';
import type { TriggerSpec } from '../triggers/triggers-schema.js';
import type { ActionSpec, Treatment } from './actions-schema.js';
import type { ArbitrationFile } from './arbitration-schema.js';
import type { EligibilityFile } from './eligibility-schema.js';

/** A treatment with its `{{placeholder}}` texts split once at load, so rendering is a join. */
export type CompiledTreatment = Readonly<Record<keyof Treatment, readonly string[] | undefined>>;

/** An action as the decision path uses it: the analyst's spec plus what was compiled from it. */
export interface CompiledAction {
  readonly index: number;
  readonly spec: Readonly<ActionSpec>;
  readonly id: string;
  /** The same as `id`, under the name the contact policy reads. */
  readonly actionId: string;
  readonly issue: string;
  readonly group: string;
  readonly mandatory: boolean;
  /** Eligibility in the order it is checked: issue rule, group rule, the action's own. */
  readonly rules: readonly { readonly scope: 'issue' | 'group' | 'action'; readonly rule: CompiledRule }[];
  readonly validFromMs: number;
  readonly validToMs: number;
  readonly model: string | undefined;
  readonly priorPropensity: number;
  /** action lever x group lever x issue lever */
  readonly lever: number;
  readonly treatments: ReadonlyMap<string, CompiledTreatment>;
}

export interface ConfigSnapshot {
  /** Content hash of every file and model: the config version every decision records. */
  readonly version: string;
  readonly files: readonly string[];
  readonly actions: readonly CompiledAction[];
  readonly actionById: ReadonlyMap<string, CompiledAction>;
  /** Actions offered on each channel, in catalog order. */
  readonly channelActions: ReadonlyMap<string, readonly CompiledAction[]>;
  readonly channels: readonly string[];
  readonly arbitration: Readonly<ArbitrationFile>;
  /** The compiled contact policy; its `horizonMs` also covers the campaign caps' windows. */
  readonly policy: ContactPolicy;
  readonly models: ReadonlyMap<string, PropensityModel>;
  /** Features derived from events (features.yaml), folded by `engine.ingest` and seen by rules as facts. */
  readonly features: FeatureSet;
  /** Triggers (triggers.yaml), for the trigger runner. */
  readonly triggers: readonly CompiledTrigger[];
  /** Campaigns (campaigns.yaml), in file order, for the campaign runner and the scheduler. */
  readonly campaigns: readonly CompiledCampaign[];
  readonly campaignById: ReadonlyMap<string, CompiledCampaign>;
  /** The validated files, defaults applied, frozen: what analysts and the API read back. */
  readonly sources: Readonly<{
    actions: readonly Readonly<ActionSpec>[];
    eligibility: Readonly<EligibilityFile>;
    contactPolicy: Readonly<ContactPolicyConfig>;
    arbitration: Readonly<ArbitrationFile>;
    models: readonly Readonly<ModelManifest>[];
    features: Readonly<FeaturesFile>;
    triggers: readonly Readonly<TriggerSpec>[];
    campaigns: readonly Readonly<CampaignSpec>[];
  }>;
}
