// createEngine: the public entry point that ties a config snapshot to its stores and serves decisions and outcomes.
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { errorMessage } from '../error-message.js';
import { type EventOptions, type IngestResult, ingest, ingestDeps } from '../events/index.js';
import { type ContactHistory, InMemoryContactHistory } from '../policy/index.js';
import { InMemoryProfileStore, type ProfileStore } from '../profiles/profile-store.js';
import { decide } from './decide.js';
import { type DecisionLog, detachedRemember, InMemoryDecisionLog, type LoggedDecision } from './decision-log.js';
import type { DecisionResult, OutcomeRequest, OutcomeResult } from './decision-types.js';
import { validateOutcomeRequest } from './validate-request.js';

export interface EngineOptions {
  config: ConfigSnapshot;
  /** Where profiles come from when a request gives a subscriberId (default: an empty in-memory store). */
  profiles?: ProfileStore;
  /** Contact history for caps, cooldowns and suppression (default: in memory). */
  history?: ContactHistory;
  /** Event ingest: dedupe store and bound, what to do for an unknown subscriber (default: reject). */
  events?: EventOptions;
  /** The engine's clock in epoch ms (default Date.now); requests may override it with `now`. */
  clock?: () => number;
  /** Makes decision ids (default: random UUIDs). */
  newDecisionId?: () => string;
  /** How many recent decisions to keep for outcome reporting (default 100,000). */
  decisionLogSize?: number;
  /** Where decisions wait for their outcomes (default: in memory, `decisionLogSize` of them; Redis in the server). */
  decisionLog?: DecisionLog;
  /** Told when the decision log fails to remember a decision, which decide() never waits for (default console.warn). */
  onDecisionLogError?: (error: unknown) => void;
}

export interface Engine {
  readonly config: ConfigSnapshot;
  readonly profiles: ProfileStore;
  readonly history: ContactHistory;
  /** Decides for one subscriber on one channel. Never throws: a bad request or a fault is an error result. */
  decide(request: unknown): Promise<DecisionResult>;
  /** Records an impression, click, accept, reject or convert against a decision, into contact history. */
  recordOutcome(request: OutcomeRequest): Promise<OutcomeResult>;
  /**
   * Applies one event to the subscriber's features (deduplicated by id) and writes the profile back. Never throws.
   * The result carries the normalised event and the updated profile, for triggers to evaluate.
   */
  ingest(event: unknown): Promise<IngestResult>;
}

/**
 * @example
 * const engine = createEngine({ config: await loadConfigDir('rules'), profiles });
 * const result = await engine.decide({ subscriberId: 'SUB-00000001', channel: 'app' });
 */
export function createEngine(options: EngineOptions): Engine {
  const profiles = options.profiles ?? new InMemoryProfileStore();
  const history = options.history ?? new InMemoryContactHistory();
  const clock = options.clock ?? Date.now;
  const newDecisionId = options.newDecisionId ?? (() => globalThis.crypto.randomUUID());
  const log = detachedRemember(
    options.decisionLog ?? new InMemoryDecisionLog(options.decisionLogSize),
    options.onDecisionLogError ?? warnDecisionLogError,
  );
  const deps = { config: options.config, profiles, history, clock, newDecisionId, log };
  const events = ingestDeps({ config: options.config, profiles, clock }, options.events);

  return {
    config: options.config,
    profiles,
    history,
    async decide(request) {
      try {
        return await decide(deps, request);
      } catch (error) {
        // A fault here is a bug; the caller still gets a result it can act on.
        return {
          ok: false,
          error: { code: 'INTERNAL', message: errorMessage(error) },
        };
      }
    },
    async ingest(event) {
      try {
        return await ingest(events, event);
      } catch (error) {
        return {
          ok: false,
          error: { code: 'INTERNAL', message: errorMessage(error) },
        };
      }
    },
    async recordOutcome(request) {
      const valid = validateOutcomeRequest(request);
      if ('ok' in valid) return valid;
      const { decisionId, actionId, outcome, at } = valid.value;
      let decision: LoggedDecision | undefined;
      try {
        decision = await log.get(decisionId);
      } catch (error) {
        // Not UNKNOWN_DECISION: the caller should report the outcome again, not drop it.
        const message = `the decision log did not answer, so the outcome was not recorded; report it again: ${errorMessage(error)}`;
        return { ok: false, error: { code: 'CONTACT_HISTORY_UNAVAILABLE', message } };
      }
      if (!decision) {
        const kept = log.retention === undefined ? '' : ` (it keeps ${log.retention})`;
        const message = `no decision "${decisionId}" in the decision log: unknown, or no longer kept${kept}`;
        return { ok: false, error: { code: 'UNKNOWN_DECISION', message, field: 'decisionId' } };
      }
      const action = decision.actions.get(actionId);
      if (!action) {
        const message = `action "${actionId}" was not returned by decision "${decisionId}"`;
        return { ok: false, error: { code: 'ACTION_NOT_IN_DECISION', message, field: 'actionId' } };
      }
      const outOfTime = at === undefined ? undefined : outcomeTimeProblem(at, decision.at, clock());
      if (outOfTime) return { ok: false, error: { code: 'INVALID_TIME', message: outOfTime, field: 'at' } };
      try {
        await history.record({
          at: at ?? clock(),
          subscriberId: decision.subscriberId,
          decisionId,
          actionId,
          issue: action.issue,
          group: action.group,
          channel: decision.channel,
          outcome,
          mandatory: action.mandatory,
        });
      } catch (error) {
        const message = `contact history did not record the outcome: ${errorMessage(error)}`;
        return { ok: false, error: { code: 'CONTACT_HISTORY_UNAVAILABLE', message } };
      }
      return { ok: true };
    },
  };
}

/** How far an outcome's `at` may fall before its decision or after now: the clocks of channels and servers differ. */
export const OUTCOME_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why an outcome's `at` cannot be right, or undefined: an outcome comes after its decision and not after now (the
 * later of the two when the decision was made at a simulated time), give or take the skew. Contact history keeps
 * what it is given, so a time far ahead would put the action on cooldown for centuries and push the subscriber's
 * real contacts out of the window.
 */
function outcomeTimeProblem(at: number, decidedAt: number, now: number): string | undefined {
  const earliest = decidedAt - OUTCOME_CLOCK_SKEW_MS;
  const latest = Math.max(now, decidedAt) + OUTCOME_CLOCK_SKEW_MS;
  if (at >= earliest && at <= latest) return undefined;
  const iso = (ms: number) => new Date(ms).toISOString();
  return `at must fall between the decision (${iso(decidedAt)}) and now (${iso(Math.max(now, decidedAt))}), give or take 5 minutes`;
}

function warnDecisionLogError(error: unknown): void {
  console.warn(`arbiter: the decision log did not remember a decision: ${errorMessage(error)}`);
}
