// The contact history contract (what was shown or sent, and its outcome) and its in-memory store.
import { type CapSpec, firstCapReached, RESERVED, type ReserveResult, reservedBefore } from './cap-spec.js';

export type Outcome = 'impression' | 'click' | 'accept' | 'reject' | 'convert';

/** One contact with a subscriber: the source of truth for caps, cooldowns and suppression. */
export interface ContactRecord {
  /** epoch ms */
  at: number;
  subscriberId: string;
  decisionId: string;
  actionId: string;
  issue: string;
  group: string;
  channel: string;
  outcome: Outcome;
  /** Mandatory contacts never count toward caps. */
  mandatory: boolean;
}

/** Where contact records live: in memory in the engine, Redis in the server. */
export interface ContactHistory {
  load(subscriberId: string): Promise<readonly ContactRecord[]> | readonly ContactRecord[];
  record(record: ContactRecord): Promise<void> | void;
  /**
   * Checks every limit (`policy.capsFor(candidate, channel)`) against the stored records at `now` and, only when all
   * pass, records the contact, as one atomic step: two callers can never both take the last contact of a cap.
   * A contact already recorded for the same decision, action, outcome and time is refused as `ONCE_PER_DECISION`.
   * Rejects (fails closed) when the store cannot answer. Optional: stores without it cannot back outbound sends
   * shared between processes.
   */
  reserve?(record: ContactRecord, caps: readonly CapSpec[], now: number): Promise<ReserveResult> | ReserveResult;
}

export interface InMemoryContactHistoryOptions {
  /**
   * Records older than this many ms before the subscriber's newest record are dropped on write.
   * Pass the compiled policy's `horizonMs`: nothing older can change a verdict.
   */
  horizonMs?: number;
  /** Keep at most this many records per subscriber, dropping the oldest first. Default 500. */
  maxRecordsPerSubscriber?: number;
}

const NONE: readonly ContactRecord[] = Object.freeze([]);

/**
 * Contact history in a Map of subscriber -> records, oldest first.
 * Writes copy the subscriber's list, so an array returned by `load` is a snapshot that never changes under its reader.
 *
 * @example
 * const history = new InMemoryContactHistory({ horizonMs: policy.horizonMs });
 * history.record({ at: now, subscriberId: 'SUB-00000001', outcome: 'impression', ... });
 */
export class InMemoryContactHistory implements ContactHistory {
  readonly #records = new Map<string, readonly ContactRecord[]>();
  readonly #horizonMs: number;
  readonly #maxRecords: number;

  constructor(options: InMemoryContactHistoryOptions = {}) {
    this.#horizonMs = options.horizonMs ?? Number.POSITIVE_INFINITY;
    this.#maxRecords = Math.max(1, Math.floor(options.maxRecordsPerSubscriber ?? 500));
  }

  /** The subscriber's records, oldest first; an empty list for an unknown subscriber. */
  load(subscriberId: string): readonly ContactRecord[] {
    return this.#records.get(subscriberId) ?? NONE;
  }

  /** Adds a record in time order, then trims what is past the horizon or over the bound. */
  record(record: ContactRecord): void {
    const current = this.#records.get(record.subscriberId) ?? NONE;
    // Records usually arrive in order; an outcome reported late is slotted in by time.
    let insertAt = current.length;
    while (insertAt > 0 && current[insertAt - 1]!.at > record.at) insertAt--;
    const newest = Math.max(record.at, current.at(-1)?.at ?? record.at);
    // Trim relative to the newest record, never the wall clock: the store stays deterministic and testable.
    const oldestKept = newest - this.#horizonMs;
    let start = 0;
    while (start < current.length && current[start]!.at < oldestKept) start++;
    const next: ContactRecord[] = [];
    for (let i = start; i < insertAt; i++) next.push(current[i]!);
    if (record.at >= oldestKept) next.push(record);
    for (let i = Math.max(insertAt, start); i < current.length; i++) next.push(current[i]!);
    const overflow = next.length - this.#maxRecords;
    this.#records.set(record.subscriberId, overflow > 0 ? next.slice(overflow) : next);
  }

  /** Records the contact unless a limit is used up; atomic because one process runs it to the end. */
  reserve(record: ContactRecord, caps: readonly CapSpec[], now: number): ReserveResult {
    const records = this.load(record.subscriberId);
    const refused = reservedBefore(records, record) ?? firstCapReached(records, caps, now);
    if (refused !== undefined) return refused;
    this.record(record);
    return RESERVED;
  }

  /** Forgets one subscriber's records (e.g. on a privacy erasure request). */
  delete(subscriberId: string): void {
    this.#records.delete(subscriberId);
  }

  /** Number of subscribers with at least one record. */
  get size(): number {
    return this.#records.size;
  }
}
