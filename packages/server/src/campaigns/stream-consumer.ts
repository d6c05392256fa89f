// One process's membership of a run's consumer group: reading, claiming, keeping and acknowledging work stream entries.
import type { Redis } from 'ioredis';
import { STREAM_GROUP, type StreamRunKeys } from './stream-run.js';
import { COMMIT_ENTRY, TOUCH_ENTRIES } from './stream-scripts.js';

/** A stream entry as Redis returns it; `fields` is null for an entry deleted while pending. */
export type StreamEntry = [id: string, fields: string[] | null];

export interface StreamConsumerOptions {
  /** For everything but the blocking read. */
  redis: Redis;
  /** For `XREADGROUP ... BLOCK` only: a blocked connection runs nothing else. */
  blocking: Redis;
  keys: StreamRunKeys;
  consumer: string;
  claimIdleMs: number;
  blockMs: number;
  retainMs: number;
}

/** Where the run stands, as one consumer needs it to decide whether it is over. */
export interface GroupStatus {
  state: 'producing' | 'produced';
  /** Entries no consumer has taken yet. */
  waiting: number;
  /** Entries taken and not acknowledged, by anyone. */
  working: number;
  /** Of them, this consumer's. */
  mine: number;
}

export class StreamConsumer {
  readonly #o: StreamConsumerOptions;
  #claimCursor = '0-0';
  #claimAt = 0;

  constructor(options: StreamConsumerOptions) {
    this.#o = options;
  }

  /** This consumer's pending entries (it restarted under the same name), oldest first. */
  async ownPending(): Promise<StreamEntry[]> {
    const entries: StreamEntry[] = [];
    let after = '0';
    for (;;) {
      const page = entriesOf(await this.#o.redis.call(...this.#readArgs(100, undefined, after)));
      if (page.length === 0) return entries;
      entries.push(...page);
      after = page[page.length - 1]![0];
    }
  }

  /**
   * An entry idle for `claimIdleMs` (its consumer died), now this one's. Looked for at most every quarter of that,
   * unless `now`.
   */
  async claim(now = false): Promise<StreamEntry | undefined> {
    if (!now && Date.now() < this.#claimAt) return undefined;
    const { redis, keys, consumer, claimIdleMs } = this.#o;
    const [cursor, claimed] = (await redis.xautoclaim(
      keys.work,
      STREAM_GROUP,
      consumer,
      claimIdleMs,
      this.#claimCursor,
      'COUNT',
      1,
    )) as [string, StreamEntry[]];
    this.#claimCursor = cursor;
    if (claimed[0] === undefined && cursor === '0-0') this.#claimAt = Date.now() + claimIdleMs / 4;
    return claimed[0];
  }

  /** A new entry, waiting up to `blockMs` for one. */
  async receive(): Promise<StreamEntry | undefined> {
    return entriesOf(await this.#o.blocking.call(...this.#readArgs(1, this.#o.blockMs, '>')))[0];
  }

  /** Acknowledges and deletes an entry and counts it run-wide; false when it was acknowledged already. */
  async commit(id: string, scanned: number, skipped: number): Promise<boolean> {
    const { redis, keys, retainMs } = this.#o;
    const done = await COMMIT_ENTRY.run(
      redis,
      [keys.work, keys.counts, keys.meta],
      [STREAM_GROUP, id, scanned, skipped, retainMs],
    );
    return done === 1;
  }

  /** Resets the idle time of the entries this consumer still owns; returns those it no longer owns. */
  async touch(ids: Iterable<string>): Promise<string[]> {
    const { redis, keys, consumer } = this.#o;
    return (await TOUCH_ENTRIES.run(redis, [keys.work], [STREAM_GROUP, consumer, ...ids])) as string[];
  }

  /** The run's state and the group's counts, read in one transaction. */
  async status(): Promise<GroupStatus> {
    const { redis, keys, consumer } = this.#o;
    const replies = await redis
      .multi()
      .hget(keys.meta, 'state')
      .xlen(keys.work)
      .xpending(keys.work, STREAM_GROUP)
      .exec();
    const [state, length, pending] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [string | null, number, [number, string | null, string | null, [string, string][] | null]];
    const working = Number(pending[0]);
    return {
      state: state === 'produced' ? 'produced' : 'producing',
      waiting: length - working,
      working,
      mine: Number(pending[3]?.find(([name]) => name === consumer)?.[1] ?? 0),
    };
  }

  #readArgs(count: number, blockMs: number | undefined, after: string): [string, ...(string | number)[]] {
    const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
    const { keys, consumer } = this.#o;
    return ['XREADGROUP', 'GROUP', STREAM_GROUP, consumer, 'COUNT', count, ...block, 'STREAMS', keys.work, after];
  }
}

/** The subscriber ids an entry carries (none for a deleted one). */
export function idsOf([, fields]: StreamEntry): string[] {
  if (fields === null) return [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'ids') return JSON.parse(fields[i + 1]!) as string[];
  }
  return [];
}

/** The entries of an XREADGROUP reply: `[[stream, [[id, fields], ...]]]`, or null. */
function entriesOf(reply: unknown): StreamEntry[] {
  const streams = reply as [string, StreamEntry[]][] | null;
  return streams?.[0]?.[1] ?? [];
}
