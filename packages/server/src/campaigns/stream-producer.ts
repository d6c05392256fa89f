// The producer of a distributed campaign run: SCANs the profile keys and puts their subscriber ids on the work stream.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { DEFAULT_RETAIN_MS, STREAM_GROUP, type StreamRunKeys, streamRunKeys } from './stream-run.js';
import { PRODUCE_PAGE, RELEASE_PRODUCER, RENEW_PRODUCER } from './stream-scripts.js';

export interface StreamProducerOptions {
  /** A connection of the producing process (never a blocked one: it SCANs and runs scripts). */
  redis: Redis;
  runId: string;
  /** This process's consumer name: the producer lock holds it. */
  consumer: string;
  /** Prefix of the profile keys and the run's keys (default `arbiter:`). */
  prefix?: string;
  /** Subscriber ids per stream entry, at least (whole SCAN pages are added; default 1,000). */
  chunkSize?: number;
  /** The producer lock's time to live, renewed on every page (default 10,000 ms): a dead producer's successor
   * waits this long. */
  lockTtlMs?: number;
  /** Stop producing while this many entries wait undelivered (default 20), so the stream stays short. */
  maxBacklog?: number;
  /** Leave out ids already produced (a Redis set of them while producing; default true). */
  dedupe?: boolean;
  retainMs?: number;
}

export type ProducerStep =
  | { status: 'more'; added: number; backlog: number }
  | { status: 'produced'; added: number }
  /** Another process holds the lock (this one was too slow to renew it), or moved the cursor on. */
  | { status: 'lost' };

/**
 * Holds the run's producer lock (`SET NX PX`) and turns SCAN pages into stream entries, one Lua script per entry that
 * also moves the SCAN cursor saved in the meta hash: a successor after a crash continues from the last entry added,
 * and no page is added twice.
 */
export class StreamProducer {
  readonly #redis: Redis;
  readonly #consumer: string;
  readonly #keys: StreamRunKeys;
  readonly #profilePrefix: string;
  readonly #match: string;
  readonly #chunkSize: number;
  readonly #lockTtlMs: number;
  readonly #maxBacklog: number;
  readonly #dedupe: boolean;
  readonly #retainMs: number;
  #entries = 0;

  constructor(options: StreamProducerOptions) {
    const prefix = options.prefix ?? 'arbiter:';
    this.#redis = options.redis;
    this.#consumer = options.consumer;
    this.#keys = streamRunKeys(prefix, options.runId);
    this.#profilePrefix = `${prefix}profile:`;
    this.#match = `${this.#profilePrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    this.#chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 1_000));
    this.#lockTtlMs = Math.max(10, Math.floor(options.lockTtlMs ?? 10_000));
    this.#maxBacklog = Math.max(1, Math.floor(options.maxBacklog ?? 20));
    this.#dedupe = options.dedupe ?? true;
    this.#retainMs = options.retainMs ?? DEFAULT_RETAIN_MS;
  }

  /** Entries this producer added. */
  get entries(): number {
    return this.#entries;
  }

  /** Takes the producer lock if nobody holds it; true when this process is now the producer. */
  async acquire(): Promise<boolean> {
    const reply = await this.#redis.set(this.#keys.producer, this.#consumer, 'PX', this.#lockTtlMs, 'NX');
    return reply === 'OK';
  }

  /** Gives the lock up, if still held, so another process can take over at once. */
  async release(): Promise<void> {
    await RELEASE_PRODUCER.run(this.#redis, [this.#keys.producer], [this.#consumer]);
  }

  /**
   * Adds one entry: SCAN pages from the saved cursor until `chunkSize` ids (or the end, or a third of the lock's
   * time: the script renews the lock), then the entry and the new cursor in one script.
   */
  async step(): Promise<ProducerStep> {
    const [state, cursor] = await this.#redis.hmget(this.#keys.meta, 'state', 'cursor');
    if (state === 'produced') return { status: 'produced', added: 0 };
    const from = cursor ?? '0';
    const ids: string[] = [];
    const startedAt = Date.now();
    let next = from;
    do {
      const [after, keys] = await this.#redis.scan(next, 'MATCH', this.#match, 'COUNT', Math.min(500, this.#chunkSize));
      next = after;
      for (const key of keys) ids.push(key.slice(this.#profilePrefix.length));
    } while (next !== '0' && ids.length < this.#chunkSize && Date.now() - startedAt < this.#lockTtlMs / 3);
    const k = this.#keys;
    const [status, added, backlog] = (await PRODUCE_PAGE.run(
      this.#redis,
      [k.meta, k.work, k.producer, k.seen],
      [this.#consumer, from, next, STREAM_GROUP, this.#dedupe ? 1 : 0, this.#lockTtlMs, this.#retainMs, ...ids],
    )) as [string, number, number];
    if (status !== 'ok') return { status: 'lost' };
    if (added > 0) this.#entries++;
    return next === '0' ? { status: 'produced', added } : { status: 'more', added, backlog };
  }

  /**
   * Produces until the population is on the stream, the lock is lost, or `signal` aborts; while `maxBacklog`
   * entries wait undelivered it pauses, keeping the lock.
   */
  async run(signal: AbortSignal): Promise<'produced' | 'lost' | 'stopped'> {
    const pauseMs = Math.max(5, Math.min(100, this.#lockTtlMs / 3));
    while (!signal.aborted) {
      const step = await this.step();
      if (step.status !== 'more') return step.status;
      let backlog = step.backlog;
      while (backlog >= this.#maxBacklog) {
        if (!(await pause(pauseMs, signal))) return 'stopped';
        backlog = (await RENEW_PRODUCER.run(
          this.#redis,
          [this.#keys.producer, this.#keys.work],
          [this.#consumer, this.#lockTtlMs, STREAM_GROUP],
        )) as number;
        if (backlog < 0) return 'lost';
      }
    }
    return 'stopped';
  }
}

/** Waits `ms`; false when the signal aborted the wait. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
