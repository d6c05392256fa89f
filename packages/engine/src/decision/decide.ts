// The decision path: profile -> candidates -> eligibility -> contact policy -> scoring -> arbitration -> decision.
import { arbitrate, type ScoredCandidate } from '../arbitration/arbitrate.js';
import type { CompiledAction, ConfigSnapshot } from '../config/config-snapshot.js';
import { renderTreatment } from '../config/treatment-template.js';
import { errorMessage } from '../error-message.js';
import { decisionFacts } from '../features/index.js';
import type { ContactHistory, ContactRecord, PolicyProfile } from '../policy/index.js';
import type { Profile } from '../population/index.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import { readProfile } from '../profiles/read-profile.js';
import type { ScoringContext } from '../scoring/index.js';
import type { DecisionLog, LoggedAction } from './decision-log.js';
import type { Decision, DecisionResult, FunnelEntry, RankedAction } from './decision-types.js';
import type { DegradedReason } from './reasons.js';
import { type ValidRequest, validateDecisionRequest } from './validate-request.js';

export interface DecideDeps {
  config: ConfigSnapshot;
  profiles: ProfileStore;
  history: ContactHistory;
  clock: () => number;
  newDecisionId: () => string;
  log: DecisionLog;
}

const EMPTY_HISTORY: readonly ContactRecord[] = Object.freeze([]);

/** One decision. Errors in the request come back as results; only a bug can throw (the engine catches it). */
export async function decide(deps: DecideDeps, request: unknown): Promise<DecisionResult> {
  const t0 = performance.now();
  const { config } = deps;
  const valid = validateDecisionRequest(request, config);
  if ('error' in valid) return { ok: false, error: valid.error };
  const { channel, context, limit, explain } = valid.value;
  const subscriberId = valid.value.subscriberId as string;
  const now = valid.value.now ?? deps.clock();
  const degraded: Decision['degraded'] = [];
  const funnel: FunnelEntry[] | undefined = explain ? [] : undefined;

  // Stage: profile (and its contact history), the only I/O besides the model run.
  let profile: Profile | undefined = valid.value.profile;
  let history: readonly ContactRecord[] = EMPTY_HISTORY;
  let historyFailed = false;
  try {
    const fetched = fetchBoth(
      profile ? undefined : readProfile(deps.profiles, subscriberId),
      safeLoad(deps.history, subscriberId),
    );
    const [p, h] = fetched instanceof Promise ? await fetched : fetched;
    profile ??= p?.profile;
    if (p?.degraded) {
      degraded.push({
        reason: 'PROFILE_FROM_CACHE' satisfies DegradedReason,
        detail: p.detail ?? 'profile store down',
      });
    }
    if (h === undefined) historyFailed = true;
    else history = h;
  } catch (error) {
    const message = `profile store failed: ${errorMessage(error)}`;
    return { ok: false, error: { code: 'PROFILE_STORE_UNAVAILABLE', message } };
  }
  if (!profile) {
    return {
      ok: false,
      error: { code: 'SUBSCRIBER_NOT_FOUND', message: `no profile for "${subscriberId}"`, field: 'subscriberId' },
    };
  }
  const outbound = config.sources.contactPolicy.channels[channel]?.direction === 'outbound';
  if (historyFailed) {
    degraded.push({
      reason: 'CONTACT_HISTORY_UNAVAILABLE' satisfies DegradedReason,
      detail: outbound
        ? 'outbound channel: nothing is sent without contact history'
        : 'inbound channel: decided as if history were empty',
    });
  }
  const t1 = performance.now();

  // Stage: candidates, the actions offered on this channel and valid now.
  // Features derived from events override the profile's attributes of the same name; no work without feature state.
  const facts = decisionFacts(config.features, profile, channel, context, now);
  const offered = config.channelActions.get(channel) ?? [];
  if (funnel) {
    for (const action of config.actions) {
      if (!action.spec.channels.includes(channel)) {
        funnel.push({
          actionId: action.id,
          stage: 'candidates',
          reason: 'NOT_ON_CHANNEL',
          detail: `offered on ${action.spec.channels.join(', ')}`,
        });
      }
    }
  }
  const candidates: CompiledAction[] = [];
  const { scope } = valid.value;
  for (let i = 0; i < offered.length; i++) {
    const action = offered[i]!;
    if (scope && !inScope(scope, action)) {
      funnel?.push({
        actionId: action.id,
        stage: 'candidates',
        reason: 'OUT_OF_SCOPE',
        detail: 'not in the request scope',
      });
    } else if (now >= action.validFromMs && now <= action.validToMs) candidates.push(action);
    else
      funnel?.push({ actionId: action.id, stage: 'candidates', reason: 'OUTSIDE_VALIDITY', detail: validity(action) });
  }
  const t2 = performance.now();

  // Stage: eligibility, compiled rules of the issue, the group and the action.
  const eligible: CompiledAction[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const action = candidates[i]!;
    const { rules } = action;
    let failed: CompiledAction['rules'][number] | undefined;
    for (let k = 0; k < rules.length; k++) {
      if (!rules[k]!.rule.test(facts)) {
        failed = rules[k];
        break;
      }
    }
    if (!failed) eligible.push(action);
    else if (funnel) {
      const failures = failed.rule.explain(facts);
      funnel.push({
        actionId: action.id,
        stage: 'eligibility',
        reason: 'NOT_ELIGIBLE',
        scope: failed.scope,
        detail: `${failed.scope} rule failed`,
        failures,
      });
    }
  }
  const t3 = performance.now();

  // Stage: contact policy, opt-outs, quiet hours, caps, cooldowns, suppression.
  const allowed: CompiledAction[] = [];
  if (historyFailed && outbound) {
    for (const action of eligible) {
      funnel?.push({
        actionId: action.id,
        stage: 'policy',
        reason: 'CONTACT_HISTORY_UNAVAILABLE',
        detail: 'outbound channel fails closed',
      });
    }
  } else {
    const evaluation = config.policy.begin({ channel, now, profile: facts as PolicyProfile, history });
    for (let i = 0; i < eligible.length; i++) {
      const action = eligible[i]!;
      const verdict = evaluation.check(action);
      if (!verdict) allowed.push(action);
      else if (funnel) {
        const entry: FunnelEntry = {
          actionId: action.id,
          stage: 'policy',
          reason: verdict.reason,
          detail: verdict.detail,
        };
        if (verdict.rule !== undefined) entry.rule = verdict.rule;
        if (verdict.count !== undefined) entry.count = verdict.count;
        if (verdict.limit !== undefined) entry.limit = verdict.limit;
        if (verdict.until !== undefined) entry.until = new Date(verdict.until).toISOString();
        funnel.push(entry);
      }
    }
  }
  const t4 = performance.now();

  // Stage: scoring, one batched model run per model over its candidates; priors for the rest.
  const scored = await score(config, allowed, facts, { channel, context }, degraded);
  const t5 = performance.now();

  // Stage: arbitration, priority, limits per group and issue, top N.
  const ranked = arbitrate(config.arbitration, channel, scored, limit);
  const actions: RankedAction[] = [];
  const logged = new Map<string, LoggedAction>();
  for (let i = 0; i < ranked.length; i++) {
    const r = ranked[i]!;
    const { action } = r.candidate;
    if (r.outcome.selected) {
      const treatment = action.treatments.get(channel);
      actions.push({
        rank: r.outcome.rank,
        actionId: action.id,
        name: action.spec.name,
        kind: action.spec.kind,
        issue: action.issue,
        group: action.group,
        mandatory: action.mandatory,
        treatment: treatment ? renderTreatment(treatment, facts) : {},
        terms: r.terms,
      });
      logged.set(action.id, { issue: action.issue, group: action.group, mandatory: action.mandatory });
      funnel?.push({
        actionId: action.id,
        stage: 'selected',
        reason: 'SELECTED',
        detail: `rank ${r.outcome.rank}`,
        terms: r.terms,
      });
    } else {
      funnel?.push({
        actionId: action.id,
        stage: 'arbitration',
        reason: r.outcome.reason,
        detail: r.outcome.detail,
        terms: r.terms,
      });
    }
  }
  const decisionId = deps.newDecisionId();
  deps.log.remember(decisionId, { subscriberId, channel, at: now, actions: logged });
  const t6 = performance.now();

  const decision: Decision = {
    decisionId,
    subscriberId,
    channel,
    configVersion: config.version,
    decidedAt: new Date(now).toISOString(),
    actions,
    degraded,
    counts: {
      actions: config.actions.length,
      candidates: candidates.length,
      eligible: eligible.length,
      allowed: allowed.length,
      selected: actions.length,
    },
    timings: {
      profile: t1 - t0,
      candidates: t2 - t1,
      eligibility: t3 - t2,
      policy: t4 - t3,
      scoring: t5 - t4,
      arbitration: t6 - t5,
      total: t6 - t0,
    },
  };
  if (funnel) decision.funnel = funnel;
  return { ok: true, decision };
}

/** A promise only when one side is one, so in-memory stores cost no promise and no microtask hop. */
function fetchBoth<A, B>(a: A | Promise<A>, b: B | Promise<B>): [A, B] | Promise<[A, B]> {
  if (a instanceof Promise || b instanceof Promise) return Promise.all([a, b]);
  return [a, b];
}

/** Contact history, or undefined when the store fails (the decision then degrades instead of failing). */
function safeLoad(
  history: ContactHistory,
  subscriberId: string,
): readonly ContactRecord[] | undefined | Promise<readonly ContactRecord[] | undefined> {
  try {
    const loaded = history.load(subscriberId);
    return loaded instanceof Promise ? loaded.catch(() => undefined) : loaded;
  } catch {
    return undefined;
  }
}

async function score(
  config: ConfigSnapshot,
  allowed: readonly CompiledAction[],
  facts: Record<string, unknown>,
  scoringContext: ScoringContext,
  degraded: Decision['degraded'],
): Promise<ScoredCandidate[]> {
  const scored: ScoredCandidate[] = new Array(allowed.length);
  // Candidates per model, in the order the models first appear. A decision meets one model or two: two short
  // arrays and a linear search, rather than a Map whose iteration allocates an entry per model.
  let modelIds: string[] | undefined;
  let slotsByModel: number[][] | undefined;
  for (let i = 0; i < allowed.length; i++) {
    const action = allowed[i]!;
    scored[i] = { action, propensity: action.priorPropensity, propensitySource: 'prior' };
    if (action.model !== undefined) {
      modelIds ??= [];
      slotsByModel ??= [];
      const m = modelIds.indexOf(action.model);
      if (m >= 0) slotsByModel[m]!.push(i);
      else {
        modelIds.push(action.model);
        slotsByModel.push([i]);
      }
    }
  }
  if (!modelIds || !slotsByModel) return scored;
  for (let m = 0; m < modelIds.length; m++) {
    const modelId = modelIds[m]!;
    const slots = slotsByModel[m]!;
    const model = config.models.get(modelId);
    if (!model) continue;
    try {
      const indexes = new Array<number>(slots.length);
      for (let k = 0; k < slots.length; k++) indexes[k] = allowed[slots[k]!]!.index;
      const propensities = await model.score(facts, scoringContext, indexes);
      for (let k = 0; k < slots.length; k++) {
        const p = propensities[k]!;
        // A NaN or out-of-range output would poison the ranking: keep the prior for that row.
        if (p >= 0 && p <= 1) {
          const candidate = scored[slots[k]!]!; // made above, in this call: updated in place
          candidate.propensity = p;
          candidate.propensitySource = 'model';
        }
      }
    } catch (error) {
      degraded.push({
        reason: 'MODEL_FAILED',
        detail: `model ${modelId}: ${errorMessage(error)}`,
      });
    }
  }
  return scored;
}

function inScope(scope: NonNullable<ValidRequest['scope']>, action: CompiledAction): boolean {
  return (
    (!scope.issues || scope.issues.has(action.issue)) &&
    (!scope.groups || scope.groups.has(action.group)) &&
    (!scope.actions || scope.actions.has(action.id))
  );
}

function validity(action: CompiledAction): string {
  return `valid ${action.spec.validFrom ?? 'always'} to ${action.spec.validTo ?? 'open-ended'}`;
}
