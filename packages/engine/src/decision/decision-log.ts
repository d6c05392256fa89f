// Recent decisions kept in memory, so an outcome reported against a decision id can be tied to its subscriber and action.

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

/** A bounded map of recent decisions: when full, the oldest is forgotten (its outcomes then get UNKNOWN_DECISION). */
export class DecisionLog {
  private readonly entries = new Map<string, LoggedDecision>();

  constructor(readonly capacity = 100_000) {}

  remember(decisionId: string, decision: LoggedDecision): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
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
