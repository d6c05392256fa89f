// The last decisions per subscriber, for the subscriber 360 view: a small ring each, bounded in subscribers too.
import { type Decision, RecencyMap } from '@arbiter/engine';

/** A decision as the 360 view shows it: what was offered, where and when; no treatments, terms or funnel. */
export interface RecentDecision {
  decisionId: string;
  channel: string;
  decidedAt: string;
  configVersion: string;
  actions: { rank: number; actionId: string; name: string; issue: string; group: string }[];
}

export interface RecentDecisionsOptions {
  /** Decisions kept per subscriber (default 20). */
  perSubscriber?: number;
  /** Subscribers kept; past it the one decided for least recently is forgotten (default 10,000). */
  maxSubscribers?: number;
}

/** A subscriber's ring of kept decisions. */
interface Entry {
  /** Kept decisions, each one flat JSON string (see `encode`); once full, `start` is the oldest. */
  ring: string[];
  start: number;
}

/** Fields per action in an encoded decision: rank, actionId, name, issue, group. */
const ACTION_FIELDS = 5;

/**
 * Per-subscriber rings of recent decisions, newest last, in this process only (a view for agents, not a record:
 * the contact history is the record).
 *
 * Built for the garbage collector, since it runs on every decision: a kept decision is one flat string (a JSON
 * array), not an object with an array of action objects; 10,000 subscribers x 20 decisions are then 200,000
 * strings, which hold no pointers for the collector to follow, instead of about a million objects that live just
 * long enough to reach the old generation (see InMemoryDecisionLog in @arbiter/engine, packed the same way).
 * The entry of a forgotten subscriber is reused for the next new one. Which subscriber was decided for least
 * recently is a `RecencyMap`'s oldest key, found without walking the slots deletions leave at a Map's front.
 *
 * @example
 * recent.add(decision);
 * recent.get('SUB-00000042'); // newest first
 */
export class RecentDecisions {
  readonly #entries = new RecencyMap<string, Entry>();
  readonly #perSubscriber: number;
  readonly #maxSubscribers: number;

  constructor(options: RecentDecisionsOptions = {}) {
    this.#perSubscriber = Math.max(1, Math.floor(options.perSubscriber ?? 20));
    this.#maxSubscribers = Math.max(1, Math.floor(options.maxSubscribers ?? 10_000));
  }

  /** Remembers a decision under its subscriber. */
  add(decision: Decision): void {
    const id = decision.subscriberId;
    let entry = this.#entries.get(id);
    if (!entry && this.#entries.size >= this.#maxSubscribers) {
      const oldest = this.#entries.oldestKey()!;
      entry = this.#entries.get(oldest)!; // reused: its subscriber is forgotten
      this.#entries.delete(oldest);
      entry.ring.length = 0;
      entry.start = 0;
    }
    entry ??= { ring: [], start: 0 };
    this.#entries.set(id, entry); // the most recently decided for
    const encoded = encode(decision);
    const { ring } = entry;
    if (ring.length < this.#perSubscriber) ring.push(encoded);
    else {
      ring[entry.start] = encoded;
      entry.start = (entry.start + 1) % ring.length;
    }
  }

  /** The subscriber's recent decisions, newest first (empty when none are kept). */
  get(subscriberId: string): RecentDecision[] {
    const entry = this.#entries.get(subscriberId);
    if (!entry) return [];
    const { ring, start } = entry;
    const out: RecentDecision[] = [];
    for (let k = ring.length - 1; k >= 0; k--) out.push(decode(ring[(start + k) % ring.length]!));
    return out;
  }

  /** Subscribers with at least one kept decision. */
  get size(): number {
    return this.#entries.size;
  }
}

/** `[decisionId, channel, decidedAt, configVersion, rank, actionId, name, issue, group, rank, ...]` as JSON. */
function encode(decision: Decision): string {
  const { actions } = decision;
  const flat: (string | number)[] = new Array(4 + actions.length * ACTION_FIELDS);
  flat[0] = decision.decisionId;
  flat[1] = decision.channel;
  flat[2] = decision.decidedAt;
  flat[3] = decision.configVersion;
  for (let i = 0, at = 4; i < actions.length; i++, at += ACTION_FIELDS) {
    const action = actions[i]!;
    flat[at] = action.rank;
    flat[at + 1] = action.actionId;
    flat[at + 2] = action.name;
    flat[at + 3] = action.issue;
    flat[at + 4] = action.group;
  }
  return JSON.stringify(flat);
}

function decode(encoded: string): RecentDecision {
  const flat = JSON.parse(encoded) as (string | number)[];
  const actions: RecentDecision['actions'] = [];
  for (let at = 4; at + ACTION_FIELDS <= flat.length; at += ACTION_FIELDS) {
    actions.push({
      rank: flat[at] as number,
      actionId: flat[at + 1] as string,
      name: flat[at + 2] as string,
      issue: flat[at + 3] as string,
      group: flat[at + 4] as string,
    });
  }
  return {
    decisionId: flat[0] as string,
    channel: flat[1] as string,
    decidedAt: flat[2] as string,
    configVersion: flat[3] as string,
    actions,
  };
}
