// Triggered mode: an ingested event that matches a trigger becomes a decision on an outbound channel and a send.

import type { Decision, DecisionRequest, RankedAction } from '../decision/decision-types.js';
import type { Engine } from '../decision/engine.js';
import { errorMessage } from '../error-message.js';
import type { IngestResult } from '../events/index.js';
import type { ContactRecord, PolicyProfile } from '../policy/index.js';
import type { Profile } from '../population/index.js';
import type { Channel, OutboundMessage } from './channel.js';
import type { CompiledTrigger } from './compile-triggers.js';
import { type DebounceStore, InMemoryDebounceStore } from './debounce-store.js';

/** What happened to one firing of one trigger. */
export type TriggerStatus =
  | 'sent'
  | 'partly-sent'
  | 'debounced'
  | 'condition-false'
  | 'no-action'
  | 'deferred'
  | 'dropped-quiet-hours'
  | 'dropped-defer-queue-full'
  | 'cap-reached'
  | 'delivery-failed'
  | 'history-unavailable'
  | 'no-channel'
  | 'decision-error';

export interface TriggerResult {
  triggerId: string;
  subscriberId: string;
  eventId: string;
  status: TriggerStatus;
  detail?: string;
  decisionId?: string;
  /** Actions delivered. */
  sent?: string[];
  /** When a deferred send will be decided again (ISO 8601). */
  deferredUntil?: string;
}

/** The event as the trigger layer needs it (what `engine.ingest` accepted). */
export interface TriggerEvent {
  id: string;
  type: string;
  subscriberId: string;
  data: Record<string, unknown>;
}

export interface TriggerRunnerOptions {
  engine: Engine;
  /** Default: the engine config's triggers (triggers.yaml). */
  triggers?: readonly CompiledTrigger[];
  channels: readonly Channel[];
  debounce?: DebounceStore;
  clock?: () => number;
  /** Deferred sends held for quiet hours; past it a send is dropped with `dropped-defer-queue-full`. Default 100,000. */
  maxDeferred?: number;
  /** Fire deferred sends with timers (default true). Tests turn it off and call `runDue(now)`. */
  timers?: boolean;
}

interface Deferred {
  trigger: CompiledTrigger;
  event: TriggerEvent;
  profile: Profile;
  dueAt: number;
}

export interface TriggerRunner {
  /** Runs the triggers of an ingested event (none for a duplicate or a rejected event). */
  onIngest(result: IngestResult): Promise<TriggerResult[]>;
  /** Runs every trigger the event's type fires, after the event has updated the profile; `facts` include features. */
  onEvent(event: TriggerEvent, facts: Profile): Promise<TriggerResult[]>;
  /** Decides again the deferred sends that are due at `now`. */
  runDue(now?: number): Promise<TriggerResult[]>;
  readonly deferred: number;
  close(): void;
}

/**
 * @example
 * const runner = createTriggerRunner({ engine, channels: [smsGateway] });   // triggers from triggers.yaml
 * const results = await runner.onIngest(await engine.ingest(event));
 */
export function createTriggerRunner(options: TriggerRunnerOptions): TriggerRunner {
  const { engine } = options;
  const clock = options.clock ?? Date.now;
  const debounce = options.debounce ?? new InMemoryDebounceStore();
  const channels = new Map(options.channels.map((c) => [c.name, c]));
  const byEvent = new Map<string, CompiledTrigger[]>();
  for (const trigger of options.triggers ?? engine.config.triggers) {
    for (const type of trigger.events) byEvent.set(type, [...(byEvent.get(type) ?? []), trigger]);
  }
  const maxDeferred = options.maxDeferred ?? 100_000;
  const queue: Deferred[] = [];
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (options.timers === false || queue.length === 0) return;
    clearTimeout(timer);
    // A loop, not Math.min(...): the queue may hold up to maxDeferred (100,000) entries, past a spread's argument limit.
    let next = Number.POSITIVE_INFINITY;
    for (const d of queue) if (d.dueAt < next) next = d.dueAt;
    timer = setTimeout(() => void runner.runDue(), Math.max(0, Math.min(next - clock(), 2 ** 31 - 1)));
    timer.unref();
  };

  async function send(
    trigger: CompiledTrigger,
    event: TriggerEvent,
    profile: Profile,
    now: number,
  ): Promise<TriggerResult> {
    const base = { triggerId: trigger.id, subscriberId: event.subscriberId, eventId: event.id };
    const channel = channels.get(trigger.spec.channel);
    if (!channel)
      return { ...base, status: 'no-channel', detail: `no delivery channel "${trigger.spec.channel}" is configured` };
    const request: DecisionRequest = {
      profile,
      channel: trigger.spec.channel,
      limit: trigger.spec.limit,
      now,
      context: { trigger: trigger.id, event: { type: event.type, data: event.data } },
    };
    if (trigger.spec.scope) request.scope = { ...trigger.spec.scope };
    const result = await engine.decide(request);
    if (!result.ok)
      return { ...base, status: 'decision-error', detail: `${result.error.code}: ${result.error.message}` };
    const decision = result.decision;
    if (decision.actions.length === 0) return nothingToSend(trigger, event, profile, base, decision, now);
    const sent: string[] = [];
    const problems: string[] = [];
    let status: TriggerStatus = 'sent';
    for (const action of decision.actions) {
      const reserved = await reserve(engine, decision, action, now);
      if (reserved !== true) {
        status = reserved.status;
        problems.push(`${action.actionId}: ${reserved.detail}`);
        continue;
      }
      const message: OutboundMessage = {
        idempotencyKey: `${decision.decisionId}:${action.actionId}`,
        subscriberId: event.subscriberId,
        channel: trigger.spec.channel,
        actionId: action.actionId,
        decisionId: decision.decisionId,
        triggerId: trigger.id,
        treatment: action.treatment,
        at: decision.decidedAt,
      };
      if (typeof profile.msisdn === 'string') message.msisdn = profile.msisdn;
      const delivered = await channel
        .deliver(message)
        .catch((error: unknown) => ({ ok: false as const, error: String(error) }));
      if (delivered.ok) sent.push(action.actionId);
      else {
        // The contact stays recorded: a send that may have reached the subscriber counts toward caps (fail closed).
        status = 'delivery-failed';
        problems.push(`${action.actionId}: ${delivered.error}`);
      }
    }
    if (sent.length > 0 && problems.length > 0) status = 'partly-sent';
    const out: TriggerResult = { ...base, status, decisionId: decision.decisionId, sent };
    if (problems.length > 0) out.detail = problems.join('; ');
    return out;
  }

  async function nothingToSend(
    trigger: CompiledTrigger,
    event: TriggerEvent,
    profile: Profile,
    base: Pick<TriggerResult, 'triggerId' | 'subscriberId' | 'eventId'>,
    decision: Decision,
    now: number,
  ): Promise<TriggerResult> {
    if (decision.degraded.some((d) => d.reason === 'CONTACT_HISTORY_UNAVAILABLE')) {
      return {
        ...base,
        status: 'history-unavailable',
        detail: 'contact history unavailable: nothing is sent without it',
      };
    }
    // Why nothing: quiet hours are asked of the contact policy directly (cheap), so the send can be deferred;
    // otherwise the decision's counts say where the candidates went. No second, explained decision on this path.
    const evaluation = engine.config.policy.begin({
      channel: trigger.spec.channel,
      now,
      profile: profile as PolicyProfile,
      history: [],
    });
    const quiet = evaluation.check({ actionId: '', issue: '', group: '', mandatory: false });
    if (quiet?.reason === 'QUIET_HOURS') {
      if (trigger.spec.onQuietHours === 'drop' || quiet.until === undefined) {
        return { ...base, status: 'dropped-quiet-hours', detail: quiet.detail };
      }
      if (queue.length >= maxDeferred) {
        return { ...base, status: 'dropped-defer-queue-full', detail: `${maxDeferred} sends already deferred` };
      }
      queue.push({ trigger, event, profile, dueAt: quiet.until });
      schedule();
      return { ...base, status: 'deferred', detail: quiet.detail, deferredUntil: new Date(quiet.until).toISOString() };
    }
    const { candidates, eligible, allowed } = decision.counts;
    const detail = `${candidates} candidates on ${trigger.spec.channel}, ${eligible} eligible, ${allowed} allowed by contact policy`;
    return { ...base, status: 'no-action', detail: quiet ? `${detail} (${quiet.reason}: ${quiet.detail})` : detail };
  }

  const runner: TriggerRunner = {
    onIngest(result) {
      if (!result.ok || result.duplicate) return Promise.resolve([]);
      return runner.onEvent(result.event, { ...result.profile, ...result.features });
    },
    async onEvent(event, facts) {
      const triggers = byEvent.get(event.type);
      if (!triggers) return [];
      const now = clock();
      const results: TriggerResult[] = [];
      let ruleFacts: Record<string, unknown> | undefined;
      for (const trigger of triggers) {
        const base = { triggerId: trigger.id, subscriberId: event.subscriberId, eventId: event.id };
        if (trigger.rule) ruleFacts ??= withEvent(facts, event);
        if (trigger.rule && ruleFacts && !trigger.rule.test(ruleFacts)) {
          results.push({ ...base, status: 'condition-false' });
          continue;
        }
        if (!(await debounce.claim(event.subscriberId, trigger.id, now, trigger.debounceMs))) {
          results.push({ ...base, status: 'debounced', detail: `fired within the last ${trigger.spec.debounce}` });
          continue;
        }
        results.push(await send(trigger, event, facts, now));
      }
      return results;
    },
    async runDue(now = clock()) {
      const due = queue.filter((d) => d.dueAt <= now);
      if (due.length === 0) return [];
      // One pass keeps the rest in order (a splice per due entry was quadratic at the end of quiet hours).
      const waiting = queue.filter((d) => d.dueAt > now);
      queue.length = 0;
      for (const d of waiting) queue.push(d);
      const results: TriggerResult[] = [];
      for (const d of due) {
        // Decide again on the freshest profile: it may have changed while the send waited.
        const fresh =
          (await Promise.resolve(engine.profiles.get(d.event.subscriberId)).catch(() => undefined)) ?? d.profile;
        results.push(await send(d.trigger, d.event, fresh, now));
      }
      schedule();
      return results;
    },
    get deferred() {
      return queue.length;
    },
    close() {
      clearTimeout(timer);
    },
  };
  return runner;
}

/**
 * Records the contact before the send. Where the store can (Redis), the caps and cooldowns are checked and the
 * contact recorded in one atomic step, so two nodes never both spend the last contact of a cap.
 */
async function reserve(
  engine: Engine,
  decision: Decision,
  action: RankedAction,
  now: number,
): Promise<true | { status: TriggerStatus; detail: string }> {
  const record: ContactRecord = {
    at: now,
    subscriberId: decision.subscriberId,
    decisionId: decision.decisionId,
    actionId: action.actionId,
    issue: action.issue,
    group: action.group,
    channel: decision.channel,
    outcome: 'impression',
    mandatory: action.mandatory,
  };
  try {
    const { history, config } = engine;
    if (!history.reserve) {
      await history.record(record);
      return true;
    }
    const caps = config.policy.capsFor(record, decision.channel);
    const reserved = await history.reserve(record, caps, now);
    if (reserved.ok) return true;
    return {
      status: 'cap-reached',
      detail: `cap ${reserved.cap}: ${reserved.count} of ${reserved.limit} (spent by a concurrent send)`,
    };
  } catch (error) {
    return {
      status: 'history-unavailable',
      detail: `contact not recorded, not sent: ${errorMessage(error)}`,
    };
  }
}

/**
 * What a trigger's condition reads: the facts and the event. The key first, then the facts, then the event (see
 * decisionFacts: V8 makes a new hidden class on every call for `{ ...facts, event }`).
 */
function withEvent(facts: Readonly<Record<string, unknown>>, event: TriggerEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { event: undefined, ...facts };
  out.event = { id: event.id, type: event.type, data: event.data };
  return out;
}
