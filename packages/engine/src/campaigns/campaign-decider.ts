// Decides one subscriber of a campaign run: segment, idempotency, campaign caps, the decision, the control group.
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { renderTreatment } from '../config/treatment-template.js';
import type { DecisionLog } from '../decision/decision-log.js';
import type { Decision, DecisionRequest, DecisionResult } from '../decision/decision-types.js';
import { createEngine, type Engine } from '../decision/engine.js';
import { errorMessage } from '../error-message.js';
import { decisionFacts } from '../features/index.js';
import { firstCapReached } from '../policy/cap-spec.js';
import type { ContactHistory, ContactRecord } from '../policy/contact-history.js';
import { policyReasons } from '../policy/reasons.js';
import type { Profile } from '../population/index.js';
import { campaignDecisionId } from './campaign-ids.js';
import type {
  CampaignAction,
  CampaignDropReason,
  CampaignOutcome,
  CampaignRunRef,
  CompiledCampaign,
} from './campaign-types.js';
import { inControlGroup } from './control-group.js';

/** Deciding campaign subscribers on one config snapshot. */
export interface CampaignDecider {
  /**
   * The outcome for one subscriber of a run, given the subscriber's contact history (read by the caller, so a
   * source can load it in bulk; `undefined` when it could not be read, which fails closed with
   * `CONTACT_HISTORY_UNAVAILABLE`). Pure: nothing is sent or recorded. Never throws: a fault is `DECISION_ERROR`.
   * Calls on one decider run one at a time (a call made while another runs waits for it): use a decider per worker.
   */
  decide(
    campaign: CompiledCampaign,
    run: CampaignRunRef,
    profile: Profile,
    history: readonly ContactRecord[] | undefined,
  ): Promise<CampaignOutcome>;
}

/** The call in progress: what the engine's history and decision-id hooks answer. */
interface Current {
  history: readonly ContactRecord[];
  decisionId: string;
}

const NO_HISTORY: readonly ContactRecord[] = Object.freeze([]);

/** A decision log that keeps nothing: a campaign's decisions are tied to their contacts by their stable ids. */
const forgetful: DecisionLog = {
  remember() {},
  get: () => undefined,
  retention: 'no campaign decisions',
};

/**
 * Builds the engine a campaign run decides with (once per config snapshot, per worker).
 *
 * Per subscriber, in order: the segment (false -> `NOT_IN_SEGMENT`, no decision); a contact already recorded under
 * this run's decision id -> `already-sent`; a per-campaign cap used up -> `CAMPAIGN_CAP`; the decision on the
 * campaign's channel, scope, limit and context at `run.now`; no action -> dropped with the stage's reason; in the
 * control group -> `control`; else `selected`.
 *
 * @example
 * const decider = createCampaignDecider(config);
 * const campaign = config.campaignById.get('fiber-upgrade-autumn')!;
 * const outcome = await decider.decide(campaign, { runId, now }, profile, await history.load(profile.subscriberId));
 */
export function createCampaignDecider(config: ConfigSnapshot): CampaignDecider {
  let current: Current = { history: NO_HISTORY, decisionId: '' };
  const history: ContactHistory = { load: () => current.history, record() {} };
  const engine = createEngine({
    config,
    history,
    decisionLog: forgetful,
    newDecisionId: () => current.decisionId,
    clock: () => 0, // every request carries the run's `now`
  });
  let queue: Promise<unknown> = Promise.resolve();

  return {
    decide(campaign, run, profile, records) {
      const next = queue.then(() => {
        current = { history: records ?? NO_HISTORY, decisionId: '' };
        return decideOne(config, engine, campaign, run, profile, records, (id) => {
          current.decisionId = id;
        });
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

async function decideOne(
  config: ConfigSnapshot,
  engine: Engine,
  campaign: CompiledCampaign,
  run: CampaignRunRef,
  profile: Profile,
  history: readonly ContactRecord[] | undefined,
  useDecisionId: (id: string) => void,
): Promise<CampaignOutcome> {
  const subscriberId = typeof profile?.subscriberId === 'string' ? profile.subscriberId : '';
  const base: CampaignOutcome = { subscriberId, status: 'dropped' };
  if (typeof profile?.msisdn === 'string') base.msisdn = profile.msisdn;
  try {
    if (subscriberId === '') return error(base, 'INVALID_REQUEST: the profile has no subscriberId');
    const { spec } = campaign;
    const context = spec.context ?? { campaign: campaign.id };
    const facts = decisionFacts(config.features, profile, spec.channel, context, run.now);
    if (campaign.segment && !campaign.segment.test(facts)) return { ...base, reason: 'NOT_IN_SEGMENT' };

    const decisionId = campaignDecisionId(campaign.id, run.runId, subscriberId);
    base.decisionId = decisionId;
    useDecisionId(decisionId);
    if (history === undefined) {
      // Without history neither a send of this run nor a used-up cap can be ruled out: send nothing.
      const detail = 'the contact history of this subscriber could not be read; an outbound send fails closed';
      return { ...base, reason: 'CONTACT_HISTORY_UNAVAILABLE', detail };
    }
    const sent = history.filter((r) => r.decisionId === decisionId);
    if (sent.length > 0)
      return { ...base, status: 'already-sent', actions: recorded(config, spec.channel, sent, facts) };

    const capped = firstCapReached(history, campaign.capSpecs, run.now);
    if (capped) {
      const detail = `${capped.cap}: ${capped.count} of ${capped.limit} contacts of this campaign in its window`;
      return { ...base, reason: 'CAMPAIGN_CAP', detail };
    }

    const request: DecisionRequest = {
      profile,
      channel: spec.channel,
      limit: spec.limit,
      now: run.now,
      context: { ...context },
    };
    if (spec.scope) request.scope = copyScope(spec.scope);
    const result = await engine.decide(request);
    if (!result.ok) return error(base, `${result.error.code}: ${result.error.message}`);
    const { decision } = result;
    if (decision.actions.length === 0) return { ...base, ...(await whyNothing(engine, request, decision)) };
    const actions: CampaignAction[] = decision.actions.map((a) => ({
      actionId: a.actionId,
      issue: a.issue,
      group: a.group,
      mandatory: a.mandatory,
      treatment: a.treatment,
    }));
    const status = inControlGroup(campaign.id, subscriberId, campaign.controlShare) ? 'control' : 'selected';
    return { ...base, status, actions };
  } catch (caught) {
    // A bug; the run goes on and the subscriber is reported, not lost.
    return error(base, `INTERNAL: ${errorMessage(caught)}`);
  }
}

function error(base: CampaignOutcome, detail: string): CampaignOutcome {
  return { ...base, status: 'dropped', reason: 'DECISION_ERROR', detail };
}

function copyScope(scope: NonNullable<CompiledCampaign['spec']['scope']>): NonNullable<DecisionRequest['scope']> {
  const copy: NonNullable<DecisionRequest['scope']> = {};
  if (scope.issues) copy.issues = [...scope.issues];
  if (scope.groups) copy.groups = [...scope.groups];
  if (scope.actions) copy.actions = [...scope.actions];
  return copy;
}

/** The actions recorded under this run's decision id, once each, with their treatment rendered from today's config. */
function recorded(
  config: ConfigSnapshot,
  channel: string,
  records: readonly ContactRecord[],
  facts: Readonly<Record<string, unknown>>,
): CampaignAction[] {
  const actions = new Map<string, CampaignAction>();
  for (const r of records) {
    if (actions.has(r.actionId)) continue;
    const treatment = config.actionById.get(r.actionId)?.treatments.get(channel);
    actions.set(r.actionId, {
      actionId: r.actionId,
      issue: r.issue,
      group: r.group,
      mandatory: r.mandatory,
      // The action may have left the catalog since the contact was reserved: the send goes on without a text.
      treatment: treatment ? renderTreatment(treatment, facts) : {},
    });
  }
  return [...actions.values()];
}

/** Why a decision returned no action: the first stage that emptied the funnel. */
async function whyNothing(
  engine: Engine,
  request: DecisionRequest,
  decision: Decision,
): Promise<{ reason: CampaignDropReason; detail?: string }> {
  const { counts } = decision;
  if (counts.candidates === 0) return { reason: 'NO_CANDIDATES', detail: noCandidatesDetail(engine, request) };
  if (counts.eligible === 0)
    return { reason: 'NOT_ELIGIBLE', detail: `${counts.candidates} candidates, none eligible` };
  if (counts.allowed === 0) {
    const unavailable = decision.degraded.find((d) => d.reason === 'CONTACT_HISTORY_UNAVAILABLE');
    if (unavailable) return { reason: 'CONTACT_HISTORY_UNAVAILABLE', detail: unavailable.detail };
    // Only now, for this subscriber only: the explained decision says which policy rule blocked each candidate.
    return mostFrequentPolicyReason(await engine.decide({ ...request, explain: true }));
  }
  return { reason: 'NOT_SELECTED', detail: `${counts.allowed} allowed, none selected by arbitration` };
}

function noCandidatesDetail(engine: Engine, request: DecisionRequest): string {
  const offered = engine.config.channelActions.get(request.channel)?.length ?? 0;
  return request.scope
    ? `no action in the campaign scope is offered on ${request.channel} and valid at the run time`
    : `${offered} actions on ${request.channel}, none valid at the run time`;
}

function mostFrequentPolicyReason(result: DecisionResult): { reason: CampaignDropReason; detail?: string } {
  if (!result.ok) return { reason: 'DECISION_ERROR', detail: `${result.error.code}: ${result.error.message}` };
  const tally = new Map<string, { count: number; detail: string | undefined }>();
  for (const entry of result.decision.funnel ?? []) {
    if (entry.stage !== 'policy') continue;
    const seen = tally.get(entry.reason);
    if (seen) seen.count++;
    else tally.set(entry.reason, { count: 1, detail: entry.detail });
  }
  let best: [string, { count: number; detail: string | undefined }] | undefined;
  // Ties go to the reason met first, in catalog order: the map keeps insertion order.
  for (const item of tally) if (!best || item[1].count > best[1].count) best = item;
  if (!best || !isPolicyDropReason(best[0])) return { reason: 'NOT_SELECTED', detail: 'no policy reason was found' };
  const [reason, { count, detail }] = best;
  const of = `${count} of ${[...tally.values()].reduce((n, t) => n + t.count, 0)} candidates`;
  return { reason, detail: detail === undefined ? of : `${of}: ${detail}` };
}

function isPolicyDropReason(reason: string): reason is CampaignDropReason {
  return reason in policyReasons || reason === 'CONTACT_HISTORY_UNAVAILABLE';
}
