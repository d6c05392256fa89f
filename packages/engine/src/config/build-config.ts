// Builds a config snapshot from parsed analyst files: validate, apply defaults, cross-check, compile, hash, freeze.
import { createHash } from 'node:crypto';
import type { CompiledCampaign } from '../campaigns/campaign-types.js';
import { type CampaignSpec, type CampaignsFile, CampaignsFileSchema } from '../campaigns/campaigns-schema.js';
import { compileCampaigns } from '../campaigns/compile-campaigns.js';
import { checkFeaturesFile } from '../features/index.js';
import {
  type ContactPolicy,
  type ContactPolicyConfig,
  ContactPolicySchema,
  checkContactPolicy,
  compileContactPolicy,
} from '../policy/index.js';
import type { CompiledRule, Operator } from '../rules/index.js';
import {
  loadModel,
  ModelLoadError,
  type ModelManifest,
  type ModelsFile,
  ModelsFileSchema,
  type PropensityModel,
} from '../scoring/index.js';
import { compileTriggers } from '../triggers/compile-triggers.js';
import { type TriggersFile, TriggersFileSchema } from '../triggers/triggers-schema.js';
import { type ActionSpec, type ActionsFile, ActionsFileSchema } from './actions-schema.js';
import { type ArbitrationFile, ArbitrationFileSchema } from './arbitration-schema.js';
import {
  checkActions,
  checkArbitration,
  checkEligibilityScopes,
  checkPolicyReferences,
  checkSendTarget,
  type ReferenceContext,
} from './check-references.js';
import { type ConditionCompiler, conditionCompiler } from './compile-conditions.js';
import { ConfigError, type ConfigProblem } from './config-problem.js';
import type { CompiledAction, ConfigSnapshot } from './config-snapshot.js';
import { type EligibilityFile, EligibilityFileSchema } from './eligibility-schema.js';
import { compileTreatment } from './treatment-template.js';
import { deepFreeze, pointer, validateFile } from './validate-file.js';

/** One parsed file: its name (for problem reports) and its content. */
export interface ConfigSource {
  file: string;
  data: unknown;
}

export interface ConfigInput {
  actions: ConfigSource;
  eligibility?: ConfigSource;
  contactPolicy: ConfigSource;
  arbitration: ConfigSource;
  models?: ConfigSource;
  /** Features derived from events (`features.yaml`); without it the config has no features. */
  features?: ConfigSource;
  /** Triggers (`triggers.yaml`): event type + condition -> an outbound decision; without it, none. */
  triggers?: ConfigSource;
  /** Campaigns (`campaigns.yaml`): scheduled batch decisions over the population; without it, none. */
  campaigns?: ConfigSource;
  /** Model file bytes, keyed by the manifest's `file` value exactly as written. */
  modelFiles?: Readonly<Record<string, Uint8Array>>;
}

export interface BuildConfigOptions {
  /** Custom rule operators, registered beside the built-in ones. */
  operators?: readonly Operator[];
}

/**
 * Validates and compiles every file, or throws a ConfigError listing every problem at once.
 * @example const config = await buildConfig({ actions: { file: 'actions.yaml', data }, ... });
 */
export async function buildConfig(input: ConfigInput, options: BuildConfigOptions = {}): Promise<ConfigSnapshot> {
  const problems: ConfigProblem[] = [];
  const actionsFile = validateFile<ActionsFile>(ActionsFileSchema, input.actions.file, input.actions.data);
  const eligibilitySource = input.eligibility ?? { file: 'eligibility.yaml', data: {} };
  const eligibility = validateFile<EligibilityFile>(
    EligibilityFileSchema,
    eligibilitySource.file,
    eligibilitySource.data,
  );
  const policy = validateFile<ContactPolicyConfig>(
    ContactPolicySchema,
    input.contactPolicy.file,
    input.contactPolicy.data,
  );
  const arbitration = validateFile<ArbitrationFile>(
    ArbitrationFileSchema,
    input.arbitration.file,
    input.arbitration.data,
  );
  const modelsSource = input.models ?? { file: 'models.yaml', data: { models: [] } };
  const models = validateFile<ModelsFile>(ModelsFileSchema, modelsSource.file, modelsSource.data);
  const featuresSource = input.features ?? { file: 'features.yaml', data: {} };
  const features = checkFeaturesFile(featuresSource.file, featuresSource.data);
  problems.push(...features.problems);
  const triggersSource = input.triggers ?? { file: 'triggers.yaml', data: {} };
  const triggersFile = validateFile<TriggersFile>(TriggersFileSchema, triggersSource.file, triggersSource.data);
  problems.push(...triggersFile.problems);
  const campaignsSource = input.campaigns ?? { file: 'campaigns.yaml', data: {} };
  const campaignsFile = validateFile<CampaignsFile>(CampaignsFileSchema, campaignsSource.file, campaignsSource.data);
  problems.push(...campaignsFile.problems);
  problems.push(
    ...actionsFile.problems,
    ...eligibility.problems,
    ...policy.problems,
    ...arbitration.problems,
    ...models.problems,
  );
  if (policy.value) {
    for (const p of checkContactPolicy(policy.value)) problems.push({ file: input.contactPolicy.file, ...p });
  }

  const loadedModels = models.value
    ? await loadModels(models.value, modelsSource.file, input.modelFiles, problems)
    : undefined;

  // Cross-file checks and rule compilation go on around broken parts, so one load reports every problem:
  // an action with a schema problem is left out of them, and a reference into a broken file is not checked.
  const usable = usableActions(actionsFile.partial, actionsFile.problems);
  const ctx: ReferenceContext = {
    actionsFile: input.actions.file,
    channels: policy.value ? new Set(Object.keys(policy.value.channels)) : undefined,
    issues: arbitration.value ? new Set(arbitration.value.issues) : undefined,
    groups: usable ? new Set(usable.map(([, a]) => a.group)) : undefined,
    models: models.value ? new Set(models.value.models.map((m) => m.id)) : undefined,
  };
  if (usable) problems.push(...checkActions(usable, ctx));
  if (eligibility.value) problems.push(...checkEligibilityScopes(eligibility.value, eligibilitySource.file, ctx));
  if (arbitration.value) problems.push(...checkArbitration(arbitration.value, input.arbitration.file, ctx));
  if (policy.value && usable) {
    const actionIds = new Set(usable.map(([, a]) => a.id));
    problems.push(...checkPolicyReferences(policy.value, input.contactPolicy.file, { ...ctx, actions: actionIds }));
  }

  const compiler = eligibility.value
    ? conditionCompiler(eligibility.value.conditions, options.operators ?? [], problems)
    : undefined;
  const issueRules = new Map<string, CompiledRule>();
  const groupRules = new Map<string, CompiledRule>();
  const actionRules = new Map<number, CompiledRule>();
  if (compiler && eligibility.value) {
    for (const [name, condition] of Object.entries(eligibility.value.conditions)) {
      compiler.compile(condition, eligibilitySource.file, pointer('conditions', name));
    }
    compileScope(eligibility.value.issues, 'issues', eligibilitySource.file, compiler, issueRules);
    compileScope(eligibility.value.groups, 'groups', eligibilitySource.file, compiler, groupRules);
    for (const [index, spec] of usable ?? []) {
      if (spec.eligibility === undefined) continue;
      const rule = compiler.compile(spec.eligibility, input.actions.file, pointer('actions', index, 'eligibility'));
      if (rule) actionRules.set(index, rule);
    }
  }
  // Trigger conditions may use the named conditions too; they also see the `event` fact.
  const triggers =
    triggersFile.value && compiler
      ? compileTriggers(
          triggersFile.value,
          triggersSource.file,
          {
            channels: policy.value ? new Map(Object.entries(policy.value.channels)) : undefined,
            known: {
              issues: ctx.issues,
              groups: ctx.groups,
              actions: usable ? new Set(usable.map(([, a]) => a.id)) : undefined,
            },
            compile: (condition, at) => compiler.compile(condition, triggersSource.file, at),
          },
          problems,
        )
      : [];
  const campaigns = buildCampaigns(campaignsFile, campaignsSource.file, {
    ctx,
    policy: policy.value,
    arbitration: arbitration.value,
    actions: usable ? new Set(usable.map(([, a]) => a.id)) : undefined,
    compile: compiler ? (condition, at) => compiler.compile(condition, campaignsSource.file, at) : undefined,
    problems,
  });
  if (
    problems.length > 0 ||
    !actionsFile.value ||
    !eligibility.value ||
    !policy.value ||
    !arbitration.value ||
    !models.value ||
    !loadedModels ||
    !features.set ||
    !features.value ||
    !triggersFile.value ||
    !campaignsFile.value
  ) {
    throw new ConfigError(problems);
  }
  const settings = arbitration.value;
  const actions = actionsFile.value.actions.map((spec, index) =>
    compileAction(spec, index, {
      arbitration: settings,
      actionRule: actionRules.get(index),
      issueRule: issueRules.get(spec.issue),
      groupRule: groupRules.get(spec.group),
    }),
  );
  const channels = Object.keys(policy.value.channels);

  const channelActions = new Map<string, CompiledAction[]>(channels.map((c) => [c, []]));
  for (const action of actions) for (const channel of action.spec.channels) channelActions.get(channel)?.push(action);

  const sources = deepFreeze({
    actions: actionsFile.value.actions,
    eligibility: eligibility.value,
    contactPolicy: policy.value,
    arbitration: arbitration.value,
    models: models.value.models,
    features: features.value,
    triggers: triggersFile.value.triggers,
    campaigns: campaignsFile.value.campaigns,
  });
  const compiledPolicy = compileContactPolicy(sources.contactPolicy);
  return Object.freeze({
    version: contentVersion(input, models.value.models),
    files: Object.freeze([
      input.actions.file,
      eligibilitySource.file,
      input.contactPolicy.file,
      input.arbitration.file,
      modelsSource.file,
      ...(input.features ? [input.features.file] : []),
      ...(input.triggers ? [input.triggers.file] : []),
      ...(input.campaigns ? [input.campaigns.file] : []),
    ]),
    actions: Object.freeze(actions),
    actionById: new Map(actions.map((a) => [a.id, a])),
    channelActions,
    channels: Object.freeze(channels),
    arbitration: sources.arbitration,
    policy: withCampaignHorizon(compiledPolicy, campaigns),
    models: bindModels(loadedModels, actions),
    features: features.set,
    triggers: Object.freeze(triggers),
    campaigns: Object.freeze(campaigns),
    campaignById: new Map(campaigns.map((c) => [c.id, c])),
    sources,
  });
}

/**
 * Checks and compiles the campaigns that passed their schema (the others are reported by it): references to the
 * policy's channels and the catalog's names, then ids, schedules, windows, caps and segments.
 */
function buildCampaigns(
  file: ReturnType<typeof validateFile<CampaignsFile>>,
  source: string,
  parts: {
    ctx: ReferenceContext;
    policy: ContactPolicyConfig | undefined;
    arbitration: ArbitrationFile | undefined;
    actions: ReadonlySet<string> | undefined;
    compile: ((condition: unknown, at: string) => CompiledRule | undefined) | undefined;
    problems: ConfigProblem[];
  },
): CompiledCampaign[] {
  const usable = usableEntries<CampaignSpec>(file.partial?.campaigns, 'campaigns', file.problems);
  if (!usable) return [];
  const { ctx, policy, problems } = parts;
  const target = {
    channels: policy ? new Map(Object.entries(policy.channels)) : undefined,
    known: { issues: ctx.issues, groups: ctx.groups, actions: parts.actions },
  };
  for (const [i, spec] of usable)
    problems.push(...checkSendTarget(spec, { file: source, list: 'campaigns', i }, target));
  const compileCtx = {
    defaultTimeZone: policy?.defaultTimeZone ?? 'UTC',
    ...(parts.arbitration ? { maxLimit: parts.arbitration.maxLimit } : {}),
    ...(parts.compile ? { compile: parts.compile } : {}),
  };
  return compileCampaigns(usable, source, compileCtx, problems);
}

/** A contact history may trim what no rule looks back over: the campaign caps' windows count too. */
function withCampaignHorizon(policy: ContactPolicy, campaigns: readonly CompiledCampaign[]): ContactPolicy {
  let horizonMs = policy.horizonMs;
  for (const campaign of campaigns) for (const cap of campaign.capSpecs) horizonMs = Math.max(horizonMs, cap.windowMs);
  return horizonMs === policy.horizonMs ? policy : { ...policy, horizonMs };
}

function compileScope(
  conditions: Record<string, unknown>,
  scope: string,
  file: string,
  compiler: ConditionCompiler,
  into: Map<string, CompiledRule>,
): void {
  for (const [name, condition] of Object.entries(conditions)) {
    const rule = compiler.compile(condition, file, pointer(scope, name));
    if (rule) into.set(name, rule);
  }
}

/**
 * The actions (with their index) that passed the schema, when every problem of the file sits inside one action;
 * undefined when the file itself is broken (not a list, a problem outside the actions).
 */
function usableActions(file: ActionsFile, problems: readonly ConfigProblem[]): [number, ActionSpec][] | undefined {
  return usableEntries<ActionSpec>(file?.actions, 'actions', problems);
}

/** The entries of a file's list (with their index) that have no problem, unless a problem lies outside the list. */
function usableEntries<T>(
  list: readonly T[] | undefined,
  key: string,
  problems: readonly ConfigProblem[],
): [number, T][] | undefined {
  const bad = new Set<number>();
  const inList = new RegExp(`^/${key}/(\\d+)(/|$)`);
  for (const problem of problems) {
    const match = inList.exec(problem.path);
    if (!match) return undefined;
    bad.add(Number(match[1]));
  }
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((spec, index): [number, T][] => (bad.has(index) ? [] : [[index, spec]]));
}

function compileAction(
  spec: ActionSpec,
  index: number,
  parts: {
    arbitration: ArbitrationFile;
    actionRule: CompiledAction['rules'][number]['rule'] | undefined;
    issueRule: CompiledAction['rules'][number]['rule'] | undefined;
    groupRule: CompiledAction['rules'][number]['rule'] | undefined;
  },
): CompiledAction {
  const rules: { scope: 'issue' | 'group' | 'action'; rule: CompiledAction['rules'][number]['rule'] }[] = [];
  if (parts.issueRule) rules.push({ scope: 'issue', rule: parts.issueRule });
  if (parts.groupRule) rules.push({ scope: 'group', rule: parts.groupRule });
  if (parts.actionRule) rules.push({ scope: 'action', rule: parts.actionRule });
  const { levers, defaultPropensity } = parts.arbitration;
  return Object.freeze({
    index,
    spec,
    id: spec.id,
    actionId: spec.id,
    issue: spec.issue,
    group: spec.group,
    mandatory: spec.mandatory,
    rules: Object.freeze(rules),
    validFromMs: spec.validFrom ? Date.parse(spec.validFrom) : Number.NEGATIVE_INFINITY,
    // A date without a time means "through the end of that day" (UTC).
    validToMs: spec.validTo ? endOf(spec.validTo) : Number.POSITIVE_INFINITY,
    model: spec.model,
    priorPropensity: spec.propensity ?? defaultPropensity,
    lever: spec.lever * (levers.groups[spec.group] ?? 1) * (levers.issues[spec.issue] ?? 1),
    treatments: new Map(Object.entries(spec.treatments).map(([channel, t]) => [channel, compileTreatment(t)])),
  });
}

/** Gives each model the catalog, so its action columns are laid out once and `score` takes action indexes. */
function bindModels(models: ReadonlyMap<string, PropensityModel>, actions: readonly CompiledAction[]) {
  const scoringActions = actions.map((a) => ({
    id: a.id,
    issue: a.issue,
    group: a.group,
    value: a.spec.value,
    kind: a.spec.kind,
    attributes: a.spec.attributes,
  }));
  return new Map([...models].map(([id, model]) => [id, model.withActions(scoringActions)]));
}

function endOf(date: string): number {
  return date.length === 10 ? Date.parse(date) + 86_400_000 - 1 : Date.parse(date);
}

async function loadModels(
  file: ModelsFile,
  source: string,
  bytesByFile: Readonly<Record<string, Uint8Array>> | undefined,
  problems: ConfigProblem[],
): Promise<Map<string, PropensityModel> | undefined> {
  const loaded = new Map<string, PropensityModel>();
  const before = problems.length;
  const seen = new Set<string>();
  for (const [i, manifest] of file.models.entries()) {
    if (seen.has(manifest.id)) {
      problems.push({
        file: source,
        path: pointer('models', i, 'id'),
        code: 'CONFIG_DUPLICATE_ID',
        message: `duplicate model id "${manifest.id}"`,
      });
      continue;
    }
    seen.add(manifest.id);
    const bytes = bytesByFile?.[manifest.file];
    if (!bytes) {
      problems.push({
        file: source,
        path: pointer('models', i, 'file'),
        code: 'MODEL_FILE_MISSING',
        message: `model file "${manifest.file}" was not found`,
      });
      continue;
    }
    try {
      loaded.set(manifest.id, await loadModel(manifest, bytes));
    } catch (error) {
      if (!(error instanceof ModelLoadError)) throw error;
      problems.push({
        file: source,
        path: pointer('models', i) + error.path,
        code: error.code,
        message: error.message,
      });
    }
  }
  return problems.length === before ? loaded : undefined;
}

function contentVersion(input: ConfigInput, manifests: readonly ModelManifest[]): string {
  const hash = createHash('sha256');
  for (const source of [input.actions, input.eligibility, input.contactPolicy, input.arbitration, input.models]) {
    hash.update(canonicalJson(source?.data ?? null));
    hash.update('\0');
  }
  // Hashed only when present, so a config without features keeps the version it had before features existed.
  if (input.features) hash.update(`${canonicalJson(input.features.data ?? null)}\0`);
  if (input.triggers) hash.update(`triggers\0${canonicalJson(input.triggers.data ?? null)}\0`);
  if (input.campaigns) hash.update(`campaigns\0${canonicalJson(input.campaigns.data ?? null)}\0`);
  for (const manifest of manifests) {
    const bytes = input.modelFiles?.[manifest.file];
    if (bytes) hash.update(bytes);
  }
  return hash.digest('hex').slice(0, 16);
}

/** JSON with object keys sorted, so the same content always hashes the same whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
