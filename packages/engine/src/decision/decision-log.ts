// The decision log: recent decisions by id, so an outcome reported against a decision can be tied to its subscriber and action.

export interface LoggedAction {
  issue: string;
  group: string;
  mandatory: boolean;
}

export interface LoggedDecision {
  subscriberId: string;
  channel: string;
  at: number;
  actions: ReadonlyMap<string, LoggedAction>;
}

/**
 * Where decisions wait for their outcomes: in memory in the engine, Redis in the server.
 * `decide()` does not wait for `remember` (a returned promise runs on; a rejection is reported, never thrown), so a
 * store that writes remotely must answer `get` for a decision it is still writing.
 */
export interface DecisionLog {
  remember(decisionId: string, decision: LoggedDecision): Promise<void> | void;
  /** The decision, or undefined when it is unknown or no longer kept. Rejects when the store cannot answer. */
  get(decisionId: string): Promise<LoggedDecision | undefined> | LoggedDecision | undefined;
  /** What the log keeps, for the UNKNOWN_DECISION message: `the last 100000 decisions`, `decisions for 7d`. */
  readonly retention?: string;
}

/**
 * A bounded map of recent decisions: when full, the oldest is forgotten (its outcomes then get UNKNOWN_DECISION).
 *
 * Built for the garbage collector, since it takes every decision and keeps 100,000: a kept decision is one flat
 * string (a JSON array, see `pack`) instead of an object, a Map and an object per action, about 700,000 objects
 * fewer for a full log to trace. These objects live just long enough to reach the old generation and then die,
 * and each major collection of them held the event loop up long enough to show in the tail latency: at 8,000
 * decisions/s offered at a steady rate, p99 28 to 45 ms with this and `RecentDecisions` packed, 61 to 84 ms before
 * (bench/README.md). `get` unpacks a fresh copy (outcomes are far rarer than decisions).
 */
export class InMemoryDecisionLog implements DecisionLog {
  private readonly entries = new Map<string, string>();
  /**
   * Ids in the order they came, in a ring: the slot to write next holds the oldest. Not `entries.keys().next()`:
   * once the Map is full, V8 walks over every deleted entry before the first live one (10-45 µs a call at 100,000).
   */
  private readonly order: (string | undefined)[];
  private next = 0;
  readonly retention: string;

  constructor(readonly capacity = 100_000) {
    this.retention = `the last ${capacity} decisions`;
    this.order = new Array(Math.max(1, capacity));
  }

  remember(decisionId: string, decision: LoggedDecision): void {
    // A decision remembered again (a resumed campaign run) keeps its place.
    if (!this.entries.has(decisionId)) {
      const oldest = this.order[this.next];
      if (oldest !== undefined) this.entries.delete(oldest);
      this.order[this.next] = decisionId;
      this.next = (this.next + 1) % this.order.length;
    }
    this.entries.set(decisionId, pack(decision));
  }

  get(decisionId: string): LoggedDecision | undefined {
    const packed = this.entries.get(decisionId);
    return packed === undefined ? undefined : unpack(packed);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Fields per action in a packed decision: actionId, issue, group, mandatory (0 or 1). */
const ACTION_FIELDS = 4;

/** `[subscriberId, channel, at, actionId, issue, group, mandatory, actionId, ...]` as JSON: one flat string. */
function pack(decision: LoggedDecision): string {
  const flat: (string | number)[] = [decision.subscriberId, decision.channel, decision.at];
  for (const [actionId, action] of decision.actions) {
    flat.push(actionId, action.issue, action.group, action.mandatory ? 1 : 0);
  }
  return JSON.stringify(flat);
}

function unpack(packed: string): LoggedDecision {
  const flat = JSON.parse(packed) as (string | number)[];
  const actions = new Map<string, LoggedAction>();
  for (let at = 3; at + ACTION_FIELDS <= flat.length; at += ACTION_FIELDS) {
    actions.set(flat[at] as string, {
      issue: flat[at + 1] as string,
      group: flat[at + 2] as string,
      mandatory: flat[at + 3] === 1,
    });
  }
  return { subscriberId: flat[0] as string, channel: flat[1] as string, at: flat[2] as number, actions };
}

/**
 * The log as `decide()` uses it: `remember` returns at once and never throws; a failed or rejected write goes to
 * `onError`, so a slow or broken store delays no decision and crashes nothing.
 */
export function detachedRemember(log: DecisionLog, onError: (error: unknown) => void): DecisionLog {
  return {
    remember(decisionId, decision) {
      try {
        const pending = log.remember(decisionId, decision);
        if (pending !== undefined) Promise.resolve(pending).catch(onError);
      } catch (error) {
        onError(error);
      }
    },
    get: (decisionId) => log.get(decisionId),
    retention: log.retention,
  };
}
