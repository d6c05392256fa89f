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

/** A bounded map of recent decisions: when full, the oldest is forgotten (its outcomes then get UNKNOWN_DECISION). */
export class InMemoryDecisionLog implements DecisionLog {
  private readonly entries = new Map<string, LoggedDecision>();
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
    this.entries.set(decisionId, decision);
  }

  get(decisionId: string): LoggedDecision | undefined {
    return this.entries.get(decisionId);
  }

  get size(): number {
    return this.entries.size;
  }
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
