// Contact history in Redis: a sorted set per subscriber, and caps checked and reserved atomically by one Lua script.

import { readFileSync } from 'node:fs';
import type { ContactHistory, ContactRecord } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import type { ChainableCommander, Redis } from 'ioredis';
import { ContactBuffer, type PendingContact } from './contact-history-buffer.js';
import { decodeContact, encodeContact, uidSource } from './contact-history-codec.js';
import type { CapSpec, ReserveResult } from './contact-history-types.js';
import { Outage } from './outage.js';

const RECORD_CONTACT_LUA = readFileSync(new URL('./lua/record-contact.lua', import.meta.url), 'utf8');
const COMMAND = 'arbiterRecordContact';

type RecordContact = (
  key: string,
  member: string,
  at: string,
  now: string,
  horizonMs: string,
  maxRecords: string,
  ttlMs: string,
  caps: string,
  reservation: '0' | '1',
) => Promise<[number, string?, number?, number?]>;

export interface RedisContactHistoryOptions {
  /**
   * The client. Give it fail-fast settings, or a dead Redis stalls decisions instead of degrading them:
   * `{ commandTimeout: 250, maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResendUnfulfilledCommands: false }`.
   */
  redis: Redis;
  /** The compiled policy's `horizonMs`: records older than the newest minus this are trimmed; also the key TTL. */
  horizonMs: number;
  /** Prefix of every key (default `arbiter:`); keys are `<prefix>contacts:<subscriberId>`. */
  keyPrefix?: string;
  /** Keep at most this many records per subscriber, dropping the oldest (default 500, as in memory). */
  maxRecordsPerSubscriber?: number;
  /** Records buffered in memory while Redis is away (default 100,000); past it the oldest are dropped and counted. */
  bufferLimit?: number;
  /** Wait between attempts to write the buffer while Redis is away, in ms (default 1,000). */
  retryMs?: number;
  /** Where the store reports an outage, its end, and dropped records (default console.warn). */
  log?: (message: string) => void;
}

/** What the outage buffer has done since the store was made. */
export interface ContactHistoryStats {
  /** Records accepted and waiting for Redis now. */
  buffered: number;
  /** Records dropped from a full buffer (or refused by Redis as malformed): accepted, then lost. */
  droppedOutcomes: number;
  /** Records written from the buffer once Redis answered again. */
  flushedOutcomes: number;
}

const NO_CAPS = '[]';
const FLUSH_BATCH = 500;

/**
 * A `ContactHistory` shared by every server process: `reserve()` checks a contact's caps and records it in one Lua
 * script, so two processes never both take the last contact of a cap. When Redis is down or slow, `load()` and
 * `reserve()` reject (the engine then degrades inbound decisions and fails outbound sends closed), while `record()`
 * buffers in memory and writes the buffer, in order, when Redis answers again.
 *
 * @example
 * const history = new RedisContactHistory({ redis, horizonMs: config.policy.horizonMs });
 * const result = await history.reserve(record, config.policy.capsFor(action, 'sms'), now);
 * if (result.ok) await channel.deliver(message); // else: result.cap is used up
 */
export class RedisContactHistory implements ContactHistory {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #horizonMs: string;
  readonly #ttlMs: string;
  readonly #maxRecords: string;
  readonly #uid = uidSource();
  readonly #buffer: ContactBuffer;
  #dropped = 0;
  #flushed = 0;
  /** From the first buffered record until the buffer is written: logged once each way, retried on a timer. */
  readonly #outage: Outage;
  readonly #onReady = () => {
    if (this.#buffer.length > 0) void this.flush();
  };

  constructor(options: RedisContactHistoryOptions) {
    const { horizonMs } = options;
    if (!Number.isFinite(horizonMs) || horizonMs < 0) {
      throw new TypeError(`horizonMs must be a finite number of ms, got ${horizonMs}`);
    }
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix ?? 'arbiter:';
    this.#horizonMs = String(horizonMs);
    // PEXPIRE needs a positive TTL; a policy that looks back 0 ms needs nothing kept.
    this.#ttlMs = String(Math.max(1, Math.ceil(horizonMs)));
    this.#maxRecords = String(Math.max(1, Math.floor(options.maxRecordsPerSubscriber ?? 500)));
    this.#buffer = new ContactBuffer(Math.max(1, Math.floor(options.bufferLimit ?? 100_000)));
    this.#outage = new Outage({
      name: 'contact history',
      retryMs: options.retryMs ?? 1_000,
      log: options.log ?? ((message) => console.warn(message)),
      drain: () => this.#drain(),
    });
    // ioredis sends EVALSHA and falls back to EVAL when Redis lost its script cache (a restart).
    if (!(COMMAND in this.#redis)) this.#redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: RECORD_CONTACT_LUA });
    this.#redis.on('ready', this.#onReady);
  }

  /** The subscriber's records, oldest first, plus any still buffered. Rejects when Redis does not answer. */
  async load(subscriberId: string): Promise<readonly ContactRecord[]> {
    // The whole set: writes keep it trimmed to the horizon, and the policy applies each rule's own window.
    const members = await this.#redis.zrange(this.#key(subscriberId), 0, -1);
    return this.#records(subscriberId, members);
  }

  /**
   * `load` for many subscribers in one pipeline (a campaign run reads a chunk at a time): their records in the
   * order of `subscriberIds`. Rejects when Redis does not answer any one of them.
   */
  async loadMany(subscriberIds: readonly string[]): Promise<ContactRecord[][]> {
    if (subscriberIds.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of subscriberIds) pipeline.zrange(this.#key(id), 0, -1);
    const results = await pipeline.exec();
    if (!results) throw new Error('contact history: the pipeline was aborted');
    return subscriberIds.map((id, i) => {
      const [error, members] = results[i]!;
      if (error) throw error;
      return this.#records(id, members as string[]);
    });
  }

  /**
   * Writes a record (an outcome). Never loses an accepted record to an outage: when Redis does not answer, the
   * record is buffered and written later, in arrival order. Rejects only when Redis refuses the write itself.
   */
  async record(record: ContactRecord): Promise<void> {
    const pending = this.#pending(record);
    // Behind records already waiting, so the buffer is written in arrival order.
    if (this.#buffer.length > 0) return this.#enqueue(pending, 'records are waiting for Redis');
    try {
      await this.#recordContact(this.#redis, pending, NO_CAPS, record.at);
    } catch (error) {
      if (isRefusal(error)) throw error;
      this.#enqueue(pending, errorMessage(error));
    }
  }

  /**
   * Checks every cap and records the contact only if all pass, atomically in Redis. Rejects (fails closed) when Redis
   * does not answer, or when this subscriber's records still wait in the buffer. A reserve that times out may still
   * have been applied: the caller does not send, and the cap counts one contact too many, never one too few.
   */
  async reserve(record: ContactRecord, caps: readonly CapSpec[], now: number): Promise<ReserveResult> {
    if (this.#buffer.pendingFor(record.subscriberId) > 0) {
      await this.flush();
      const waiting = this.#buffer.pendingFor(record.subscriberId);
      if (waiting > 0) {
        throw new Error(`${waiting} contact records of ${record.subscriberId} wait for Redis; caps cannot be checked`);
      }
    }
    const [ok, cap, count, limit] = await this.#recordContact(
      this.#redis,
      this.#pending(record),
      JSON.stringify(caps),
      now,
      '1',
    );
    return ok === 1 ? { ok: true } : { ok: false, cap: String(cap), count: Number(count), limit: Number(limit) };
  }

  /** Writes the buffer, oldest first; resolves with how many records still wait (0 once all are written). */
  flush(): Promise<number> {
    return this.#outage.flush();
  }

  stats(): ContactHistoryStats {
    return { buffered: this.#buffer.length, droppedOutcomes: this.#dropped, flushedOutcomes: this.#flushed };
  }

  /** Stops retrying and listening to the client (which stays the caller's). `flush()` first to write the buffer. */
  close(): void {
    this.#outage.close();
    this.#redis.off('ready', this.#onReady);
  }

  /** A subscriber's stored members as records, plus any still buffered (accepted while Redis was away: they count). */
  #records(subscriberId: string, members: readonly string[]): ContactRecord[] {
    const records = members.map((member) => decodeContact(member, subscriberId));
    if (this.#buffer.pendingFor(subscriberId) === 0) return records;
    const stored = new Set(members);
    for (const pending of this.#buffer.entriesFor(subscriberId)) {
      if (!stored.has(pending.member)) records.push(decodeContact(pending.member, subscriberId));
    }
    return records.sort((a, b) => a.at - b.at);
  }

  #key(subscriberId: string): string {
    return `${this.#prefix}contacts:${subscriberId}`;
  }

  #pending(record: ContactRecord): PendingContact {
    const { subscriberId, at } = record;
    return { subscriberId, at, key: this.#key(subscriberId), member: encodeContact(record, this.#uid()) };
  }

  #recordContact(
    client: Redis | ChainableCommander,
    pending: PendingContact,
    caps: string,
    now: number,
    reservation: '0' | '1' = '0',
  ) {
    const command = (client as unknown as Record<typeof COMMAND, RecordContact>)[COMMAND];
    return command.call(
      client,
      pending.key,
      pending.member,
      String(pending.at),
      String(now),
      this.#horizonMs,
      this.#maxRecords,
      this.#ttlMs,
      caps,
      reservation,
    );
  }

  #enqueue(pending: PendingContact, cause: string): void {
    this.#outage.begin(`Redis did not answer (${cause}); buffering records in memory (up to ${this.#buffer.limit})`);
    if (this.#buffer.push(pending) !== undefined) this.#drop('the buffer is full');
  }

  #drop(why: string): void {
    this.#dropped++;
    this.#outage.warnDrop(`${why}; dropping the oldest buffered records (counted in droppedOutcomes)`);
  }

  async #drain(): Promise<number> {
    const before = this.#flushed;
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.peek(FLUSH_BATCH);
      const pipeline = this.#redis.pipeline();
      for (const pending of batch) void this.#recordContact(pipeline, pending, NO_CAPS, pending.at);
      let results: [Error | null, unknown][] | null;
      try {
        results = await pipeline.exec();
      } catch {
        results = null;
      }
      // Written in order up to the first failure; a record re-sent after that is a no-op (its uid is already there).
      let done = 0;
      for (const [error] of results ?? []) {
        if (error === null) this.#flushed++;
        else if (isRefusal(error)) this.#drop(`Redis refused a buffered record (${error.message})`);
        else break;
        done++;
      }
      this.#buffer.shift(done);
      if (done < batch.length) {
        this.#outage.retryLater();
        return this.#buffer.length;
      }
    }
    this.#outage.end(`Redis answers again; wrote ${this.#flushed - before} buffered records`);
    return 0;
  }
}

/** Redis answered, and said no: a retry would get the same answer (a key of another type under our prefix). */
function isRefusal(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError' && error.message.startsWith('WRONGTYPE');
}
