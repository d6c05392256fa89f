// The decision log in Redis: one key per decision, kept for the late-outcome window, so any node can take its outcomes.

import { errorMessage, RecencyMap } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { type DecisionLog, decodeDecision, encodeDecision, type LoggedDecision } from './decision-log-codec.js';
import { Outage } from './outage.js';

/** Outcomes are accepted this long after their decision, by default: 7 days. */
export const DEFAULT_LATE_OUTCOME_WINDOW_MS = 7 * 24 * 3_600_000;

export interface RedisDecisionLogOptions {
  /** The client; fail-fast settings as for `RedisContactHistory` (see the README). */
  redis: Redis;
  /** Prefix of every key (default `arbiter:`); keys are `<prefix>decision:<decisionId>`. */
  keyPrefix?: string;
  /** The late-outcome window: how long a decision accepts outcomes, its key's TTL (default 7 days). */
  windowMs?: number;
  /** Decisions kept in memory while Redis is away (default 100,000); past it the oldest are dropped and counted. */
  bufferLimit?: number;
  /** Wait between attempts to write waiting decisions while Redis is away, in ms (default 1,000). */
  retryMs?: number;
  /** Where the log reports an outage, its end, and dropped decisions (default console.warn). */
  log?: (message: string) => void;
  /** Wall clock for the window of decisions that wait in memory (default Date.now). */
  clock?: () => number;
}

export interface DecisionLogStats {
  /** Decisions remembered here and not yet written to Redis (being written, or waiting for Redis). */
  pending: number;
  /** Decisions dropped from a full buffer: their outcomes will get UNKNOWN_DECISION. */
  droppedDecisions: number;
  /** Decisions written to Redis after waiting for it. */
  flushedDecisions: number;
}

interface Pending {
  readonly decision: LoggedDecision;
  readonly bytes: Buffer;
  /** Wall-clock ms when remembered: the window runs from here, however late the write. */
  readonly since: number;
}

const FLUSH_BATCH = 500;

/**
 * A `DecisionLog` shared by every server node (pass it as `createEngine({ decisionLog })`). `remember` returns at
 * once: the decision waits in memory, where `get` finds it, until its key is written; when Redis is away it keeps
 * waiting (bounded) and is written when Redis answers. `get` rejects when Redis cannot answer for a decision that is
 * not waiting here, so the engine reports a retryable error rather than UNKNOWN_DECISION.
 *
 * @example
 * const decisionLog = new RedisDecisionLog({ redis, windowMs: 3 * 86_400_000 });
 * const engine = createEngine({ config, profiles, history, decisionLog });
 */
export class RedisDecisionLog implements DecisionLog {
  readonly retention: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #windowMs: number;
  readonly #limit: number;
  readonly #clock: () => number;
  /** Decisions waiting for Redis; the one remembered longest ago is dropped first when the buffer is full. */
  readonly #pending = new RecencyMap<string, Pending>();
  #dropped = 0;
  #flushed = 0;
  /** From the first write Redis did not take until everything waiting is written: logged once each way. */
  readonly #outage: Outage;
  readonly #onReady = () => {
    if (this.#outage.active) void this.flush();
  };

  constructor(options: RedisDecisionLogOptions) {
    const windowMs = options.windowMs ?? DEFAULT_LATE_OUTCOME_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs < 1) {
      throw new TypeError(`windowMs must be a positive number of ms, got ${windowMs}`);
    }
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix ?? 'arbiter:';
    this.#windowMs = Math.ceil(windowMs);
    this.#limit = Math.max(1, Math.floor(options.bufferLimit ?? 100_000));
    this.#outage = new Outage({
      name: 'decision log',
      retryMs: options.retryMs ?? 1_000,
      log: options.log ?? ((message) => console.warn(message)),
      drain: () => this.#drain(),
    });
    this.#clock = options.clock ?? Date.now;
    this.retention = `decisions for ${formatWindow(this.#windowMs)}`;
    this.#redis.on('ready', this.#onReady);
  }

  /** Keeps the decision for the window. Never rejects: a decision Redis cannot take now waits here, bounded. */
  remember(decisionId: string, decision: LoggedDecision): Promise<void> {
    if (this.#pending.size >= this.#limit) {
      const oldest = this.#pending.oldestKey();
      if (oldest !== undefined) this.#pending.delete(oldest);
      this.#drop();
    }
    const entry: Pending = { decision, bytes: encodeDecision(decision), since: this.#clock() };
    this.#pending.set(decisionId, entry);
    // During an outage, one retry loop writes everything; single writes would only time out one by one.
    if (this.#outage.active) return Promise.resolve();
    return this.#write(decisionId, entry).then(
      () => this.#written(decisionId, entry),
      (error: unknown) => this.#startOutage(error),
    );
  }

  /** The decision if it is inside the window; undefined if unknown or expired. Rejects when Redis cannot answer. */
  async get(decisionId: string): Promise<LoggedDecision | undefined> {
    const waiting = this.#pending.get(decisionId);
    if (waiting !== undefined) return this.#remainingMs(waiting) > 0 ? waiting.decision : undefined;
    const bytes = await this.#redis.getBuffer(this.#key(decisionId));
    return bytes === null ? undefined : decodeDecision(bytes);
  }

  /** Writes the waiting decisions, oldest first; resolves with how many still wait (0 once all are written). */
  flush(): Promise<number> {
    return this.#outage.flush();
  }

  stats(): DecisionLogStats {
    return { pending: this.#pending.size, droppedDecisions: this.#dropped, flushedDecisions: this.#flushed };
  }

  /** Stops retrying and listening to the client (which stays the caller's). `flush()` first to write what waits. */
  close(): void {
    this.#outage.close();
    this.#redis.off('ready', this.#onReady);
  }

  #key(decisionId: string): string {
    return `${this.#prefix}decision:${decisionId}`;
  }

  #remainingMs(entry: Pending): number {
    return this.#windowMs - (this.#clock() - entry.since);
  }

  async #write(decisionId: string, entry: Pending): Promise<void> {
    const ttl = this.#remainingMs(entry);
    // The window closed while the decision waited for Redis: there is nothing left to keep.
    if (ttl > 0) await this.#redis.set(this.#key(decisionId), entry.bytes, 'PX', ttl);
  }

  #written(decisionId: string, entry: Pending): void {
    // Only the entry this write was for: an id remembered again meanwhile is written by its own call.
    if (this.#pending.get(decisionId) === entry) this.#pending.delete(decisionId);
  }

  #startOutage(error: unknown): void {
    const cause = errorMessage(error);
    this.#outage.begin(`Redis did not answer (${cause}); keeping decisions in memory (up to ${this.#limit})`);
  }

  #drop(): void {
    this.#dropped++;
    this.#outage.warnDrop('too many decisions wait for Redis; dropping the oldest (counted in droppedDecisions)');
  }

  async #drain(): Promise<number> {
    const before = this.#flushed;
    while (this.#pending.size > 0) {
      const batch: [string, Pending][] = [];
      for (const item of this.#pending.entries()) {
        batch.push(item);
        if (batch.length === FLUSH_BATCH) break;
      }
      const pipeline = this.#redis.pipeline();
      const sent: [string, Pending][] = [];
      for (const [id, entry] of batch) {
        const ttl = this.#remainingMs(entry);
        if (ttl > 0) {
          pipeline.set(this.#key(id), entry.bytes, 'PX', ttl);
          sent.push([id, entry]);
        } else {
          this.#written(id, entry);
        }
      }
      let results: [Error | null, unknown][] | null = [];
      if (sent.length > 0) {
        try {
          results = await pipeline.exec();
        } catch {
          results = null;
        }
      }
      let done = 0;
      for (const [error] of results ?? []) {
        if (error !== null) break;
        const [id, entry] = sent[done]!;
        this.#written(id, entry);
        this.#flushed++;
        done++;
      }
      if (done < sent.length) {
        this.#outage.retryLater();
        return this.#pending.size;
      }
    }
    this.#outage.end(`Redis answers again; wrote ${this.#flushed - before} waiting decisions`);
    return 0;
  }
}

/** `7d`, `36h`, `90s`: the largest unit that divides the window, for messages. */
function formatWindow(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
