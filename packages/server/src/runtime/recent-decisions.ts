// The last decisions per subscriber, for the subscriber 360 view: a small ring each, bounded in subscribers too.
import type { Decision } from '@arbiter/engine';

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

/**
 * Per-subscriber rings of recent decisions, newest last, in this process only (a view for agents, not a record:
 * the contact history is the record). Compact entries keep 10,000 subscribers x 20 decisions to a few MB.
 *
 * @example
 * recent.add(decision);
 * recent.get('SUB-00000042'); // newest first
 */
export class RecentDecisions {
  readonly #rings = new Map<string, RecentDecision[]>();
  readonly #perSubscriber: number;
  readonly #maxSubscribers: number;

  constructor(options: RecentDecisionsOptions = {}) {
    this.#perSubscriber = Math.max(1, Math.floor(options.perSubscriber ?? 20));
    this.#maxSubscribers = Math.max(1, Math.floor(options.maxSubscribers ?? 10_000));
  }

  /** Remembers a decision under its subscriber. */
  add(decision: Decision): void {
    const id = decision.subscriberId;
    let ring = this.#rings.get(id);
    if (ring)
      this.#rings.delete(id); // re-inserted below: Map order is the recency order
    else {
      ring = [];
      if (this.#rings.size >= this.#maxSubscribers) {
        const oldest = this.#rings.keys().next();
        if (!oldest.done) this.#rings.delete(oldest.value);
      }
    }
    ring.push({
      decisionId: decision.decisionId,
      channel: decision.channel,
      decidedAt: decision.decidedAt,
      configVersion: decision.configVersion,
      actions: decision.actions.map((a) => ({
        rank: a.rank,
        actionId: a.actionId,
        name: a.name,
        issue: a.issue,
        group: a.group,
      })),
    });
    if (ring.length > this.#perSubscriber) ring.shift();
    this.#rings.set(id, ring);
  }

  /** The subscriber's recent decisions, newest first (empty when none are kept). */
  get(subscriberId: string): RecentDecision[] {
    return [...(this.#rings.get(subscriberId) ?? [])].reverse();
  }

  /** Subscribers with at least one kept decision. */
  get size(): number {
    return this.#rings.size;
  }
}
